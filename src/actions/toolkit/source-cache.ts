/**
 * Downloaded sources in the GitHub Actions cache, keyed by URL + checksum (the same key the local
 * download cache uses for its file name), so a later run restores the image instead of
 * downloading it. A cache that is unavailable or fails never fails the build: the source is then
 * simply downloaded, with a warning.
 */
import * as cache from '@actions/cache';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Checksum } from '../../core/config/model.js';
import type { Logger } from '../../core/log.js';
import { cacheFileName } from '../../engines/local/download.js';

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
export async function restoreSource(url: string, checksum: Checksum, cacheDir: string, logger: Logger, enabled = true): Promise<CachedSource> {
  const file = path.join(cacheDir, cacheFileName(url, checksum));
  const key = sourceCacheKey(url, checksum);
  if (existsSync(file)) return { file, key, origin: 'local-cache' };
  if (!enabled || !cache.isFeatureAvailable()) return { file, key, origin: 'missing' };
  try {
    const hit = await cache.restoreCache([file], key);
    if (hit && existsSync(file)) {
      logger.info(`source: restored from the Actions cache (key ${key}); no download needed`);
      return { file, key, origin: 'actions-cache' };
    }
    logger.info(`source: not in the Actions cache yet (key ${key})`);
  } catch (err) {
    logger.warn(`source: restoring from the Actions cache failed, downloading instead: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { file, key, origin: 'missing' };
}

/** Saves a freshly downloaded source; an entry saved by a parallel job is fine. */
export async function saveSource(source: CachedSource, logger: Logger, enabled = true): Promise<boolean> {
  if (!enabled || !cache.isFeatureAvailable() || !existsSync(source.file)) return false;
  try {
    const id = await cache.saveCache([source.file], source.key);
    if (id === -1) return false;
    logger.info(`source: saved to the Actions cache (key ${source.key})`);
    return true;
  } catch (err) {
    logger.warn(`source: saving to the Actions cache failed: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}
