#!/usr/bin/env python3
"""Write docs/performance.md and docs/bench-scaling.svg from the driver's
tagged results (run.sh) and, when present, the peer comparison (peers.sh).

    report.py BENCH_DIR DOCS_DIR
"""
import json
import math
import os
import statistics
import sys


def read(path):
    res = {}
    with open(path) as f:
        for line in f:
            tag, _, js = line.rstrip("\n").partition("\t")
            res.setdefault(tag, []).append(json.loads(js))
    return res


def mid(xs):
    return statistics.median(xs)


def fmt(x, unit=""):
    if x >= 1e6:
        s = "%.2f M" % (x / 1e6)
    elif x >= 1e4:
        s = "%.0f" % x
    elif x >= 100:
        s = "%.0f" % x
    elif x >= 10:
        s = "%.1f" % x
    else:
        s = "%.2f" % x
    return s + unit


def stat(xs, unit=""):
    """'median (min–max)'."""
    return "%s (%s–%s)" % (fmt(mid(xs), unit), fmt(min(xs)), fmt(max(xs)))


def verdict(ok):
    return "met" if ok else "**missed**"


TARGETS = {
    "explicit": ("≤ 1 µs", lambda us, mbs: us <= 1.0),
    "wildcard": ("≤ 100 µs", lambda us, mbs: us <= 100.0),
    "msearch": ("≤ 100 µs", lambda us, mbs: us <= 100.0),
    "bulk": ("≥ 500 MB/s", lambda us, mbs: mbs >= 500.0),
}
LABELS = {
    "explicit": "search, one explicit index (1,000 distinct names)",
    "wildcard": "search `logs-*`, 10,000 matches, reduced to 500",
    "msearch": "`_msearch`, 100 items",
    "mget": "`_mget`, 1,000 documents",
    "bulk": "`_bulk`, 10,000 items",
    "dbq": "`_delete_by_query` on a wildcard",
}


def load_rows(res, out):
    loads = res["load"]
    pol = [r["policy_ms"] for r in loads]
    eng = [r["engine_ms"] for r in loads]
    both = [a + b for a, b in zip(pol, eng)]
    md = [r["metadata_ms"] for r in loads]
    peak = [r["peak_kb"] / 1024.0 for r in loads]
    out.append("| figure | median (min–max) | target | |")
    out.append("|---|---|---|---|")
    out.append("| policy load + compile, 1,000 roles | %s | | |" %
               stat(pol, " ms"))
    out.append("| engine build (decision tables), × 100,000 indices | %s | | |"
               % stat(eng, " ms"))
    out.append("| compile total (policy + tables) | %s | ≤ 1 s | %s |" %
               (stat(both, " ms"), verdict(mid(both) <= 1000)))
    met = [("compile of 1,000 roles against 100,000 indices", "≤ 1 s",
            fmt(mid(both), " ms"), mid(both) <= 1000),
           ("peak memory of that compile", "≤ 128 MB",
            fmt(mid(peak), " MB"), mid(peak) <= 128)]
    out.append("| peak memory of the process (metadata, policy, engine) | %s "
               "| ≤ 128 MB | %s |" % (stat(peak, " MB"),
                                      verdict(mid(peak) <= 128)))
    out.append("| metadata parse (100,000 indices, 9.6 MB JSON) | %s | | |" %
               stat(md, " ms"))
    up = res["update"][0]["runs"]
    out.append("| metadata update: parse + new engine + swap | %s | | |" %
               stat(up, " ms"))
    return met


def decide_rows(res, out):
    out.append("| request (100,000 indices, 1,000 roles) | µs per decision, "
               "1 thread | decisions/s, 1 thread | decisions/s, 2 threads | "
               "target | | µs with the JSON rendered, 1 thread | "
               "instructions per decision |")
    out.append("|---|---|---|---|---|---|---|---|")
    met = []
    for s in ["explicit", "wildcard", "msearch", "mget", "bulk", "dbq"]:
        one = res["decide %s 1" % s][0]
        two = res["decide %s 2" % s][0]
        us = [r[1] for r in one["rate"]]
        rate1 = [r[0] for r in one["rate"]]
        rate2 = [r[0] for r in two["rate"]]
        label = LABELS[s]
        extra = ""
        mbs = 0
        if s == "bulk":
            mbs = one["bytes"] / (mid(us) * 1e-6) / 1e6
            label += " (%.1f MB)" % (one["bytes"] / 1e6)
            extra = "; %.0f MB/s" % mbs
        tgt, ok = TARGETS.get(s, ("", None))
        rend = res.get("render %s 1" % s)
        rend = stat([r[1] for r in rend[0]["rate"]]) if rend else ""
        ic = res.get("icount %s" % s)
        ic = "{:,}".format(round(ic[0]["ir"] / ic[0]["requests"])) if ic \
            else ""
        out.append("| %s | %s%s | %s | %s | %s | %s | %s | %s |" % (
            label, stat(us), extra, stat(rate1), stat(rate2),
            tgt, verdict(ok(mid(us), mbs)) if ok else "", rend, ic))
        if ok:
            got = "%s MB/s" % fmt(mbs) if s == "bulk" else \
                "%s µs" % fmt(mid(us))
            met.append((LABELS[s], tgt, got, ok(mid(us), mbs)))
    return met


def scale_rows(res, out):
    sizes = sorted(int(k.split()[1]) for k in res if k.startswith("scale "))
    pts = []
    out.append("| indices | µs per explicit-index decision | ratio to 1,000 |")
    out.append("|---|---|---|")
    base = None
    for n in sizes:
        us = [r[1] for r in res["scale %d" % n][0]["rate"]]
        base = base or mid(us)
        pts.append((n, mid(us), min(us), max(us)))
        out.append("| %s | %s | %.2f× |" % ("{:,}".format(n), stat(us),
                                            mid(us) / base))
    ratio = pts[-1][1] / pts[0][1]
    out.append("")
    out.append("Target: at 100,000 indices at most 1.5× the cost at 1,000: "
               "measured %.2f×, %s." % (ratio, verdict(ratio <= 1.5)))
    return pts, [("explicit-index cost at 100,000 indices against 1,000",
                  "≤ 1.5×", "%.2f×" % ratio, ratio <= 1.5)]


def peers_rows(bench, out):
    path = os.path.join(bench, "peers", "comparison.json")
    met = []
    if not os.path.exists(path):
        out.append("Not measured in this run: `make bench-peers` (needs npm) "
                   "adds it.")
        return met
    with open(path) as f:
        p = json.load(f)
    ng = p["nodeguard"]
    out.append("Workload: `%s` (%s), %s requests in file order; agreement "
               "with the peer's expected answers: %d of %d requests "
               "(bulk, msearch and mget requests left out, see below)." % (
                   p["workload"], p["params"], "{:,}".format(ng["requests"]),
                   ng["agree"], ng["checked"]))
    out.append("")
    out.append("| engine | decisions/s, 1 thread (median of runs) | "
               "nodeguard ÷ engine | target | |")
    out.append("|---|---|---|---|---|")
    out.append("| **nodeguard** | %s | 1× | | |" % stat(ng["rates"]))
    best = None
    for name, rate in sorted(p["peers"].items(), key=lambda kv: -kv[1]):
        ratio = mid(ng["rates"]) / rate
        tgt, ok = "", ""
        if name == "ref-js":
            tgt, ok = "≥ 3×", verdict(ratio >= 3)
            met.append(("peer workload against the reference evaluator "
                        "(ref-js)", tgt, "%s×" % fmt(ratio), ratio >= 3))
        elif best is None and not name.startswith("cerbos-c8"):
            best = name
            tgt, ok = "≥ 1,000× (fastest engine)", verdict(ratio >= 1000)
            met.append(("peer workload against the fastest general-purpose "
                        "engine (%s)" % name, "≥ 1,000×", "%s×" % fmt(ratio),
                        ratio >= 1000))
        out.append("| %s | %s | %s× | %s | %s |" % (name, fmt(rate),
                                                    fmt(ratio), tgt, ok))
    ic = p.get("icount")
    if ic:
        out.append("")
        out.append("Instructions per nodeguard decision on this workload "
                   "(callgrind, second pass over the file): %s." %
                   "{:,}".format(round(ic["ir"] / ic["requests"])))
    return met


def targets(met, out):
    out.append("| target | | measured | |")
    out.append("|---|---|---|---|")
    for what, tgt, got, ok in met:
        out.append("| %s | %s | %s | %s |" % (what, tgt, got, verdict(ok)))


def svg(pts, path):
    w, h, l, r, t, b = 640, 360, 70, 20, 30, 50
    xs = [math.log10(p[0]) for p in pts]
    top = max(p[3] for p in pts) * 1.15
    x0, x1 = min(xs), max(xs)
    X = lambda n: l + (math.log10(n) - x0) / (x1 - x0) * (w - l - r)
    Y = lambda v: h - b - v / top * (h - t - b)
    o = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
         'font-family="sans-serif" font-size="12">' % (w, h),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="%d" y="18" font-size="14">Explicit-index search decision'
         ': cost against cluster size (1,000 roles)</text>' % l]
    for k in range(5):
        v = top * k / 4
        o.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>'
                 % (l, w - r, Y(v), Y(v)))
        o.append('<text x="%d" y="%.1f" text-anchor="end">%.2f</text>' %
                 (l - 6, Y(v) + 4, v))
    for p in pts:
        o.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' %
                 (X(p[0]), h - b + 18, "{:,}".format(p[0])))
        o.append('<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" '
                 'stroke="#888"/>' % (X(p[0]), X(p[0]), Y(p[2]), Y(p[3])))
    line = " ".join("%.1f,%.1f" % (X(p[0]), Y(p[1])) for p in pts)
    o.append('<polyline points="%s" fill="none" stroke="#1f77b4" '
             'stroke-width="2"/>' % line)
    for p in pts:
        o.append('<circle cx="%.1f" cy="%.1f" r="4" fill="#1f77b4"/>' %
                 (X(p[0]), Y(p[1])))
    o.append('<text x="%d" y="%d" text-anchor="middle">indices in the '
             'cluster (log scale)</text>' % ((l + w - r) // 2, h - 12))
    o.append('<text x="16" y="%d" transform="rotate(-90 16 %d)" '
             'text-anchor="middle">µs per decision (median, min–max)</text>'
             % ((t + h - b) // 2, (t + h - b) // 2))
    o.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(o) + "\n")


HEAD = """# Performance

Measured by `make bench` (and `make bench-peers` for the comparison with
general-purpose policy engines). The generator (`tests/bench/gen.py`, seed 42)
writes a policy of 1,000 roles (exact names, prefixes, dated families, globs
such as `*-team05-prod-*`, regular expressions, `${attr...}` and date-math
patterns, DLS and FLS on a few) and clusters of 1,000 to 100,000 indices with
aliases (9,620 at 100,000) and 80 data streams. The driver
(`tests/bench/driver.c`) links `build/libnodeguard.a` and uses only
`include/nodeguard.h`. Requests are parsed from the recorded-request format
once, before timing; a decision is timed from `ng_decide` to
`ng_decision_free`: parsing the path and body, resolving and deciding. The
decision JSON is rendered on the first `ng_decision_json` call only; a
column times the same loop with that call made. The instructions per decision
are counted by callgrind (valgrind) on a second pass over the same requests,
after a first one has made what is made once; they do not depend on the load
of the machine. Every timed figure
is the median of %(reps)s runs of about %(secs)s s each, with the smallest
and largest run in parentheses. Machine: %(cpu)s, %(ncpu)s cores, shared with
other work while measuring (load average %(load)s at the end of the run), so
single runs vary.
"""


def cpu():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def main():
    bench, docs = sys.argv[1], sys.argv[2]
    res = read(os.path.join(bench, "results.tsv"))
    out = [HEAD % {"reps": len(res["load"]), "secs": os.environ.get(
        "SECS", "0.3"), "cpu": cpu(), "ncpu": os.cpu_count(),
        "load": res.get("env", [{}])[-1].get("loadavg", "unknown")}]
    out.append("## Loading (1,000 roles, 100,000 indices)\n")
    met = load_rows(res, out)
    out.append("\n## Decisions\n")
    met += decide_rows(res, out)
    out.append("\n## Cost against cluster size\n")
    pts, more = scale_rows(res, out)
    met += more
    out.append("\n![cost against cluster size](bench-scaling.svg)\n")
    out.append("## Against general-purpose policy engines\n")
    met += peers_rows(bench, out)
    out.append("\n## Targets, as measured in this run\n")
    targets(met, out)
    tail = os.path.join(os.path.dirname(__file__), "notes.md")
    if os.path.exists(tail):
        with open(tail) as f:
            out.append("\n" + f.read().rstrip())
    with open(os.path.join(docs, "performance.md"), "w") as f:
        f.write("\n".join(out) + "\n")
    svg(pts, os.path.join(docs, "bench-scaling.svg"))


if __name__ == "__main__":
    main()
