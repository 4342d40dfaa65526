"""Decision cases as data: every folder under tests/cases (and samples/)
with a requests.ndjson is decided with its own policy/ and metadata.json,
one test per request line that carries an "expect"."""

import json
import os
import re
import unittest

from support import CASES, SAMPLES, mismatch, nodeguard


def case_dirs():
    found = []
    for name in sorted(os.listdir(CASES)):
        path = os.path.join(CASES, name)
        if os.path.isfile(os.path.join(path, "requests.ndjson")):
            found.append((name, path))
    found.append(("samples", SAMPLES))
    return found


def expected_lines(path):
    with open(os.path.join(path, "requests.ndjson"), encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            expect = json.loads(line).get("expect")
            if isinstance(expect, dict):
                yield number, line, expect


class CaseFolder(unittest.TestCase):
    """The tests of one folder share one engine."""

    folder = None

    @classmethod
    def setUpClass(cls):
        with nodeguard.Policy.load(os.path.join(cls.folder, "policy")) as p, \
                nodeguard.Metadata.load(
                    os.path.join(cls.folder, "metadata.json")) as m:
            cls.engine = nodeguard.Engine(p, m)

    @classmethod
    def tearDownClass(cls):
        cls.engine.close()

    def check_line(self, line, expect):
        with nodeguard.Request.from_json(line) as request:
            decision = self.engine.decide(request)
        why = mismatch(expect, decision.to_dict())
        if why:
            self.fail("%s\n    %s" % (why, decision.json))


def make_test(line, expect):
    def test(self):
        self.check_line(line, expect)
    return test


def ident(text):
    return re.sub(r"\W", "_", text)


def load_tests(loader, standard_tests, pattern):
    suite = unittest.TestSuite()
    for name, path in case_dirs():
        methods = {"folder": path}
        for number, line, expect in expected_lines(path):
            request_id = json.loads(line).get("id") or "line"
            test_name = "test_%03d_%s" % (number, ident(str(request_id)))
            methods[test_name] = make_test(line, expect)
        cls = type("Case_" + ident(name), (CaseFolder,), methods)
        suite.addTests(loader.loadTestsFromTestCase(cls))
    return suite
