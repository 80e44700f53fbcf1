/**
 * A fake of GitHub's Actions cache service, in both protocols the real @actions/cache client
 * speaks:
 *
 * - v2, what github.com runs since the legacy service was retired in 2025: twirp JSON calls on the
 *   results service (ACTIONS_RESULTS_URL, with ACTIONS_CACHE_SERVICE_V2 set) —
 *   GetCacheEntryDownloadURL, CreateCacheEntry, FinalizeCacheEntryUpload — with the archive going
 *   to and from blob storage through signed URLs (fake-blob-storage.ts);
 * - v1, the legacy REST protocol (ACTIONS_CACHE_URL; still what GHES speaks): look up by key +
 *   version, reserve, upload chunks, commit, download.
 *
 * GitHub's service cannot run here; this is just enough of it, on 127.0.0.1, to run the real
 * @actions/cache client inside the real action bundles. Entries are matched like the service
 * does: same version (paths + compression), the key exactly or a restore key as a prefix.
 */
import { FakeBlobStorage } from './fake-blob-storage.js';
import { json, serveRoutes, twirpError, type FakeReply, type FakeRequest, type FakeRoute } from './fake-server.js';

interface Entry {
  id: number;
  key: string;
  version: string;
  /** v1: chunks as uploaded; v2: the archive is a blob. */
  chunks: { start: number; data: Buffer }[];
  archive?: Buffer;
  finalized: boolean;
}

const V2 = '/twirp/github.actions.results.api.v1.CacheService/';
const V1 = '/_apis/artifactcache/';
const CONTAINER = 'actions-cache';

export class FakeCacheStore {
  private readonly entries = new Map<number, Entry>();
  private nextId = 1;

  constructor(
    private readonly blobs: FakeBlobStorage,
    /** The bearer token the client must send (ACTIONS_RUNTIME_TOKEN). */
    private readonly token: string,
  ) {}

  /** Keys of entries that were saved completely, in saving order. */
  committedKeys(): string[] {
    return [...this.entries.values()].filter((e) => e.finalized).map((e) => e.key);
  }

  /** The stored archive (tar.zst) of a saved entry. */
  archive(key: string): Buffer | undefined {
    const e = [...this.entries.values()].find((x) => x.finalized && x.key === key);
    return e ? this.archiveOf(e) : undefined;
  }

  private archiveOf(e: Entry): Buffer | undefined {
    return e.archive ?? this.blobs.get(CONTAINER, `entry-${e.id}`);
  }

  private find(keys: string[], version: string): Entry | undefined {
    const done = [...this.entries.values()].filter((e) => e.finalized && e.version === version).reverse();
    const [primary, ...restore] = keys;
    return done.find((e) => e.key === primary) ?? restore.map((k) => done.find((e) => e.key.startsWith(k))).find(Boolean);
  }

  readonly route: FakeRoute = (req, base) => {
    if (!req.url.pathname.startsWith(V2) && !req.url.pathname.startsWith(V1) && !req.url.pathname.startsWith('/download/')) return undefined;
    if (req.url.pathname.startsWith('/download/')) {
      const e = this.entries.get(Number(req.url.pathname.slice('/download/'.length)));
      const archive = e && this.archiveOf(e);
      return archive ? { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: archive } : json(404);
    }
    if (req.headers.authorization !== `Bearer ${this.token}`) return json(401, { message: 'bad or missing runtime token' });
    return req.url.pathname.startsWith(V2) ? this.v2(req, base) : this.v1(req, base);
  };

  private v2(req: FakeRequest, base: string): FakeReply {
    const method = req.url.pathname.slice(V2.length);
    const body = JSON.parse(req.body.toString() || '{}') as Record<string, unknown>;
    const key = String(body.key ?? '');
    const version = String(body.version ?? '');
    if (method === 'GetCacheEntryDownloadURL') {
      const e = this.find([key, ...((body.restore_keys as string[] | undefined) ?? [])], version);
      if (!e) return json(200, { ok: false });
      return json(200, { ok: true, signed_download_url: this.blobs.signedUrl(base, CONTAINER, `entry-${e.id}`), matched_key: e.key });
    }
    if (method === 'CreateCacheEntry') {
      if ([...this.entries.values()].some((e) => e.key === key && e.version === version)) {
        return twirpError(409, 'already_exists', 'cache entry with the same key, version, and scope already exists');
      }
      const id = this.nextId++;
      this.entries.set(id, { id, key, version, chunks: [], finalized: false });
      return json(200, { ok: true, signed_upload_url: this.blobs.signedUrl(base, CONTAINER, `entry-${id}`) });
    }
    if (method === 'FinalizeCacheEntryUpload') {
      const e = [...this.entries.values()].find((x) => !x.finalized && x.key === key && x.version === version);
      const blob = e && this.blobs.get(CONTAINER, `entry-${e.id}`);
      if (!e || !blob) return twirpError(404, 'not_found', 'no upload in progress for this key and version');
      if (String(blob.length) !== String(body.size_bytes)) return twirpError(400, 'invalid_argument', `size_bytes ${String(body.size_bytes)} but ${blob.length} bytes were uploaded`);
      e.finalized = true;
      return json(200, { ok: true, entry_id: String(e.id) });
    }
    return twirpError(404, 'bad_route', `no such method ${method}`);
  }

  private v1(req: FakeRequest, base: string): FakeReply {
    const url = req.url;
    if (req.method === 'GET' && url.pathname === `${V1}cache`) {
      const e = this.find((url.searchParams.get('keys') ?? '').split(','), url.searchParams.get('version') ?? '');
      return e ? json(200, { cacheKey: e.key, scope: 'refs/heads/main', archiveLocation: `${base}/download/${e.id}` }) : json(204);
    }
    if (req.method === 'POST' && url.pathname === `${V1}caches`) {
      const { key, version } = JSON.parse(req.body.toString()) as { key: string; version: string };
      if ([...this.entries.values()].some((e) => e.key === key && e.version === version)) return json(409, { message: 'already exists' });
      const id = this.nextId++;
      this.entries.set(id, { id, key, version, chunks: [], finalized: false });
      return json(201, { cacheId: id });
    }
    const m = /^\/_apis\/artifactcache\/caches\/(\d+)$/.exec(url.pathname);
    const entry = m ? this.entries.get(Number(m[1])) : undefined;
    if (entry && req.method === 'PATCH') {
      const range = /bytes (\d+)-(\d+)\//.exec(String(req.headers['content-range']));
      entry.chunks.push({ start: Number(range?.[1] ?? 0), data: req.body });
      return json(204);
    }
    if (entry && req.method === 'POST') {
      entry.archive = Buffer.concat(entry.chunks.sort((a, b) => a.start - b.start).map((c) => c.data));
      entry.finalized = true;
      return json(204);
    }
    return json(404, { message: 'not found' });
  }
}

export interface FakeCacheService {
  /** ACTIONS_CACHE_URL (ends with '/', as the runner gives it); also the ACTIONS_RESULTS_URL for v2. */
  url: string;
  /** The ACTIONS_RUNTIME_TOKEN the service accepts. */
  token: string;
  requests: { method: string; path: string }[];
  committedKeys(): string[];
  /** The runner's environment for protocol v2 (what github.com gives a job today). */
  v2Env(): Record<string, string>;
  close(): Promise<void>;
}

/** A cache service alone (the results service with artifacts too is fake-results-service.ts). */
export async function startFakeCacheService(token = 'test-token'): Promise<FakeCacheService> {
  const blobs = new FakeBlobStorage();
  const store = new FakeCacheStore(blobs, token);
  const server = await serveRoutes([store.route, blobs.route]);
  const url = `${server.base}/`;
  return {
    url,
    token,
    requests: server.requests,
    committedKeys: () => store.committedKeys(),
    v2Env: () => ({ ACTIONS_CACHE_SERVICE_V2: 'True', ACTIONS_RESULTS_URL: url, ACTIONS_RUNTIME_TOKEN: token }),
    close: () => server.close(),
  };
}
