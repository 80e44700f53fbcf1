/**
 * Disks in and out of the cluster, against the kube harness with CDI and KubeVirt played by the
 * test: its upload proxy and export server are HTTPS servers with their own certificates on
 * 127.0.0.1, served as the ports of the cdi-uploadproxy and virt-export pods (exposePodPort) and
 * reached through pods/portforward, and cdi-apiserver's token answer is injected: the upload sends the image with the upload token; the download
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
import { CDI_NAMESPACE, startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';
import { clientFor } from './fakes/client.js';
import { selfSignedCert } from './fakes/test-tls.js';

let harness: KubeHarness;
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
const requests = () => harness.requests();
const CDI_CONFIG = { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'CDIConfig', name: 'config' };
/** The harness's cdi-uploadproxy pod (CDI's, in namespace cdi). */
let proxyPod: string;

/** A DataVolume for an upload; CDI's controller is off, so `status` is the test's. */
const uploadDataVolume = (name: string, status: Record<string, unknown>) => ({
  apiVersion: 'cdi.kubevirt.io/v1beta1',
  kind: 'DataVolume',
  metadata: { name, namespace: 'ns' },
  spec: { source: { upload: {} }, storage: { resources: { requests: { storage: '1Gi' } } } },
  status,
});

/** cdi-apiserver's answer to the next UploadTokenRequest: the token the played upload proxy takes. */
function answerTokenRequest(): void {
  harness.injectResponse({
    method: 'POST',
    path: /\/uploadtokenrequests$/,
    status: 201,
    body: { apiVersion: 'upload.cdi.kubevirt.io/v1beta1', kind: 'UploadTokenRequest', metadata: {}, spec: { pvcName: 'root' }, status: { token: 'upload-token' } },
  });
}

/** CDIConfig's status.uploadProxyURL (undefined: none published, as on a cluster without an Ingress). */
function publishUploadProxy(url: string | undefined): void {
  harness.updateObject(CDI_CONFIG, (o) => {
    const status = { ...(o.status as Record<string, unknown>) };
    if (url === undefined) delete status.uploadProxyURL;
    else status.uploadProxyURL = url;
    o.status = status;
  });
}

function listen(server: https.Server): Promise<number> {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
}

function setDvPhase(name: string, phase: string): void {
  harness.updateObject({ apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', namespace: 'ns', name }, (o) => {
    o.status = { phase };
  });
}

describe('upload and export download (kube harness, CDI and export servers played by the test)', () => {
  beforeAll(async () => {
    harness = await startKubeHarness({ controllers: [], accelerator: 'tcg' });
    await harness.createNamespace('ns');
    ({ objects } = clientFor(harness));
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

    // CDI's upload proxy Service and pod are the harness's (namespace cdi); the test's server plays
    // the pod's port. The export server's Service and pod in ns are the test's.
    proxyPod = harness.objects().find((o) => o.kind === 'Pod' && o.namespace === CDI_NAMESPACE && o.name.startsWith('cdi-uploadproxy'))!.name;
    harness.exposePodPort(CDI_NAMESPACE, proxyPod, 8443, { host: '127.0.0.1', port: ports.get('upload')! });
    harness.putObject({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'virt-export-e', namespace: 'ns' },
      spec: { selector: { 'kubevirt.io.virt-export-service': 'e' }, ports: [{ port: 443, targetPort: 8443 }] },
    });
    harness.putObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'virt-export-e', namespace: 'ns', labels: { 'kubevirt.io.virt-export-service': 'e' } },
      spec: { containers: [{ name: 'exportserver', image: 'quay.io/kubevirt/virt-exportserver:v1.9.0', ports: [{ containerPort: 8443 }] }] },
      status: { phase: 'Running' },
    });
    harness.exposePodPort('ns', 'virt-export-e', 8443, { host: '127.0.0.1', port: ports.get('export')! });
    publishUploadProxy(undefined);
  });
  afterAll(async () => {
    await harness?.close();
    uploadProxy.close();
    exportServer.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    harness.clearRequests();
    harness.setFaults({});
    answerTokenRequest();
    uploads.length = 0;
  });

  // kubevirt/containerized-data-importer pkg/common/common.go@v1.66.0 UploadPathSync, pkg/uploadproxy/uploadproxy.go@v1.66.0 Bearer token.
  it('uploads once the DataVolume is UploadReady, with the token, through a port-forward to cdi-uploadproxy', async () => {
    const file = path.join(dir, 'disk.qcow2');
    writeFileSync(file, disk);
    harness.putObject(uploadDataVolume('root', { phase: 'Pending' }));
    const { logger, lines } = memoryLogger();
    const done = uploadDisk({ objects, namespace: 'ns', dataVolume: 'root', file, logger, signal: AbortSignal.timeout(20_000), readyTimeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 200));
    expect(uploads.length).toBe(0);
    setDvPhase('root', 'UploadReady');
    await done;
    expect(uploads.length).toBe(1);
    expect(uploads[0]?.path).toBe('/v1beta1/upload');
    expect(uploads[0]?.bytes.equals(disk)).toBe(true);
    const tokenRequest = requests().find((r) => r.path.endsWith('/uploadtokenrequests'));
    expect(tokenRequest?.path).toBe('/apis/upload.cdi.kubevirt.io/v1beta1/namespaces/ns/uploadtokenrequests');
    expect(tokenRequest?.body).toMatchObject({ kind: 'UploadTokenRequest', spec: { pvcName: 'root' } });
    expect(requests().some((r) => r.upgrade && r.path === `/api/v1/namespaces/cdi/pods/${proxyPod}/portforward` && r.query.get('ports') === '8443')).toBe(true);
    expect(lines.join('\n')).toMatch(/upload root 3\.0 MiB \/ 3\.0 MiB \(100\.0%\)/);
    expect(lines.join('\n')).not.toContain('upload-token');
  });

  it('uses the upload proxy address CDIConfig publishes, checking its certificate against the cluster CA', async () => {
    const tls = await harness.issueCertificate('cdi-uploadproxy-published', ['127.0.0.1']);
    const published = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        uploads.push({ auth: req.headers.authorization, bytes: Buffer.concat(chunks), path: req.url ?? '' });
        res.writeHead(200).end();
      });
    });
    const port = await listen(published);
    publishUploadProxy(`127.0.0.1:${port}`);
    try {
      const file = path.join(dir, 'small.img');
      writeFileSync(file, 'tiny disk');
      harness.putObject(uploadDataVolume('direct', { phase: 'UploadReady' }));
      await uploadDisk({ objects, namespace: 'ns', dataVolume: 'direct', file, logger: memoryLogger().logger, signal: AbortSignal.timeout(20_000), readyTimeoutMs: 5_000, clusterCa: harness.caCert });
      expect(uploads.map((u) => [u.path, u.auth, u.bytes.toString()])).toEqual([['/v1beta1/upload', 'Bearer upload-token', 'tiny disk']]);
      expect(requests().some((r) => r.upgrade)).toBe(false);
    } finally {
      publishUploadProxy(undefined);
      published.close();
    }
  });

  it('fails with CDI reason when the DataVolume fails before it is ready', async () => {
    harness.putObject(uploadDataVolume('bad', { phase: 'Failed', conditions: [{ type: 'Running', status: 'False', message: 'Upload pod failed' }] }));
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
    spec: { source: { apiGroup: '', kind: 'PersistentVolumeClaim', name: 'out' }, tokenSecretRef: 'e-token' },
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
  const EXPORT = { apiVersion: 'export.kubevirt.io/v1', kind: 'VirtualMachineExport', namespace: 'ns', name: 'e' };

  // The x-kubevirt-export-token header: kubevirt/kubevirt pkg/storage/export/virt-exportserver/exportserver.go@v1.9.0.
  it('downloads the gzip link through a port-forward with the token, into a sparse raw file', async () => {
    harness.putObject(exportObject('Pending'));
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
    harness.updateObject(EXPORT, (o) => Object.assign(o, exportObject('Ready')));
    await done;
    expect(readFileSync(rawFile).equals(disk)).toBe(true);
    // The 2 MiB hole was not written.
    expect(statSync(rawFile).blocks * 512).toBeLessThan(disk.length - 1024 * 1024);
    expect(requests().some((r) => r.upgrade && r.path === '/api/v1/namespaces/ns/pods/virt-export-e/portforward' && r.query.get('ports') === '8443')).toBe(true);
    expect(lines.join('\n')).toContain('export: downloading gzip from virt-export-e.ns.svc through a port-forward to pod ns/virt-export-e');
    expect(lines.join('\n')).not.toContain(EXPORT_TOKEN);
  });

  it('refuses an export server whose certificate the export does not vouch for', async () => {
    harness.putObject(exportObject('Ready'));
    harness.updateObject(EXPORT, (o) => {
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
    harness.putObject(exportObject('Ready'));
    harness.updateObject(EXPORT, (o) => Object.assign(o, exportObject('Ready')));
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
    expect(requests().filter((r) => r.upgrade).length).toBe(1);
  });
});
