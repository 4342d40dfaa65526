#!/usr/bin/env bash
# The nodeguard command's subcommands end to end: lint (the rules'
# fixtures, the reported-fault cases, the output formats and exit codes),
# explain, diff, matrix and eval. Prints one line per check and a total.
set -u
ng=${1:-build/nodeguard}
root=$(cd "$(dirname "$0")" && pwd)
shared=$root/../../shared
data=$root/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

check() {  # check NAME COMMAND...: the command must succeed
  local name=$1; shift
  if "$@" >"$tmp/out" 2>"$tmp/err"; then
    passed=$((passed + 1)); echo "ok   $name"
  else
    failed=$((failed + 1)); echo "FAIL $name"; sed 's/^/    /' "$tmp/err" | head -20
  fi
}

status_is() {  # status_is WANT COMMAND...
  local want=$1; shift
  "$@" >/dev/null 2>&1
  local got=$?
  [ "$got" = "$want" ] || { echo "exit status $got, expected $want" >&2; return 1; }
}

# lint --format json of DIR has a finding of RULE: status 0 when it has,
# 1 when it has not, 3 when lint crashed or printed no JSON array
has_rule() {
  local dir=$1 rule=$2 out; shift 2
  out=$("$ng" lint "$dir" --format json "$@") || [ $? -le 2 ] || return 3
  printf '%s' "$out" | python3 -c '
import json, sys
rule = sys.argv[1]
try:
    findings = json.load(sys.stdin)
    assert isinstance(findings, list)
except (ValueError, AssertionError):
    sys.exit(3)
found = [f for f in findings if f["rule"] == rule]
for f in found:
    assert set(f) == {"rule", "severity", "file", "line", "column", "message"}, f
    assert f["severity"] in ("error", "warning", "info"), f
sys.exit(0 if found else 1)' "$rule"
}

# the same, true only when lint ran and has no finding of RULE
lacks_rule() {
  has_rule "$@"
  [ $? = 1 ]
}

no_errors() {
  "$ng" lint "$1" --format json | python3 -c '
import json, sys
errors = [f for f in json.load(sys.stdin) if f["severity"] == "error"]
for f in errors: print(f, file=sys.stderr)
sys.exit(1 if errors else 0)'
}

# --- lint: every rule's failing and passing input -----------------------
for dir in "$data"/lint/*/; do
  rule=$(basename "$dir")
  md=(); [ -f "$dir/metadata.json" ] && md=(--metadata "$dir/metadata.json")
  check "lint $rule: bad input flagged" has_rule "$dir/bad" "$rule" "${md[@]}"
  check "lint $rule: good input passes" lacks_rule "$dir/good" "$rule" "${md[@]}"
done 2>/dev/null

# --- lint: the reported-fault cases -------------------------------------
for pair in B23:mapping-everyone B25:action-group-cycle B26:scroll-without-clear \
            B27:index-action-in-cluster B29:dls-with-write; do
  case=${pair%%:*} rule=${pair#*:}
  if [ -d "$shared/cases/$case/policy" ]; then
    check "lint $case: $rule" has_rule "$shared/cases/$case/policy" "$rule"
  fi
done
if [ -d "$shared/reference/opensearch-config" ]; then
  check "lint demo configuration: no errors" no_errors "$shared/reference/opensearch-config"
fi

# --- lint: formats and exit codes ---------------------------------------
check "lint exit 1 on an error" status_is 1 "$ng" lint "$data/lint/yaml-syntax/bad"
check "lint exit 0 without errors" status_is 0 "$ng" lint "$data/lint/yaml-syntax/good"
check "lint exit 2 on a missing directory" status_is 2 "$ng" lint "$tmp/none"
check "lint exit 2 on a bad format" status_is 2 "$ng" lint "$data/lint/yaml-syntax/good" --format xml
check "lint text names file:line:col" bash -c \
  '"$0" lint "$1" | grep -q "roles.yml:[0-9]*:[0-9]*: error: unknown action group \"raed\"; did you mean \"read\"? \[unknown-action-group\]"' \
  "$ng" "$data/lint/unknown-action-group/bad"
# the engine keeps only the excludes of a mixed list (test_engine.c): the
# finding must say so, not that the includes restrict
check "lint fls-mixed says what the engine does with the list" bash -c \
  '"$0" lint "$1" | grep -q "the includes are ignored, so every field but the excluded ones is visible \[fls-mixed\]"' \
  "$ng" "$data/lint/fls-mixed/bad"
check "lint text ends with the counts on stderr, singular for one" bash -c \
  '[ "$("$0" lint "$1" 2>&1 >/dev/null)" = "1 error, 0 warnings, 1 note" ]' \
  "$ng" "$data/lint/unknown-action-group/bad"
check "lint sarif is a SARIF 2.1.0 log" bash -c '"$0" lint "$1" --format sarif | python3 -c "
import json, sys
log = json.load(sys.stdin)
assert log[\"version\"] == \"2.1.0\"
res = log[\"runs\"][0][\"results\"]
assert res and res[0][\"ruleId\"] == \"action-group-cycle\", res"' \
  "$ng" "$data/lint/action-group-cycle/bad"

# --- explain ------------------------------------------------------------
explain=("$ng" explain --policy "$root/../samples/policy" --metadata "$root/../samples/metadata.json")
check "explain text: role, mapping rule and granting entry" bash -c \
  '"$@" --user lena "GET /logs-*/_search" | grep -q "log_reader .*via backend_roles" &&
   "$@" --user lena "GET /logs-*/_search" | grep -q "indices:data/read/search .* log_reader (roles.yml:"' \
  _ "${explain[@]}"
check "explain json: cells and decision" bash -c '"$@" --format json --user lena \
  "GET /hr-payroll/_search" | python3 -c "
import json, sys
x = json.load(sys.stdin)
assert x[\"decision\"][\"decision\"] == \"deny\", x[\"decision\"]
assert any(c[\"grant\"] is None for c in x[\"cells\"]), x[\"cells\"]"' _ "${explain[@]}"
check "explain json: the decision's roles are listed once" bash -c '"$@" --format json \
  --user omar "GET /logs-*/_search" | python3 -c "import json,sys; r=json.load(sys.stdin)[\"decision\"][\"roles\"]; \
assert r and len(r) == len(set(r)), r"' _ "${explain[@]}"

check "explain: control characters of the request line are escaped" bash -c \
  '"$@" --user lena "GET /logs-*/_search$(printf "\033")[2J" | head -1 |
   grep -qx "request   GET /logs-\*/_search\\\\x1b\[2J"' _ "${explain[@]}"
check "explain: an attribute given twice is refused" status_is 2 "${explain[@]}" \
  --user lena --attr attr.internal.team=a --attr attr.internal.team=b 'GET /logs-*/_search'
check "explain: an attribute without a key is bad usage" status_is 2 "${explain[@]}" \
  --user lena --attr =x 'GET /logs-*/_search'

# "--" ends the options, in every subcommand
cp "$root/../samples/requests.ndjson" "$tmp/-r.ndjson"
check "eval: -- ends the options" bash -c 'ng=$(realpath "$0"); cd "$1" && "$ng" eval \
  --policy "$2/policy" --metadata "$2/metadata.json" -- -r.ndjson | [ "$(wc -l)" = 77 ]' \
  "$ng" "$tmp" "$root/../samples"
check "lint: -- ends the options" "$ng" lint -- "$root/../samples/policy"
check "explain: -- ends the options" bash -c '"$@" --user lena -- "GET /logs-*/_search" |
  head -1 | grep -qx "request   GET /logs-\*/_search"' _ "${explain[@]}"
check "version --help prints the usage" bash -c '"$0" version --help | grep -q "^usage: nodeguard"' "$ng"
check "matrix --html -: the page on stdout" bash -c 'cd "$1" && "$0" matrix --policy "$2/policy" \
  --metadata "$2/metadata.json" --html - | head -1 | grep -qx "<!DOCTYPE html>" && [ ! -e "$1/-" ]' \
  "$(realpath "$ng")" "$tmp" "$root/../samples"
check "eval: a missing option is named" bash -c '"$0" eval --policy "$1/policy" 2>&1 >/dev/null |
  grep -qx "eval: --metadata is missing"' "$ng" "$root/../samples"
check "explain: a missing user is named" bash -c '"$0" explain --policy "$1/policy" \
  --metadata "$1/metadata.json" "GET /x" 2>&1 >/dev/null | grep -qx "explain: --user is missing"' \
  "$ng" "$root/../samples"

# --- diff ---------------------------------------------------------------
one=$data/diff/one-line
check "diff: a one-line role change changes exactly the expected cells" bash -c \
  '"$0" diff --old "$1/old" --new "$1/new" --metadata "$1/metadata.json" > "$2/diff.txt";
   [ $? = 1 ] && diff -u "$1/expected.txt" "$2/diff.txt"' "$ng" "$one" "$tmp"
# a mapping that gives a role to every caller shows in every role's row:
# said on stderr
cp -r "$one/old" "$tmp/everyone"
printf '\nreadall:\n  users: ["*"]\n' >> "$tmp/everyone/roles_mapping.yml"
check "matrix --by-roles: a role mapped to every caller is named" bash -c \
  '"$0" matrix --policy "$1/everyone" --metadata "$2/metadata.json" --by-roles 2>&1 >/dev/null |
   grep -q "^matrix: the role mapping gives every caller the role readall; each role.s row includes what they grant$"' \
  "$ng" "$tmp" "$one"
check "matrix --by-roles: no such mapping, nothing said" bash -c \
  '[ -z "$("$0" matrix --policy "$1/old" --metadata "$1/metadata.json" --by-roles 2>&1 >/dev/null)" ]' \
  "$ng" "$one"
# a mapping rule no probe stands for (any host, an outside backend role)
cp -r "$one/old" "$tmp/mapped"
sed -i 's/^    - "admin"$/    - "admin"\n    - "contractors"\n  hosts: ["*"]/' "$tmp/mapped/roles_mapping.yml"
check "diff: a changed mapping rule is a change, exit 1" bash -c \
  '"$0" diff --old "$1/old" --new "$2/mapped" --metadata "$1/metadata.json" > "$2/map.txt";
   [ $? = 1 ] && grep -q "^role all_access$" "$2/map.txt" &&
   grep -q "^  mapping added$" "$2/map.txt" && grep -q "^    hosts \*$" "$2/map.txt" &&
   grep -q "^    backend_roles contractors$" "$2/map.txt" &&
   grep -q "^0 cells and 2 mapping rules changed$" "$2/map.txt"' "$ng" "$one" "$tmp"
check "diff: a removed mapping rule is a change, exit 1" bash -c \
  '"$0" diff --old "$2/mapped" --new "$1/old" --metadata "$1/metadata.json" > "$2/unmap.txt";
   [ $? = 1 ] && grep -q "^  mapping removed$" "$2/unmap.txt"' "$ng" "$one" "$tmp"
cp -r "$one/old" "$tmp/and-ab" && cp -r "$one/old" "$tmp/and-ba"
printf '\n"r: x":\n  and_backend_roles: ["a", "b"]\n' >> "$tmp/and-ab/roles_mapping.yml"
printf '\n"r: x":\n  and_backend_roles: ["b", "a"]\n' >> "$tmp/and-ba/roles_mapping.yml"
check "diff: and_backend_roles in another order is no change" status_is 0 "$ng" diff \
  --old "$tmp/and-ab" --new "$tmp/and-ba" --metadata "$one/metadata.json"
check "diff: a role named with ': ' is named whole" bash -c \
  '"$0" diff --old "$1/old" --new "$2/and-ab" --metadata "$1/metadata.json" 2>/dev/null |
   grep -qx "role r: x"' "$ng" "$one" "$tmp"
check "matrix: nothing is taken as a flag after --" status_is 2 "$ng" matrix \
  --policy "$one/old" --metadata "$one/metadata.json" -- --by-roles
check "diff: recorded requests, exit 1 on a change" status_is 1 "$ng" diff \
  --old "$one/old" --new "$one/new" --metadata "$one/metadata.json" "$root/../samples/requests.ndjson"
check "diff: no change, exit 0" status_is 0 "$ng" diff \
  --old "$one/old" --new "$one/old" --metadata "$one/metadata.json" "$root/../samples/requests.ndjson"
check "diff: input that is not recorded requests fails, exit 2" status_is 2 "$ng" diff \
  --old "$one/old" --new "$one/new" --metadata "$one/metadata.json" "$one/old/roles.yml"
check "diff: the unreadable line is named" bash -c '{ cat "$1"; echo "not json"; } |
  "$0" diff --old "$2/old" --new "$2/old" --metadata "$2/metadata.json" - 2>&1 >/dev/null |
  grep -q "^-:78: not a recorded request$"' "$ng" "$root/../samples/requests.ndjson" "$one"

# --- eval ---------------------------------------------------------------
check "eval: an endless input line stops the run, exit 2" bash -c \
  'timeout 30 "$0" eval --policy "$1/old" --metadata "$1/metadata.json" /dev/zero \
     2>"$2/zero.err" >/dev/null; [ $? = 2 ] &&
   grep -q "^/dev/zero:1: longer than 134217728 bytes" "$2/zero.err"' "$ng" "$one" "$tmp"
check "eval: a line that is no request gets a whole decision, 400" bash -c \
  'printf "not json\n" | "$0" eval --policy "$1/old" --metadata "$1/metadata.json" - 2>/dev/null |
   python3 -c "
import json, sys
d = json.loads(sys.stdin.readline())
assert set(d) == {\"id\", \"status\", \"decision\", \"reason\", \"user\", \"roles\", \"checks\",
                  \"items\", \"dls\", \"fls\", \"masked\", \"policy\"}, d
assert d[\"status\"] == 400 and d[\"decision\"] == \"deny\" and d[\"id\"] == \"line 1\", d
assert d[\"policy\"].startswith(\"sha256:\"), d"' "$ng" "$one"
check "eval: an option given twice is bad usage" bash -c \
  '"$0" eval --policy "$1/old" --policy "$1/new" --metadata "$1/metadata.json" /dev/null \
     2>&1 >/dev/null | grep -qx "eval: --policy given twice"; [ "${PIPESTATUS[0]}" = 2 ]' "$ng" "$one"
check "eval: --option=value is read as --option value" bash -c \
  '"$0" eval --policy="$1/policy" --metadata="$1/metadata.json" --check "$1/requests.ndjson" |
   tail -n 1 | grep -qx "77 passed, 0 failed"' "$ng" "$root/../samples"
check "eval: an option followed by another takes no value from it" bash -c \
  '"$0" eval --policy --metadata "$1/metadata.json" /dev/null 2>&1 >/dev/null |
   grep -qx "eval: --policy needs a value"' "$ng" "$one"

# --- input and output that fail ----------------------------------------
S=$root/../samples
check "eval: output that cannot be written is exit 2, named" bash -c \
  '"$0" eval --policy "$1/policy" --metadata "$1/metadata.json" "$1/requests.ndjson" \
     >/dev/full 2>"$2/e"; [ $? = 2 ] && grep -q "cannot write the output" "$2/e"' "$ng" "$S" "$tmp"
check "lint: output that cannot be written is exit 2" status_is 2 \
  bash -c '"$0" lint "$1/policy" >/dev/full' "$ng" "$S"
check "matrix: a page that cannot be written is exit 2, named" bash -c \
  '"$0" matrix --policy "$1/policy" --metadata "$1/metadata.json" --html /dev/full \
     2>&1 | grep -q "^/dev/full: cannot write the page"; [ "${PIPESTATUS[0]}" = 2 ]' "$ng" "$S"
check "eval: standard input that is a directory is exit 2" bash -c \
  '"$0" eval --policy "$1/policy" --metadata "$1/metadata.json" - <"$1" 2>&1 |
   grep -q "standard input: is a directory"; [ "${PIPESTATUS[0]}" = 2 ]' "$ng" "$S"
check "diff: requests that are a directory are exit 2, not no change" bash -c \
  '"$0" diff --old "$1/policy" --new "$1/policy" --metadata "$1/metadata.json" "$1" \
     2>&1 | grep -q "is a directory, not a request file"; [ "${PIPESTATUS[0]}" = 2 ]' "$ng" "$S"
check "diff: standard input that is a directory is exit 2" status_is 2 \
  bash -c '"$0" diff --old "$1/policy" --new "$1/policy" --metadata "$1/metadata.json" - <"$1"' \
  "$ng" "$S"
check "eval: a flag given twice is bad usage" bash -c \
  '"$0" eval --policy "$1/policy" --metadata "$1/metadata.json" --check --check /dev/null \
     2>&1 | grep -qx "eval: --check given twice"; [ "${PIPESTATUS[0]}" = 2 ]' "$ng" "$S"
check "matrix: a flag given twice is bad usage" status_is 2 "$ng" matrix \
  --policy "$S/policy" --metadata "$S/metadata.json" --by-roles --by-roles
check "version takes no argument" status_is 2 "$ng" version extra
check "a policy path that is a file is named once" bash -c \
  '"$0" eval --policy "$1" --metadata "$2/metadata.json" /dev/null 2>&1 |
   grep -qx "$1: not a directory"' "$ng" "$S/README.md" "$S"
check "a policy path that does not exist says so" bash -c \
  '"$0" diff --old "$1" --new "$1" --metadata "$2/metadata.json" 2>&1 |
   grep -qx "$1: no such directory"' "$ng" "$tmp/none" "$S"
check "eval --summary counts requests, not blank lines" bash -c \
  'head -n 1 "$1/requests.ndjson" | sed "p;s/.*//" |
   "$0" eval --policy "$1/policy" --metadata "$1/metadata.json" --summary - 2>&1 >/dev/null |
   grep -q "^summary: 1 requests: "' "$ng" "$S"
check "eval --check counts a line without expect as skipped" bash -c \
  '"$0" eval --policy "$1/policy" --metadata "$1/metadata.json" --check - <<<"{\"user\":{\"name\":\"lena\"},\"rest\":{\"method\":\"GET\",\"path\":\"/_search\"}}" |
   tail -n 1 | grep -qx "0 passed, 0 failed, 1 skipped"' "$ng" "$S"
check "eval --check fails an empty expect" bash -c \
  '"$0" eval --policy "$1/policy" --metadata "$1/metadata.json" --check - >/dev/null 2>"$2/e" <<<"{\"id\":\"e\",\"user\":{\"name\":\"lena\"},\"rest\":{\"method\":\"GET\",\"path\":\"/_search\"},\"expect\":{}}"
   [ $? = 1 ] && grep -q "e: expect is empty" "$2/e"' "$ng" "$S" "$tmp"
check "lint names a whole-file finding by the file alone" bash -c \
  '"$0" lint "$1" | grep -qx "$1: warning: no configuration file: .*\[config-missing\]"' \
  "$ng" "$tmp"

mkdir -p "$tmp/both" && cp "$S"/policy/*.yml "$tmp/both/" &&
  cp "$tmp/both/roles.yml" "$tmp/both/sg_roles.yml"
check "lint: an sg_ file beside its OpenSearch name is not read, and says so" bash -c \
  '"$0" lint "$1" | grep -qx "$1/sg_roles.yml: warning: not read: roles.yml is read instead, .*\[file-ignored\]"' \
  "$ng" "$tmp/both"
check "eval: the same as a policy warning" bash -c \
  '"$0" eval --policy "$1" --metadata "$2/metadata.json" /dev/null 2>&1 |
   grep -qx "$1/sg_roles.yml: warning: not read: roles.yml is read instead, .*"' \
  "$ng" "$tmp/both" "$S"
for c in eval lint explain diff matrix; do
  check "$c --help prints the usage and succeeds" bash -c \
    '"$0" "$1" --help | grep -q "^usage: nodeguard"' "$ng" "$c"
done
check "an unknown command is bad usage, --help or not" status_is 2 "$ng" bogus --help
check "--help after other options still prints the usage" bash -c \
  '"$0" matrix --policy "$1/policy" --help | grep -q "^usage: nodeguard"' "$ng" "$S"
check "an unknown protection setting is a lint finding" bash -c \
  'mkdir -p "$2/ns" && cp "$1"/policy/*.yml "$2/ns/" &&
   printf "plugins.security.system_indices.enable: true\nplugins.security.dls.mode: adaptive\n" \
     > "$2/ns/opensearch.yml" && out=$("$0" lint "$2/ns") &&
   grep -q "opensearch.yml:1:41: warning: unknown setting plugins.security.system_indices.enable, ignored; .*\[schema-unknown-key\]" <<<"$out" &&
   ! grep -q "dls.mode" <<<"$out"' "$ng" "$S" "$tmp"
check "an empty policy path is named as such" bash -c \
  '"$0" lint "" 2>&1 | grep -qx "nodeguard: no configuration directory given"' "$ng"
check "lint names a format it does not know" bash -c \
  '"$0" lint "$1/policy" --format xml 2>&1 | grep -qx "lint: unknown format xml"' "$ng" "$S"

# --- matrix -------------------------------------------------------------
check "matrix text" bash -c '"$0" matrix --policy "$1/old" --metadata "$1/metadata.json" |
  grep -q "^logs-\* "' "$ng" "$one"
check "matrix html is self-contained" bash -c '"$0" matrix --policy "$1/old" \
  --metadata "$1/metadata.json" --html "$2/m.html" && grep -q "<table>" "$2/m.html" &&
  ! grep -Eq "(src|href)=|https?:" "$2/m.html"' "$ng" "$one" "$tmp"
check "matrix shows a dated index alone in its group by its name" bash -c \
  'out=$("$0" matrix --policy "$1/policy" --metadata "$1/metadata.json") &&
   grep -q "^app-search-2025.12 " <<<"$out" && ! grep -q "^app-search-\* " <<<"$out" &&
   grep -q "^logs-\* " <<<"$out"' "$ng" "$S"
"$root/browser-test.sh" "$ng" && passed=$((passed + 1)) || {
  rc=$?; [ $rc = 77 ] || failed=$((failed + 1)); }

echo "cli: $passed passed, $failed failed"
[ "$failed" = 0 ]
