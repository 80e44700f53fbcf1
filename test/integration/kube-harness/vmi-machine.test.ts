/**
 * How a VirtualMachineInstance becomes a QEMU command line in the harness (no guest boots here):
 * claims as raw disks in place, cdroms from a claim and from a Secret with its volume label,
 * cloud-init NoCloud, emptyDisk, UEFI, NIC models, the guestfwd rules that let the guest reach
 * pod IPs, and rebootPolicy Terminate; and the specs it refuses, with a reason.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineLogger } from '../../../src/core/log.js';
import { ClusterApi } from '../../kube-harness/cluster-api.js';
import { KubeOvnDataplane } from '../../kube-harness/controllers/kube-ovn-dataplane.js';
import { PodNetwork } from '../../kube-harness/controllers/pod-network.js';
import { VmiSpecError, prepareVmiMachine, type MachineContext } from '../../kube-harness/controllers/vmi-machine.js';
import { VolumeFiles } from '../../kube-harness/controllers/volumes.js';
import { ObjectStore, type KubeObject } from '../../kube-harness/object-store.js';
import { mustResource } from '../../kube-harness/resources.js';
import type { Loose } from './helpers.js';

let dir: string;
let ctx: MachineContext;
let files: VolumeFiles;
const prepared: string[] = [];

function create(api: ClusterApi, group: string, plural: string, object: Loose): void {
  api.createInternal(mustResource(group, plural), object.metadata.namespace, object as KubeObject);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-vmi-machine-'));
  files = new VolumeFiles(dir);
  const api = new ClusterApi(new ObjectStore());
  const network = new PodNetwork();
  const logger = new LineLogger(() => undefined);
  ctx = { api, files, network, dataplane: new KubeOvnDataplane(api, dir, logger), accelerator: async () => 'tcg', logger };
  create(api, '', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } });
  const claim = (name: string) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'ns' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '64Mi' } } },
    status: { phase: 'Bound', capacity: { storage: '64Mi' } },
  });
  create(api, '', 'persistentvolumeclaims', claim('root'));
  create(api, '', 'persistentvolumeclaims', claim('installer'));
  create(api, 'cdi.kubevirt.io', 'datavolumes', {
    apiVersion: 'cdi.kubevirt.io/v1beta1',
    kind: 'DataVolume',
    metadata: { name: 'installer', namespace: 'ns' },
    spec: { source: { blank: {} }, storage: { resources: { requests: { storage: '64Mi' } } } },
    status: { phase: 'Succeeded', claimName: 'installer' },
  });
  await files.ensureBlank(files.claimFile('ns', 'installer'), 64 * 1024 * 1024);
  create(api, '', 'secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'answers', namespace: 'ns' }, data: { 'ks.cfg': Buffer.from('text\n').toString('base64') } });
  network.expose('ns', 'http-server', 8080, '127.0.0.1', 40123);
});

afterAll(() => {
  for (const d of prepared) rmSync(d, { recursive: true, force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function vmi(spec: Loose): Loose {
  return { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'guest', namespace: 'ns', uid: 'u' }, spec };
}

const domain = (devices: Loose, extra: Loose = {}) => ({ machine: { type: 'q35' }, cpu: { cores: 2 }, memory: { guest: '256Mi' }, devices, ...extra });

describe('a VMI as QEMU arguments', () => {
  it('maps disks, cdroms, firmware, NICs and the pod network', async () => {
    const spec = {
      domain: domain(
        {
          disks: [
            { name: 'root', disk: { bus: 'virtio' }, bootOrder: 1 },
            { name: 'installer', cdrom: { bus: 'sata' }, bootOrder: 2 },
            { name: 'answers', cdrom: { bus: 'sata' } },
            { name: 'seed', disk: { bus: 'virtio' } },
            { name: 'scratch', disk: { bus: 'sata' } },
          ],
          interfaces: [{ name: 'nic0', model: 'e1000', masquerade: {} }],
        },
        { firmware: { bootloader: { efi: { secureBoot: false } } }, rebootPolicy: 'Terminate' },
      ),
      networks: [{ name: 'nic0', pod: {} }],
      volumes: [
        { name: 'root', persistentVolumeClaim: { claimName: 'root' } },
        { name: 'installer', dataVolume: { name: 'installer' } },
        { name: 'answers', secret: { secretName: 'answers', volumeLabel: 'OEMDRV' } },
        { name: 'seed', cloudInitNoCloud: { userData: '#cloud-config\n' } },
        { name: 'scratch', emptyDisk: { capacity: '1Gi' } },
      ],
    };
    const vmDir = path.join(dir, 'vmi-1');
    const result = await prepareVmiMachine(vmi(spec), vmDir, ctx, new AbortController().signal);
    prepared.push(result.runtimeDir);
    const args = result.args.join(' ');

    // The claim without data gets a blank disk.img of its size, written in place (raw).
    const root = files.claimFile('ns', 'root');
    expect(statSync(root).size).toBe(64 * 1024 * 1024);
    expect(args).toContain(`file=${root},format=raw`);
    expect(args).toMatch(/virtio-blk-pci,drive=disk0,bootindex=1/);
    expect(args).toContain(`file=${files.claimFile('ns', 'installer')},format=raw,media=cdrom`);
    expect(args).toMatch(/ide-cd,drive=cd1,bus=ide\.0,bootindex=2/);
    expect(result.plan.cpus).toBe(2);
    expect(result.plan.memoryMiB).toBe(256);
    expect(result.plan.firmware).toMatchObject({ secureBoot: false });
    expect(args).toMatch(/-device e1000,netdev=net0,mac=52:54:00(:[0-9a-f]{2}){3}/);
    expect(args).toMatch(/guestfwd=tcp:10\.0\.2\.100:8080-cmd:\/\S*busybox nc 127\.0\.0\.1 40123/);
    expect(result.args).toContain('-no-reboot');

    // The Secret's files on an ISO with its volume label; cloud-init's on one labelled cidata.
    const iso = result.plan.cdroms[1]!.path;
    const info = execFileSync('xorriso', ['-indev', iso, '-pvd_info'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    expect(info).toMatch(/Volume Id\s*:\s*OEMDRV/);
    const listing = execFileSync('xorriso', ['-indev', iso, '-find', '/', '-type', 'f'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    expect(listing).toContain("'/ks.cfg'");
    const seed = result.plan.disks.find((d) => d.id === 'disk3')!.path;
    expect(execFileSync('xorriso', ['-indev', seed, '-pvd_info'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString()).toMatch(/Volume Id\s*:\s*cidata/);
    expect(result.plan.disks.find((d) => d.id === 'disk4')).toMatchObject({ format: 'qcow2', bus: 'sata' });
  });

  it('refuses what it cannot run, saying why', async () => {
    const base = { domain: domain({ disks: [{ name: 'root', disk: { bus: 'virtio' } }] }), volumes: [{ name: 'root', persistentVolumeClaim: { claimName: 'root' } }] };
    const signal = new AbortController().signal;
    await expect(prepareVmiMachine(vmi({ ...base, domain: { ...base.domain, machine: { type: 'pc' } } }), path.join(dir, 'v2'), ctx, signal)).rejects.toThrow(/machine type pc is not supported/);
    await expect(prepareVmiMachine(vmi({ ...base, volumes: [{ name: 'root', persistentVolumeClaim: { claimName: 'missing' } }] }), path.join(dir, 'v3'), ctx, signal)).rejects.toThrow(VmiSpecError);
    await expect(prepareVmiMachine(vmi({ ...base, volumes: [{ name: 'root', hostDisk: { path: '/x', type: 'Disk' } }] }), path.join(dir, 'v4'), ctx, signal)).rejects.toThrow(/hostDisk volumes are not supported/);
    await expect(prepareVmiMachine(vmi({ ...base, volumes: [{ name: 'root', containerDisk: { image: 'quay.io/containerdisks/debian:12' } }] }), path.join(dir, 'v5'), ctx, signal)).rejects.toThrow(/cannot pull images/);
  });
});
