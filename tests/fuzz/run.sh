#!/usr/bin/env bash
# Run libFuzzer targets one after another, each for a fixed time, on the
# seed corpus in <build>/corpus/<name> (tests/fuzz/seeds.py).
#
#   tests/fuzz/run.sh <build> <seconds> <name>...
#
# A finding leaves crash-* (or leak-*, timeout-*) in <build>/findings/<name>
# and makes the run fail after the remaining targets ran. One summary line
# per target gives its executions and coverage.
set -u
build=$1 secs=$2
shift 2
failed=()

for name in "$@"; do
  bin=$build/fuzz_$name corpus=$build/corpus/$name
  out=$build/findings/$name log=$build/logs/$name.log
  mkdir -p "$corpus" "$out" "$(dirname "$log")"
  "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$out/" \
    "$corpus" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
  if [ "$rc" != 0 ]; then
    failed+=("$name")
    echo "FAIL $name: exit $rc, ${execs:-?} runs; see $log"
    grep -m 3 -E 'ERROR|SUMMARY|runtime error' "$log" | sed 's/^/    /'
  else
    echo "ok   $name: ${execs:-?} runs in ${secs}s, ${cov:-cov: ?}"
  fi
done
[ ${#failed[@]} = 0 ] || { echo "fuzz: findings in ${failed[*]}"; exit 1; }
echo "fuzz: $# targets, no findings"
