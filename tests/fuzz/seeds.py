#!/usr/bin/env python3
"""Write the seed corpus of each fuzz target into <out>/<name>/.

    seeds.py <out> <name>...

Seeds come from the committed tests/fuzz/seeds/<name>/, the test data, the
samples, the decision cases and, when the checkout sits beside it, the
shared reference corpus (../shared/reference/rest-api, ../shared/cases).
Existing corpus files are kept, so that a corpus grows across runs.
"""
import glob
import hashlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
MAX_SEED = 65536

BODY_APIS = {
    "body_msearch": ("msearch", "msearch_template"),
    "body_mget": ("mget", "mtermvectors"),
    "body_bulk": ("bulk", "bulk_stream"),
    "body_aliases": ("indices.update_aliases", "indices.put_alias"),
    "body_reindex": ("reindex",),
    "body_by_query": ("delete_by_query", "update_by_query"),
    "body_terms_lookup": ("search", "count"),
}


def files(*patterns):
    for p in patterns:
        yield from sorted(glob.glob(os.path.join(ROOT, p)))
        yield from sorted(glob.glob(os.path.join(SHARED, p)))


def read(path):
    with open(path, "rb") as f:
        return f.read()


def lines(*patterns):
    for path in files(*patterns):
        for line in read(path).splitlines():
            if line.strip():
                yield line


def corpus():
    for path in files("reference/rest-api/corpus*.jsonl"):
        for line in read(path).splitlines():
            try:
                yield json.loads(line)
            except ValueError:
                continue


def path_of(c):
    q = "&".join("%s=%s" % (k, v) for k, v in (c.get("query") or {}).items())
    return c["path"] + ("?" + q if q else "")


def body_of(c):
    b = c.get("body")
    if b is None:
        return None
    return (b if isinstance(b, str) else json.dumps(b)).encode()


def policy_seeds(kind):
    pats = ["tests/data/policy/*/" + kind, "samples/policy/" + kind,
            "reference/opensearch-config/" + kind,
            "reference/real-configs/*/" + kind, "cases/*/policy/" + kind,
            "tests/cases/*/policy/" + kind]
    if kind == "opensearch.yml":
        pats += [p.replace(kind, "elasticsearch.yml") for p in pats]
    return (read(p) for p in files(*pats))


def request_seeds():
    return lines("samples/requests.ndjson", "tests/cases/*/requests.ndjson",
                 "cases/*/requests.ndjson", "cases/*/*/requests.ndjson")


def rest_seeds():
    for line in request_seeds():
        try:
            rest = json.loads(line).get("rest") or {}
            yield (rest["method"] + "\n" + rest["path"]).encode()
        except (ValueError, KeyError, TypeError):
            continue
    for c in corpus():
        yield (c["method"] + "\n" + path_of(c)).encode()


def expr_seeds():
    for c in corpus():
        part = c["path"].split("/")[1] if c["path"].count("/") > 1 else ""
        if part and not part.startswith("_"):
            yield part.encode()
    yield from (b"<logs-{now/d}>", b"<logs-{now/M{yyyy.MM|+01:00}}>,-logs-old",
                b"eu:logs-*,-eu:logs-x", b"_all,-.kibana*", b"a,,b", b"-")


def body_seeds(name):
    apis = BODY_APIS[name]
    for c in corpus():
        b = body_of(c)
        if c.get("api") in apis and b:
            yield b
    for p in files("tests/data/rest/*.ndjson"):
        yield read(p)


def metadata_seeds():
    return (read(p) for p in files("tests/data/metadata/*.json",
                                   "samples/metadata.json",
                                   "tests/cases/*/metadata.json",
                                   "cases/*/metadata.json"))


def dn_seeds():
    yield from (b"CN=admin.kestrel.example,OU=Platform,O=Kestrel,C=NL",
                b"cn=admin.kestrel.example, ou=Platform,o=Kestrel,c=NL",
                b"CN=node-1.kestrel.example,OU=Platform,O=Kestrel,C=NL",
                b"CN=a\\,b+UID=x,O=\"q,uoted\"", b"")


def json_plain_seeds():
    yield from body_seeds("body_terms_lookup")
    yield from (b'{"query":{"match_all":{}}}', b' {"a":[1,-2.5e3,true,null]} ',
                b'{"a":{"b":{"c":"d\\n"}}}', b'{"a":1,"a":2}', b'{"xa":1}',
                b'{"a":"\\u0041"}', b'{}\t', b'[]')


def seeds(name):
    if name == "json_plain":
        return json_plain_seeds()
    if name.startswith("policy_"):
        kind = name[len("policy_"):]
        kind = "opensearch" if kind == "node_settings" else kind
        return policy_seeds(kind + ".yml")
    if name.startswith("body_"):
        return body_seeds(name)
    return {"metadata": metadata_seeds, "rest": rest_seeds,
            "expr": expr_seeds, "dn": dn_seeds,
            "request": request_seeds}[name]()


def write(out, name):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    own = [read(p) for p in files("tests/fuzz/seeds/%s/*" % name)]
    n = 0
    for s in own + list(seeds(name)):
        if len(s) > MAX_SEED:
            continue
        h = hashlib.sha1(s).hexdigest()
        with open(os.path.join(d, h), "wb") as f:
            f.write(s)
        n += 1
    return n


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: seeds.py <out> <name>...")
    for name in sys.argv[2:]:
        print("seeds %s: %d" % (name, write(sys.argv[1], name)))


if __name__ == "__main__":
    main()
