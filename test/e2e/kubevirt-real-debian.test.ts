/**
 * The real Debian guest (test/fixtures/debian.ts) through the kubevirt engine, against the kube
 * harness (its KubeVirt controller boots a real QEMU guest): the disk is uploaded through CDI, the
 * NoCloud seed is a Secret-backed virtio disk (as KubeVirt attaches cloudInitNoCloud — Debian's
 * cloud kernel has no AHCI driver for a sata cdrom), SSH goes over KubeVirt's port-forward, a sudo
 * provisioner changes the system, `sudo poweroff` stops the VMI, and the export is downloaded as a
 * qcow2 whose root filesystem (converted to raw) is then read with debugfs: the provisioner's file is there.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDebianImage } from '../fixtures/debian.js';
import { startKubeHarness, type KubeHarness } from '../kube-harness/index.js';
import { debianBuild, sshKey } from './helpers/debian-build.js';
import { runCli } from './helpers/cli-build.js';

// Includes building the Debian image on a machine that has none cached (about 15 min under load).
const CASE_TIMEOUT = 45 * 60_000;
const cleanupDirs: string[] = [];
let harness: KubeHarness;
let namespace = '';

/** The first partition of type Linux in a raw disk image: its byte offset, for debugfs. */
function linuxPartitionOffset(image: string): number {
  const r = spawnSync('sfdisk', ['--json', image], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sfdisk --json ${image}: ${r.stderr}`);
  const table = JSON.parse(r.stdout) as { partitiontable: { sectorsize?: number; partitions: { start: number; type: string }[] } };
  // GPT "Linux filesystem" or MBR type 83.
  const part = table.partitiontable.partitions.find((p) => /^(0FC63DAF-8483-4772-8E79-3D69D8477DE4|83)$/i.test(p.type));
  if (!part) throw new Error(`${image}: no Linux partition in ${r.stdout}`);
  return part.start * (table.partitiontable.sectorsize ?? 512);
}

/** A file of the ext4 filesystem at `offset` in a raw image, read without mounting it. */
function readExt4File(image: string, offset: number, file: string): string {
  const r = spawnSync('debugfs', ['-R', `cat ${file}`, `${image}?offset=${offset}`], { encoding: 'utf8' });
  // debugfs exits 0 when the file is missing; it says so on stderr.
  if (r.status !== 0 || /not found/i.test(r.stderr)) throw new Error(`debugfs cat ${file}: ${r.stderr}`);
  return r.stdout;
}

describe('real Debian 12 through the kubevirt engine (kube harness, real QEMU guest, TCG)', () => {
  beforeAll(async () => {
    harness = await startKubeHarness({});
    namespace = await harness.createNamespace('rv-debian');
  }, 5 * 60_000);

  afterAll(async () => {
    await harness?.close();
    for (const d of cleanupDirs) rmSync(d, { recursive: true, force: true });
  });

  it(
    'cloud-init seed as a virtio disk → sudo and file provisioners → poweroff → qcow2 export holding the changes; nothing left in the cluster',
    async () => {
      const name = 'kv-debian';
      const dir = mkdtempSync(path.join(os.tmpdir(), `rvtest-${name}-`));
      cleanupDirs.push(dir);
      const key = sshKey(dir, 'builder-key');
      writeFileSync(path.join(dir, 'motd'), 'Built by RudderVirt on KubeVirt\n');
      const file = debianBuild(dir, name, {
        source: await ensureDebianImage(),
        efi: false,
        // qcow2 and the image's own 2 GiB: the export and checksum of a larger raw disk cost a minute here.
        format: 'qcow2',
        diskSize: '2Gi',
        user: 'builder',
        key,
        instanceId: `${name}-build`,
        provisioners: [
          {
            type: 'shell',
            inline: ['cloud-init status --wait >/dev/null', 'echo "provisioned by $(sudo id -un) on $(cat /sys/class/dmi/id/product_name)" | sudo tee /etc/ruddervirt-provisioned'],
          },
          { type: 'file', source: path.join(dir, 'motd'), destination: '/home/builder/motd' },
          { type: 'shell', inline: ['sudo install -m 644 /home/builder/motd /etc/motd', 'sudo cloud-init clean --logs'] },
        ],
      });
      const out = path.join(dir, 'out');
      const run = runCli(['build', file, '--engine', 'kubevirt', '--kubeconfig', harness.kubeconfigPath, '--namespace', namespace, '--output', out, '--no-layer-cache'], {
        env: { RUDDERVIRT_CACHE_DIR: path.join(dir, 'cache') },
      });
      const code = await run.done;
      expect(code, run.stderr).toBe(0);
      // Where the time went (the build's own phase table), for the CI budget.
      console.log(run.stderr.slice(run.stderr.indexOf('Build succeeded.')));
      const image = run.stdout.trim().split('\n').at(-1)!;
      expect(image).toBe(path.join(out, 'base-debian.qcow2'));
      expect(run.stderr).toMatch(/provision 3\/3: shell +ok/);

      const raw = path.join(dir, 'check.img');
      const converted = spawnSync('qemu-img', ['convert', '-O', 'raw', image, raw], { encoding: 'utf8' });
      expect(converted.status, converted.stderr).toBe(0);
      const offset = linuxPartitionOffset(raw);
      expect(readExt4File(raw, offset, '/etc/ruddervirt-provisioned')).toMatch(/^provisioned by root on /);
      expect(readExt4File(raw, offset, '/etc/motd')).toBe('Built by RudderVirt on KubeVirt\n');
      // cloud-init clean ran: the next boot is a first boot.
      expect(() => readExt4File(raw, offset, '/var/lib/cloud/instance/boot-finished')).toThrow(/not found/);

      await harness.settled();
      const left = harness.leftovers().filter((o) => o.kind !== 'Event' && !(o.kind === 'Namespace' && o.name === namespace));
      expect(left).toEqual([]);
    },
    CASE_TIMEOUT,
  );
});
