#!/bin/sh
# The comparison with general-purpose policy engines on the workload of
# ../shared/bench/peers: install the peers into BUILD/bench/peers (a copy;
# the shared folder stays untouched), measure them with their own runner,
# feed nodeguard the same workload, and write comparison.json.
#
#   peers.sh BUILD_DIR
set -eu
B=${1:-build}/bench
SRC=${PEERS_SRC:-../shared/bench/peers}
SIZE=${PEERS_SIZE:-2000x50000}
REPS=${PEERS_REPS:-3}
ENGINES=${PEERS_ENGINES:-ref-js,cedar,casbin,cerbos}
W="$B/peers"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "bench-peers: SKIPPED: node and npm are needed (apt-get install npm)"
	exit 0
fi
if [ ! -d "$SRC" ]; then
	echo "bench-peers: SKIPPED: no peer harness at $SRC (set PEERS_SRC)"
	exit 0
fi
mkdir -p "$W/src"
(cd "$SRC" && tar cf - --exclude=node_modules --exclude=results \
	--exclude=workload .) | (cd "$W/src" && tar xf -)
(cd "$W/src" && npm ci --no-audit --no-fund --loglevel=error)

# the peers, measured by their own runner
R=${SIZE%x*}; I=${SIZE#*x}
(cd "$W/src" && node run.js --sizes "$SIZE" --reps "$REPS" \
	--engines "$ENGINES" --phases gen,time --out results)
WL="$W/src/workload/r$R-i$I"

# nodeguard on the same workload
python3 tests/bench/peers_convert.py "$WL" "$W/ng" >/dev/null
"$B/ngbench" decide "$W/ng/policy" "$W/ng/metadata.json" \
	"$W/ng/requests.ndjson" "$REPS" 2 1 > "$W/ng/decide.json"
"$B/ngbench" check "$W/ng/policy" "$W/ng/metadata.json" \
	"$W/ng/requests.ndjson" "$W/ng/expected.jsonl" > "$W/ng/check.json"
# instructions per decision (callgrind, the second pass; see run.sh)
rm -f "$W/ng/icount.json" "$W"/ng/cg.count*
if command -v valgrind >/dev/null 2>&1; then
	n=$(valgrind --tool=callgrind --collect-atstart=no \
		--toggle-collect=counted_pass --dump-after=counted_pass \
		--callgrind-out-file="$W/ng/cg.count" "$B/ngbench" count \
		"$W/ng/policy" "$W/ng/metadata.json" "$W/ng/requests.ndjson" \
		2>/dev/null | tr -d '[]')
	ir=$(sed -n 's/^summary: //p' "$W/ng/cg.count.1")
	echo "{\"requests\":$n,\"ir\":$ir}" > "$W/ng/icount.json"
	rm -f "$W"/ng/cg.count*
fi
python3 - "$W" "$SIZE" <<'PY'
import glob, json, os, sys
w, size = sys.argv[1], sys.argv[2]
runs = sorted(glob.glob(os.path.join(w, "src/results/run-*.json")))
run = json.load(open(runs[-1]))
peers = {r["engine"]: r["req_s"] for r in run["summary"] if r.get("req_s")}
d = json.load(open(os.path.join(w, "ng/decide.json")))
c = json.load(open(os.path.join(w, "ng/check.json")))
wl = "src/workload/r%s-i%s" % tuple(size.split("x"))
man = json.load(open(os.path.join(w, wl, "manifest.json")))
ic = os.path.join(w, "ng/icount.json")
ic = json.load(open(ic)) if os.path.exists(ic) else None
out = {"workload": "r%s-i%s" % tuple(size.split("x")),
       "params": "%s roles, %s indices, seed %s" % (size.split("x")[0], size.split("x")[1],
                                                   man.get("params", {}).get("seed", 42)),
       "nodeguard": {"requests": d["requests"], "rates": [r[0] for r in d["rate"]],
                     "checked": c["checked"], "agree": c["agree"]},
       "peers": peers, "icount": ic}
json.dump(out, open(os.path.join(w, "comparison.json"), "w"), indent=1)
print(json.dumps(out))
PY
