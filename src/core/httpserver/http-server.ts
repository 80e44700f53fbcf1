/**
 * The build's HTTP server: what an installer fetches its answer file (preseed, kickstart, seed)
 * from, as Packer's http_directory / http_content. It binds to loopback by default because QEMU's
 * user-mode network maps the guest's 10.0.2.2 onto the host's 127.0.0.1; nothing else needs it.
 */
import { realpath, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream';
import type { Logger } from '../log.js';
import { NotRegularFileError, openRegularFile } from '../regular-file.js';
import { contentTypeFor } from './content-type.js';

export type HttpSource = { directory: string } | { content: Record<string, string> };

export interface HttpServerOptions {
  source: HttpSource;
  logger: Logger;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Defaults to 0: the kernel picks a free port, so parallel builds never collide. */
  port?: number;
}

export interface RunningHttpServer {
  readonly port: number;
  readonly host: string;
  /** Paths served so far, in order, for build reports and tests. */
  readonly requests: readonly { method: string; path: string; status: number; bytes: number }[];
  close(): Promise<void>;
}

/** Maps a URL path to a file inside `root`, or undefined when it would leave it. */
export async function resolveInside(root: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const candidate = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  const realRoot = await realpath(root);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return undefined;
  }
  // realpath on both sides: a symlink inside the directory must not lead outside it either.
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return undefined;
  return real;
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { source, logger } = options;
  const requests: { method: string; path: string; status: number; bytes: number }[] = [];

  const server = http.createServer((req, res) => {
    // Not new URL(): a request line such as "GET //x" would parse as a host and throw.
    const urlPath = (req.url ?? '/').split(/[?#]/, 1)[0] || '/';
    const done = (status: number, bytes: number) => {
      requests.push({ method: req.method ?? '?', path: urlPath, status, bytes });
      logger.info(`http: ${req.method} ${urlPath} → ${status} (${bytes} B) from ${req.socket.remoteAddress}`);
    };
    const fail = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/plain' }).end(text + '\n');
      done(status, 0);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'method not allowed');
    void serve(urlPath, req.method === 'HEAD').catch((err: unknown) => {
      logger.warn(`http: ${urlPath}: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) fail(500, 'internal error');
      else res.destroy();
    });

    async function serve(p: string, headOnly: boolean): Promise<void> {
      if ('content' in source) {
        const body = source.content[p];
        if (body === undefined) return fail(404, 'not found');
        const buf = Buffer.from(body);
        res.writeHead(200, { 'content-type': contentTypeFor(p), 'content-length': buf.length });
        res.end(headOnly ? undefined : buf);
        return done(200, buf.length);
      }
      let file = await resolveInside(source.directory, p);
      if (file && (await stat(file)).isDirectory()) {
        file = await resolveInside(source.directory, path.posix.join(p, 'index.html'));
      }
      if (!file) return fail(404, 'not found');
      // A FIFO or device in the folder would block the open or never end: only regular files are served.
      let opened: Awaited<ReturnType<typeof openRegularFile>>;
      try {
        opened = await openRegularFile(file);
      } catch (err) {
        if (!(err instanceof NotRegularFileError)) throw err;
        logger.warn(`http: ${p}: ${err.message}; refused`);
        return fail(403, 'not a regular file');
      }
      const { handle, stats } = opened;
      const size = stats.size;
      res.writeHead(200, { 'content-type': contentTypeFor(file), 'content-length': size });
      if (headOnly) {
        await handle.close();
        res.end();
        return done(200, 0);
      }
      // pipeline, not pipe: a client that hangs up once it holds Content-Length bytes (busybox
      // wget does) can close the socket before the file's EOF is read. pipe() then leaves the
      // file open and the request unlogged; pipeline() closes the file and reports either way.
      const body = handle.createReadStream();
      pipeline(body, res, (err) => {
        if (!err || body.bytesRead === size) return done(200, size);
        logger.warn(`http: ${p}: the client went away after ${body.bytesRead} of ${size} B were read (${err.message})`);
        done(200, body.bytesRead);
      });
    }
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  logger.info(`http: serving ${'directory' in source ? source.directory : `${Object.keys(source.content).length} inline file(s)`} on ${host}:${port}`);

  return {
    port,
    host,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
