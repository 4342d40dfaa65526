#!/usr/bin/env bash
# The HTML matrix in a real browser: headless Chromium loads the samples'
# matrix from a file, with the network out of reach, and the rendered DOM
# and a screenshot are checked. Exit 77 (skipped) without Chromium.
#
#   tests/browser-test.sh [NODEGUARD] [SCREENSHOT.png]
set -u
ng=${1:-build/nodeguard}
shot=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "skip matrix in a browser: chromium is not installed (apt-get install chromium)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
       --disable-component-update --disable-sync --no-first-run
       --user-data-dir="$tmp/profile" --proxy-server=127.0.0.1:9
       --window-size=1600,900)

"$ng" matrix --policy "$root/samples/policy" --metadata "$root/samples/metadata.json" \
  --html "$tmp/matrix.html" || { echo "FAIL matrix in a browser: no html"; exit 1; }
timeout 60 "$browser" "${flags[@]}" --dump-dom "file://$tmp/matrix.html" \
  >"$tmp/dom.html" 2>"$tmp/err"
timeout 60 "$browser" "${flags[@]}" --screenshot="$tmp/matrix.png" \
  "file://$tmp/matrix.html" >/dev/null 2>>"$tmp/err"

python3 - "$tmp/dom.html" "$tmp/matrix.png" "$root/samples/policy" <<'PY' || {
import re, struct, sys
dom = open(sys.argv[1]).read()
rows = re.findall(r"<th colspan=\"3\" class=\"who\">([^<]*)</th>", dom)
assert "lena" in rows and "ada" in rows, rows
assert dom.count('<td class="all"') > 10, "no allowed cells rendered"
assert "DLS" in dom, "dls not marked"
png = open(sys.argv[2], "rb").read()
assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a png"
w, h = struct.unpack(">II", png[16:24])
assert w >= 800 and h >= 400, (w, h)
PY
  echo "FAIL matrix in a browser"; sed 's/^/    /' "$tmp/err" | tail -5; exit 1; }
[ -z "$shot" ] || cp "$tmp/matrix.png" "$shot"
echo "ok   matrix in a browser"
