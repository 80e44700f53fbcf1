/**
 * KubeVirt's VirtualMachineExport controller and export server (kubevirt/kubevirt
 * staging/src/kubevirt.io/api/export/v1/types.go, pkg/storage/export/export, v1.9.0):
 * - sources: a PersistentVolumeClaim (not mounted by a pod that is not Succeeded), a stopped VirtualMachine
 *   (its PVC and DataVolume volumes) or a ready VirtualMachineSnapshot;
 * - the token is the `token` key of spec.tokenSecretRef, or of a generated Secret;
 * - when the source is ready: a `virt-export-<name>` Service (443 → 8443) and Pod (owned by the
 *   export), an HTTPS server (certificate from the harness CA, which status.links.*.cert holds)
 *   serving /volumes/<volume>/disk.img (raw) and disk.img.gz (gzip) to requests carrying
 *   `x-kubevirt-export-token` as a header or query parameter; status.links.internal has the
 *   in-cluster URLs (reach them by port-forward to the pod); status.links.external — only with
 *   `ingress` on, as KubeVirt publishes them only when virt-exportproxy has an Ingress or Route
 *   (kubevirt/kubevirt pkg/storage/export/export/links.go getExternalLinks, v1.9.0), which a stock
 *   kind cluster lacks — the URLs of a harness-wide proxy on 127.0.0.1 in virt-exportproxy's layout;
 * - ttlDuration (default 2h) deletes the export when it expires.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { parseGoDuration } from '../../../src/core/duration.js';
import type { Logger } from '../../../src/core/log.js';
import type { CertificateAuthority, ServerCertificate } from '../certificates.js';
import { timestamp, type ClusterApi } from '../cluster-api.js';
import type { KubeObject, OwnerReference, StoreEvent } from '../object-store.js';
import { mustResource } from '../resources.js';
import { inBackground } from '../background.js';
import { WorkQueue } from '../work-queue.js';
import { activeVmis, claimsOf } from './claim-controller.js';
import type { EventRecorder } from './event-recorder.js';
import { MANAGED_POD_ANNOTATION, NODE_NAME, runningPodStatus } from './pod-runtime.js';
import type { PodNetwork } from './pod-network.js';
import type { VolumeFiles } from './volumes.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TOKEN_HEADER = 'x-kubevirt-export-token';
const COMPONENT = 'virt-controller';

interface ExportVolume {
  name: string;
  file: string;
}

interface ExportServer {
  uid: string;
  server: https.Server;
  port: number;
  namespace: string;
  name: string;
  volumes: ExportVolume[];
}

function condition(type: string, status: 'True' | 'False', reason: string, message = ''): Loose {
  return { type, status, reason, message, lastTransitionTime: timestamp() };
}

export class ExportController {
  private readonly exports = mustResource('export.kubevirt.io', 'virtualmachineexports');
  private readonly claims = mustResource('', 'persistentvolumeclaims');
  private readonly dataVolumes = mustResource('cdi.kubevirt.io', 'datavolumes');
  private readonly vms = mustResource('kubevirt.io', 'virtualmachines');
  private readonly vmSnapshots = mustResource('snapshot.kubevirt.io', 'virtualmachinesnapshots');
  private readonly contents = mustResource('snapshot.kubevirt.io', 'virtualmachinesnapshotcontents');
  private readonly secrets = mustResource('', 'secrets');
  private readonly services = mustResource('', 'services');
  private readonly pods = mustResource('', 'pods');
  private readonly queue: WorkQueue;
  private readonly servers = new Map<string, ExportServer>();
  private readonly unsubscribe: () => void;
  private proxy: https.Server | undefined;
  private certificate: ServerCertificate | undefined;
  proxyUrl = '';

  constructor(
    private readonly api: ClusterApi,
    private readonly files: VolumeFiles,
    private readonly network: PodNetwork,
    private readonly events: EventRecorder,
    private readonly ca: CertificateAuthority,
    private readonly logger: Logger,
    /** Whether virt-exportproxy has an Ingress (status.links.external published). */
    private readonly ingress = false,
  ) {
    this.queue = new WorkQueue('vmexport-controller', (key) => this.reconcile(key), logger);
    this.unsubscribe = api.store.subscribe((e) => this.onEvent(e));
  }

  /** Starts the external proxy (virt-exportproxy's role). */
  async start(): Promise<void> {
    this.certificate = await this.ca.issue('virt-export', ['*.svc', 'virt-exportproxy.kubevirt.svc', 'localhost', '127.0.0.1']);
    this.proxy = https.createServer({ cert: this.certificate.cert, key: this.certificate.key }, (req, res) => void this.serveExternal(req, res));
    await new Promise<void>((resolve) => this.proxy!.listen(0, '127.0.0.1', resolve));
    this.proxyUrl = `https://127.0.0.1:${(this.proxy.address() as AddressInfo).port}`;
  }

  private onEvent(e: StoreEvent): void {
    const meta = e.object.metadata;
    if (e.resource.kind === 'VirtualMachineExport') {
      if (e.type === 'DELETED') inBackground(this.stopServer(meta.uid!), this.logger, `stopping the export server of ${meta.namespace}/${meta.name}`);
      else this.queue.add(`${meta.namespace}/${meta.name}`);
      return;
    }
    // A source that becomes ready or busy changes what the exports of its namespace can do.
    if (['PersistentVolumeClaim', 'DataVolume', 'VirtualMachine', 'VirtualMachineInstance', 'VirtualMachineSnapshot', 'Secret', 'Pod'].includes(e.resource.kind) && meta.namespace) {
      for (const ex of this.api.store.list(this.exports, meta.namespace)) this.queue.add(`${meta.namespace}/${ex.metadata.name}`);
    }
  }

  /** Pods that mount `claim` and are not Succeeded; launcher pods mount their VMI's claims. */
  private podsUsingClaim(namespace: string, claim: string): Loose[] {
    const vmis = this.api.list(mustResource('kubevirt.io', 'virtualmachineinstances'), namespace) as Loose[];
    return (this.api.list(mustResource('', 'pods'), namespace) as Loose[]).filter((pod) => {
      if (pod.status?.phase === 'Succeeded') return false;
      if (((pod.spec?.volumes ?? []) as Loose[]).some((v) => v.persistentVolumeClaim?.claimName === claim)) return true;
      const vmiUid = pod.metadata.labels?.['kubevirt.io/created-by'];
      const vmi = vmiUid ? vmis.find((v) => v.metadata.uid === vmiUid) : undefined;
      return vmi !== undefined && claimsOf(vmi.spec).includes(claim);
    });
  }

  /** The volumes of the source, or why they cannot be exported now. */
  private sourceVolumes(ex: Loose): { volumes: ExportVolume[]; vmName?: string } | { waiting: string; reason: string } {
    const namespace: string = ex.metadata.namespace;
    const source: Loose = ex.spec.source;
    const claimReady = (claimName: string): string | undefined => {
      const claim = this.api.tryGet(this.claims, namespace, claimName) as Loose | undefined;
      if (!claim || claim.status?.phase !== 'Bound') return `pvc ${namespace}/${claimName} not found or not bound`;
      const owner = (claim.metadata.ownerReferences ?? []).find((r: Loose) => r.kind === 'DataVolume');
      const dv = owner ? (this.api.tryGet(this.dataVolumes, namespace, owner.name) as Loose | undefined) : undefined;
      if (dv && dv.status?.phase !== 'Succeeded') return `pvc ${namespace}/${claimName} is not populated yet`;
      return undefined;
    };
    if (source.kind === 'PersistentVolumeClaim') {
      const problem = claimReady(source.name);
      if (problem) return { waiting: problem, reason: 'PVCPending' };
      // kubevirt/kubevirt pkg/storage/export/export/pvc-source.go isPVCInUse and
      // pkg/virt-controller/watch/util/util.go PodsUsingPVCs (v1.9.0): every pod that mounts the
      // claim and is not Succeeded — a Failed launcher (a crashed or killed guest) too.
      const user = this.podsUsingClaim(namespace, source.name)[0];
      if (user) return { waiting: `PersistentVolumeClaim ${namespace}/${source.name} is in use (pod ${user.metadata.name}, ${String(user.status?.phase)})`, reason: 'InUse' };
      return { volumes: [{ name: source.name, file: this.files.claimFile(namespace, source.name) }] };
    }
    if (source.kind === 'VirtualMachine') {
      const vm = this.api.tryGet(this.vms, namespace, source.name) as Loose | undefined;
      if (!vm) return { waiting: `VirtualMachine ${namespace}/${source.name} not found`, reason: 'VMNotFound' };
      if (activeVmis(this.api, namespace).some((v) => v.metadata.name === source.name)) return { waiting: `VirtualMachine ${namespace}/${source.name} is running`, reason: 'InUse' };
      const volumes: ExportVolume[] = [];
      for (const claimName of claimsOf(vm.spec?.template?.spec)) {
        const problem = claimReady(claimName);
        if (problem) return { waiting: problem, reason: 'PVCPending' };
        volumes.push({ name: claimName, file: this.files.claimFile(namespace, claimName) });
      }
      return { volumes, vmName: source.name };
    }
    const snap = this.api.tryGet(this.vmSnapshots, namespace, source.name) as Loose | undefined;
    if (!snap?.status?.readyToUse) return { waiting: `VirtualMachineSnapshot ${namespace}/${source.name} is not ready`, reason: 'snapshotNotReady' };
    const content = this.api.tryGet(this.contents, namespace, snap.status.virtualMachineSnapshotContentName) as Loose | undefined;
    const volumes: ExportVolume[] = ((content?.spec?.volumeBackups ?? []) as Loose[])
      .filter((b) => b.volumeSnapshotName)
      .map((b) => ({ name: b.persistentVolumeClaim.metadata.name, file: this.files.snapshotFile(namespace, b.volumeSnapshotName) }));
    return { volumes, vmName: snap.spec.source.name };
  }

  private token(ex: Loose): string | undefined {
    const name = ex.spec.tokenSecretRef ?? ex.status?.tokenSecretRef;
    if (!name) return undefined;
    const secret = this.api.tryGet(this.secrets, ex.metadata.namespace, name) as Loose | undefined;
    const token = secret?.data?.token;
    return typeof token === 'string' ? Buffer.from(token, 'base64').toString('utf8') : undefined;
  }

  private owner(ex: Loose): OwnerReference {
    return { apiVersion: ex.apiVersion, kind: 'VirtualMachineExport', name: ex.metadata.name, uid: ex.metadata.uid, controller: true, blockOwnerDeletion: true };
  }

  private async reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const ex = this.api.tryGet(this.exports, namespace, name) as Loose | undefined;
    if (!ex || ex.metadata.deletionTimestamp) return;
    const ttlMs = parseGoDuration(ex.spec.ttlDuration ?? '2h') ?? 2 * 3600_000;
    const expires = Date.parse(ex.metadata.creationTimestamp) + ttlMs;
    if (Date.now() >= expires) {
      this.api.delete(this.exports, namespace, name);
      return;
    }
    this.queue.addAfter(key, Math.min(expires - Date.now() + 10, 2 ** 31 - 1));

    let tokenSecret: string | undefined = ex.spec.tokenSecretRef ?? ex.status?.tokenSecretRef;
    if (!tokenSecret) {
      tokenSecret = `export-token-${name}`.slice(0, 253);
      if (!this.api.tryGet(this.secrets, namespace, tokenSecret)) {
        this.api.createInternal(this.secrets, namespace, {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: tokenSecret, namespace, ownerReferences: [this.owner(ex)] },
          type: 'Opaque',
          data: { token: Buffer.from(randomBytes(24).toString('base64url')).toString('base64') },
        });
      }
    }
    const base: Loose = {
      tokenSecretRef: tokenSecret,
      ttlExpirationTime: timestamp(new Date(expires)),
      serviceName: `virt-export-${name}`.slice(0, 63),
    };
    const source = this.sourceVolumes(ex);
    if ('waiting' in source || !this.token({ ...ex, status: base })) {
      const why = 'waiting' in source ? source : { waiting: `the token Secret ${tokenSecret} has no "token" key`, reason: 'tokenMissing' };
      await this.stopServer(ex.metadata.uid);
      this.api.mutate(this.exports, namespace, name, (o) => {
        (o as Loose).status = { ...base, phase: 'Pending', conditions: [condition('Ready', 'False', why.reason, why.waiting), condition('PVCReady', 'False', why.reason, why.waiting)] };
      });
      return;
    }
    const server = await this.ensureServer(ex, source.volumes);
    const host = `${base.serviceName}.${namespace}.svc`;
    const external = `${this.proxyUrl}/api/export.kubevirt.io/${ex.apiVersion.split('/')[1]}/namespaces/${namespace}/virtualmachineexports/${name}`;
    const links = (prefix: string) => ({
      cert: this.ca.certPem,
      volumes: source.volumes.map((v) => ({
        name: v.name,
        formats: [
          { format: 'raw', url: `${prefix}/volumes/${v.name}/disk.img` },
          { format: 'gzip', url: `${prefix}/volumes/${v.name}/disk.img.gz` },
        ],
      })),
    });
    this.api.mutate(this.exports, namespace, name, (o) => {
      const previous = (o as Loose).status;
      if (previous?.phase === 'Ready' && JSON.stringify(previous.links?.internal?.volumes) === JSON.stringify(links(`https://${host}`).volumes)) return false;
      (o as Loose).status = {
        ...base,
        phase: 'Ready',
        links: { internal: links(`https://${host}`), ...(this.ingress ? { external: links(external) } : {}) },
        ...(source.vmName ? { virtualMachineName: source.vmName } : {}),
        conditions: [condition('Ready', 'True', 'PodReady'), condition('PVCReady', 'True', 'PVCBound')],
      };
    });
    if (server.fresh) this.events.record(ex as KubeObject, 'Normal', 'ExportReady', `export server for ${name} is ready`, COMPONENT);
  }

  private async ensureServer(ex: Loose, volumes: ExportVolume[]): Promise<{ fresh: boolean }> {
    const existing = this.servers.get(ex.metadata.uid);
    if (existing) {
      existing.volumes = volumes;
      return { fresh: false };
    }
    const namespace: string = ex.metadata.namespace;
    const name: string = ex.metadata.name;
    const serviceName = `virt-export-${name}`.slice(0, 63);
    const certificate = await this.ca.issue(serviceName, [serviceName, `${serviceName}.${namespace}`, `${serviceName}.${namespace}.svc`, `${serviceName}.${namespace}.svc.cluster.local`, 'localhost', '127.0.0.1']);
    const entry: ExportServer = { uid: ex.metadata.uid, server: undefined as unknown as https.Server, port: 0, namespace, name, volumes };
    entry.server = https.createServer({ cert: certificate.cert, key: certificate.key }, (req, res) => void this.serve(entry, new URL(req.url ?? '/', 'https://export').pathname, req, res));
    await new Promise<void>((resolve) => entry.server.listen(0, '127.0.0.1', resolve));
    entry.port = (entry.server.address() as AddressInfo).port;
    this.servers.set(ex.metadata.uid, entry);
    // kubevirt/kubevirt pkg/storage/export/export/export.go getExportLabelValue (v1.9.0): the export's name (≤ 63).
    const labelValue = name.length <= 63 ? name : `virt-export-${name}`.slice(0, 63);
    const labels = { 'kubevirt.io.virt-export-service': labelValue, 'kubevirt.io': 'virt-exporter' };
    const owner = this.owner(ex);
    if (!this.api.tryGet(this.services, namespace, serviceName)) {
      this.api.createInternal(this.services, namespace, {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: serviceName, namespace, labels, ownerReferences: [owner] },
        spec: { selector: { 'kubevirt.io.virt-export-service': labelValue }, ports: [{ name: 'export', port: 443, targetPort: 8443, protocol: 'TCP' }] },
      });
    }
    if (!this.api.tryGet(this.pods, namespace, serviceName)) {
      const pod = this.api.createInternal(this.pods, namespace, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: serviceName, namespace, labels, annotations: { [MANAGED_POD_ANNOTATION]: 'virt-exportserver' }, ownerReferences: [owner] },
        spec: { nodeName: NODE_NAME, restartPolicy: 'Never', containers: [{ name: 'exporter', image: 'quay.io/kubevirt/virt-exportserver:v1.9.0', ports: [{ name: 'export', containerPort: 8443, protocol: 'TCP' }] }] },
      });
      this.api.mutate(this.pods, namespace, serviceName, (p) => {
        (p as Loose).status = runningPodStatus(pod as Loose, this.network.ipOf(namespace, serviceName));
      });
    }
    this.network.expose(namespace, serviceName, 8443, '127.0.0.1', entry.port);
    this.logger.debug(`kube harness: export ${namespace}/${name} serves at https://127.0.0.1:${entry.port}`);
    return { fresh: true };
  }

  private authorized(entry: ExportServer, req: http.IncomingMessage, url: URL): boolean {
    const ex = this.api.tryGet(this.exports, entry.namespace, entry.name) as Loose | undefined;
    const expected = ex ? this.token(ex) : undefined;
    const given = req.headers[TOKEN_HEADER] ?? url.searchParams.get(TOKEN_HEADER) ?? undefined;
    return expected !== undefined && given === expected;
  }

  private async serve(entry: ExportServer, path: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'https://export');
      if (!this.authorized(entry, req, url)) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized: a valid x-kubevirt-export-token header or query parameter is required');
        return;
      }
      const m = /^\/volumes\/([^/]+)\/(disk\.img|disk\.img\.gz)$/.exec(path);
      const volume = m ? entry.volumes.find((v) => v.name === decodeURIComponent(m[1]!)) : undefined;
      if (!m || !volume) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`no such export path ${path}`);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405).end();
        return;
      }
      const size = (await stat(volume.file)).size;
      if (m[2] === 'disk.img') {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
        if (req.method === 'HEAD') return void res.end();
        await pipeline(createReadStream(volume.file), res);
      } else {
        res.writeHead(200, { 'content-type': 'application/gzip', 'content-encoding': 'identity' });
        if (req.method === 'HEAD') return void res.end();
        await pipeline(createReadStream(volume.file), createGzip({ level: 1 }), res);
      }
    } catch (err) {
      this.logger.debug(`kube harness: export ${entry.namespace}/${entry.name}: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) res.writeHead(500).end(err instanceof Error ? err.message : String(err));
      else res.destroy();
    }
  }

  private async serveExternal(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'https://proxy').pathname;
    const m = /^\/api\/export\.kubevirt\.io\/(?:v1|v1beta1)\/namespaces\/([^/]+)\/virtualmachineexports\/([^/]+)(\/volumes\/.*)$/.exec(path);
    const entry = m ? [...this.servers.values()].find((s) => s.namespace === m[1] && s.name === m[2]) : undefined;
    if (!m || !entry) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no export at ${path}`);
      return;
    }
    await this.serve(entry, m[3]!, req, res);
  }

  private async stopServer(uid: string): Promise<void> {
    const entry = this.servers.get(uid);
    if (!entry) return;
    this.servers.delete(uid);
    entry.server.closeAllConnections();
    await new Promise<void>((resolve) => entry.server.close(() => resolve()));
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.queue.close();
    await Promise.all([...this.servers.keys()].map((uid) => this.stopServer(uid)));
    if (this.proxy) {
      this.proxy.closeAllConnections();
      await new Promise<void>((resolve) => this.proxy!.close(() => resolve()));
    }
  }
}
