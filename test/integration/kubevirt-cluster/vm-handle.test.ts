/**
 * KubevirtVmHandle against a fake API server and fake export server: power-off is KubeVirt's stop
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
import { clientFor } from './fakes/client.js';
import { COLLECTIONS, NS, garbageCollect, onCreate, putVmi } from './fakes/fake-controllers.js';
import { startFakeApiServer, type FakeApiServer } from './fakes/fake-api-server.js';
import { bridgeChannelPortForward } from './fakes/stream-bridges.js';
import { selfSignedCert } from './fakes/test-tls.js';

let fake: FakeApiServer;
let objects: ObjectClient;
let build: TempBuild;
let rendered: RenderedBuild;
let session: RunSession;
let workDir: string;
let exportServer: https.Server;
const stops: unknown[] = [];
const VM = 'b-base-web-r1';
const rawDisk = Buffer.concat([randomBytes(256 * 1024), Buffer.alloc(768 * 1024)]);
const exportCert = selfSignedCert('virt-export', [`DNS:virt-export-${VM}-export.${NS}.svc`]);

function handle(): KubevirtVmHandle {
  return new KubevirtVmHandle({ session, vm: build.build.layers[0]!.vms[0]!, rendered: rendered.vms[0]!, workDir, logger: memoryLogger().logger });
}

describe('KubevirtVmHandle (fake API server)', () => {
  beforeAll(async () => {
    fake = await startFakeApiServer();
    ({ objects } = clientFor(fake));
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
    garbageCollect(fake);

    fake.route('PUT', /\/virtualmachines\/[^/]+\/stop$/, (_req, res, _url, body) => {
      stops.push(JSON.parse(body.toString()));
      res.writeHead(202).end();
    });
    exportServer = https.createServer({ cert: exportCert.cert, key: exportCert.key }, (req, res) => {
      if (req.headers['x-kubevirt-export-token'] !== 'the-token') return res.writeHead(401).end();
      res.writeHead(200).end(gzipSync(rawDisk));
    });
    await new Promise<void>((r) => exportServer.listen(0, '127.0.0.1', () => r()));
    fake.onWebSocket(/\/pods\/[^/]+\/portforward$/, (ws) => bridgeChannelPortForward(ws, 8443, { host: '127.0.0.1', port: (exportServer.address() as AddressInfo).port }));
  });
  afterAll(async () => {
    await fake.close();
    exportServer.close();
    build.cleanup();
    rmSync(workDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    fake.requests.length = 0;
    stops.length = 0;
  });

  it('powerOff asks KubeVirt to stop with a grace period beyond shutdownTimeout, and the stop is seen by watch', async () => {
    putVmi(fake, VM, 'Running');
    const h = handle();
    await h.powerOff();
    expect(stops).toEqual([{ gracePeriod: 30 + 60 }]);
    expect(fake.requests.find((r) => r.method === 'PUT')?.path).toBe(`/apis/subresources.kubevirt.io/v1/namespaces/${NS}/virtualmachines/${VM}/stop`);
    const stopped = h.waitForShutdown(10_000, AbortSignal.timeout(10_000));
    setTimeout(() => fake.store.update(COLLECTIONS.vmi, VM, (o) => (o.status = { phase: 'Succeeded' })), 100);
    await expect(stopped).resolves.toBe(true);
  });

  it('waitForShutdown answers false when the guest stays up', async () => {
    putVmi(fake, VM, 'Running');
    await expect(handle().waitForShutdown(300, AbortSignal.timeout(10_000))).resolves.toBe(false);
  });

  it('serialTail reads the guest-console-log container of the launcher pod (retrying a 500)', async () => {
    const vmi = putVmi(fake, VM, 'Running');
    fake.store.put(COLLECTIONS.pod, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `virt-launcher-${VM}-abcde`, namespace: NS, labels: { 'kubevirt.io/created-by': vmi.metadata.uid } } });
    let query: URLSearchParams | undefined;
    fake.route('GET', /\/pods\/virt-launcher-[^/]+\/log$/, (_req, res, url) => {
      query = url.searchParams;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('boot: \r\nguest: seeded\r\nlogin:\n');
    });
    fake.fail({ method: 'GET', path: /\/log$/, status: 500 });
    expect(await handle().serialTail(2)).toEqual(['guest: seeded', 'login:']);
    expect(query?.get('container')).toBe('guest-console-log');
    expect(query?.get('tailLines')).toBe('2');
  });

  it('exportDisk keeps the output, exports it, downloads and converts it to compressed qcow2, then frees the export', async () => {
    const stopDv = onCreate(fake, COLLECTIONS.dv, (o) => fake.store.update(COLLECTIONS.dv, o.metadata.name, (d) => (d.status = { phase: 'Succeeded', progress: '100.0%' })));
    const stopExport = onCreate(fake, COLLECTIONS.export, (o) => {
      const name = o.metadata.name;
      fake.store.put(COLLECTIONS.svc, { apiVersion: 'v1', kind: 'Service', metadata: { name: `virt-export-${name}`, namespace: NS }, spec: { selector: { export: name }, ports: [{ port: 443, targetPort: 8443 }] } });
      fake.store.put(COLLECTIONS.pod, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `virt-export-${name}`, namespace: NS, labels: { export: name } }, status: { phase: 'Running' } });
      const pvc = (o.spec as { source: { name: string } }).source.name;
      fake.store.update(COLLECTIONS.export, name, (e) => {
        e.status = {
          phase: 'Ready',
          serviceName: `virt-export-${name}`,
          links: { internal: { cert: exportCert.cert, volumes: [{ name: pvc, formats: [{ format: 'gzip', url: `https://virt-export-${name}.${NS}.svc/volumes/${pvc}/disk.img.gz` }] }] } },
        };
      });
    });
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
      expect(fake.store.get(COLLECTIONS.dv, `${VM}-output`)).toBeDefined();
      expect(fake.store.get(COLLECTIONS.export, `${VM}-export`)).toBeUndefined();
      expect(fake.store.get(COLLECTIONS.secret, `${VM}-export-token`)).toBeUndefined();
      expect(session.outputs.has('base/web')).toBe(true);
      expect((fake.store.get(COLLECTIONS.dv, `${VM}-output`)?.spec as { source: unknown }).source).toEqual({ pvc: { namespace: NS, name: `${VM}-root` } });
    } finally {
      stopDv();
      stopExport();
    }
  });

  it('stop forces the VM off and deletes it, once, waiting for its VMI to go', async () => {
    fake.store.put(COLLECTIONS.vm, { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: VM, namespace: NS } });
    putVmi(fake, VM, 'Running');
    const h = handle();
    await Promise.all([h.stop(), h.stop()]);
    await h.stop();
    expect(stops).toEqual([{ gracePeriod: 0 }]);
    expect(fake.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([`/apis/kubevirt.io/v1/namespaces/${NS}/virtualmachines/${VM}`]);
    expect(fake.store.get(COLLECTIONS.vmi, VM)).toBeUndefined();
  });
});
