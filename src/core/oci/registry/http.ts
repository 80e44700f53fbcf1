/**
 * One HTTP exchange with a registry over node:http/https, so we control what fetch hides: the CA,
 * keep-alive sockets we can close at the end, and bodies either held in memory (one Buffer, or a
 * list of pieces written one after another, so a failed request can be sent again as it is) or
 * streamed piece by piece as they are produced (streamHttp: a layer, sent straight from the
 * compressor's output and never held whole).
 */
import type http from 'node:http';
import type https from 'node:https';

/**
 * node:http and node:https are fetched with process.getBuiltinModule, not imported. An ESM import
 * of a builtin builds a facade that reads every export once (nodejs/node
 * lib/internal/bootstrap/realm.js@v24.x: syncExports), and node:http's exports include lazy getters
 * for WebSocket, CloseEvent and MessageEvent that load all of undici (nodejs/node lib/http.js@v24.x:
 * lazyUndici): measured, the import alone costs 6.7 MiB of heap and 6.8 MiB of node's pages, a
 * tenth of a publish's memory. node:https (TLS) costs another ~7 MiB and is loaded only for an
 * https registry.
 */
const nodeHttp = process.getBuiltinModule('node:http');

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: HttpBody;
  signal?: AbortSignal;
  /** Bodies bigger than this are cut off (manifests are at most 4 MiB by spec). */
  maxResponseBytes?: number;
  /** Idle socket time before the request fails. */
  timeoutMs?: number;
}

/** A body in one piece, or in several sent back to back (their total is the Content-Length). */
export type HttpBody = Buffer | readonly Buffer[];

export function bodyLength(body: HttpBody): number {
  if (Buffer.isBuffer(body)) return body.length;
  let n = 0;
  for (const piece of body) n += piece.length;
  return n;
}

export interface HttpAgents {
  readonly http: http.Agent;
  /** Made on first use (see above). */
  readonly https: https.Agent;
  /** Closes both agents' sockets (without making the https agent if it was never used). */
  destroy(): void;
}

class Agents implements HttpAgents {
  readonly http = new nodeHttp.Agent({ keepAlive: true, maxSockets: 4 });
  private secure: https.Agent | undefined;
  constructor(private readonly tls: { ca?: string | Buffer; rejectUnauthorized: boolean }) {}
  get https(): https.Agent {
    this.secure ??= new (process.getBuiltinModule('node:https').Agent)({
      keepAlive: true,
      maxSockets: 4,
      rejectUnauthorized: this.tls.rejectUnauthorized,
      ...(this.tls.ca ? { ca: this.tls.ca } : {}),
    });
    return this.secure;
  }
  destroy(): void {
    this.http.destroy();
    this.secure?.destroy();
  }
}

export function createAgents(tls: { ca?: string | Buffer; rejectUnauthorized: boolean }): HttpAgents {
  return new Agents(tls);
}

export class HttpNetworkError extends Error {
  override name = 'HttpNetworkError';
  constructor(
    message: string,
    readonly code: string | undefined,
    /** True when the request body may have reached the server, even partly. */
    readonly bodyStarted: boolean,
  ) {
    super(message);
  }
}

const DEFAULT_MAX_RESPONSE = 16 * 1024 * 1024;

/** node:https only when the URL needs it (see above). */
function transport(isHttps: boolean): typeof http | typeof https {
  return isHttps ? process.getBuiltinModule('node:https') : nodeHttp;
}

export function sendHttp(agents: HttpAgents, req: HttpRequest): Promise<HttpResponse> {
  const isHttps = req.url.protocol === 'https:';
  const mod = transport(isHttps);
  const headers: Record<string, string> = { 'user-agent': 'ruddervirt', ...req.headers };
  const length = req.body ? bodyLength(req.body) : 0;
  if (req.body) headers['content-length'] = String(length);
  else if (req.method === 'PUT' || req.method === 'POST' || req.method === 'PATCH') headers['content-length'] = '0';
  return new Promise((resolve, reject) => {
    let bodyStarted = false;
    const fail = (err: Error & { code?: string }) => {
      if (req.signal?.aborted) reject(req.signal.reason instanceof Error ? req.signal.reason : new Error('aborted'));
      else reject(new HttpNetworkError(`${req.method} ${req.url.origin}${req.url.pathname}: ${err.message}`, err.code, bodyStarted));
    };
    const r = mod.request(req.url, { method: req.method, headers, agent: isHttps ? agents.https : agents.http, signal: req.signal, timeout: req.timeoutMs ?? 120_000 }, (res) => {
      readResponse(res, req.maxResponseBytes, resolve, fail);
    });
    r.on('error', fail);
    r.on('timeout', () => r.destroy(Object.assign(new Error('socket timed out'), { code: 'ETIMEDOUT' })));
    if (req.body && length > 0) {
      bodyStarted = true;
      if (Buffer.isBuffer(req.body)) r.end(req.body);
      else {
        // Written without waiting for 'drain': the pieces are held by the caller anyway, so the
        // socket's queue only references memory that exists already.
        for (const piece of req.body) if (piece.length > 0) r.write(piece);
        r.end();
      }
    } else r.end();
  });
}

/**
 * A request whose body is written piece by piece as it is produced, with no Content-Length (node
 * sends it with chunked transfer encoding): a layer upload in one PATCH whose size is known only at
 * its end. The caller writes the next piece once the last one has been handed to the socket, so
 * what the request holds is one piece, not the body.
 */
export interface StreamedHttpRequest {
  /**
   * Resolves once `piece` has been handed to the socket (the caller may reuse its memory), or as
   * soon as the answer arrives (`answered`: the server will not read further); rejects with an
   * HttpNetworkError when the connection failed.
   */
  write(piece: Buffer): Promise<void>;
  /** Ends the body and waits for the answer. */
  end(): Promise<HttpResponse>;
  /** True once the answer has arrived, which may be before the body ended (a refusal). */
  readonly answered: boolean;
  /** The answer, whenever it comes (rejects like `write` when the connection fails first). */
  readonly response: Promise<HttpResponse>;
  /** Drops the connection (a body we no longer finish). */
  abort(): void;
}

export function streamHttp(agents: HttpAgents, req: Omit<HttpRequest, 'body'>): StreamedHttpRequest {
  const isHttps = req.url.protocol === 'https:';
  const mod = transport(isHttps);
  const headers: Record<string, string> = { 'user-agent': 'ruddervirt', ...req.headers };
  let failure: Error | undefined;
  let answered = false;
  let settled = false;
  // Writes waiting for their callback: settled early when the connection fails or the answer comes.
  const waiting = new Set<{ resolve: () => void; reject: (err: Error) => void }>();
  let settle!: { resolve: (res: HttpResponse) => void; reject: (err: Error) => void };
  const response = new Promise<HttpResponse>((resolve, reject) => (settle = { resolve, reject }));
  response.catch(() => undefined);
  const fail = (err: Error & { code?: string }) => {
    if (failure) return;
    failure = req.signal?.aborted
      ? req.signal.reason instanceof Error
        ? req.signal.reason
        : new Error('aborted')
      : new HttpNetworkError(`${req.method} ${req.url.origin}${req.url.pathname}: ${err.message}`, err.code, true);
    for (const w of waiting) w.reject(failure);
    waiting.clear();
    // An answer that arrived in full stands, whatever happens to the connection after it.
    if (!settled) settle.reject(failure);
    settled = true;
  };
  const r = mod.request(req.url, { method: req.method, headers, agent: isHttps ? agents.https : agents.http, signal: req.signal, timeout: req.timeoutMs ?? 120_000 }, (res) => {
    answered = true;
    for (const w of waiting) w.resolve();
    waiting.clear();
    readResponse(
      res,
      req.maxResponseBytes,
      (response) => {
        if (!settled) settle.resolve(response);
        settled = true;
      },
      fail,
    );
  });
  r.on('error', fail);
  r.on('timeout', () => r.destroy(Object.assign(new Error('socket timed out'), { code: 'ETIMEDOUT' })));
  return {
    get answered() {
      return answered;
    },
    response,
    write(piece) {
      if (answered) return Promise.resolve();
      if (failure) return Promise.reject(failure);
      return new Promise<void>((resolve, reject) => {
        const w = { resolve, reject };
        waiting.add(w);
        r.write(piece, (err) => {
          if (!waiting.delete(w)) return;
          if (err) {
            fail(err);
            reject(failure ?? err);
          } else resolve();
        });
      });
    },
    end() {
      if (!answered && !failure) r.end();
      return response;
    },
    abort() {
      r.destroy();
    },
  };
}

/** A response whose body is left to the caller to stream (blobs can be far larger than memory). */
export interface StreamedHttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: http.IncomingMessage;
}

/**
 * One GET whose body is not buffered. Network failures before the answer arrives reject like
 * sendHttp's; failures while the caller reads the body surface as errors on `body`.
 */
export function openHttp(agents: HttpAgents, req: Omit<HttpRequest, 'body' | 'maxResponseBytes'>): Promise<StreamedHttpResponse> {
  const isHttps = req.url.protocol === 'https:';
  const mod = transport(isHttps);
  const headers: Record<string, string> = { 'user-agent': 'ruddervirt', ...req.headers };
  return new Promise((resolve, reject) => {
    const fail = (err: Error & { code?: string }) => {
      if (req.signal?.aborted) reject(req.signal.reason instanceof Error ? req.signal.reason : new Error('aborted'));
      else reject(new HttpNetworkError(`${req.method} ${req.url.origin}${req.url.pathname}: ${err.message}`, err.code, false));
    };
    const r = mod.request(req.url, { method: req.method, headers, agent: isHttps ? agents.https : agents.http, signal: req.signal, timeout: req.timeoutMs ?? 120_000 }, (res) =>
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res }),
    );
    r.on('error', fail);
    r.on('timeout', () => r.destroy(Object.assign(new Error('socket timed out'), { code: 'ETIMEDOUT' })));
    r.end();
  });
}

/** Reads and drops a body we do not want, so its socket can be reused (small error bodies only). */
export async function discardBody(body: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of body) {
      length += (chunk as Buffer).length;
      if (length <= 64 * 1024) chunks.push(chunk as Buffer);
      else {
        body.destroy();
        break;
      }
    }
  } catch {
    // a broken error body tells us nothing more
  }
  return Buffer.concat(chunks);
}

/** Reads a response whole, keeping at most `maxBytes` of its body (the rest is read and dropped). */
function readResponse(res: http.IncomingMessage, maxBytes: number | undefined, done: (response: HttpResponse) => void, fail: (err: Error & { code?: string }) => void): void {
  const chunks: Buffer[] = [];
  let length = 0;
  const max = maxBytes ?? DEFAULT_MAX_RESPONSE;
  res.on('data', (d: Buffer) => {
    length += d.length;
    if (length <= max) chunks.push(d);
  });
  res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
  res.on('error', fail);
  res.on('aborted', () => fail(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
}
