#!/usr/bin/env python3
"""Turn a workload of ../shared/bench/peers (gen.js) into nodeguard inputs.

    peers_convert.py WORKLOAD_DIR OUT_DIR

Writes OUT_DIR/policy/ (the workload's roles, mapping and action groups),
OUT_DIR/metadata.json (indices.txt as compact metadata), and
OUT_DIR/requests.ndjson + OUT_DIR/expected.jsonl: one transport request per
workload request, leaving out bulk, msearch and mget, which OpenSearch
Security checks as cluster actions (the peer takes them as index actions).
"""
import json
import os
import shutil
import sys

SKIP = ("indices:data/write/bulk", "indices:data/read/msearch",
        "indices:data/read/mget")


def main():
    src, out = sys.argv[1], sys.argv[2]
    pol = os.path.join(out, "policy")
    os.makedirs(pol, exist_ok=True)
    for f in ("roles.yml", "roles_mapping.yml", "action_groups.yml"):
        shutil.copyfile(os.path.join(src, f), os.path.join(pol, f))
    with open(os.path.join(src, "indices.txt")) as f:
        names = [l.strip() for l in f if l.strip()]
    with open(os.path.join(out, "metadata.json"), "w") as f:
        json.dump({"indices": {n: {} for n in names}}, f)
    kept = 0
    with open(os.path.join(src, "requests.jsonl")) as rq, \
            open(os.path.join(src, "expected.jsonl")) as ex, \
            open(os.path.join(out, "requests.ndjson"), "w") as ro, \
            open(os.path.join(out, "expected.jsonl"), "w") as eo:
        for r, e in zip(rq, ex):
            r = json.loads(r)
            if r["action"].startswith(SKIP):
                continue
            ro.write(json.dumps({"id": str(r["id"]),
                                 "user": {"name": r["user"]},
                                 "transport": {"action": r["action"],
                                               "indices": r["indices"]}},
                                separators=(",", ":")) + "\n")
            eo.write(e)
            kept += 1
    print(kept)


if __name__ == "__main__":
    main()
