/**
 * The harness's CDI, snapshot and export controllers against real files and real tools
 * (qemu-img, a local HTTP server, client-node's port-forward): HTTP import with checksum and
 * progress, failures CDI reports, blank disks, clones, uploads through the upload proxy,
 * VolumeSnapshots, VirtualMachineSnapshots, and exports downloaded with the token.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CDI_NAMESPACE, startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';
import { DV, EXPORT, VM, VM_SNAPSHOT, VOLUME_SNAPSHOT, createCustom, forwardPort, getCustom, httpsRequest, sha256, sha256File, waitFor, waitGone, type Loose } from './helpers.js';

let harness: KubeHarness;
let kc: KubeConfig;
let core: CoreV1Api;
let dir: string;
let image: string;
let imageSha: string;
let server: http.Server;
let base: string;

const MiB = 1024 * 1024;

beforeAll(async () => {
  harness = await startKubeHarness({ accelerator: 'tcg', importRetries: 1, exportIngress: true });
  kc = harness.kubeConfig();
  core = kc.makeApiClient(CoreV1Api);
  dir = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-harness-test-'));
  image = path.join(dir, 'source.qcow2');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', image, '64M']);
  execFileSync('qemu-io', ['-c', 'write -P 0x5a 0 3M', '-c', 'write -P 0xa5 32M 1M', image], { stdio: 'ignore' });
  imageSha = sha256(readFileSync(image));
  // Serves the image slowly enough (16 chunks) for the importer to report progress on the way.
  server = http.createServer((req, res) => {
    if (req.url !== '/disk.qcow2') {
      res.writeHead(404).end('no such file');
      return;
    }
    const data = readFileSync(image);
    res.writeHead(200, { 'content-length': data.length, 'content-type': 'application/octet-stream' });
    const step = Math.ceil(data.length / 16);
    let offset = 0;
    const next = () => {
      if (offset >= data.length) return void res.end();
      res.write(data.subarray(offset, offset + step));
      offset += step;
      setTimeout(next, 60);
    };
    next();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await harness?.close();
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const dataVolume = (name: string, source: Loose, size = '64Mi') => ({
  apiVersion: 'cdi.kubevirt.io/v1beta1',
  kind: 'DataVolume',
  metadata: { name, annotations: { 'cdi.kubevirt.io/storage.bind.immediate.requested': 'true' } },
  spec: { source, storage: { resources: { requests: { storage: size } } } },
});

const phase = (p: string) => (o: Loose) => o.status?.phase === p;

/** Same disk contents (qemu-img compare ignores the container format). */
function sameDisk(qcow2: string, raw: string): boolean {
  try {
    execFileSync('qemu-img', ['compare', '-q', '-f', 'qcow2', '-F', 'raw', qcow2, raw]);
    return true;
  } catch {
    return false;
  }
}

describe('DataVolumes', () => {
  // "%.2f%%" on the way, "100.0%" at the end: kubevirt/containerized-data-importer
  // pkg/controller/datavolume/controller-base.go@v1.66.0 updateProgressUsingPod, import-controller.go.
  it('import over HTTP with the checksum, report progress, and leave a raw disk of the claimed size', async () => {
    const ns = await harness.createNamespace();
    await createCustom(kc, DV, ns, dataVolume('imported', { http: { url: `${base}/disk.qcow2`, checksum: `sha256:${imageSha}` } }));
    const { object, seen } = await waitFor(kc, DV, ns, 'imported', phase('Succeeded'));
    const progress = seen.map((o) => o.status?.progress).filter((p): p is string => typeof p === 'string');
    expect(progress.some((p) => /^\d{1,2}\.\d{2}%$/.test(p) && p !== '0.00%')).toBe(true);
    expect(object.status.progress).toBe('100.0%');
    expect(object.status.claimName).toBe('imported');
    expect(object.status.conditions.find((c: Loose) => c.type === 'Ready').status).toBe('True');
    expect(seen.map((o) => o.status?.phase)).toContain('ImportInProgress');
    const reasons = (await core.listNamespacedEvent({ namespace: ns, fieldSelector: 'involvedObject.name=imported' })).items.map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['ImportScheduled', 'ImportInProgress', 'ImportSucceeded']));

    const claim = await core.readNamespacedPersistentVolumeClaim({ namespace: ns, name: 'imported' });
    expect(claim.status?.phase).toBe('Bound');
    expect(claim.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'DataVolume', name: 'imported', controller: true });
    const file = harness.claimFile(ns, 'imported');
    expect(statSync(file).size).toBe(64 * MiB);
    expect(sameDisk(image, file)).toBe(true);

    // The claim belongs to the DataVolume: deleting it removes the disk.
    await kc.makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({ ...DV, namespace: ns, name: 'imported' });
    await waitGone(harness, 'PersistentVolumeClaim', ns, 'imported');
    // The volume goes after the claim (the provisioner's delete), so a busy machine may see it a moment longer.
    await expect.poll(() => existsSync(file), { timeout: 10_000 }).toBe(false);
  });

  it('fail as CDI reports it: a wrong checksum, a missing file after restarts, a registry source it cannot pull', async () => {
    const ns = await harness.createNamespace();
    await createCustom(kc, DV, ns, dataVolume('bad-sum', { http: { url: `${base}/disk.qcow2`, checksum: `sha256:${'0'.repeat(64)}` } }));
    await createCustom(kc, DV, ns, dataVolume('missing', { http: { url: `${base}/nothing.qcow2` } }));
    await createCustom(kc, DV, ns, dataVolume('registry', { registry: { url: 'docker://quay.io/containerdisks/debian:12' } }));
    const running = (o: Loose) => o.status.conditions.find((c: Loose) => c.type === 'Running');

    const badSum = (await waitFor(kc, DV, ns, 'bad-sum', phase('Failed'))).object;
    expect(running(badSum).message).toMatch(/checksum mismatch: expected sha256:0{64}, calculated sha256:[0-9a-f]{64}/);
    // Fatal at once, the importer not restarted (kubevirt/containerized-data-importer
    // pkg/controller/import-controller.go@v1.66.0 updatePvcFromPod).
    expect(running(badSum).reason).toBe('ChecksumError');
    expect(badSum.status.restartCount ?? 0).toBe(0);
    const missing = (await waitFor(kc, DV, ns, 'missing', phase('Failed'))).object;
    expect(running(missing)).toMatchObject({ status: 'False', reason: 'Error' });
    expect(running(missing).message).toContain('expected status code 200, got 404');
    expect(missing.status.restartCount).toBe(2);
    const registry = (await waitFor(kc, DV, ns, 'registry', phase('Failed'))).object;
    expect(running(registry).reason).toBe('RegistryImportUnsupported');

    const events = await core.listNamespacedEvent({ namespace: ns, fieldSelector: 'involvedObject.name=bad-sum,type=Warning' });
    expect(events.items.map((e) => e.message).join('\n')).toContain('checksum mismatch');
  });

  it('make blank disks, and clones that wait for their source and refuse to shrink it', async () => {
    const ns = await harness.createNamespace();
    await createCustom(kc, DV, ns, dataVolume('blank', { blank: {} }, '1Gi'));
    await waitFor(kc, DV, ns, 'blank', phase('Succeeded'));
    const blank = statSync(harness.claimFile(ns, 'blank'));
    expect(blank.size).toBe(1024 * MiB);
    // Sparse: a gigabyte of nothing takes (almost) no blocks.
    expect(blank.blocks * 512).toBeLessThan(MiB);

    // The clone is created before its source exists: it waits, then copies.
    await createCustom(kc, DV, ns, dataVolume('copy', { pvc: { namespace: ns, name: 'source' } }, '128Mi'));
    await createCustom(kc, DV, ns, dataVolume('source', { http: { url: `${base}/disk.qcow2` } }));
    const copy = await waitFor(kc, DV, ns, 'copy', phase('Succeeded'));
    expect(copy.seen.some((o) => o.status?.phase === 'CloneScheduled')).toBe(true);
    expect(statSync(harness.claimFile(ns, 'copy')).size).toBe(128 * MiB);
    expect(sameDisk(image, harness.claimFile(ns, 'copy'))).toBe(true);

    // A smaller `storage` spec from a Filesystem source: CDI's host-assisted clone controller
    // refuses it and retries, so the DataVolume waits in CloneScheduled
    // (kubevirt/containerized-data-importer pkg/controller/clone-controller.go@v1.66.0
    // ValidateCanCloneSourceAndTargetSpec).
    await createCustom(kc, DV, ns, dataVolume('smaller', { pvc: { namespace: ns, name: 'source' } }, '16Mi'));
    await waitFor(kc, DV, ns, 'smaller', phase('CloneScheduled'));
    await new Promise((r) => setTimeout(r, 1500));
    expect((await getCustom(kc, DV, ns, 'smaller')).status.phase).toBe('CloneScheduled');
  });

  // kubevirt/containerized-data-importer pkg/common/common.go@v1.66.0 UploadPathSync/UploadPathAsync and
  // pkg/uploadproxy/uploadproxy.go@v1.66.0 authHeaderMatcher (`Authorization: Bearer <token>`).
  it('take uploads through an UploadTokenRequest and the upload proxy reached by port-forward', async () => {
    const ns = await harness.createNamespace();
    await createCustom(kc, DV, ns, dataVolume('uploaded', { upload: {} }));
    await waitFor(kc, DV, ns, 'uploaded', phase('UploadReady'));
    const token = (await createCustom(kc, { group: 'upload.cdi.kubevirt.io', version: 'v1beta1', plural: 'uploadtokenrequests' }, ns, {
      apiVersion: 'upload.cdi.kubevirt.io/v1beta1',
      kind: 'UploadTokenRequest',
      metadata: { name: 'token' },
      spec: { pvcName: 'uploaded' },
    })) as Loose;
    expect(typeof token.status.token).toBe('string');
    // Not stored: CDI's API server answers token requests.
    expect(harness.objects().some((o) => o.kind === 'UploadTokenRequest')).toBe(false);

    // As from a CI runner: the proxy pod behind svc/cdi-uploadproxy in namespace cdi, by port-forward.
    const service = await core.readNamespacedService({ namespace: CDI_NAMESPACE, name: 'cdi-uploadproxy' });
    const selector = Object.entries(service.spec?.selector ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const pod = (await core.listNamespacedPod({ namespace: CDI_NAMESPACE, labelSelector: selector })).items[0]!;
    const targetPort = Number(service.spec?.ports?.[0]?.targetPort);
    const forward = await forwardPort(kc, CDI_NAMESPACE, pod.metadata!.name!, targetPort);
    try {
      const url = `https://127.0.0.1:${forward.port}/v1beta1/upload`;
      const refused = await httpsRequest(url, { method: 'POST', ca: harness.caCert, headers: { authorization: 'Bearer forged' }, body: Buffer.from('x') });
      expect(refused.status).toBe(401);
      const answer = await httpsRequest(url, { method: 'POST', ca: harness.caCert, headers: { authorization: `Bearer ${token.status.token}`, 'content-type': 'application/octet-stream' }, body: readFileSync(image) });
      expect(answer.status).toBe(200);
    } finally {
      await forward.close();
    }
    // The synchronous endpoint answers once the disk is written.
    const done = await getCustom(kc, DV, ns, 'uploaded');
    expect(done.status.phase).toBe('Succeeded');
    expect(sameDisk(image, harness.claimFile(ns, 'uploaded'))).toBe(true);
    await waitGone(harness, 'Pod', ns, 'cdi-upload-uploaded');
  });
});

describe('snapshots and exports', () => {
  // The token header or query parameter: kubevirt/kubevirt pkg/storage/export/virt-exportserver/exportserver.go@v1.9.0 authHeader.
  it('snapshot a claim, restore a DataVolume from it, and export it with the token', async () => {
    const ns = await harness.createNamespace();
    await createCustom(kc, DV, ns, dataVolume('disk', { http: { url: `${base}/disk.qcow2`, checksum: `sha256:${imageSha}` } }));
    await waitFor(kc, DV, ns, 'disk', phase('Succeeded'));
    await createCustom(kc, VOLUME_SNAPSHOT, ns, { apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshot', metadata: { name: 'snap' }, spec: { source: { persistentVolumeClaimName: 'disk' } } });
    const snap = (await waitFor(kc, VOLUME_SNAPSHOT, ns, 'snap', (o) => o.status?.readyToUse === true)).object;
    expect(snap.status.restoreSize).toBe('64Mi');
    expect(snap.spec.volumeSnapshotClassName).toBe('harness-snapclass');
    await createCustom(kc, DV, ns, dataVolume('restored', { snapshot: { namespace: ns, name: 'snap' } }));
    await waitFor(kc, DV, ns, 'restored', phase('Succeeded'));
    expect(sameDisk(image, harness.claimFile(ns, 'restored'))).toBe(true);

    await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'export-token' }, stringData: { token: 'sekret-token' } } });
    await createCustom(kc, EXPORT, ns, {
      apiVersion: 'export.kubevirt.io/v1',
      kind: 'VirtualMachineExport',
      metadata: { name: 'out' },
      spec: { source: { apiGroup: '', kind: 'PersistentVolumeClaim', name: 'restored' }, tokenSecretRef: 'export-token', ttlDuration: '1h' },
    });
    const ready = (await waitFor(kc, EXPORT, ns, 'out', phase('Ready'))).object;
    const internal = ready.status.links.internal;
    expect(internal.cert).toBe(harness.caCert);
    expect(internal.volumes[0].formats).toEqual([
      { format: 'raw', url: `https://virt-export-out.${ns}.svc/volumes/restored/disk.img` },
      { format: 'gzip', url: `https://virt-export-out.${ns}.svc/volumes/restored/disk.img.gz` },
    ]);
    expect(ready.status.serviceName).toBe('virt-export-out');

    const expected = await sha256File(harness.claimFile(ns, 'restored'));
    const service = await core.readNamespacedService({ namespace: ns, name: 'virt-export-out' });
    expect(service.spec?.ports?.[0]).toMatchObject({ port: 443, targetPort: 8443 });
    const forward = await forwardPort(kc, ns, 'virt-export-out', 8443);
    try {
      const raw = `https://127.0.0.1:${forward.port}/volumes/restored/disk.img`;
      expect((await httpsRequest(raw, { ca: internal.cert })).status).toBe(401);
      const body = await httpsRequest(raw, { ca: internal.cert, headers: { 'x-kubevirt-export-token': 'sekret-token' } });
      expect(body.status).toBe(200);
      expect(sha256(body.body)).toBe(expected);
    } finally {
      await forward.close();
    }
    // The external link (virt-exportproxy's layout), token as a query parameter, gzip.
    const gz = ready.status.links.external.volumes[0].formats.find((f: Loose) => f.format === 'gzip').url as string;
    const zipped = await httpsRequest(`${gz}?x-kubevirt-export-token=sekret-token`, { ca: ready.status.links.external.cert });
    expect(zipped.status).toBe(200);
    expect(sha256(gunzipSync(zipped.body))).toBe(expected);

    // Deleting the export takes its server, service and pod.
    await kc.makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({ ...EXPORT, namespace: ns, name: 'out' });
    await waitGone(harness, 'Pod', ns, 'virt-export-out');
    await waitGone(harness, 'Service', ns, 'virt-export-out');
  });

  // x-kubevirt-export-token: kubevirt/kubevirt pkg/storage/export/virt-exportserver/exportserver.go@v1.9.0.
  it('snapshot a stopped VirtualMachine with its volumes and export the snapshot', async () => {
    const ns = await harness.createNamespace();
    await createCustom(kc, VM, ns, {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachine',
      metadata: { name: 'vm' },
      spec: {
        runStrategy: 'Halted',
        dataVolumeTemplates: [{ metadata: { name: 'vm-root' }, spec: { source: { http: { url: `${base}/disk.qcow2` } }, storage: { resources: { requests: { storage: '64Mi' } } } } }],
        template: { spec: { domain: { devices: { disks: [{ name: 'root', disk: { bus: 'virtio' } }] }, memory: { guest: '128Mi' } }, volumes: [{ name: 'root', dataVolume: { name: 'vm-root' } }] } },
      },
    });
    await waitFor(kc, DV, ns, 'vm-root', phase('Succeeded'));
    const vm = (await waitFor(kc, VM, ns, 'vm', (o) => o.status?.printableStatus === 'Stopped' && o.status?.volumeSnapshotStatuses?.[0]?.enabled === true)).object;
    expect(vm.status.volumeSnapshotStatuses).toEqual([{ name: 'root', enabled: true }]);

    await createCustom(kc, VM_SNAPSHOT, ns, {
      apiVersion: 'snapshot.kubevirt.io/v1beta1',
      kind: 'VirtualMachineSnapshot',
      metadata: { name: 'snap' },
      spec: { source: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: 'vm' } },
    });
    const snap = (await waitFor(kc, VM_SNAPSHOT, ns, 'snap', (o) => o.status?.readyToUse === true)).object;
    expect(snap.status.phase).toBe('Succeeded');
    expect(snap.status.snapshotVolumes).toEqual({ includedVolumes: ['root'], excludedVolumes: [] });
    const content = await getCustom(kc, { group: 'snapshot.kubevirt.io', version: 'v1beta1', plural: 'virtualmachinesnapshotcontents' }, ns, snap.status.virtualMachineSnapshotContentName);
    expect(content.spec.volumeBackups[0]).toMatchObject({ volumeName: 'root', persistentVolumeClaim: { metadata: { name: 'vm-root' } } });

    await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'tok' }, stringData: { token: 't0ken' } } });
    await createCustom(kc, EXPORT, ns, {
      apiVersion: 'export.kubevirt.io/v1',
      kind: 'VirtualMachineExport',
      metadata: { name: 'snapout' },
      spec: { source: { apiGroup: 'snapshot.kubevirt.io', kind: 'VirtualMachineSnapshot', name: 'snap' }, tokenSecretRef: 'tok' },
    });
    const ready = (await waitFor(kc, EXPORT, ns, 'snapout', phase('Ready'))).object;
    expect(ready.status.virtualMachineName).toBe('vm');
    const raw = ready.status.links.external.volumes[0].formats[0].url as string;
    const body = await httpsRequest(raw, { ca: harness.caCert, headers: { 'x-kubevirt-export-token': 't0ken' } });
    expect(body.status).toBe(200);
    expect(createHash('sha256').update(body.body).digest('hex')).toBe(await sha256File(harness.claimFile(ns, 'vm-root')));

    // Deleting the VM snapshot deletes its content and volume snapshots.
    await kc.makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({ ...VM_SNAPSHOT, namespace: ns, name: 'snap' });
    await waitGone(harness, 'VirtualMachineSnapshotContent', ns, snap.status.virtualMachineSnapshotContentName);
    for (const o of harness.objects().filter((x) => x.namespace === ns && x.kind === 'VolumeSnapshot')) await waitGone(harness, 'VolumeSnapshot', ns, o.name);
  });
});
