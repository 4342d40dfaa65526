"""Lint through the binding, when the library has it."""

import os
import unittest

from support import SAMPLES, TempDir, nodeguard

HAS_LINT = nodeguard._lib.has("ng_lint_run")

BAD_ROLES = """_meta: {type: roles, config_version: 2}
broken:
  cluster_permissions: ["a", "b"
"""


@unittest.skipUnless(HAS_LINT, "the library has no lint API")
class Lint(unittest.TestCase):

    def test_findings_carry_rule_file_and_position(self):
        with TempDir({"roles.yml": BAD_ROLES}) as path:
            findings = nodeguard.lint(path)
        self.assertTrue(findings)
        first = findings[0]
        self.assertEqual(first.severity, nodeguard.Severity.ERROR)
        self.assertTrue(first.file.endswith("roles.yml"), first.file)
        self.assertGreater(first.line, 0)
        self.assertTrue(first.rule)
        self.assertTrue(first.message)

    def test_samples_lint_with_metadata(self):
        findings = nodeguard.lint(os.path.join(SAMPLES, "policy"),
                                  os.path.join(SAMPLES, "metadata.json"))
        for f in findings:
            self.assertIsInstance(f.severity, nodeguard.Severity)

    def test_missing_directory_raises(self):
        with self.assertRaises(nodeguard.NodeguardError):
            nodeguard.lint("/nonexistent/nodeguard/policy")

    def test_rules_are_listed(self):
        rules = nodeguard.lint_rules()
        self.assertTrue(rules)
        ids = [r.id for r in rules]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertTrue(all(r.summary for r in rules))
