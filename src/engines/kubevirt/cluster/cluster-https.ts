/**
 * HTTPS to servers inside the cluster that the API server does not proxy: CDI's upload proxy and
 * the VirtualMachineExport server. Three routes, best first:
 *
 * - an address published for outside use (CDIConfig's uploadProxyURL, an export's external
 *   link through an Ingress), dialled directly;
 * - the Service's in-cluster DNS name, when this process runs in the cluster;
 * - otherwise a port-forward through the API server to a pod behind the Service (what
 *   `virtctl vmexport download --port-forward` and `virtctl image-upload` do without ingress).
 *
 * Over a port-forward the server's certificate still has to match: we pass the Service's DNS name
 * as the TLS server name and the CA the object published (an export's links.internal.cert).
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { Readable } from 'node:stream';
import { UserError } from '../../../core/errors.js';
import { abortError, type KubeApi } from './kube-api.js';
import type { LiveObject, ObjectClient } from './objects.js';
import { openPodPortForward } from './pod-port-forward.js';

export type HttpsRoute = { kind: 'direct' } | { kind: 'port-forward'; namespace: string; pod: string; port: number };

export interface HttpsTarget {
  url: URL;
  route: HttpsRoute;
  /** Extra CA certificates (PEM) to trust besides the system's. */
  ca?: string[];
  /**
   * Skip certificate checks. Only for a port-forward to a server whose CA we may not read (CDI's
   * upload proxy: its signer bundle is in the cdi namespace); the tunnel itself runs over the
   * API server connection, which is verified.
   */
  insecure?: boolean;
}

export interface HttpsCall {
  method: string;
  headers?: Record<string, string>;
  body?: Readable | Buffer;
  signal: AbortSignal;
}

interface ServiceObject extends LiveObject {
  spec?: { selector?: Record<string, string>; ports?: { name?: string; port: number; targetPort?: number | string }[] };
}

interface PodObject extends LiveObject {
  spec?: { containers?: { ports?: { name?: string; containerPort: number }[] }[] };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

/** Whether this process runs in a pod, where Service DNS names resolve. */
export function runningInCluster(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.KUBERNETES_SERVICE_HOST);
}

/** A port-forward route to a ready pod behind `service` for its port `port`. */
export async function routeToService(objects: ObjectClient, req: { namespace: string; service: string; port: number; signal: AbortSignal }): Promise<HttpsRoute> {
  const svc = await objects.get<ServiceObject>({ apiVersion: 'v1', kind: 'Service', namespace: req.namespace, name: req.service }, req.signal);
  if (!svc) throw new UserError(`Service ${req.namespace}/${req.service} does not exist, so its server cannot be reached`);
  const selector = Object.entries(svc.spec?.selector ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  if (!selector) throw new UserError(`Service ${req.namespace}/${req.service} selects no pods; cannot port-forward to it`);
  const servicePort = svc.spec?.ports?.find((p) => p.port === req.port) ?? svc.spec?.ports?.[0];
  const pods = await objects.list<PodObject>('v1', 'Pod', req.namespace, { labelSelector: selector }, req.signal);
  const ready = (p: PodObject) => p.status?.phase === 'Running' && (p.status.conditions?.find((c) => c.type === 'Ready')?.status ?? 'True') === 'True';
  const pod = pods.items.find(ready) ?? pods.items.find((p) => p.status?.phase === 'Running');
  if (!pod) throw new UserError(`no running pod behind Service ${req.namespace}/${req.service} (selector ${selector}); cannot port-forward to it`);
  const target = servicePort?.targetPort ?? servicePort?.port ?? req.port;
  let port: number | undefined = typeof target === 'number' ? target : /^\d+$/.test(target) ? Number(target) : undefined;
  if (port === undefined) {
    port = pod.spec?.containers?.flatMap((c) => c.ports ?? []).find((p) => p.name === target)?.containerPort;
    if (port === undefined) throw new UserError(`pod ${pod.metadata.name} has no port named '${String(target)}' (Service ${req.namespace}/${req.service})`);
  }
  return { kind: 'port-forward', namespace: req.namespace, pod: pod.metadata.name, port };
}

/**
 * Whether a failed transfer is worth starting again: a server error or a broken connection is;
 * a refusal (4xx), a certificate that does not check out, or a user mistake is not.
 */
export function transferRetryable(err: unknown): boolean {
  const status = (err as { status?: unknown }).status;
  if (typeof status === 'number') return status >= 500 || status === 429;
  if (err instanceof UserError) return false;
  return !(err instanceof Error && isCertificateError(err));
}

function isCertificateError(err: Error): boolean {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return /CERT|SELF_SIGNED|ERR_TLS_CERT|UNABLE_TO_VERIFY|HOSTNAME/.test(code) || /certificate/i.test(err.message);
}

function trust(target: HttpsTarget): tls.ConnectionOptions {
  if (target.insecure) return { rejectUnauthorized: false };
  return target.ca && target.ca.length > 0 ? { ca: [...tls.rootCertificates, ...target.ca] } : {};
}

/** One HTTPS request to `target`; resolves with the response (any status) once its headers arrived. */
export async function clusterHttpsRequest(api: KubeApi, target: HttpsTarget, call: HttpsCall): Promise<http.IncomingMessage> {
  const { signal } = call;
  if (signal.aborted) throw abortError(signal);
  const servername = target.url.hostname;
  let socket: tls.TLSSocket | undefined;
  const route = target.route;
  if (route.kind === 'port-forward') {
    const tunnel = await openPodPortForward(api, { namespace: route.namespace, pod: route.pod, port: route.port, signal });
    socket = tls.connect({ socket: tunnel, ...(net.isIP(servername) ? {} : { servername }), ...trust(target) });
    socket.once('close', () => tunnel.destroy());
    await new Promise<void>((resolve, reject) => {
      socket!.once('secureConnect', resolve);
      socket!.once('error', (err) => {
        tunnel.destroy();
        // A certificate that does not check out will not on the next try either.
        const message = `TLS to ${target.url.host} through a port-forward to pod ${route.namespace}/${route.pod}: ${err.message}`;
        reject(isCertificateError(err) ? new UserError(message) : new Error(message));
      });
    });
  }
  const tlsSocket = socket;
  return new Promise((resolve, reject) => {
    const options: http.RequestOptions = {
      method: call.method,
      headers: { host: target.url.host, ...call.headers },
      signal,
      ...(tlsSocket ? { createConnection: () => tlsSocket } : {}),
    };
    // Through a tunnel the TLS is already done: speak plain HTTP over the TLS socket.
    const req = tlsSocket ? http.request(new URL(target.url.pathname + target.url.search, 'http://tunnel'), options) : httpsRequest(target, options);
    req.once('response', resolve);
    req.once('error', (err) => {
      tlsSocket?.destroy();
      reject(signal.aborted ? abortError(signal) : err);
    });
    const body = call.body;
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else {
      body.once('error', (err) => req.destroy(err));
      body.pipe(req);
    }
  });
}

function httpsRequest(target: HttpsTarget, options: http.RequestOptions): http.ClientRequest {
  const servername = net.isIP(target.url.hostname) ? {} : { servername: target.url.hostname };
  return https.request(target.url, { ...options, ...trust(target), ...servername });
}
