/**
 * A fake Kubernetes API server for unit tests of the cluster operations: HTTPS with its own CA
 * and a bearer token (a kubeconfig file points at it), an in-memory store of objects with
 * create/get/list/watch/delete and resourceVersions, watch events as JSON lines with 410 Gone for
 * versions it no longer has, Status objects for errors, and switches to fail requests and cut
 * watches. Tests add routes and websocket handlers for the subresources they exercise. It is
 * deliberately small; the full harness with real guests is test/kube-harness.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { selfSignedCert } from './test-tls.js';

export interface StoredObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion: string;
    labels?: Record<string, string>;
    deletionTimestamp?: string;
    creationTimestamp?: string;
    ownerReferences?: { uid: string; name: string; kind: string }[];
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

interface StoreEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  collection: string;
  object: StoredObject;
}

export interface FailRule {
  method?: string;
  path: RegExp;
  status: number;
  reason?: string;
  message?: string;
  /** How many matching requests fail (default 1). */
  times?: number;
}

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body?: unknown;
}

type Route = (req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: Buffer) => void | Promise<void>;

const COLLECTION = /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)(\/namespaces\/[^/]+)?\/([a-z-]+)(?:\/([^/]+))?$/;

export function statusBody(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason, message, code });
}

export class FakeStore {
  private rv = 100;
  readonly objects = new Map<string, StoredObject>();
  readonly events: StoreEvent[] = [];
  /** Watches asking for versions before this get 410 Gone. */
  oldestRv = 0;
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  /** Plural → ms a delete takes (deletionTimestamp first, gone later). */
  readonly deleteDelays = new Map<string, number>();

  nextRv(): string {
    return String(++this.rv);
  }

  get currentRv(): string {
    return String(this.rv);
  }

  private emit(type: StoreEvent['type'], collection: string, object: StoredObject): void {
    const e: StoreEvent = { rv: Number(object.metadata.resourceVersion), type, collection, object: structuredClone(object) };
    this.events.push(e);
    for (const l of this.listeners) l(e);
  }

  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  put(collection: string, object: Omit<StoredObject, 'metadata'> & { metadata: Partial<StoredObject['metadata']> & { name: string } }): StoredObject {
    const key = `${collection}/${object.metadata.name}`;
    const existed = this.objects.has(key);
    const stored = structuredClone(object) as StoredObject;
    stored.metadata.uid ??= randomUUID();
    stored.metadata.creationTimestamp ??= new Date().toISOString();
    stored.metadata.resourceVersion = this.nextRv();
    this.objects.set(key, stored);
    this.emit(existed ? 'MODIFIED' : 'ADDED', collection, stored);
    return stored;
  }

  get(collection: string, name: string): StoredObject | undefined {
    return this.objects.get(`${collection}/${name}`);
  }

  update(collection: string, name: string, mutate: (o: StoredObject) => void): StoredObject {
    const o = this.get(collection, name);
    if (!o) throw new Error(`fake store: no ${collection}/${name}`);
    mutate(o);
    o.metadata.resourceVersion = this.nextRv();
    this.emit('MODIFIED', collection, o);
    return o;
  }

  remove(collection: string, name: string): boolean {
    const key = `${collection}/${name}`;
    const o = this.objects.get(key);
    if (!o) return false;
    const plural = collection.split('/').at(-1)!;
    const delay = this.deleteDelays.get(plural);
    const gone = () => {
      if (!this.objects.has(key)) return;
      this.objects.delete(key);
      o.metadata.resourceVersion = this.nextRv();
      this.emit('DELETED', collection, o);
    };
    if (delay) {
      o.metadata.deletionTimestamp = new Date().toISOString();
      o.metadata.resourceVersion = this.nextRv();
      this.emit('MODIFIED', collection, o);
      setTimeout(gone, delay);
    } else gone();
    return true;
  }

  list(collection: string): StoredObject[] {
    return [...this.objects.entries()].filter(([k]) => k.slice(0, k.lastIndexOf('/')) === collection).map(([, o]) => o);
  }
}

function matchesSelectors(o: StoredObject, query: URLSearchParams): boolean {
  for (const term of (query.get('labelSelector') ?? '').split(',').filter(Boolean)) {
    const [k, v] = term.split('=');
    if (o.metadata.labels?.[k!] !== v) return false;
  }
  for (const term of (query.get('fieldSelector') ?? '').split(',').filter(Boolean)) {
    const [k, v] = term.split('=');
    const value = k!.split('.').reduce<unknown>((acc, part) => (acc as Record<string, unknown> | undefined)?.[part], o);
    if (String(value) !== v) return false;
  }
  return true;
}

export interface FakeApiServer {
  url: string;
  token: string;
  caCert: string;
  /** The server's certificate and key (also good for other fake servers on 127.0.0.1). */
  tls: { cert: string; key: string };
  kubeconfigPath: string;
  store: FakeStore;
  requests: SeenRequest[];
  fail(rule: FailRule): void;
  route(method: string, path: RegExp, handler: Route): void;
  onWebSocket(path: RegExp, handler: (ws: WebSocket, req: http.IncomingMessage, url: URL) => void): void;
  /** Watches opened from now on are cut after this many events (undefined: never). */
  cutWatchesAfter: number | undefined;
  /** Open watch connections. */
  openWatches(): number;
  close(): Promise<void>;
}

export async function startFakeApiServer(options: { namespace?: string } = {}): Promise<FakeApiServer> {
  const tls = selfSignedCert('fake-apiserver', ['IP:127.0.0.1', 'DNS:localhost']);
  const token = `fake-token-${randomUUID()}`;
  const store = new FakeStore();
  const requests: SeenRequest[] = [];
  const rules: (FailRule & { left: number })[] = [];
  const routes: { method: string; path: RegExp; handler: Route }[] = [];
  const sockets: { path: RegExp; handler: (ws: WebSocket, req: http.IncomingMessage, url: URL) => void }[] = [];
  const watches = new Set<http.ServerResponse>();
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => [...protocols][0] ?? false });

  const server = https.createServer({ cert: tls.cert, key: tls.key });
  const api: FakeApiServer = {
    url: '',
    token,
    caCert: tls.cert,
    tls,
    kubeconfigPath: '',
    store,
    requests,
    cutWatchesAfter: undefined,
    fail: (rule) => rules.push({ ...rule, left: rule.times ?? 1 }),
    route: (method, p, handler) => routes.push({ method, path: p, handler }),
    onWebSocket: (p, handler) => sockets.push({ path: p, handler }),
    openWatches: () => watches.size,
    close: async () => {
      for (const w of watches) w.destroy();
      for (const c of wss.clients) c.terminate();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(path.dirname(api.kubeconfigPath), { recursive: true, force: true });
    },
  };

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  const failIfRuled = (method: string, p: string, res: http.ServerResponse): boolean => {
    const rule = rules.find((r) => r.left > 0 && (!r.method || r.method === method) && r.path.test(p));
    if (!rule) return false;
    rule.left--;
    send(res, rule.status, statusBody(rule.status, rule.reason ?? (rule.status >= 500 ? 'InternalError' : 'Conflict'), rule.message ?? 'injected by the test'));
    return true;
  };

  const watch = (res: http.ServerResponse, collection: string, url: URL) => {
    const from = Number(url.searchParams.get('resourceVersion') || store.currentRv);
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    if (from < store.oldestRv) {
      res.end(JSON.stringify({ type: 'ERROR', object: JSON.parse(statusBody(410, 'Expired', `too old resource version: ${from} (${store.oldestRv})`)) }) + '\n');
      return;
    }
    watches.add(res);
    let sent = 0;
    let open = true;
    const cutAfter = api.cutWatchesAfter;
    const end = () => {
      if (!open) return;
      open = false;
      unsubscribe();
      clearTimeout(timer);
      watches.delete(res);
    };
    const deliver = (e: StoreEvent) => {
      if (!open || e.collection !== collection || e.rv <= from || !matchesSelectors(e.object, url.searchParams)) return;
      res.write(JSON.stringify({ type: e.type, object: e.object }) + '\n');
      if (cutAfter !== undefined && ++sent >= cutAfter) {
        end();
        // Let the event reach the client first, then cut the connection as a proxy would.
        setTimeout(() => res.socket?.destroy(), 20);
      }
    };
    const unsubscribe = store.subscribe(deliver);
    const seconds = Number(url.searchParams.get('timeoutSeconds') || 300);
    const timer = setTimeout(() => {
      end();
      res.end();
    }, seconds * 1000);
    res.on('close', end);
    for (const e of [...store.events]) deliver(e);
  };

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'https://fake');
        const body = Buffer.concat(chunks);
        let parsed: unknown;
        try {
          parsed = body.length ? JSON.parse(body.toString()) : undefined;
        } catch {
          parsed = undefined;
        }
        const method = req.method ?? 'GET';
        requests.push({ method, path: url.pathname, query: url.searchParams, body: parsed });
        if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, statusBody(401, 'Unauthorized', 'Unauthorized'));
        if (failIfRuled(method, url.pathname, res)) return;
        const route = routes.find((r) => r.method === method && r.path.test(url.pathname));
        if (route) return route.handler(req, res, url, body);
        const m = COLLECTION.exec(url.pathname);
        if (!m) return send(res, 404, statusBody(404, 'NotFound', `the server could not find the requested resource (${url.pathname})`));
        const collection = `${m[1]}${m[2] ?? ''}/${m[3]}`;
        const name = m[4] ? decodeURIComponent(m[4]) : undefined;
        if (method === 'GET' && !name && url.searchParams.get('watch') === 'true') return watch(res, collection, url);
        if (method === 'GET' && !name) {
          const items = store.list(collection).filter((o) => matchesSelectors(o, url.searchParams));
          return send(res, 200, { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: store.currentRv }, items });
        }
        if (method === 'GET' && name) {
          const o = store.get(collection, name);
          return o ? send(res, 200, o) : send(res, 404, statusBody(404, 'NotFound', `${m[3]} "${name}" not found`));
        }
        if (method === 'POST' && !name) {
          const o = parsed as StoredObject;
          if (m[2] && options.namespace && m[2] !== `/namespaces/${options.namespace}`) {
            return send(res, 404, statusBody(404, 'NotFound', `namespaces "${m[2].split('/')[2]}" not found`));
          }
          if (store.get(collection, o.metadata.name)) return send(res, 409, statusBody(409, 'AlreadyExists', `${m[3]} "${o.metadata.name}" already exists`));
          return send(res, 201, store.put(collection, o));
        }
        if (method === 'DELETE' && name) {
          const o = store.get(collection, name);
          if (!o) return send(res, 404, statusBody(404, 'NotFound', `${m[3]} "${name}" not found`));
          store.remove(collection, name);
          return send(res, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success' });
        }
        send(res, 405, statusBody(405, 'MethodNotAllowed', `${method} ${url.pathname}`));
      })().catch((err: unknown) => send(res, 500, statusBody(500, 'InternalError', String(err))));
    });
  });

  server.on('upgrade', (req: http.IncomingMessage, socket, head) => {
    const url = new URL(req.url ?? '/', 'https://fake');
    requests.push({ method: 'UPGRADE', path: url.pathname, query: url.searchParams });
    const reject = (status: number, reason: string, message: string) => {
      const body = statusBody(status, reason, message);
      socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    };
    if (req.headers.authorization !== `Bearer ${token}`) return reject(401, 'Unauthorized', 'Unauthorized');
    const rule = rules.find((r) => r.left > 0 && (!r.method || r.method === 'UPGRADE') && r.path.test(url.pathname));
    if (rule) {
      rule.left--;
      return reject(rule.status, rule.reason ?? 'BadRequest', rule.message ?? 'injected by the test');
    }
    const handler = sockets.find((s) => s.path.test(url.pathname));
    if (!handler) return reject(404, 'NotFound', `no websocket at ${url.pathname}`);
    wss.handleUpgrade(req, socket, head, (ws) => handler.handler(ws, req, url));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-fake-api-'));
  api.kubeconfigPath = path.join(dir, 'kubeconfig');
  writeFileSync(
    api.kubeconfigPath,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: fake\n  cluster:\n    server: ${api.url}\n    certificate-authority-data: ${Buffer.from(tls.cert).toString('base64')}`,
      'users:',
      `- name: fake\n  user:\n    token: ${token}`,
      'contexts:',
      `- name: fake\n  context:\n    cluster: fake\n    user: fake${options.namespace ? `\n    namespace: ${options.namespace}` : ''}`,
      'current-context: fake',
      '',
    ].join('\n'),
  );
  return api;
}
