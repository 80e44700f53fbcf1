/**
 * KubevirtVmHandle against the kube harness (virt-api's stop served, KubeVirt's and CDI's
 * controllers off and played by the test, the garbage collector on) and an export server of the
 * test's: power-off is KubeVirt's stop
 * with a grace period (virt-launcher sends the guest ACPI shutdown), shutdown is awaited by watch,
 * a forced stop deletes the VM once, the serial console comes from the launcher pod's
 * guest-console-log container, and exportDisk captures, exports, downloads and converts the disk
 * with qemu-img, then frees the export.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../src/core/log.js';
import { ClusterRun } from '../../../src/engines/kubevirt/cluster/cluster-run.js';
import type { ObjectClient } from '../../../src/engines/kubevirt/cluster/objects.js';
import { DEFAULT_TIMEOUTS, type RunSession } from '../../../src/engines/kubevirt/cluster/session.js';
import { KubevirtVmHandle } from '../../../src/engines/kubevirt/cluster/vm-handle.js';
import type { RenderedBuild } from '../../../src/engines/kubevirt/manifests/rendered.js';
import { renderWith, tempBuild, type TempBuild } from '../../unit/kubevirt/helpers.js';
import { startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';
import { clientFor } from './fakes/client.js';
import { selfSignedCert } from './fakes/test-tls.js';
import { NS, REFS, hold, putVmi as putVmiObject, release, releaseAfterDeletion } from './harness-objects.js';

let harness: KubeHarness;
let objects: ObjectClient;
let build: TempBuild;
let rendered: RenderedBuild;
let session: RunSession;
let workDir: string;
let exportServer: https.Server;
const VM = 'b-base-web-r1';
/** The bodies of virt-api stop requests since the test began. */
const stops = () =>
  harness
    .requests()
    .filter((r) => r.method === 'PUT' && r.path.endsWith('/stop'))
    .map((r) => r.body);
/**
 * The VMI, Running; held by a finalizer as virt-controller's holds it until virt-handler has shut
 * the guest down (here: until the test lets it go).
 */
function putVmi(harness: KubeHarness, name: string, phase: string) {
  const vmi = putVmiObject(harness, name, phase);
  hold(harness, REFS.vmi(name));
  return vmi;
}
/** The VM as the run created it (its VirtualMachine manifest). */
const putVm = () => harness.putObject(rendered.objects.find((o) => o.object.kind === 'VirtualMachine')!.object as never);
const rawDisk = Buffer.concat([randomBytes(256 * 1024), Buffer.alloc(768 * 1024)]);
const exportCert = selfSignedCert('virt-export', [`DNS:virt-export-${VM}-export.${NS}.svc`]);

function handle(): KubevirtVmHandle {
  return new KubevirtVmHandle({ session, vm: build.build.layers[0]!.vms[0]!, rendered: rendered.vms[0]!, workDir, logger: memoryLogger().logger });
}

describe('KubevirtVmHandle (kube harness)', () => {
  beforeAll(async () => {
    harness = await startKubeHarness({ controllers: ['garbage-collector'], accelerator: 'tcg' });
    await harness.createNamespace(NS);
    ({ objects } = clientFor(harness));
    workDir = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-handle-'));
    build = tempBuild(`name: b
layers:
  - name: base
    vms:
      - name: web
        source: { url: https://example.org/disk.qcow2, checksum: "sha256:${'a'.repeat(64)}" }
        disks: [{ name: root, size: 1Mi }]
        shutdownTimeout: 30s
        communicator: { type: none }
`);
    rendered = renderWith(build.build, { namespace: NS, runId: 'r1', exportToken: () => 'the-token' });
    const run = new ClusterRun(objects, rendered, memoryLogger().logger);
    await run.begin(AbortSignal.timeout(10_000));
    session = { objects, run, namespace: NS, timeouts: { ...DEFAULT_TIMEOUTS, stop: 5_000 }, env: {}, exportToken: () => 'the-token', outputs: new Set() };
    exportServer = https.createServer({ cert: exportCert.cert, key: exportCert.key }, (req, res) => {
      if (req.headers['x-kubevirt-export-token'] !== 'the-token') return res.writeHead(401).end();
      res.writeHead(200).end(gzipSync(rawDisk));
    });
    await new Promise<void>((r) => exportServer.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(async () => {
    await harness?.close();
    exportServer.close();
    build.cleanup();
    rmSync(workDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    harness.clearRequests();
    harness.setFaults({});
    // The last test's VMI goes (as once its guest is off).
    if (harness.getObject(REFS.vmi(VM))) {
      release(harness, REFS.vmi(VM));
      if (harness.getObject(REFS.vmi(VM))) harness.deleteObject(REFS.vmi(VM));
    }
  });

  it('powerOff asks KubeVirt to stop with a grace period beyond shutdownTimeout, and the stop is seen by watch', async () => {
    putVm();
    putVmi(harness, VM, 'Running');
    const h = handle();
    await h.powerOff();
    expect(stops()).toEqual([{ gracePeriod: 30 + 60 }]);
    expect(harness.requests().find((r) => r.method === 'PUT')?.path).toBe(`/apis/subresources.kubevirt.io/v1/namespaces/${NS}/virtualmachines/${VM}/stop`);
    const stopped = h.waitForShutdown(10_000, AbortSignal.timeout(10_000));
    setTimeout(() => harness.updateObject(REFS.vmi(VM), (o) => void (o.status = { phase: 'Succeeded' })), 100);
    await expect(stopped).resolves.toBe(true);
  });

  it('waitForShutdown answers false when the guest stays up', async () => {
    putVm();
    putVmi(harness, VM, 'Running');
    await expect(handle().waitForShutdown(300, AbortSignal.timeout(10_000))).resolves.toBe(false);
  });

  // The container: kubevirt/kubevirt pkg/virt-controller/services/serialconsolelog.go@v1.9.0.
  it('serialTail reads the guest-console-log container of the launcher pod (retrying a 500)', async () => {
    putVm();
    const vmi = putVmi(harness, VM, 'Running');
    harness.putObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `virt-launcher-${VM}-abcde`, namespace: NS, labels: { 'kubevirt.io/created-by': vmi.metadata.uid! } },
      spec: {
        containers: [
          { name: 'compute', image: 'quay.io/kubevirt/virt-launcher:v1.9.0' },
          { name: 'guest-console-log', image: 'quay.io/kubevirt/virt-launcher:v1.9.0' },
        ],
      },
    });
    // Its kubelet is the test's: a 500 first, then the log (what tailLines=2 asked for, and more).
    harness.injectResponse({ method: 'GET', path: /\/log$/, status: 500 });
    harness.injectResponse({ method: 'GET', path: /\/pods\/virt-launcher-[^/]+\/log$/, status: 200, body: 'boot: \r\nguest: seeded\r\nlogin:\n' });
    expect(await handle().serialTail(2)).toEqual(['guest: seeded', 'login:']);
    const logReads = harness.requests().filter((r) => r.path.endsWith('/log'));
    expect(logReads).toHaveLength(2);
    const query = logReads.at(-1)?.query;
    expect(query?.get('container')).toBe('guest-console-log');
    expect(query?.get('tailLines')).toBe('2');
  });

  it('exportDisk keeps the output, exports it, downloads and converts it to compressed qcow2, then frees the export', async () => {
    // CDI finishes every DataVolume; KubeVirt's export controller readies every export, its
    // server's port played by the test's export server.
    const stopReacting = harness.onChange((type, o) => {
      if (type !== 'ADDED') return;
      const name = o.metadata.name!;
      if (o.kind === 'DataVolume') setTimeout(() => harness.updateObject(REFS.dv(name), (d) => void (d.status = { phase: 'Succeeded', progress: '100.0%' })), 10);
      if (o.kind === 'VirtualMachineExport') setTimeout(() => readyExport(o), 10);
    });
    const readyExport = (o: { metadata: { name?: string }; spec?: unknown }) => {
      const name = o.metadata.name!;
      harness.putObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: `virt-export-${name}`, namespace: NS }, spec: { selector: { export: name }, ports: [{ port: 443, targetPort: 8443 }] } });
      harness.putObject({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `virt-export-${name}`, namespace: NS, labels: { export: name } },
        spec: { containers: [{ name: 'exportserver', image: 'quay.io/kubevirt/virt-exportserver:v1.9.0', ports: [{ containerPort: 8443 }] }] },
        status: { phase: 'Running' },
      });
      harness.exposePodPort(NS, `virt-export-${name}`, 8443, { host: '127.0.0.1', port: (exportServer.address() as AddressInfo).port });
      const pvc = (o.spec as { source: { name: string } }).source.name;
      harness.updateObject(REFS.export(name), (e) => {
        e.status = {
          phase: 'Ready',
          serviceName: `virt-export-${name}`,
          links: { internal: { cert: exportCert.cert, volumes: [{ name: pvc, formats: [{ format: 'gzip', url: `https://virt-export-${name}.${NS}.svc/volumes/${pvc}/disk.img.gz` }] }] } },
        };
      });
    };
    try {
      const destination = path.join(workDir, 'out', 'base-web.qcow2');
      const { logger } = memoryLogger();
      await handle().exportDisk({ destination, format: 'qcow2', compress: true, logger, signal: AbortSignal.timeout(30_000) });
      const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', destination], { encoding: 'utf8' })) as { format: string; 'virtual-size': number };
      expect(info.format).toBe('qcow2');
      expect(info['virtual-size']).toBe(rawDisk.length);
      const back = path.join(workDir, 'back.raw');
      execFileSync('qemu-img', ['convert', '-O', 'raw', destination, back]);
      expect(execFileSync('cmp', [back, '-'], { input: rawDisk }).length).toBe(0);
      // The output stays (later layers clone it); the export and its token are gone.
      expect(harness.getObject(REFS.dv(`${VM}-output`))).toBeDefined();
      expect(harness.getObject(REFS.export(`${VM}-export`))).toBeUndefined();
      expect(harness.getObject(REFS.secret(`${VM}-export-token`))).toBeUndefined();
      expect(session.outputs.has('base/web')).toBe(true);
      expect((harness.getObject(REFS.dv(`${VM}-output`)) as { spec?: { source?: unknown } } | undefined)?.spec?.source).toEqual({ pvc: { namespace: NS, name: `${VM}-root` } });
    } finally {
      stopReacting();
    }
  });

  it('stop forces the VM off and deletes it, once, waiting for its VMI to go', async () => {
    putVm();
    putVmi(harness, VM, 'Running');
    const stopReleasing = releaseAfterDeletion(harness, REFS.vmi(VM), 50);
    const h = handle();
    await Promise.all([h.stop(), h.stop()]).finally(stopReleasing);
    await h.stop();
    expect(stops()).toEqual([{ gracePeriod: 0 }]);
    expect(
      harness
        .requests()
        .filter((r) => r.method === 'DELETE')
        .map((r) => r.path),
    ).toEqual([`/apis/kubevirt.io/v1/namespaces/${NS}/virtualmachines/${VM}`]);
    expect(harness.getObject(REFS.vmi(VM))).toBeUndefined();
  });
});
