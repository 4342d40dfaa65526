"""Error paths: every failure raises NodeguardError with the detail of
ng_last_error(), and a failed reload changes nothing."""

import datetime
import os
import unittest

from support import SAMPLES, TempDir, nodeguard

NodeguardError = nodeguard.NodeguardError
ErrorCode = nodeguard.ErrorCode

BAD_ROLES = """_meta:
  type: "roles"
  config_version: 2
broken:
  cluster_permissions: ["a", "b"
  index_permissions: []
"""

SEARCH = '{"user": {"name": "lena"}, ' \
         '"rest": {"method": "GET", "path": "/logs-*/_search"}}'


def sample_metadata():
    return nodeguard.Metadata.load(os.path.join(SAMPLES, "metadata.json"))


class PolicyErrors(unittest.TestCase):

    def test_syntax_error_names_file_line_and_column(self):
        with TempDir({"roles.yml": BAD_ROLES}) as path:
            with self.assertRaises(NodeguardError) as cm:
                nodeguard.Policy.load(path)
        err = cm.exception
        self.assertEqual(err.code, ErrorCode.ESYNTAX)
        self.assertTrue(err.file.endswith("roles.yml"), err.file)
        self.assertEqual(err.line, 6)
        self.assertGreater(err.column, 0)
        self.assertTrue(err.message)
        self.assertIn("roles.yml:6:", str(err))

    def test_missing_directory_is_an_io_error(self):
        with self.assertRaises(NodeguardError) as cm:
            nodeguard.Policy.load("/nonexistent/nodeguard/policy")
        self.assertEqual(cm.exception.code, ErrorCode.EIO)
        self.assertIn("/nonexistent/nodeguard/policy", str(cm.exception))

    def test_node_load_policy_reports_the_same_detail(self):
        with TempDir({"roles.yml": BAD_ROLES}) as path, \
                nodeguard.Node() as node:
            with self.assertRaises(NodeguardError) as cm:
                node.load_policy(path)
        self.assertEqual(cm.exception.code, ErrorCode.ESYNTAX)
        self.assertEqual(cm.exception.line, 6)


class MetadataErrors(unittest.TestCase):

    def test_malformed_json_text_has_line_and_column(self):
        with self.assertRaises(NodeguardError) as cm:
            nodeguard.Metadata.parse('{"indices": {"a": {,}}}')
        err = cm.exception
        self.assertEqual(err.code, ErrorCode.ESYNTAX)
        self.assertIsNone(err.file)
        self.assertEqual(err.line, 1)
        self.assertGreater(err.column, 0)

    def test_malformed_json_file_names_the_file(self):
        text = '{\n  "indices": {\n    "logs-1": {"hidden": false,}\n  }\n}\n'
        with TempDir({"bad.json": text}) as path:
            name = os.path.join(path, "bad.json")
            with self.assertRaises(NodeguardError) as cm:
                nodeguard.Metadata.load(name)
        self.assertEqual(cm.exception.code, ErrorCode.ESYNTAX)
        self.assertEqual(cm.exception.file, name)
        self.assertEqual(cm.exception.line, 3)

    def test_wrong_shape_is_a_schema_error(self):
        with self.assertRaises(NodeguardError) as cm:
            nodeguard.Metadata.parse('{"indices": 5}')
        self.assertEqual(cm.exception.code, ErrorCode.ESCHEMA)

    def test_missing_file_is_an_io_error(self):
        with self.assertRaises(NodeguardError) as cm:
            nodeguard.Metadata.load("/nonexistent/metadata.json")
        self.assertEqual(cm.exception.code, ErrorCode.EIO)


class RequestErrors(unittest.TestCase):

    def test_malformed_request_line_raises(self):
        with self.assertRaises(NodeguardError) as cm:
            nodeguard.Request.from_json('{"user": ')
        self.assertEqual(cm.exception.code, ErrorCode.ESYNTAX)

    def test_bad_body_is_a_denial_not_an_error(self):
        with nodeguard.Policy.load(os.path.join(SAMPLES, "policy")) as p, \
                sample_metadata() as m, nodeguard.Engine(p, m) as engine:
            d = engine.decide(nodeguard.Request(
                "lena", "GET", "/logs-*/_search", "{bad"))
        self.assertEqual(d.status, 400)
        self.assertEqual(d.verdict, nodeguard.Verdict.DENY)

    def test_closed_handle_cannot_be_used(self):
        request = nodeguard.Request("lena")
        request.close()
        request.close()
        with self.assertRaises(ValueError):
            request.set_user("bo")

    def test_text_is_required(self):
        with self.assertRaises(TypeError):
            nodeguard.Request(user=42)

    def test_nul_is_refused_naming_the_value(self):
        with self.assertRaisesRegex(ValueError, "^user name holds a NUL"):
            nodeguard.Request(user="le\0na")
        with self.assertRaisesRegex(ValueError, "^body holds a NUL"):
            nodeguard.Request("lena", "GET", "/_search", b'{"a":"\0"}')
        with self.assertRaisesRegex(ValueError,
                                    "^attribute 'attr.x' holds a NUL"):
            nodeguard.Request("lena").add_attribute("attr.x", "a\0")

    def test_time_out_of_range_is_refused_not_wrapped(self):
        with self.assertRaises(OverflowError):
            nodeguard.Request("lena", time=2 ** 70)
        with self.assertRaises(OverflowError):
            nodeguard.Request("lena", time=-2 ** 63 - 1)
        nodeguard.Request("lena", time=2 ** 63 - 1).close()

    def test_time_of_the_wrong_kind_is_refused(self):
        with self.assertRaisesRegex(TypeError, "^time: expected epoch"):
            nodeguard.Request("lena", time="x")
        with self.assertRaises(TypeError):
            nodeguard.Request("lena", time=True)
        with self.assertRaisesRegex(ValueError, "naive datetime"):
            nodeguard.Request("lena", time=datetime.datetime(2026, 3, 23))
        aware = datetime.datetime(2026, 3, 23, tzinfo=datetime.timezone.utc)
        nodeguard.Request("lena", time=aware).close()


class Reload(unittest.TestCase):

    def test_acquire_before_ready_is_not_ready(self):
        with nodeguard.Node() as node:
            with self.assertRaises(NodeguardError) as cm:
                node.acquire()
            self.assertEqual(cm.exception.code, ErrorCode.ENOTREADY)
            node.load_policy(os.path.join(SAMPLES, "policy"))
            with self.assertRaises(NodeguardError):
                node.acquire()

    def test_failed_reload_keeps_the_old_policy_in_force(self):
        with nodeguard.Node() as node, sample_metadata() as m:
            node.load_policy(os.path.join(SAMPLES, "policy"))
            node.set_metadata(m)
            before = node.decide(SEARCH)
            self.assertEqual(before.status, 200)

            with TempDir({"roles.yml": BAD_ROLES}) as path:
                with self.assertRaises(NodeguardError):
                    node.load_policy(path)

            after = node.decide(SEARCH)
            self.assertEqual(after.status, 200)
            self.assertEqual(after.to_dict()["policy"],
                             before.to_dict()["policy"])

    def test_failed_metadata_change_keeps_the_old_metadata(self):
        with nodeguard.Node() as node, sample_metadata() as m:
            node.load_policy(os.path.join(SAMPLES, "policy"))
            node.set_metadata(m)
            before = node.decide(SEARCH).json
            with self.assertRaises(NodeguardError):
                node.set_metadata('{"indices": ')
            self.assertEqual(node.decide(SEARCH).json, before)


class Codes(unittest.TestCase):

    def test_every_code_has_a_text(self):
        for code in ErrorCode:
            self.assertTrue(nodeguard.strerror(code))

    def test_unknown_code_is_kept_as_a_number(self):
        err = NodeguardError(-999, "odd")
        self.assertEqual(err.code, -999)
        self.assertEqual(str(err), "odd")
