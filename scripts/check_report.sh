#!/usr/bin/env bash
# End-to-end check of `spusim report`: builds (release), runs the quickstart sweep into a
# temporary database, writes the HTML report, renders it in headless Chromium, saves a
# screenshot to docs/images/quickstart-report.png, and checks that the figures are in the
# rendered DOM and that the page logged no console errors.
# Without Chromium (and no way to install it) it prints "SKIPPED: chromium unavailable" and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."

find_chromium() { command -v chromium || command -v chromium-browser || command -v google-chrome || true; }
CHROMIUM="$(find_chromium)"
if [ -z "$CHROMIUM" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing chromium"
  export DEBIAN_FRONTEND=noninteractive
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1 || true
  else
    (sudo -n apt-get update -qq && sudo -n apt-get install -y -qq chromium) >/dev/null 2>&1 || true
  fi
  CHROMIUM="$(find_chromium)"
fi
if [ -z "$CHROMIUM" ]; then
  echo "SKIPPED: chromium unavailable"
  exit 0
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

swift build -c release --product spusim
SPUSIM="$(swift build -c release --show-bin-path)/spusim"
"$SPUSIM" sweep configs/sweeps/quickstart.json --db "$TMP/quickstart.sqlite" >/dev/null
# Prints the size and the time taken (release build).
# Run from the temporary folder so the report's header names the database, not a temporary path.
(cd "$TMP" && "$SPUSIM" report --db quickstart.sqlite --out report.html)

fail() { echo "FAIL: $*" >&2; exit 1; }

# The HTML itself: sections, inline SVG, no scripts, no network references.
for id in pareto roofline breakdown sensitivity top provenance; do
  grep -q "<section id=\"$id\">" "$TMP/report.html" || fail "section $id missing from the report"
done
grep -q "<script" "$TMP/report.html" && fail "the report contains a script"
# (Source citations in the configuration text are fine; nothing may be loaded.)
grep -qE '(src|href)="(https?:)?//|url\((https?:)?//|@import' "$TMP/report.html" && fail "the report loads something from the network"

CHROME_FLAGS=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions)
URL="file://$TMP/report.html"

# Rendered DOM: every figure present.
timeout 120 "$CHROMIUM" "${CHROME_FLAGS[@]}" --dump-dom "$URL" >"$TMP/dom.html" 2>"$TMP/dom.log" || fail "chromium --dump-dom failed: $(tail -5 "$TMP/dom.log")"
svgs=$(grep -o '<svg ' "$TMP/dom.html" | wc -l)
[ "$svgs" -ge 12 ] || fail "expected at least 12 SVG figures in the rendered page, found $svgs"
for id in pareto-1 pareto-2 area sensitivity-1; do
  grep -q "id=\"$id\"" "$TMP/dom.html" || fail "figure $id missing from the rendered page"
done
grep -q 'class="point pareto"' "$TMP/dom.html" || fail "no Pareto points rendered"
grep -q 'class="segment"' "$TMP/dom.html" || fail "no stacked-bar segments rendered"
grep -q '<title>' "$TMP/dom.html" || fail "no hover titles rendered"

# Screenshot, with console messages logged to stderr.
mkdir -p docs/images
timeout 120 "$CHROMIUM" "${CHROME_FLAGS[@]}" --enable-logging=stderr --v=0 --screenshot="$TMP/shot.png" --window-size=1400,4000 "$URL" \
  >"$TMP/shot.out" 2>"$TMP/console.log" || fail "chromium --screenshot failed: $(tail -5 "$TMP/console.log")"
[ -s "$TMP/shot.png" ] || fail "no screenshot written"
if grep -i 'CONSOLE' "$TMP/console.log" | grep -iE 'error|uncaught|failed' ; then
  fail "the page logged console errors (above)"
fi
if grep -iE 'Failed to load resource|net::ERR_' "$TMP/console.log"; then
  fail "the page tried to load a resource (above)"
fi
cp "$TMP/shot.png" docs/images/quickstart-report.png
echo "OK: $svgs figures rendered, no console errors; screenshot at docs/images/quickstart-report.png"
