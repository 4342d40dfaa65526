"""The shape of the Python API: building requests, ownership, engines in
force across reloads, threads."""

import json
import os
import threading
import unittest

from support import CASES, SAMPLES, nodeguard

POLICY = os.path.join(SAMPLES, "policy")
METADATA = os.path.join(SAMPLES, "metadata.json")
OTHER_POLICY = os.path.join(CASES, "cyclic-action-groups", "policy")


def sample_engine():
    with nodeguard.Policy.load(POLICY) as p, \
            nodeguard.Metadata.load(METADATA) as m:
        return nodeguard.Engine(p, m)


def without_id(decision):
    d = decision.to_dict()
    d.pop("id")
    return d


class Objects(unittest.TestCase):

    def test_policy_has_an_id_and_warnings(self):
        with nodeguard.Policy.load(POLICY) as p:
            self.assertTrue(p.id.startswith("sha256:"))
            self.assertIsInstance(p.warnings, list)
        self.assertTrue(p.closed)

    def test_metadata_from_text_dict_and_file(self):
        with nodeguard.Metadata.parse('{"indices": {"a": {}, "b": {}}}') as m:
            self.assertEqual(m.index_count, 2)
        with nodeguard.Metadata.parse({"indices": {"a": {}}}) as m:
            self.assertEqual(m.index_count, 1)
        with nodeguard.Metadata.load(METADATA) as m:
            self.assertGreater(m.index_count, 0)

    def test_engine_outlives_its_inputs(self):
        engine = sample_engine()
        d = engine.decide(nodeguard.Request("lena", "GET", "/logs-*/_search"))
        engine.close()
        self.assertEqual(d.status, 200)
        self.assertEqual(d.verdict, nodeguard.Verdict.ALLOW)
        self.assertTrue(d.allowed)


    def test_close_during_a_call_frees_after_it(self):
        # ctypes lets other threads run during a call into the library:
        # a close() meanwhile must not free the engine under the call
        engine = sample_engine()
        with nodeguard.Request("lena", "GET", "/logs-*/_search") as r:
            with engine._use() as ptr:
                engine.close()
                self.assertTrue(engine.closed)
                with self.assertRaisesRegex(ValueError, "Engine is closed"):
                    engine.decide(r)
                out = nodeguard._lib.ctypes.c_void_p()
                with r._use() as rp:
                    self.assertEqual(nodeguard._lib.lib.ng_decide(
                        ptr, rp, nodeguard._lib.ctypes.byref(out)), 0)
                self.assertEqual(
                    nodeguard._lib.lib.ng_decision_status(out.value), 200)
                nodeguard._lib.lib.ng_decision_free(out.value)
                self.assertIsNotNone(engine._ptr)
            self.assertIsNone(engine._ptr)

    def test_close_while_threads_decide(self):
        for _ in range(20):
            engine = sample_engine()
            started = threading.Barrier(4)
            wrong = []

            def work():
                started.wait()
                try:
                    for _ in range(300):
                        self.assertEqual(engine.decide(nodeguard.Request(
                            "lena", "GET", "/logs-*/_search")).status, 200)
                except ValueError:
                    pass
                except Exception as e:   # noqa: BLE001 - reported below
                    wrong.append(e)

            threads = [threading.Thread(target=work) for _ in range(3)]
            for t in threads:
                t.start()
            started.wait()
            engine.close()
            for t in threads:
                t.join()
            self.assertEqual(wrong, [])
            self.assertIsNone(engine._ptr)


class Requests(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.engine = sample_engine()

    @classmethod
    def tearDownClass(cls):
        cls.engine.close()

    def test_built_request_decides_like_its_json(self):
        line = {"id": "r1", "user": {"name": "lena"},
                "rest": {"method": "GET", "path": "/logs-*/_search",
                         "body": {"query": {"match_all": {}}}}}
        built = nodeguard.Request(
            "lena", "GET", "/logs-*/_search", {"query": {"match_all": {}}},
            id="r1")
        self.assertEqual(built.id, "r1")
        with built, nodeguard.Request.from_json(json.dumps(line)) as parsed:
            self.assertEqual(self.engine.decide(built).json,
                             self.engine.decide(parsed).json)

    def test_setters_chain(self):
        with nodeguard.Request() as r:
            r.set_id("chained").set_user("nobody").add_backend_role("x") \
                .set_rest("GET", "/logs-*/_search").set_time(0)
            d = self.engine.decide(r)
        self.assertEqual(d.status, 403)
        self.assertEqual(d.verdict, nodeguard.Verdict.DENY)
        self.assertEqual(d.to_dict()["id"], "chained")
        self.assertTrue(d.reason)

    def test_transport_request(self):
        with nodeguard.Request(
                "lena", action="indices:data/read/search",
                indices=["logs-2026.03.21"]) as r:
            d = self.engine.decide(r)
        self.assertEqual(d.status, 200)
        self.assertEqual(d.to_dict()["checks"][0]["indices"],
                         ["logs-2026.03.21"])

    def test_rest_and_transport_together_are_refused(self):
        with self.assertRaises(ValueError):
            nodeguard.Request("lena", "GET", "/hr-employees/_search",
                              action="indices:data/read/search",
                              indices=["logs-2026.03.21"])

    def test_index_before_the_transport_call_is_refused(self):
        with nodeguard.Request("lena") as r:
            with self.assertRaises(nodeguard.NodeguardError) as e:
                r.add_transport_index("hr-employees")
            self.assertEqual(e.exception.code, nodeguard.ErrorCode.EINVAL)
            r.set_transport("indices:data/read/search")
            # the request is spoilt: a 400, not all indices
            self.assertEqual(self.engine.decide(r).status, 400)

    def test_decide_accepts_a_json_line(self):
        d = self.engine.decide(
            '{"user": {"name": "lena"}, '
            '"rest": {"method": "GET", "path": "/logs-*/_search"}}')
        self.assertEqual(d.status, 200)
        self.assertIn("200 allow", repr(d))


class Nodes(unittest.TestCase):

    def test_acquired_engine_survives_a_reload(self):
        with nodeguard.Node() as node:
            node.load_policy(POLICY)
            node.set_metadata(nodeguard.Metadata.load(METADATA))
            search = nodeguard.Request("lena", "GET", "/logs-*/_search")

            with node.acquire() as old:
                first = old.decide(search).to_dict()["policy"]
                node.load_policy(OTHER_POLICY)
                self.assertEqual(old.decide(search).to_dict()["policy"],
                                 first)
            self.assertNotEqual(node.decide(search).to_dict()["policy"],
                                first)
            search.close()

    def test_set_policy_with_a_loaded_policy(self):
        with nodeguard.Node() as node, nodeguard.Policy.load(POLICY) as p:
            node.set_policy(p)
            node.set_metadata(METADATA_TEXT)
            self.assertEqual(node.decide(
                nodeguard.Request("lena", "GET", "/logs-*/_search")
            ).to_dict()["policy"], p.id)

    def test_many_threads_decide_alike(self):
        engine = sample_engine()
        results = []
        lock = threading.Lock()

        def work():
            for _ in range(50):
                with nodeguard.Request("lena", "GET", "/logs-*/_search") as r:
                    d = without_id(engine.decide(r))
                with lock:
                    results.append(json.dumps(d, sort_keys=True))

        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        engine.close()
        self.assertEqual(len(results), 400)
        self.assertEqual(len(set(results)), 1)


with open(METADATA, encoding="utf-8") as _f:
    METADATA_TEXT = _f.read()


@unittest.skipUnless(nodeguard._lib.has("ng_explain"),
                     "the library has no explain API")
class Explain(unittest.TestCase):

    def test_explain_names_the_granting_role(self):
        with sample_engine() as engine:
            out = engine.explain(
                nodeguard.Request("lena", "GET", "/logs-*/_search"))
            self.assertEqual(out["decision"]["status"], 200)
            self.assertIn("cells", out)
            self.assertIn("roles", out)

    def test_engine_gives_back_its_inputs(self):
        with sample_engine() as engine, engine.policy as p, \
                engine.metadata as m:
            self.assertTrue(p.id.startswith("sha256:"))
            self.assertGreater(m.index_count, 0)

    def test_enumerations(self):
        with nodeguard.Policy.load(POLICY) as p, \
                nodeguard.Metadata.load(METADATA) as m:
            self.assertIn("log_reader", p.roles)
            self.assertIn("lena", p.users)
            self.assertEqual(p.users, sorted(p.users))
            self.assertEqual(len(m.indices), m.index_count)
            self.assertIn("logs-2026.03.21", m.indices)
