import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import type { Checksum } from '../../../src/core/config/model.js';
import { memoryLogger } from '../../../src/core/log.js';
import { cacheFileName, defaultSourceCacheDir, fetchSource, LOCK_SUFFIX } from '../../../src/engines/local/download.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-download-test-'));
const payload = randomBytes(3 * 1024 * 1024 + 17);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const good: Checksum = { algorithm: 'sha256', hex: sha256(payload) };
const wrong: Checksum = { algorithm: 'sha256', hex: sha256(Buffer.from('something else')) };

let server: http.Server;
let base = '';
const requests: string[] = [];
const held: (() => void)[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url?.startsWith('/image.qcow2') || req.url === '/other.img') {
      res.writeHead(200, { 'content-length': payload.length });
      // Chunked writes, so progress has something to report.
      let off = 0;
      const next = () => {
        if (off >= payload.length) return res.end();
        const end = Math.min(off + 256 * 1024, payload.length);
        const ok = res.write(payload.subarray(off, end));
        off = end;
        if (ok) setImmediate(next);
        else res.once('drain', next);
      };
      next();
    } else if (req.url === '/held.img') {
      // Held open until the test lets it go, so a second build surely asks while the first downloads.
      res.writeHead(200, { 'content-length': payload.length });
      res.write(payload.subarray(0, 1024));
      held.push(() => res.end(payload.subarray(1024)));
    } else if (req.url === '/slow.img') {
      res.writeHead(200, { 'content-length': payload.length });
      res.write(payload.subarray(0, 1024)); // and never finishes
    } else if (req.url === '/redirect') {
      res.writeHead(302, { location: '/image.qcow2?via=redirect' });
      res.end();
    } else {
      res.writeHead(404);
      res.end('nope');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  requests.length = 0;
});

function freshCache(name: string): string {
  return path.join(tmp, name);
}

describe('source download cache (real HTTP on loopback)', () => {
  it('downloads, verifies while streaming, reports byte progress, and the second use hits the cache', async () => {
    const cacheDir = freshCache('hit');
    const { logger, lines } = memoryLogger();
    const url = `${base}/image.qcow2`;
    const file = await fetchSource({ url, checksum: good, logger, signal: AbortSignal.timeout(20_000), cacheDir });
    expect(path.dirname(file)).toBe(cacheDir);
    expect(path.basename(file)).toBe(cacheFileName(url, good));
    expect(file.endsWith('.qcow2')).toBe(true);
    expect(sha256(readFileSync(file))).toBe(good.hex);
    expect(readdirSync(cacheDir)).toEqual([path.basename(file)]);
    const progress = lines.filter((l) => l.includes('download image.qcow2'));
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.length).toBeLessThanOrEqual(13);
    expect(progress.at(-1)).toMatch(/3\.0 MiB \/ 3\.0 MiB \(100\.0%\) done/);
    expect(requests).toEqual(['/image.qcow2']);

    lines.length = 0;
    const again = await fetchSource({ url, checksum: good, logger, signal: AbortSignal.timeout(20_000), cacheDir });
    expect(again).toBe(file);
    expect(requests).toEqual(['/image.qcow2']); // no second request
    expect(lines.some((l) => l.includes(`using cached ${file}`))).toBe(true);
  });

  it('a checksum mismatch is a clear error and leaves no cache entry and no partial file', async () => {
    const cacheDir = freshCache('mismatch');
    const { logger } = memoryLogger();
    const attempt = fetchSource({ url: `${base}/image.qcow2`, checksum: wrong, logger, signal: AbortSignal.timeout(20_000), cacheDir });
    await expect(attempt).rejects.toThrow(UserError);
    await expect(fetchSource({ url: `${base}/image.qcow2`, checksum: wrong, logger, signal: AbortSignal.timeout(20_000), cacheDir })).rejects.toThrow(
      `checksum mismatch for ${base}/image.qcow2: expected sha256:${wrong.hex}, got sha256:${good.hex}`,
    );
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('re-downloads when the cached copy was corrupted', async () => {
    const cacheDir = freshCache('corrupt');
    const { logger, lines } = memoryLogger();
    const url = `${base}/image.qcow2?corrupt`;
    const file = await fetchSource({ url, checksum: good, logger, signal: AbortSignal.timeout(20_000), cacheDir });
    writeFileSync(file, 'bit rot');
    const again = await fetchSource({ url, checksum: good, logger, signal: AbortSignal.timeout(20_000), cacheDir });
    expect(again).toBe(file);
    expect(sha256(readFileSync(file))).toBe(good.hex);
    expect(lines.some((l) => l.startsWith('warn:') && l.includes('no longer matches its checksum'))).toBe(true);
    expect(requests).toEqual(['/image.qcow2?corrupt', '/image.qcow2?corrupt']);
  });

  it('keys the cache by URL and checksum, follows redirects', async () => {
    const cacheDir = freshCache('keys');
    const { logger } = memoryLogger();
    const a = await fetchSource({ url: `${base}/image.qcow2`, checksum: good, logger, signal: AbortSignal.timeout(20_000), cacheDir });
    const b = await fetchSource({ url: `${base}/redirect`, checksum: good, logger, signal: AbortSignal.timeout(20_000), cacheDir });
    expect(a).not.toBe(b);
    expect(sha256(readFileSync(b))).toBe(good.hex);
    expect(readdirSync(cacheDir).sort()).toEqual([path.basename(a), path.basename(b)].sort());
  });

  it('HTTP errors and unsupported schemes are user errors naming the URL', async () => {
    const cacheDir = freshCache('errors');
    const { logger } = memoryLogger();
    const signal = AbortSignal.timeout(20_000);
    await expect(fetchSource({ url: `${base}/missing.iso`, checksum: good, logger, signal, cacheDir })).rejects.toThrow(`downloading ${base}/missing.iso failed: HTTP 404 Not Found`);
    await expect(fetchSource({ url: 'ftp://example.org/x.iso', checksum: good, logger, signal, cacheDir })).rejects.toThrow(/unsupported scheme 'ftp:'/);
    await expect(fetchSource({ url: 'not a url', checksum: good, logger, signal, cacheDir })).rejects.toThrow(UserError);
    await expect(fetchSource({ url: 'http://127.0.0.1:1/x.img', checksum: good, logger, signal, cacheDir })).rejects.toThrow(/downloading http:\/\/127\.0\.0\.1:1\/x\.img failed/);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('cancelling a download leaves nothing behind', async () => {
    const cacheDir = freshCache('abort');
    const { logger } = memoryLogger();
    const controller = new AbortController();
    const attempt = fetchSource({ url: `${base}/slow.img`, checksum: good, logger, signal: controller.signal, cacheDir });
    setTimeout(() => controller.abort(new Error('Build was cancelled.')), 300);
    await expect(attempt).rejects.toThrow(/cancelled|abort/i);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('verifies file:// sources in place, with md5 / sha1 / sha512 too', async () => {
    const local = path.join(tmp, 'local image.raw');
    writeFileSync(local, payload);
    const { logger } = memoryLogger();
    const url = pathToFileURL(local).href;
    for (const algorithm of ['md5', 'sha1', 'sha512'] as const) {
      const hex = createHash(algorithm).update(payload).digest('hex').toUpperCase();
      expect(await fetchSource({ url, checksum: { algorithm, hex }, logger, signal: AbortSignal.timeout(20_000), cacheDir: freshCache('file') })).toBe(local);
    }
    await expect(fetchSource({ url, checksum: wrong, logger, signal: AbortSignal.timeout(20_000) })).rejects.toThrow(/checksum mismatch/);
    await expect(fetchSource({ url: pathToFileURL(path.join(tmp, 'nope.iso')).href, checksum: good, logger, signal: AbortSignal.timeout(20_000) })).rejects.toThrow(/does not exist/);
  });

  it('two builds fetching one source into one cache: one download, one intact entry, both succeed', async () => {
    const cacheDir = freshCache('two-builds');
    const url = `${base}/held.img`;
    // The first build is another process, as a second `ruddervirt build` sharing the cache is.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('${path.resolve('src/engines/local/download.ts')}').then(async (m) => { const { memoryLogger } = await import('${path.resolve('src/core/log.ts')}'); ` +
          `const f = await m.fetchSource({ url: ${JSON.stringify(url)}, checksum: ${JSON.stringify(good)}, logger: memoryLogger().logger, signal: AbortSignal.timeout(60_000), cacheDir: ${JSON.stringify(cacheDir)} }); console.log('fetched ' + f); })`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let childOut = '';
    child.stdout.on('data', (d: Buffer) => (childOut += d.toString()));
    child.stderr.on('data', (d: Buffer) => (childOut += d.toString()));
    const childExit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      // Once the first build's download is under way, the second one asks for the same entry.
      const deadline = Date.now() + 30_000;
      while (held.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(held.length, childOut).toBe(1);
      const { logger, lines } = memoryLogger();
      const second = fetchSource({ url, checksum: good, logger, signal: AbortSignal.timeout(60_000), cacheDir });
      await new Promise((r) => setTimeout(r, 700));
      // Before the lock, the second build downloaded the same bytes beside the first.
      expect(requests.filter((r) => r === '/held.img')).toHaveLength(1);
      expect(lines.join('\n')).toMatch(new RegExp(`source: another build \\(pid ${child.pid}\\) is fetching .*held\\.img into the cache; waiting for it`));
      held.shift()!();
      const file = await second;
      expect(await childExit, childOut).toBe(0);
      expect(childOut).toContain(`fetched ${file}`);
      expect(requests.filter((r) => r === '/held.img')).toHaveLength(1);
      expect(lines.join('\n')).toContain(`source: using cached ${file}`);
      expect(sha256(readFileSync(file))).toBe(good.hex);
      // One entry; no lock file, no partial left.
      expect(readdirSync(cacheDir)).toEqual([path.basename(file)]);
    } finally {
      for (const release of held.splice(0)) release();
      child.kill('SIGKILL');
    }
  }, 90_000);

  it('a cache entry lock left by a build that was killed (its pid is gone) is taken over', async () => {
    const cacheDir = freshCache('stale-lock');
    mkdirSync(cacheDir, { recursive: true });
    const url = `${base}/image.qcow2`;
    const gone = spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim();
    const lock = path.join(cacheDir, cacheFileName(url, good) + LOCK_SUFFIX);
    writeFileSync(lock, JSON.stringify({ pid: Number(gone), startTime: '1', host: os.hostname(), startedAt: 'then' }));
    const { logger, lines } = memoryLogger();
    const file = await fetchSource({ url, checksum: good, logger, signal: AbortSignal.timeout(20_000), cacheDir });
    expect(sha256(readFileSync(file))).toBe(good.hex);
    expect(lines.join('\n')).not.toMatch(/waiting for it/);
    expect(readdirSync(cacheDir)).toEqual([path.basename(file)]);
  });

  it('the cache lives under RUDDERVIRT_CACHE_DIR, else XDG_CACHE_HOME, else ~/.cache', () => {
    expect(defaultSourceCacheDir({ RUDDERVIRT_CACHE_DIR: '/c' })).toBe('/c');
    expect(defaultSourceCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/ruddervirt/sources');
    expect(defaultSourceCacheDir({})).toBe(path.join(os.homedir(), '.cache', 'ruddervirt', 'sources'));
  });

  it('property: cache names are stable, file-name safe, and differ when URL or checksum differ', () => {
    const checksum = fc.record({ algorithm: fc.constantFrom('md5', 'sha1', 'sha256', 'sha512') as fc.Arbitrary<Checksum['algorithm']>, hex: fc.stringMatching(/^[0-9a-f]{32,64}$/) });
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true }), fc.webUrl(), checksum, checksum, (u1, u2, c1, c2) => {
        const n = cacheFileName(u1, c1);
        expect(cacheFileName(u1, { ...c1, hex: c1.hex.toUpperCase() })).toBe(n);
        expect(n).toMatch(/^[0-9a-f]{40}(\.[a-z0-9]{1,8})?$/);
        if (u1 !== u2) expect(cacheFileName(u2, c1).slice(0, 40)).not.toBe(n.slice(0, 40));
        if (c1.algorithm !== c2.algorithm || c1.hex !== c2.hex) expect(cacheFileName(u1, c2).slice(0, 40)).not.toBe(n.slice(0, 40));
      }),
    );
  });
});
