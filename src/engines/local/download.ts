/**
 * Source images (disk images and install ISOs) from http(s):// or file:// URLs, checked against
 * their checksum. Downloads land in a cache keyed by URL + checksum (as Packer's iso cache is),
 * under RUDDERVIRT_CACHE_DIR or ~/.cache/ruddervirt/sources. The checksum is computed while the
 * bytes stream in, into a private partial file that is renamed into the cache only when the sum
 * matches, so a partial or corrupt download is never used. Builds sharing the cache folder fetch an
 * entry one at a time (a lock file beside it, file-lock.ts): the second one waits and then uses the
 * first one's download. A cache hit is verified again before use.
 *
 * file:// URLs are verified where they are and used in place: copying a local ISO into the cache
 * would only double the disk space.
 *
 * Mirrors (the build file's `urls`, Packer's iso_urls) are tried in order after the first URL when
 * a download fails or its checksum does not match, as Packer's go-getter loop does; the cache is
 * keyed by the first URL, so whichever mirror served the bytes, the next build finds them.
 */
import { createHash, randomInt } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../core/errors.js';
import type { Checksum } from '../../core/config/model.js';
import type { Logger } from '../../core/log.js';
import { withLock } from '../../core/file-lock.js';
import { ProgressReporter } from '../../core/progress-reporter.js';

export interface FetchSourceOptions {
  url: string;
  /** More URLs of the same file, tried in order when `url` fails. */
  mirrors?: readonly string[];
  checksum: Checksum;
  logger: Logger;
  signal: AbortSignal;
  /** Overrides RUDDERVIRT_CACHE_DIR / the XDG cache location. */
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
}

export function defaultSourceCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RUDDERVIRT_CACHE_DIR) return path.resolve(env.RUDDERVIRT_CACHE_DIR);
  const xdg = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'ruddervirt', 'sources');
}

/** The cache file name for a URL + checksum: a hash of both, plus the URL's extension. */
export function cacheFileName(url: string, checksum: Checksum): string {
  const key = createHash('sha256').update(`${url}\n${checksum.algorithm}:${checksum.hex.toLowerCase()}`).digest('hex').slice(0, 40);
  let ext = '';
  try {
    ext = path.posix.extname(new URL(url).pathname).toLowerCase();
  } catch {
    // not a URL; no extension
  }
  return /^\.[a-z0-9]{1,8}$/.test(ext) ? key + ext : key;
}

/** Returns a local path holding the verified bytes of `url` (or of the first mirror that works). */
export async function fetchSource(options: FetchSourceOptions): Promise<string> {
  const urls = [options.url, ...(options.mirrors ?? [])];
  const failures: string[] = [];
  for (const [i, url] of urls.entries()) {
    try {
      return await fetchOne({ ...options, url }, options.url);
    } catch (err) {
      if (!(err instanceof UserError) || options.signal.aborted || urls.length === 1) throw err;
      failures.push(`${url}: ${err.message}`);
      const next = urls[i + 1];
      if (next) options.logger.warn(`source: ${err.message}; trying the next URL, ${next}`);
    }
  }
  throw new UserError(`source: every URL failed, in the order tried:\n${failures.map((f) => `  ${f}`).join('\n')}`);
}

async function fetchOne(options: FetchSourceOptions, cacheKeyUrl: string): Promise<string> {
  const { url, checksum, logger } = options;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`source url '${url}' is not a URL (expected http://, https:// or file://)`);
  }
  if (parsed.protocol === 'file:') {
    const file = fileURLToPath(parsed);
    await verifyFile(file, url, options);
    return file;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UserError(`source url '${url}': unsupported scheme '${parsed.protocol}' (expected http://, https:// or file://)`);
  }

  const cacheDir = options.cacheDir ?? defaultSourceCacheDir(options.env);
  await mkdir(cacheDir, { recursive: true });
  const target = path.join(cacheDir, cacheFileName(cacheKeyUrl, checksum));
  // A verified hit needs no lock: entries are only ever renamed into place whole.
  if (await usableCacheHit(target, options, false)) return target;
  // One build at a time fetches into an entry: a second build waits, then finds the first one's
  // download instead of fetching the same bytes again beside it.
  return withLock(
    `${target}${LOCK_SUFFIX}`,
    async () => {
      if (await usableCacheHit(target, options, true)) return target;
      const partial = `${target}.part-${process.pid}-${randomInt(1e9)}`;
      try {
        await download(parsed, partial, options);
        await rename(partial, target);
      } finally {
        await unlink(partial).catch(() => undefined);
      }
      logger.info(`source: cached ${url} as ${target}`);
      return target;
    },
    {
      signal: options.signal,
      onWait: (owner) => logger.info(`source: another build (pid ${owner.pid}) is fetching ${url} into the cache; waiting for it`),
    },
  );
}

/** Lock files beside the cache entries (file-lock.ts). */
export const LOCK_SUFFIX = '.lock';

/**
 * Whether `target` is there and still matches its checksum. A copy that no longer does is removed
 * only by the lock's holder: without it, the file checked may already have been replaced by a good
 * one that another build is about to use.
 */
async function usableCacheHit(target: string, options: FetchSourceOptions, locked: boolean): Promise<boolean> {
  if (!(await exists(target))) return false;
  try {
    await verifyFile(target, options.url, options);
    options.logger.info(`source: using cached ${target}`);
    return true;
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    if (!locked) return false;
    options.logger.warn(`source: the cached copy of ${options.url} no longer matches its checksum; downloading again`);
    await unlink(target).catch(() => undefined);
    return false;
  }
}

async function download(url: URL, partial: string, options: FetchSourceOptions): Promise<void> {
  const { checksum, logger, signal } = options;
  let response: Response;
  try {
    response = await fetch(url, { signal, redirect: 'follow' });
  } catch (err) {
    if (signal.aborted) throw err;
    throw new UserError(`downloading ${url.href} failed: ${describeFetchError(err)}`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    throw new UserError(`downloading ${url.href} failed: HTTP ${response.status} ${response.statusText}`);
  }
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : undefined;
  const progress = new ProgressReporter(logger, `download ${path.posix.basename(url.pathname) || url.host}`, total);
  progress.start();
  const hash = createHash(checksum.algorithm);
  try {
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), hashing(hash, progress), createWriteStream(partial), { signal });
  } catch (err) {
    if (signal.aborted) throw err;
    throw new UserError(`downloading ${url.href} failed: ${describeFetchError(err)}`);
  }
  progress.finish('done');
  checkDigest(hash.digest('hex'), url.href, checksum);
}

async function verifyFile(file: string, url: string, options: FetchSourceOptions): Promise<void> {
  const { checksum, logger, signal } = options;
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new UserError(`source ${url}: file ${file} does not exist`);
  }
  const progress = new ProgressReporter(logger, `verify ${path.basename(file)}`, size);
  progress.start();
  const hash = createHash(checksum.algorithm);
  await pipeline(createReadStream(file), hashing(hash, progress), new NullSink(), { signal });
  progress.finish(checksum.algorithm);
  checkDigest(hash.digest('hex'), url, checksum);
}

function checkDigest(actual: string, url: string, checksum: Checksum): void {
  if (actual !== checksum.hex.toLowerCase()) {
    throw new UserError(`checksum mismatch for ${url}: expected ${checksum.algorithm}:${checksum.hex.toLowerCase()}, got ${checksum.algorithm}:${actual}`);
  }
}

function hashing(hash: ReturnType<typeof createHash>, progress: ProgressReporter): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      progress.add(chunk.length);
      done(null, chunk);
    },
  });
}

class NullSink extends Writable {
  override _write(_chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    done();
  }
}

function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
