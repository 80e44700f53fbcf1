/**
 * Downloaded sources in the GitHub Actions cache, keyed by URL + checksum (the same key the local
 * download cache uses for its file name), so a later run restores the image instead of
 * downloading it. A cache that is unavailable or fails never fails the build: the source is then
 * simply downloaded (actions-cache.ts warns why).
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Checksum } from '../../core/config/model.js';
import { withLock } from '../../core/file-lock.js';
import type { Logger } from '../../core/log.js';
import { cacheFileName, LOCK_SUFFIX } from '../../engines/local/download.js';
import { restoreFromActionsCache, saveToActionsCache } from './actions-cache.js';

export type SourceOrigin = 'actions-cache' | 'local-cache' | 'downloaded' | 'local-file';

export function sourceCacheKey(url: string, checksum: Checksum): string {
  return `ruddervirt-source-${cacheFileName(url, checksum)}`;
}

export interface CachedSource {
  file: string;
  key: string;
  /** Where the bytes are before fetchSource runs: already on this runner, restored, or not yet here. */
  origin: Exclude<SourceOrigin, 'local-file' | 'downloaded'> | 'missing';
}

/** Brings the source's cache file back from the Actions cache when it is not on this runner yet. */
export async function restoreSource(url: string, checksum: Checksum, cacheDir: string, logger: Logger, enabled = true, signal?: AbortSignal): Promise<CachedSource> {
  const file = path.join(cacheDir, cacheFileName(url, checksum));
  const key = sourceCacheKey(url, checksum);
  if (existsSync(file)) return { file, key, origin: 'local-cache' };
  return underEntryLock(`${file}${LOCK_SUFFIX}`, cacheDir, `source ${url}`, logger, signal, async () => {
    if (existsSync(file)) return { file, key, origin: 'local-cache' };
    if (await restoreFromActionsCache(file, key, 'source', logger, enabled)) {
      logger.info(`source: restored from the Actions cache (key ${key}); no download needed`);
      return { file, key, origin: 'actions-cache' };
    }
    return { file, key, origin: 'missing' };
  });
}

/**
 * The Actions cache extracts its tar in place, so a restore takes the same per-entry lock a
 * download or pull into that entry takes (engines/local/download.ts, core/oci/pull/disk-cache.ts):
 * another build on this runner never reads a half-restored entry nor fetches beside it.
 */
async function underEntryLock(lockFile: string, cacheDir: string, what: string, logger: Logger, signal: AbortSignal | undefined, fn: () => Promise<CachedSource>): Promise<CachedSource> {
  await mkdir(cacheDir, { recursive: true });
  return withLock(lockFile, fn, {
    ...(signal ? { signal } : {}),
    onWait: (owner) => logger.info(`${what}: another build (pid ${owner.pid}) is filling this cache entry; waiting for it`),
  });
}

/** Saves a freshly downloaded source; an entry saved by a parallel job is fine. */
export async function saveSource(source: CachedSource, logger: Logger, enabled = true): Promise<boolean> {
  return saveToActionsCache(source.file, source.key, 'source', logger, enabled);
}

/**
 * containerDisks are kept by manifest digest: the folder the pull extracted (the disk, its .sha256,
 * image.json), so a later run restores it instead of pulling and a moved tag gets a new key.
 */
export function containerDiskCacheKey(digest: string): string {
  return `ruddervirt-containerdisk-${digest.replace(/^sha256:/, '')}`;
}

/** Brings an extracted containerDisk back from the Actions cache when this runner has none for the digest. */
export async function restoreContainerDisk(digest: string, cacheDir: string, logger: Logger, enabled = true, signal?: AbortSignal): Promise<CachedSource> {
  const folder = path.join(cacheDir, digest.replace(/^sha256:/, ''));
  const key = containerDiskCacheKey(digest);
  if (existsSync(path.join(folder, 'image.json'))) return { file: folder, key, origin: 'local-cache' };
  return underEntryLock(`${folder}.lock`, cacheDir, `containerDisk ${digest}`, logger, signal, async () => {
    if (existsSync(path.join(folder, 'image.json'))) return { file: folder, key, origin: 'local-cache' };
    if (await restoreFromActionsCache(folder, key, 'containerDisk', logger, enabled)) {
      logger.info(`containerDisk: restored ${digest} from the Actions cache (key ${key}); no pull needed`);
      return { file: folder, key, origin: 'actions-cache' };
    }
    return { file: folder, key, origin: 'missing' };
  });
}
