/**
 * The real Debian guest (test/fixtures/debian.ts) through the kubevirt engine, against the kube
 * harness (its KubeVirt controller boots a real QEMU guest): the disk is uploaded through CDI, the
 * NoCloud seed is a Secret-backed virtio disk (as KubeVirt attaches cloudInitNoCloud — Debian's
 * cloud kernel has no AHCI driver for a sata cdrom), SSH goes over KubeVirt's port-forward, a sudo
 * provisioner changes the system, `sudo poweroff` stops the VMI, and the export is downloaded as a
 * qcow2 whose root filesystem (converted to raw) is then read with debugfs: the provisioner's file is there.
 *
 * The output stays in the cluster (kept layer, golden image behind a DataSource) with its SBOM read
 * from the guest's dpkg database, in a ConfigMap the output owns; a second build on a "fresh
 * runner" (an empty local layer cache) reuses the layer from the cluster and gets that SBOM back
 * beside the downloaded image. Removing the output removes its SBOM.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDebianImage } from '../fixtures/debian.js';
import { startKubeHarness, type KubeHarness } from '../kube-harness/index.js';
import { memoryLogger } from '../../src/core/log.js';
import { KubeApi } from '../../src/engines/kubevirt/cluster/kube-api.js';
import { ObjectClient, type LiveObject } from '../../src/engines/kubevirt/cluster/objects.js';
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
    'cloud-init seed as a virtio disk → sudo and file provisioners → poweroff → qcow2 export holding the changes; the output and its SBOM kept in the cluster, reused with the SBOM by a fresh runner; nothing left once removed',
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
      const kube = ['--engine', 'kubevirt', '--kubeconfig', harness.kubeconfigPath, '--namespace', namespace, '--data-source', 'debian-golden'];
      const run = runCli(['build', file, ...kube, '--output', out], {
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

      // The SBOM read from the guest, beside the image and kept in the cluster beside the output.
      const sbom = readFileSync(`${image}.spdx.json`, 'utf8');
      const packages = (JSON.parse(sbom) as { packages: { name: string; versionInfo?: string }[] }).packages;
      expect(packages.find((p) => p.name === 'openssh-server')?.versionInfo).toMatch(/^1:9\.2p1-/);
      const objects = new ObjectClient(new KubeApi(harness.kubeConfig()), memoryLogger().logger);
      let signal = AbortSignal.timeout(60_000);
      const sboms = await objects.list<LiveObject & { data?: Record<string, string> }>('v1', 'ConfigMap', namespace, { labelSelector: 'ruddervirt.io/component=sbom' }, signal);
      expect(sboms.items.map((c) => c.metadata.name)).toHaveLength(1);
      const cm = sboms.items[0]!;
      expect(cm.data?.['sbom.spdx.json']).toBe(sbom);
      const dataSource = await objects.get({ apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataSource', namespace, name: 'debian-golden' }, signal);
      expect(dataSource?.metadata.annotations?.['ruddervirt.io/sbom']).toBe(cm.metadata.name);
      expect(run.stderr).toContain(`its SBOM is kept beside`);

      // A fresh runner (empty local layer cache): the layer comes from the cluster, its SBOM with it.
      const out2 = path.join(dir, 'out-2');
      const again = runCli(['build', file, ...kube, '--output', out2], { env: { RUDDERVIRT_CACHE_DIR: path.join(dir, 'cache-2') } });
      expect(await again.done, again.stderr).toBe(0);
      expect(again.stderr).toMatch(/layer base: reused/);
      expect(again.stderr).not.toContain('starting');
      const image2 = again.stdout.trim().split('\n').at(-1)!;
      expect(readFileSync(`${image2}.spdx.json`, 'utf8')).toBe(sbom);
      expect((JSON.parse(readFileSync(path.join(out2, 'manifest.json'), 'utf8')) as { outputs: { sbom?: string }[] }).outputs[0]!.sbom).toBe(`${image2}.spdx.json`);

      // Removing what the builds left (the golden image and its DataSource): the SBOM goes with its output.
      signal = AbortSignal.timeout(60_000);
      await objects.delete({ apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataSource', namespace, name: 'debian-golden' }, signal);
      const outputs = await objects.list<LiveObject>('cdi.kubevirt.io/v1beta1', 'DataVolume', namespace, { labelSelector: 'ruddervirt.io/component=output' }, signal);
      const snapshots = await objects.list<LiveObject>('snapshot.storage.k8s.io/v1', 'VolumeSnapshot', namespace, { labelSelector: 'ruddervirt.io/component=output' }, signal).catch(() => ({ items: [] as LiveObject[] }));
      for (const o of [...outputs.items, ...snapshots.items]) await objects.delete({ apiVersion: o.apiVersion, kind: o.kind, namespace, name: o.metadata.name }, signal);
      await harness.settled();
      const left = harness.leftovers().filter((o) => o.kind !== 'Event' && !(o.kind === 'Namespace' && o.name === namespace));
      expect(left).toEqual([]);
    },
    CASE_TIMEOUT,
  );
});
