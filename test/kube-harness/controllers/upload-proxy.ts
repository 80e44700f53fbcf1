/**
 * CDI's upload path: an UploadTokenRequest (upload.cdi.kubevirt.io/v1beta1, answered, never
 * stored, as CDI's own API server does) returns a token for one claim; the upload proxy (HTTPS,
 * service `cdi-uploadproxy` in namespace `cdi`, target port 8443) takes the image with
 * `Authorization: Bearer <token>` at /v1beta1/upload (answers when the disk is written) or
 * /v1beta1/upload-async (answers once the body is in), the paths of CDI's pkg/common. Reach it by
 * pod port-forward to the proxy pod, as from a CI runner, or directly at `url`.
 *
 * As in CDI v1.66.0: a token is signed for any pvcName (pkg/apiserver/apiserver.go uploadHandler
 * reads no PVC) and lives 5 minutes (`token.NewGenerator(…, 5*time.Minute)`), after which the
 * proxy answers 401 (pkg/uploadproxy/uploadproxy.go); `tokenTtlMs` shortens that for tests, and
 * `unavailable` makes the first uploads answer 503 as the proxy does while the upload server pod
 * is not ready (it waits up to 10 s for it).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../../src/core/log.js';
import { ApiError, asApiError, badRequest } from '../api-errors.js';
import type { ClusterApi } from '../cluster-api.js';
import type { CertificateAuthority } from '../certificates.js';
import type { KubeObject } from '../object-store.js';
import type { DataVolumeController } from './datavolume-controller.js';
import { MANAGED_POD_ANNOTATION, NODE_NAME, runningPodStatus } from './pod-runtime.js';
import type { PodNetwork } from './pod-network.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const CDI_NAMESPACE = 'cdi';
export const UPLOAD_PROXY_SERVICE = 'cdi-uploadproxy';
export const UPLOAD_PROXY_POD = 'cdi-uploadproxy-7c9d8b6f5d-h4rns';
const TOKEN_TTL_MS = 5 * 60_000;

export class UploadProxy {
  private readonly key = randomBytes(32);
  private server: https.Server | undefined;
  url = '';
  /** Uploads still to be answered 503. */
  private unavailableLeft: number;

  constructor(
    private readonly api: ClusterApi,
    private readonly dataVolumes: DataVolumeController,
    private readonly network: PodNetwork,
    private readonly logger: Logger,
    private readonly tokenTtlMs = TOKEN_TTL_MS,
    unavailable = 0,
  ) {
    this.unavailableLeft = unavailable;
  }

  async start(ca: CertificateAuthority): Promise<void> {
    const cert = await ca.issue(UPLOAD_PROXY_SERVICE, ['cdi-uploadproxy', 'cdi-uploadproxy.cdi', 'cdi-uploadproxy.cdi.svc', 'cdi-uploadproxy.cdi.svc.cluster.local', 'localhost', '127.0.0.1']);
    this.server = https.createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
      void this.handle(req, res).catch((err: unknown) => {
        const e = asApiError(err);
        if (!res.headersSent) res.writeHead(e.code, { 'content-type': 'text/plain' });
        res.end(e.message);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `https://127.0.0.1:${port}`;
    this.network.expose(CDI_NAMESPACE, UPLOAD_PROXY_POD, 8443, '127.0.0.1', port);
  }

  /** The objects a CDI installation has for its upload proxy. */
  systemObjects(): { resource: string; object: KubeObject }[] {
    const labels = { 'cdi.kubevirt.io': 'cdi-uploadproxy', 'app.kubernetes.io/component': 'storage', 'app.kubernetes.io/managed-by': 'cdi-operator' };
    const pod: Loose = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: UPLOAD_PROXY_POD, namespace: CDI_NAMESPACE, labels: { ...labels, 'pod-template-hash': '7c9d8b6f5d' }, annotations: { [MANAGED_POD_ANNOTATION]: 'cdi-uploadproxy' } },
      spec: { nodeName: NODE_NAME, containers: [{ name: 'cdi-uploadproxy', image: 'quay.io/kubevirt/cdi-uploadproxy:v1.66.0', ports: [{ containerPort: 8443, protocol: 'TCP' }] }] },
    };
    pod.status = runningPodStatus(pod, this.network.ipOf(CDI_NAMESPACE, UPLOAD_PROXY_POD));
    return [
      {
        resource: 'services',
        object: {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: UPLOAD_PROXY_SERVICE, namespace: CDI_NAMESPACE, labels },
          spec: { selector: { 'cdi.kubevirt.io': 'cdi-uploadproxy' }, ports: [{ port: 443, targetPort: 8443, protocol: 'TCP' }] },
        },
      },
      { resource: 'pods', object: pod as KubeObject },
    ];
  }

  /** status.token of an UploadTokenRequest for spec.pvcName in its namespace. */
  answerTokenRequest(request: KubeObject): KubeObject {
    const pvcName = (request as Loose).spec?.pvcName;
    if (typeof pvcName !== 'string' || pvcName === '') {
      throw new ApiError(422, 'Invalid', 'UploadTokenRequest.upload.cdi.kubevirt.io is invalid: spec.pvcName: Required value', {
        kind: 'UploadTokenRequest',
        group: 'upload.cdi.kubevirt.io',
        causes: [{ reason: 'FieldValueRequired', field: 'spec.pvcName', message: 'Required value' }],
      });
    }
    const namespace = request.metadata.namespace ?? 'default';
    const payload = Buffer.from(JSON.stringify({ namespace, pvc: pvcName, exp: Date.now() + this.tokenTtlMs })).toString('base64url');
    const token = `${payload}.${createHmac('sha256', this.key).update(payload).digest('base64url')}`;
    return { ...request, status: { token } };
  }

  private verify(token: string): { namespace: string; pvc: string } | undefined {
    const [payload = '', signature = ''] = token.split('.');
    const expected = createHmac('sha256', this.key).update(payload).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { namespace: string; pvc: string; exp: number };
    return claims.exp > Date.now() ? claims : undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://uploadproxy');
    if (url.pathname === '/healthz') {
      res.writeHead(200).end('OK');
      return;
    }
    const m = /^\/v1(?:alpha1|beta1)\/(upload|upload-async|upload-form|upload-form-async|upload-archive|upload-archive-async)$/.exec(url.pathname);
    if (!m) throw new ApiError(404, 'NotFound', `no upload endpoint ${url.pathname}`);
    if (req.method !== 'POST' && req.method !== 'PUT') throw new ApiError(405, 'MethodNotAllowed', 'uploads are POST or PUT');
    if (m[1] !== 'upload' && m[1] !== 'upload-async') throw badRequest(`${m[1]} is not supported by the kube harness: send the image as the request body to /v1beta1/upload`);
    const auth = req.headers.authorization ?? '';
    const target = auth.startsWith('Bearer ') ? this.verify(auth.slice(7)) : undefined;
    if (!target) throw new ApiError(401, 'Unauthorized', 'authentication failed: a valid upload token is required (Authorization: Bearer <UploadTokenRequest status.token>)');
    if (this.unavailableLeft > 0) {
      this.unavailableLeft--;
      req.resume();
      throw new ApiError(503, 'ServiceUnavailable', 'Upload server pod not ready');
    }
    const length = Number(req.headers['content-length']) || undefined;
    const { received, processed } = this.dataVolumes.receiveUpload(target.namespace, target.pvc, req, length);
    this.logger.debug(`kube harness: upload to ${target.namespace}/${target.pvc} (${length ?? 'unknown'} bytes)`);
    await (m[1] === 'upload-async' ? received : processed);
    res.writeHead(200, { 'content-length': 0 });
    res.end();
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
