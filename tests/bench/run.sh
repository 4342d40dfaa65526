#!/bin/sh
# Run the benchmark: every figure of docs/performance.md, as tagged JSON
# lines in $OUT/results.tsv, then the report.
#
#   run.sh BUILD_DIR      (the data is in BUILD_DIR/bench, made by gen.py)
set -eu
B=${1:-build}/bench
REPS=${REPS:-5}
SECS=${SECS:-0.3}
BIG=100000
NG="$B/ngbench"
OUT="$B/results.tsv"
: > "$OUT"

put() { printf '%s\t%s\n' "$1" "$2" >> "$OUT"; }

for i in $(seq "$REPS"); do
	put load "$("$NG" load "$B/policy" "$B/md-$BIG.json")"
done
put update "$("$NG" update "$B/policy" "$B/md-$BIG.json" "$B/md-$BIG-next.json" "$REPS")"
for s in explicit wildcard msearch mget bulk dbq; do
	for t in 1 2; do
		put "decide $s $t" "$("$NG" decide "$B/policy" "$B/md-$BIG.json" \
			"$B/req-$s-$BIG.ndjson" "$REPS" "$SECS" "$t")"
	done
done
# the same, with the decision JSON rendered (ng_decision_json): one thread
for s in explicit wildcard msearch bulk; do
	put "render $s 1" "$("$NG" decide "$B/policy" "$B/md-$BIG.json" \
		"$B/req-$s-$BIG.ndjson" "$REPS" "$SECS" 1 json)"
done
for n in 1000 3000 10000 30000 100000; do
	put "scale $n" "$("$NG" decide "$B/policy" "$B/md-$n.json" \
		"$B/req-explicit-$n.ndjson" "$REPS" "$SECS" 1)"
done
# instructions per decision, steadier than time on a shared machine:
# callgrind counts the second pass over each file (ngbench count)
if command -v valgrind >/dev/null 2>&1; then
	kinds="explicit wildcard msearch mget bulk dbq"
	files=""
	for s in $kinds; do files="$files $B/req-$s-$BIG.ndjson"; done
	rm -f "$B"/cg.count.*
	counts=$(valgrind --tool=callgrind --collect-atstart=no \
		--toggle-collect=counted_pass --dump-after=counted_pass \
		--callgrind-out-file="$B/cg.count" "$NG" count "$B/policy" \
		"$B/md-$BIG.json" $files 2>/dev/null | tr -d '[]' | tr ',' ' ')
	k=1
	for s in $kinds; do
		n=$(echo "$counts" | cut -d' ' -f$k)
		ir=$(sed -n 's/^summary: //p' "$B/cg.count.$k")
		put "icount $s" "{\"requests\":$n,\"ir\":$ir}"
		k=$((k + 1))
	done
	rm -f "$B"/cg.count.*
fi
put env "{\"loadavg\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
echo "results in $OUT"
