/**
 * A loopback HTTP server for the fakes of GitHub's services (cache, artifacts, the blob storage
 * their signed URLs point at): each fake is a route that answers the requests it knows. One server
 * can carry several, as the runner's single ACTIONS_RESULTS_URL serves both cache and artifacts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface FakeReply {
  status: number;
  headers?: Record<string, string | number>;
  body?: Buffer | string;
}

/** Answers a request it knows, or returns undefined to let the next route try. */
export type FakeRoute = (req: FakeRequest, base: string) => FakeReply | undefined;

export interface FakeServer {
  /** http://127.0.0.1:<port> (no trailing slash). */
  base: string;
  requests: { method: string; path: string }[];
  close(): Promise<void>;
}

export function json(status: number, value?: unknown): FakeReply {
  return { status, headers: { 'content-type': 'application/json' }, body: value === undefined ? '' : JSON.stringify(value) };
}

/** A twirp error, as twirp servers send them: an HTTP status and {code, msg}. */
export function twirpError(status: number, code: string, msg: string): FakeReply {
  return json(status, { code, msg });
}

export async function serveRoutes(routes: FakeRoute[]): Promise<FakeServer> {
  const requests: FakeServer['requests'] = [];
  let base = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', base);
      requests.push({ method: req.method ?? '', path: url.pathname });
      const request: FakeRequest = { method: req.method ?? '', url, headers: req.headers, body: Buffer.concat(chunks) };
      let reply: FakeReply | undefined;
      try {
        for (const route of routes) {
          reply = route(request, base);
          if (reply) break;
        }
      } catch (err) {
        reply = json(500, { message: err instanceof Error ? err.message : String(err) });
      }
      reply ??= json(404, { message: `no fake for ${req.method} ${url.pathname}` });
      const body = reply.body ?? '';
      res.writeHead(reply.status, { 'content-length': Buffer.byteLength(body), ...reply.headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
