"""Error paths: every failure raises NodeguardError with the detail of
ng_last_error(), and a failed reload changes nothing."""

import datetime
import json
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
        self.assertTrue(str(err).startswith(
            "line 1, column %d: malformed JSON" % err.column), str(err))

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

    def test_empty_method_or_path_is_taken_as_given(self):
        with nodeguard.Policy.load(os.path.join(SAMPLES, "policy")) as p, \
                sample_metadata() as m, nodeguard.Engine(p, m) as engine:
            d = engine.decide(nodeguard.Request("lena", "", "/logs-*/_search"))
            self.assertEqual(d.status, 403)
            self.assertTrue(d.reason.startswith("unknown api"), d.reason)
            d = engine.decide(nodeguard.Request("lena", "GET", ""))
            self.assertEqual(d.status, 400)
            d = engine.decide(nodeguard.Request("lena", path="/logs-*/_search"))
            self.assertEqual(d.status, 200)

    def test_index_named_in_a_body_by_bytes_not_utf8_is_refused(self):
        bodies = [("/_mget", b'{"docs":[{"_index":"logs-2026.03.21\xff",'
                             b'"_id":"1"}]}'),
                  ("/_msearch", b'{"index":"logs-\xff*"}\n{}\n'),
                  ("/_bulk", b'{"index":{"_index":"logs-\xff"}}\n{}\n')]
        with nodeguard.Policy.load(os.path.join(SAMPLES, "policy")) as p, \
                sample_metadata() as m, nodeguard.Engine(p, m) as engine:
            for path, body in bodies:
                d = engine.decide(nodeguard.Request("lena", "POST", path,
                                                    body))
                self.assertEqual((d.status, d.reason),
                                 (400, "index expression is not valid UTF-8"))
                json.loads(d.json)

    def test_a_list_is_required(self):
        for key in ("indices", "backend_roles", "roles"):
            with self.assertRaisesRegex(TypeError, "^%s: expected a list" % key):
                nodeguard.Request("lena", action="indices:data/read/search",
                                  **{key: None})

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

    def test_one_text_is_not_a_list_of_them(self):
        # a str is iterable: read as a list it would give one role a letter
        with self.assertRaisesRegex(TypeError, "^backend_roles: expected a "
                                    "list of strings, got str"):
            nodeguard.Request("lena", backend_roles="admin")
        with self.assertRaisesRegex(TypeError, "^roles: "):
            nodeguard.Request("lena", roles=b"admin")
        with self.assertRaisesRegex(TypeError, "^indices: "):
            nodeguard.Request("lena", action="indices:data/read/search",
                              indices="hr-payroll")
        with self.assertRaisesRegex(TypeError, "^attributes: expected a "
                                    "mapping"):
            nodeguard.Request("lena", attributes=[("attr.x", "1")])
        with self.assertRaisesRegex(TypeError, "^roles: expected a list of "
                                    "strings, got dict"):
            nodeguard.Request("lena", roles={"admin": 1})
        with self.assertRaisesRegex(TypeError, "^attribute 'attr.x': expected "
                                    "str or bytes, got int"):
            nodeguard.Request("lena", attributes={"attr.x": 1})
        with self.assertRaisesRegex(TypeError, "^user name: expected str"):
            nodeguard.Request(user=42)
        with nodeguard.Request("lena", backend_roles=("a", "b"),
                               attributes={"attr.x": "1"}):
            pass


class ArgumentErrors(unittest.TestCase):

    def test_paths_must_be_text_or_path_like(self):
        with self.assertRaisesRegex(TypeError, "^directory: expected str"):
            nodeguard.Policy.load(None)
        with self.assertRaisesRegex(TypeError, "^path: expected str"):
            nodeguard.Metadata.load(5)
        with self.assertRaisesRegex(TypeError, "^directory: "):
            nodeguard.lint(None)
        import pathlib
        with nodeguard.Policy.load(pathlib.Path(SAMPLES) / "policy"):
            pass

    def test_nul_in_a_path_is_refused_not_cut(self):
        # C would read "samples/policy\0x" as "samples/policy"
        policy = os.path.join(SAMPLES, "policy")
        with self.assertRaisesRegex(ValueError, "^directory holds a NUL"):
            nodeguard.Policy.load(policy + "\0x")
        with self.assertRaisesRegex(ValueError, "^node_settings holds a NUL"):
            nodeguard.Policy.load(policy, node_settings="a\0b")
        with self.assertRaisesRegex(ValueError, "^path holds a NUL"):
            nodeguard.Metadata.load(
                os.path.join(SAMPLES, "metadata.json") + "\0junk")
        with self.assertRaisesRegex(ValueError, "^directory holds a NUL"):
            nodeguard.lint(policy + "\0x")
        with self.assertRaisesRegex(ValueError, "^metadata holds a NUL"):
            nodeguard.lint(policy, b"m\0")
        with nodeguard.Node() as node, \
                self.assertRaisesRegex(ValueError, "^directory holds"):
            node.load_policy(policy + "\0x")

    def test_engine_inputs_must_be_of_their_kind(self):
        # the C side would read one kind of object as another
        with nodeguard.Policy.load(os.path.join(SAMPLES, "policy")) as p, \
                sample_metadata() as m, nodeguard.Request("a", "GET", "/") as r:
            for args in ((r, m), (m, p), (None, m)):
                with self.assertRaisesRegex(TypeError, "^policy: expected a "
                                            "nodeguard.Policy, got "):
                    nodeguard.Engine(*args)
            with self.assertRaisesRegex(TypeError, "^metadata: expected a "
                                        "nodeguard.Metadata, got Policy"):
                nodeguard.Engine(p, p)
            with nodeguard.Engine(p, m) as e:
                with self.assertRaisesRegex(TypeError, "^policy: "):
                    nodeguard.Engine(e, e)
            with nodeguard.Node() as node:
                with self.assertRaisesRegex(TypeError, "^policy: "):
                    node.set_policy(m)


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
