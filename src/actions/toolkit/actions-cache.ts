/**
 * The GitHub Actions cache (@actions/cache) as RudderVirt uses it for sources and layers: one
 * folder or file per entry, restored under an exact key and saved under the same key and path
 * (the service ties an entry to the paths it was saved with). The cache is an optimisation, never
 * a reason to fail a build: when it is unavailable (not on a runner, GHES without the service),
 * turned off, or fails, the caller builds or downloads instead, and a warning says why.
 *
 * @actions/cache picks the protocol from the runner's environment: the results service (twirp,
 * ACTIONS_RESULTS_URL) when ACTIONS_CACHE_SERVICE_V2 is set — which github.com does for every job
 * since the legacy service was retired in 2025 — else the legacy REST service (ACTIONS_CACHE_URL,
 * GHES).
 */
import { existsSync } from 'node:fs';
import type { Logger } from '../../core/log.js';

/**
 * @actions/cache (with the Azure storage SDK under it) takes longer to load than the rest of a
 * step's start, so it is imported on first use: a step whose cache is off, or that never reaches
 * the cache, does not pay for it.
 */
let loaded: Promise<typeof import('@actions/cache')> | undefined;
const actionsCache = (): Promise<typeof import('@actions/cache')> => (loaded ??= import('@actions/cache'));

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** True when this process can reach an Actions cache service. */
export async function actionsCacheAvailable(enabled = true): Promise<boolean> {
  return enabled && (await actionsCache()).isFeatureAvailable();
}

/**
 * Restores `path` from the entry `key`; true when the entry existed and `path` is there now.
 * `what` names the thing in log lines ("source", "layer base"). With `restoreKeys`, an entry whose
 * key starts with one of them is taken when `key` itself has none — the newest such entry, as the
 * service picks it — and `onKey` is told the key that matched.
 */
export async function restoreFromActionsCache(path: string, key: string, what: string, logger: Logger, enabled = true, restoreKeys?: string[], onKey?: (matched: string) => void): Promise<boolean> {
  if (!(await actionsCacheAvailable(enabled))) return false;
  try {
    const hit = await (await actionsCache()).restoreCache([path], key, restoreKeys);
    if (hit && existsSync(path)) {
      onKey?.(hit);
      return true;
    }
    logger.info(`${what}: not in the Actions cache yet (key ${key})`);
  } catch (err) {
    logger.warn(`${what}: restoring from the Actions cache failed: ${message(err)}`);
  }
  return false;
}

/** Saves `path` as the entry `key`; false when the cache is off or an entry of that key exists already. */
export async function saveToActionsCache(path: string, key: string, what: string, logger: Logger, enabled = true): Promise<boolean> {
  if (!(await actionsCacheAvailable(enabled)) || !existsSync(path)) return false;
  try {
    // -1: not saved — typically a parallel job saved the same key first, which is fine.
    if ((await (await actionsCache()).saveCache([path], key)) === -1) return false;
    logger.info(`${what}: saved to the Actions cache (key ${key})`);
    return true;
  } catch (err) {
    logger.warn(`${what}: saving to the Actions cache failed: ${message(err)}`);
    return false;
  }
}
