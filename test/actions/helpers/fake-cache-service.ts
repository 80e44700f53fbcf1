/**
 * A fake of GitHub's Actions cache service (the v1 REST protocol @actions/cache speaks when
 * ACTIONS_CACHE_URL is set): look up by key + version, reserve, upload chunks, commit, download.
 * GitHub's service cannot run here; this is just enough of it, on 127.0.0.1, to run the real
 * @actions/cache client inside the real action bundles.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface Entry {
  key: string;
  version: string;
  chunks: { start: number; data: Buffer }[];
  archive?: Buffer;
}

export interface FakeCacheService {
  /** ACTIONS_CACHE_URL (ends with '/', as the runner gives it). */
  url: string;
  requests: { method: string; path: string }[];
  committedKeys(): string[];
  close(): Promise<void>;
}

export async function startFakeCacheService(): Promise<FakeCacheService> {
  const entries = new Map<number, Entry>();
  const requests: { method: string; path: string }[] = [];
  let nextId = 1;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      requests.push({ method: req.method ?? '', path: url.pathname });
      const json = (status: number, value?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(value === undefined ? '' : JSON.stringify(value));
      };
      const api = '/_apis/artifactcache/';
      if (req.method === 'GET' && url.pathname === `${api}cache`) {
        const keys = (url.searchParams.get('keys') ?? '').split(',');
        const version = url.searchParams.get('version');
        for (const key of keys) {
          for (const [id, e] of entries) {
            if (e.archive && e.version === version && e.key.startsWith(key)) {
              return json(200, { cacheKey: e.key, scope: 'refs/heads/main', archiveLocation: `http://127.0.0.1:${port()}/download/${id}` });
            }
          }
        }
        return json(204);
      }
      if (req.method === 'POST' && url.pathname === `${api}caches`) {
        const { key, version } = JSON.parse(body.toString()) as { key: string; version: string };
        if ([...entries.values()].some((e) => e.key === key && e.version === version)) return json(409, { message: 'already exists' });
        const id = nextId++;
        entries.set(id, { key, version, chunks: [] });
        return json(201, { cacheId: id });
      }
      const m = /^\/_apis\/artifactcache\/caches\/(\d+)$/.exec(url.pathname);
      const entry = m ? entries.get(Number(m[1])) : undefined;
      if (m && entry && req.method === 'PATCH') {
        const range = /bytes (\d+)-(\d+)\//.exec(String(req.headers['content-range']));
        entry.chunks.push({ start: Number(range?.[1] ?? 0), data: body });
        return json(204);
      }
      if (m && entry && req.method === 'POST') {
        entry.archive = Buffer.concat(entry.chunks.sort((a, b) => a.start - b.start).map((c) => c.data));
        return json(204);
      }
      const d = /^\/download\/(\d+)$/.exec(url.pathname);
      const archive = d ? entries.get(Number(d[1]))?.archive : undefined;
      if (archive) {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': archive.length });
        return res.end(archive);
      }
      json(404, { message: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = () => (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port()}/`,
    requests,
    committedKeys: () => [...entries.values()].filter((e) => e.archive).map((e) => e.key),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
