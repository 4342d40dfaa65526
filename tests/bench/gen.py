#!/usr/bin/env python3
"""Generate the benchmark's policies, clusters and request mixes.

Deterministic: the same seed and sizes give byte-identical files (random.Random
with a fixed seed, sorted output, no clock). Standard library only.

    gen.py --out build/bench [--seed 42] [--roles 1000]
           [--sizes 1000,3000,10000,30000,100000]

Writes into --out:
  policy/                   roles.yml, roles_mapping.yml, config.yml (v4)
  md-<N>.json               compact metadata of a cluster of N indices
  md-<N>-next.json          the same cluster one rollover later (update time)
  req-<scenario>-<N>.ndjson request mixes (recorded-request NDJSON)
"""
import argparse
import json
import os
import random

APPS = ["checkout", "payments", "search", "auth", "billing", "catalog",
        "inventory", "shipping", "ledger", "notify", "profile", "reports",
        "gateway", "orders", "pricing", "reviews", "cart", "fraud", "etl",
        "ml"]
TEAMS = ["team%02d" % i for i in range(1, 21)]
ENVS = ["prod", "staging", "dev", "qa"]
GROUPS_READ = [["read"], ["search"], ["get", "search"],
               ["indices:data/read/*"], ["read", "indices_monitor"]]
GROUPS_WRITE = [["crud"], ["write"], ["index", "read"], ["crud", "manage"]]
SYSTEM = [".kibana_1", ".kibana_2", ".tasks", ".opendistro_security",
          ".opendistro-job-scheduler-lock", ".plugins-ml-config"]


def day(i):
    """The i-th day counted back from 2026-03-23, as YYYY.MM.DD."""
    lens = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    y, m, d = 2026, 3, 23
    for _ in range(i):
        d -= 1
        if d == 0:
            m -= 1
            if m == 0:
                m, y = 12, y - 1
            d = lens[m - 1] + (1 if m == 2 and y % 4 == 0 else 0)
    return "%04d.%02d.%02d" % (y, m, d)


def app_name(i):
    """The i-th application index: app, team, env, generation."""
    app = APPS[i % 20]
    team = TEAMS[(i // 20) % 20]
    env = ENVS[(i // 400) % 4]
    gen = i // 1600 + 1
    return app, team, env, gen


def cluster(n, shift=0):
    """A cluster of about n indices. `shift` rolls every family forward."""
    idx = {}
    n_logs = max(20, n // 10)
    days = n_logs // 20
    for t in TEAMS:
        for k in range(days):
            idx["logs-%s-%s" % (t, day(k + shift))] = {"aliases": ["logs-" + t]}
    streams = {}
    n_ds = max(80, n // 10)
    per = n_ds // 80
    for e in ENVS:
        for a in APPS:
            s = "metrics-%s-%s" % (a, e)
            back = [".ds-%s-%06d" % (s, g + 1 + shift) for g in range(per)]
            for b in back:
                idx[b] = {"data_stream": s, "hidden": True}
            streams[s] = {"indices": back, "hidden": False}
    for s in SYSTEM:
        idx[s] = {"system": s != ".opendistro_security", "hidden": True}
    n_app = max(0, n - len(idx))
    combos = min(1600, n_app) or 1
    gens = (n_app + combos - 1) // combos
    extra = max(1, n // 10 - combos - 20)
    chunk = max(1, (gens * combos + extra - 1) // extra)
    for i in range(n_app):
        app, team, env, gen = app_name(i + shift * 1600)
        base = "%s-%s-%s" % (app, team, env)
        idx["%s-%06d" % (base, gen)] = {
            "aliases": [base, "%s-part%d" % (base, (gen - 1) // chunk)]}
    return {"indices": dict(sorted(idx.items())), "data_streams": streams,
            "remote_clusters": ["eu", "us"], "version": 1 + shift}


def role_perm(rng, i):
    """One index permission of an ordinary role."""
    team = TEAMS[rng.randrange(20)]
    app = APPS[rng.randrange(20)]
    env = ENVS[rng.randrange(4)]
    r = rng.random()
    if r < 0.28:
        pats = ["%s-%s-%s-%06d" % (app, team, env, rng.randrange(1, 50))
                for _ in range(rng.randrange(1, 4))]
    elif r < 0.55:
        pats = ["%s-%s-*" % (app, team)]
    elif r < 0.70:
        pats = ["logs-%s-*" % team, "%s-%s-%s" % (app, team, env)]
    elif r < 0.80:
        pats = ["metrics-%s-*" % app, "%s-*" % app]
    elif r < 0.90:
        pats = ["*-%s-prod-*" % team, "logs-*-2026.03.*"]
    elif r < 0.95:
        pats = ["/%s-team0[1-5]-(prod|staging)-.*/" % app]
    elif r < 0.97:
        pats = ["logs-${attr.internal.team}-*"]
    elif r < 0.99:
        pats = ["<logs-%s-{now/d}>" % team, "<logs-%s-{now/d-1d}>" % team]
    else:
        pats = ["*"]
    acts = rng.choice(GROUPS_READ if rng.random() < 0.7 else GROUPS_WRITE)
    perm = {"index_patterns": pats, "allowed_actions": acts}
    if rng.random() < 0.05:
        perm["dls"] = '{"term": {"team": "%s"}}' % team
    if rng.random() < 0.03:
        perm["fls"] = ["~secret", "~internal.*"]
    return perm


def bench_roles():
    """Roles 0-3, which the benchmark's user holds (backend role g0)."""
    t = TEAMS[0]
    return [
        {"index_permissions": [{"index_patterns": ["logs-%s-*" % t],
                                "allowed_actions": ["read"]}],
         "cluster_permissions": ["cluster_composite_ops"]},
        {"index_permissions": [{"index_patterns": ["*-%s-*" % t],
                                "allowed_actions": ["crud", "manage"]}],
         "cluster_permissions": ["cluster_composite_ops"]},
        {"index_permissions": [{"index_patterns": ["metrics-*"],
                                "allowed_actions": ["read"]}]},
        {"index_permissions": [{"index_patterns": [".kibana*"],
                                "allowed_actions": ["read"]}]},
    ]


def policy(rng, nroles):
    roles = {}
    for i, r in enumerate(bench_roles()):
        roles["role%04d_bench" % i] = r
    for i in range(len(roles), nroles):
        perms = [role_perm(rng, i) for _ in range(rng.randrange(1, 4))]
        role = {"index_permissions": perms}
        if rng.random() < 0.3:
            role["cluster_permissions"] = ["cluster_composite_ops_ro"]
        roles["role%04d_%s" % (i, TEAMS[i % 20])] = role
    mapping = {}
    for i, name in enumerate(sorted(roles)):
        mapping[name] = {"backend_roles": ["g%d" % (i // 4)],
                         "users": ["user%04d" % i]}
    return roles, mapping


def yaml_scalar(v):
    return json.dumps(v)


def yaml_dump(obj, indent=0):
    """YAML for dicts of dicts/lists of scalars (JSON scalars are YAML)."""
    out = []
    pad = "  " * indent
    for k, v in obj.items():
        if isinstance(v, dict):
            out.append("%s%s:" % (pad, yaml_scalar(k)))
            out.append(yaml_dump(v, indent + 1))
        elif isinstance(v, list) and v and isinstance(v[0], dict):
            out.append("%s%s:" % (pad, yaml_scalar(k)))
            for item in v:
                lines = yaml_dump(item, indent + 2).split("\n")
                lines[0] = "%s- %s" % (pad + "  ", lines[0].lstrip())
                out.extend(lines)
        else:
            out.append("%s%s: %s" % (pad, yaml_scalar(k), json.dumps(v)))
    return "\n".join(out)


def write_policy(out, roles, mapping):
    d = os.path.join(out, "policy")
    os.makedirs(d, exist_ok=True)
    meta = lambda t: {"_meta": {"type": t, "config_version": 2}}
    files = {
        "roles.yml": dict(meta("roles"), **roles),
        "roles_mapping.yml": dict(meta("rolesmapping"), **mapping),
        "config.yml": dict(meta("config"), config={"dynamic": {
            "privileges_evaluation_type": "v4",
            "privileges_evaluation_ignore_unauthorized_indices": True}}),
    }
    for name, obj in files.items():
        with open(os.path.join(d, name), "w") as f:
            f.write("---\n" + yaml_dump(obj) + "\n")


USER = {"name": "bench", "backend_roles": ["g0", "g7", "g99"],
        "attributes": {"attr.internal.team": "team01"}}


def req(i, method, path, body):
    return {"id": "r%d" % i, "user": USER, "time": "2026-03-23T10:00:00Z",
            "rest": {"method": method, "path": path, "body": body}}


def own_indices(md):
    """Application indices of team01, which the bench user may use."""
    return [n for n in md["indices"] if "-team01-" in n and
            not n.startswith("logs-")]


def scenarios(rng, md, only=None):
    own = own_indices(md)
    q = {"query": {"match_all": {}}}
    s = {}
    s["explicit"] = [req(i, "GET", "/%s/_search" % rng.choice(own), q)
                     for i in range(1000)]
    if only:
        return s
    s["wildcard"] = [req(0, "GET", "/logs-*/_search", q)]
    lines = []
    for _ in range(100):
        lines.append(json.dumps({"index": rng.choice(own)}))
        lines.append(json.dumps(q))
    s["msearch"] = [req(0, "POST", "/_msearch", "\n".join(lines) + "\n")]
    docs = [{"_index": rng.choice(own), "_id": str(k)} for k in range(1000)]
    s["mget"] = [req(0, "POST", "/_mget", {"docs": docs})]
    s["bulk"] = [req(0, "POST", "/_bulk", bulk_body(rng, own))]
    s["dbq"] = [req(0, "POST", "/checkout-team01-*/_delete_by_query",
                    {"query": {"term": {"status": "stale"}}})]
    return s


def bulk_body(rng, own, items=10000, size=10 * 1000 * 1000):
    """`items` index actions whose lines total about `size` bytes."""
    words = ["alpha", "beta", "gamma", "delta", "order", "timeout", "user",
             "checkout", "retry", "latency", "{brace}", "\"quoted\""]
    lines = []
    for k in range(items):
        lines.append(json.dumps({"index": {"_index": rng.choice(own),
                                           "_id": str(k)}}))
        text = " ".join(rng.choice(words) for _ in range(140))
        lines.append(json.dumps({"@timestamp": "2026-03-23T10:00:%02dZ" %
                                 (k % 60), "message": text,
                                 "nested": {"k": k, "v": [1, 2, 3]}}))
    body = "\n".join(lines) + "\n"
    pad = max(0, (size - len(body)) // items)
    if pad:
        lines = [l if i % 2 == 0 else l[:-1] + ', "pad": "%s"}' % ("x" * pad)
                 for i, l in enumerate(lines)]
        body = "\n".join(lines) + "\n"
    return body


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))


def write_ndjson(path, lines):
    with open(path, "w") as f:
        for obj in lines:
            f.write(json.dumps(obj, separators=(",", ":")) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--roles", type=int, default=1000)
    ap.add_argument("--sizes", default="1000,3000,10000,30000,100000")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = random.Random(a.seed)
    roles, mapping = policy(rng, a.roles)
    write_policy(a.out, roles, mapping)
    sizes = [int(x) for x in a.sizes.split(",")]
    for n in sizes:
        rng = random.Random(a.seed * 1000003 + n)
        md = cluster(n)
        write_json(os.path.join(a.out, "md-%d.json" % n), md)
        if n != max(sizes):
            s = scenarios(rng, md, only="explicit")
        else:
            s = scenarios(rng, md)
            write_json(os.path.join(a.out, "md-%d-next.json" % n),
                       cluster(n, 1))
        for name, lines in s.items():
            write_ndjson(os.path.join(a.out, "req-%s-%d.ndjson" % (name, n)),
                         lines)


if __name__ == "__main__":
    main()
