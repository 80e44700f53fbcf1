/**
 * Disks in and out of the cluster, against a fake API server and fake CDI upload proxy and
 * KubeVirt export server (HTTPS servers with their own certificates on 127.0.0.1, reached through
 * the fake's pods/portforward): the upload sends the image with the upload token; the download
 * waits for the export, sends the export token, unpacks gzip into a sparse raw file, and checks
 * the export server's certificate against the CA the export publishes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { downloadExport } from '../../../src/engines/kubevirt/cluster/export-download.js';
import type { ObjectClient } from '../../../src/engines/kubevirt/cluster/objects.js';
import { uploadDisk } from '../../../src/engines/kubevirt/cluster/upload.js';
import { memoryLogger } from '../../../src/core/log.js';
import { DV_COLLECTION, clientFor } from './fakes/client.js';
import { startFakeApiServer, type FakeApiServer } from './fakes/fake-api-server.js';
import { bridgeChannelPortForward } from './fakes/stream-bridges.js';
import { selfSignedCert } from './fakes/test-tls.js';

let fake: FakeApiServer;
let objects: ObjectClient;
let dir: string;
let uploadProxy: https.Server;
let exportServer: https.Server;
const uploads: { auth?: string; bytes: Buffer; path: string }[] = [];
const exportCert = selfSignedCert('virt-export-e', ['DNS:virt-export-e.ns.svc']);
const proxyCert = selfSignedCert('cdi-uploadproxy', ['DNS:cdi-uploadproxy.cdi.svc']);
const EXPORT_TOKEN = 'export-token-value';
/** A 3 MiB disk: data, a 2 MiB hole, data. */
const disk = Buffer.concat([randomBytes(512 * 1024), Buffer.alloc(2 * 1024 * 1024), randomBytes(512 * 1024)]);
const ports = new Map<string, number>();

function listen(server: https.Server): Promise<number> {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
}

function setDvPhase(name: string, phase: string): void {
  fake.store.update(DV_COLLECTION, name, (o) => {
    o.status = { phase };
  });
}

describe('upload and export download (fake API server, fake CDI and export servers)', () => {
  beforeAll(async () => {
    fake = await startFakeApiServer();
    ({ objects } = clientFor(fake));
    dir = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-transfer-'));
    const handleUpload = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        uploads.push({ auth: req.headers.authorization, bytes: Buffer.concat(chunks), path: req.url ?? '' });
        res.writeHead(req.headers.authorization === 'Bearer upload-token' ? 200 : 401).end();
      });
    };
    uploadProxy = https.createServer({ cert: proxyCert.cert, key: proxyCert.key }, handleUpload);
    ports.set('upload', await listen(uploadProxy));
    exportServer = https.createServer({ cert: exportCert.cert, key: exportCert.key }, (req, res) => {
      if (req.headers['x-kubevirt-export-token'] !== EXPORT_TOKEN) return res.writeHead(401).end('bad token');
      if (req.url !== '/volumes/out/disk.img.gz') return res.writeHead(404).end();
      const body = gzipSync(disk);
      res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/gzip' }).end(body);
    });
    ports.set('export', await listen(exportServer));

    fake.onWebSocket(/\/pods\/[^/]+\/portforward$/, (ws, _req, url) => {
      const pod = url.pathname.split('/')[6]!;
      const port = Number(url.searchParams.get('ports'));
      const target = pod.startsWith('cdi-uploadproxy') ? ports.get('upload')! : ports.get('export')!;
      bridgeChannelPortForward(ws, port, { host: '127.0.0.1', port: target });
    });
    fake.route('POST', /\/uploadtokenrequests$/, (_req, res, _url, body) => {
      const request = JSON.parse(body.toString()) as { metadata: { name: string } };
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ ...request, status: { token: 'upload-token' } }));
    });
    // CDI's upload proxy Service and pod in the cdi namespace; the export server's in ns.
    fake.store.put('/api/v1/namespaces/cdi/services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'cdi-uploadproxy', namespace: 'cdi' },
      spec: { selector: { 'cdi.kubevirt.io': 'cdi-uploadproxy' }, ports: [{ port: 443, targetPort: 'https' }] },
    });
    fake.store.put('/api/v1/namespaces/cdi/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'cdi-uploadproxy-7f9', namespace: 'cdi', labels: { 'cdi.kubevirt.io': 'cdi-uploadproxy' } },
      spec: { containers: [{ name: 'proxy', ports: [{ name: 'https', containerPort: 8443 }] }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    });
    fake.store.put('/api/v1/namespaces/ns/services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'virt-export-e', namespace: 'ns' },
      spec: { selector: { 'kubevirt.io.virt-export-service': 'e' }, ports: [{ port: 443, targetPort: 8443 }] },
    });
    fake.store.put('/api/v1/namespaces/ns/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'virt-export-e', namespace: 'ns', labels: { 'kubevirt.io.virt-export-service': 'e' } },
      status: { phase: 'Running' },
    });
  });
  afterAll(async () => {
    await fake.close();
    uploadProxy.close();
    exportServer.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    fake.requests.length = 0;
    uploads.length = 0;
  });

  it('uploads once the DataVolume is UploadReady, with the token, through a port-forward to cdi-uploadproxy', async () => {
    const file = path.join(dir, 'disk.qcow2');
    writeFileSync(file, disk);
    fake.store.put(DV_COLLECTION, { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', metadata: { name: 'root', namespace: 'ns' }, status: { phase: 'Pending' } });
    const { logger, lines } = memoryLogger();
    const done = uploadDisk({ objects, namespace: 'ns', dataVolume: 'root', file, logger, signal: AbortSignal.timeout(20_000), readyTimeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 200));
    expect(uploads.length).toBe(0);
    setDvPhase('root', 'UploadReady');
    await done;
    expect(uploads.length).toBe(1);
    expect(uploads[0]?.path).toBe('/v1beta1/upload');
    expect(uploads[0]?.bytes.equals(disk)).toBe(true);
    const tokenRequest = fake.requests.find((r) => r.path.endsWith('/uploadtokenrequests'));
    expect(tokenRequest?.path).toBe('/apis/upload.cdi.kubevirt.io/v1beta1/namespaces/ns/uploadtokenrequests');
    expect(tokenRequest?.body).toMatchObject({ kind: 'UploadTokenRequest', spec: { pvcName: 'root' } });
    expect(fake.requests.some((r) => r.method === 'UPGRADE' && r.path === '/api/v1/namespaces/cdi/pods/cdi-uploadproxy-7f9/portforward' && r.query.get('ports') === '8443')).toBe(true);
    expect(lines.join('\n')).toMatch(/upload root 3\.0 MiB \/ 3\.0 MiB \(100\.0%\)/);
    expect(lines.join('\n')).not.toContain('upload-token');
  });

  it('uses the upload proxy address CDIConfig publishes, checking its certificate against the cluster CA', async () => {
    const published = https.createServer({ cert: fake.tls.cert, key: fake.tls.key }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        uploads.push({ auth: req.headers.authorization, bytes: Buffer.concat(chunks), path: req.url ?? '' });
        res.writeHead(200).end();
      });
    });
    const port = await listen(published);
    fake.store.put('/apis/cdi.kubevirt.io/v1beta1/cdiconfigs', { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'CDIConfig', metadata: { name: 'config' }, status: { uploadProxyURL: `127.0.0.1:${port}` } });
    try {
      const file = path.join(dir, 'small.img');
      writeFileSync(file, 'tiny disk');
      fake.store.put(DV_COLLECTION, { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', metadata: { name: 'direct', namespace: 'ns' }, status: { phase: 'UploadReady' } });
      await uploadDisk({ objects, namespace: 'ns', dataVolume: 'direct', file, logger: memoryLogger().logger, signal: AbortSignal.timeout(20_000), readyTimeoutMs: 5_000, clusterCa: fake.caCert });
      expect(uploads.map((u) => [u.path, u.auth, u.bytes.toString()])).toEqual([['/v1beta1/upload', 'Bearer upload-token', 'tiny disk']]);
      expect(fake.requests.some((r) => r.method === 'UPGRADE')).toBe(false);
    } finally {
      fake.store.remove('/apis/cdi.kubevirt.io/v1beta1/cdiconfigs', 'config');
      published.close();
    }
  });

  it('fails with CDI reason when the DataVolume fails before it is ready', async () => {
    fake.store.put(DV_COLLECTION, {
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataVolume',
      metadata: { name: 'bad', namespace: 'ns' },
      status: { phase: 'Failed', conditions: [{ type: 'Running', status: 'False', message: 'Upload pod failed' }] },
    });
    const file = path.join(dir, 'x.img');
    writeFileSync(file, 'x');
    await expect(uploadDisk({ objects, namespace: 'ns', dataVolume: 'bad', file, logger: memoryLogger().logger, signal: AbortSignal.timeout(5_000), readyTimeoutMs: 5_000 })).rejects.toThrow(
      /the upload server of DataVolume bad failed: Upload pod failed/,
    );
  });

  const exportObject = (phase: string) => ({
    apiVersion: 'export.kubevirt.io/v1',
    kind: 'VirtualMachineExport',
    metadata: { name: 'e', namespace: 'ns' },
    status: {
      phase,
      serviceName: 'virt-export-e',
      links:
        phase === 'Ready'
          ? {
              internal: {
                cert: exportCert.cert,
                volumes: [
                  {
                    name: 'out',
                    formats: [
                      { format: 'raw', url: 'https://virt-export-e.ns.svc/volumes/out/disk.img' },
                      { format: 'gzip', url: 'https://virt-export-e.ns.svc/volumes/out/disk.img.gz' },
                    ],
                  },
                ],
              },
            }
          : {},
    },
  });
  const EXPORTS = '/apis/export.kubevirt.io/v1/namespaces/ns/virtualmachineexports';

  it('downloads the gzip link through a port-forward with the token, into a sparse raw file', async () => {
    fake.store.put(EXPORTS, exportObject('Pending'));
    const rawFile = path.join(dir, 'out.raw');
    const { logger, lines } = memoryLogger();
    const done = downloadExport({
      objects,
      namespace: 'ns',
      exportName: 'e',
      apiVersion: 'export.kubevirt.io/v1',
      token: EXPORT_TOKEN,
      volume: 'out',
      rawFile,
      logger,
      signal: AbortSignal.timeout(20_000),
      readyTimeoutMs: 20_000,
      env: {},
    });
    await new Promise((r) => setTimeout(r, 200));
    fake.store.update(EXPORTS, 'e', (o) => Object.assign(o, exportObject('Ready')));
    await done;
    expect(readFileSync(rawFile).equals(disk)).toBe(true);
    // The 2 MiB hole was not written.
    expect(statSync(rawFile).blocks * 512).toBeLessThan(disk.length - 1024 * 1024);
    expect(fake.requests.some((r) => r.method === 'UPGRADE' && r.path === '/api/v1/namespaces/ns/pods/virt-export-e/portforward' && r.query.get('ports') === '8443')).toBe(true);
    expect(lines.join('\n')).toContain('export: downloading gzip from virt-export-e.ns.svc through a port-forward to pod ns/virt-export-e');
    expect(lines.join('\n')).not.toContain(EXPORT_TOKEN);
  });

  it('refuses an export server whose certificate the export does not vouch for', async () => {
    fake.store.put(EXPORTS, { ...exportObject('Ready'), metadata: { name: 'e', namespace: 'ns' } });
    fake.store.update(EXPORTS, 'e', (o) => {
      (o.status as { links: { internal: { cert: string } } }).links.internal.cert = proxyCert.cert;
    });
    const err = await downloadExport({
      objects,
      namespace: 'ns',
      exportName: 'e',
      apiVersion: 'export.kubevirt.io/v1',
      token: EXPORT_TOKEN,
      volume: 'out',
      rawFile: path.join(dir, 'no.raw'),
      logger: memoryLogger().logger,
      signal: AbortSignal.timeout(20_000),
      readyTimeoutMs: 5_000,
      env: {},
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/TLS to virt-export-e\.ns\.svc through a port-forward to pod ns\/virt-export-e: .*(self-signed|certificate)/i);
  });

  it('a wrong token is a clear error, not retried', async () => {
    fake.store.put(EXPORTS, exportObject('Ready'));
    fake.store.update(EXPORTS, 'e', (o) => Object.assign(o, exportObject('Ready')));
    const err = await downloadExport({
      objects,
      namespace: 'ns',
      exportName: 'e',
      apiVersion: 'export.kubevirt.io/v1',
      token: 'wrong',
      volume: 'out',
      rawFile: path.join(dir, 'no.raw'),
      logger: memoryLogger().logger,
      signal: AbortSignal.timeout(20_000),
      readyTimeoutMs: 5_000,
      env: {},
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe('the export server answered 401 for /volumes/out/disk.img.gz: bad token');
    expect(fake.requests.filter((r) => r.method === 'UPGRADE').length).toBe(1);
  });
});
