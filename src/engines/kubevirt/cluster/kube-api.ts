/**
 * The one way the kubevirt engine talks to the API server: HTTPS requests and websockets with the
 * kubeconfig's credentials and CA, applied by @kubernetes/client-node (KubeConfig.applyToHTTPSOptions:
 * bearer tokens, client certificates, exec and auth-provider plugins), over node:https and `ws`.
 *
 * Why not client-node's generated API classes: the engine needs subresources they do not model
 * (KubeVirt's stop, vnc and portforward; pod logs with a container), websockets with the
 * `plain.kubevirt.io` subprotocol (client-node's WebSocketHandler forces the channel protocols,
 * kubevirt/kubevirt staging/src/kubevirt.io/client-go/kubecli@v1.5.0), and one place for timeouts, cancellation and error mapping.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import WebSocket from 'ws';
import { kubeApiError } from './kube-api-error.js';

export type Query = Record<string, string | number | boolean | undefined>;

export interface ApiRequest {
  query?: Query;
  /** An object is sent as JSON; a string or Buffer as it is. */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  signal: AbortSignal;
  /** Gives up when the connection is silent this long (default 60 s). */
  idleTimeoutMs?: number;
}

export interface WebSocketRequest {
  protocols: string[];
  query?: Query;
  signal: AbortSignal;
  /** For the upgrade itself (default 30 s). */
  timeoutMs?: number;
}

const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

export class KubeApi {
  readonly server: URL;

  constructor(readonly kc: KubeConfig) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('internal: KubeApi needs a kubeconfig with a current cluster');
    this.server = new URL(cluster.server);
  }

  /** The API server's address, for messages. */
  get address(): string {
    return this.server.origin;
  }

  /** Credentials and TLS settings, fresh for each call: tokens from exec plugins rotate. */
  async connectionOptions(): Promise<https.RequestOptions> {
    const options: https.RequestOptions = {};
    await this.kc.applyToHTTPSOptions(options);
    // applyToHTTPSOptions always builds an https.Agent; a plain-http server (kubectl proxy) needs none.
    if (this.server.protocol === 'http:') delete options.agent;
    return options;
  }

  url(path: string, query: Query = {}): URL {
    const base = this.server.pathname.replace(/\/+$/, '');
    const url = new URL(this.server.origin + base + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  /** Sends a request and resolves with the response once its headers arrived, whatever the status. */
  async send(method: string, path: string, request: ApiRequest): Promise<http.IncomingMessage> {
    const options = await this.connectionOptions();
    const url = this.url(path, request.query);
    let body: Buffer | undefined;
    const headers: Record<string, string> = { accept: 'application/json', ...(options.headers as Record<string, string> | undefined), ...request.headers };
    if (request.body !== undefined) {
      body = Buffer.isBuffer(request.body) ? request.body : Buffer.from(typeof request.body === 'string' ? request.body : JSON.stringify(request.body));
      headers['content-type'] = request.contentType ?? 'application/json';
      headers['content-length'] = String(body.length);
    }
    const signal = request.signal;
    if (signal.aborted) throw abortError(signal);
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, { ...options, method, headers, signal });
      req.setTimeout(request.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, () => {
        req.destroy(Object.assign(new Error(`${method} ${path}: no answer from ${this.address} for ${Math.round((request.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS) / 1000)} s`), { code: 'ETIMEDOUT' }));
      });
      req.once('response', resolve);
      req.once('error', (err) => reject(signal.aborted ? abortError(signal) : err));
      req.end(body);
    });
  }

  /** A request whose JSON answer is returned; a status of 400 or more becomes a KubeApiError. */
  async json<T>(method: string, path: string, request: ApiRequest): Promise<T> {
    const res = await this.send(method, path, request);
    const text = await readBody(res, request.signal);
    if ((res.statusCode ?? 0) >= 400) throw kubeApiError(method, path, res.statusCode ?? 0, text, headerValue(res.headers['retry-after']));
    if (text.trim() === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(`${method} ${path}: the API server answered ${res.statusCode} with something that is not JSON: ${text.slice(0, 200)}`);
    }
  }

  /** A request whose text answer is returned (pod logs). */
  async text(method: string, path: string, request: ApiRequest): Promise<string> {
    const res = await this.send(method, path, request);
    const text = await readBody(res, request.signal);
    if ((res.statusCode ?? 0) >= 400) throw kubeApiError(method, path, res.statusCode ?? 0, text, headerValue(res.headers['retry-after']));
    return text;
  }

  /**
   * Opens a websocket to `path` offering `protocols`; resolves once it is open. A refused upgrade
   * (the VMI is not running, no permission) becomes a KubeApiError with the server's message.
   */
  async webSocket(path: string, request: WebSocketRequest): Promise<WebSocket> {
    const options = await this.connectionOptions();
    const url = this.url(path, request.query);
    url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
    const signal = request.signal;
    if (signal.aborted) throw abortError(signal);
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, request.protocols, {
        ...(options as WebSocket.ClientOptions),
        headers: options.headers as Record<string, string> | undefined,
        handshakeTimeout: request.timeoutMs ?? 30_000,
        // API servers and virt-api use no compression on these streams; offering it only costs CPU.
        perMessageDeflate: false,
      });
      const onAbort = () => {
        ws.terminate();
        reject(abortError(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const settle = () => signal.removeEventListener('abort', onAbort);
      ws.once('open', () => {
        settle();
        if (request.protocols.length > 0 && !request.protocols.includes(ws.protocol)) {
          ws.terminate();
          reject(new Error(`GET ${path}: the server chose the websocket subprotocol '${ws.protocol}', not one of ${request.protocols.join(', ')}`));
          return;
        }
        resolve(ws);
      });
      ws.once('unexpected-response', (_req, res) => {
        settle();
        void readBody(res, AbortSignal.timeout(10_000))
          .catch(() => '')
          .then((text) => {
            ws.terminate();
            reject(kubeApiError('GET', path, res.statusCode ?? 0, text, headerValue(res.headers['retry-after'])));
          });
      });
      ws.once('error', (err) => {
        settle();
        reject(signal.aborted ? abortError(signal) : err);
      });
    });
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('Build was cancelled.');
}

/** Reads a whole (small) response body as text. */
export function readBody(res: http.IncomingMessage, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const onAbort = () => {
      res.destroy();
      reject(abortError(signal));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    res.on('data', (c: Buffer) => chunks.push(c));
    res.once('end', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    res.once('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      reject(err);
    });
  });
}
