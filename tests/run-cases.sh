#!/usr/bin/env bash
# Decision cases as data: every folder under tests/cases holding a
# requests.ndjson is evaluated with its own policy/ and metadata.json, and
# each line's "expect" must hold. Prints one line per folder and a total.
set -u
ng=${1:-build/nodeguard}
root=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0 bad=0

while IFS= read -r req; do
  dir=$(dirname "$req")
  name=${dir#"$root"/cases/}
  out=$("$ng" eval --check --policy "$dir/policy" --metadata "$dir/metadata.json" \
        "$req" 2>/tmp/ng-case-err.$$ | tail -n 1)
  rc=$?
  p=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' <<<"$out")
  f=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' <<<"$out")
  if [ -z "$p" ]; then
    echo "FAIL $name: no result"; sed 's/^/    /' /tmp/ng-case-err.$$; bad=$((bad + 1)); continue
  fi
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$f" != 0 ]; then
    echo "FAIL $name: $out"; sed 's/^/    /' /tmp/ng-case-err.$$
  else
    echo "ok   $name: $p"
  fi
done < <(find "$root/cases" -name requests.ndjson | sort)
rm -f /tmp/ng-case-err.$$
echo "cases: $passed passed, $((failed + bad)) failed"
[ "$failed" = 0 ] && [ "$bad" = 0 ]
