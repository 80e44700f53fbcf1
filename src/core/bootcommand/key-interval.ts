/**
 * The pause after every key event, resolved as Packer's VNC driver does: 100 ms, replaced by the
 * PACKER_KEY_INTERVAL environment variable when it is a Go duration (anything else is silently
 * ignored, as in Packer), replaced by the build file's bootKeyInterval when that is positive.
 */
import { checkDuration } from '../duration.js';

export const DEFAULT_KEY_INTERVAL_MS = 100;
export const KEY_INTERVAL_ENV = 'PACKER_KEY_INTERVAL';

export interface KeyIntervalSources {
  env?: NodeJS.ProcessEnv;
  /** The VM's bootKeyInterval in ms; ignored unless > 0. */
  bootKeyInterval?: number;
}

export function resolveKeyInterval({ env = {}, bootKeyInterval }: KeyIntervalSources = {}): number {
  let interval = DEFAULT_KEY_INTERVAL_MS;
  const fromEnv = env[KEY_INTERVAL_ENV];
  if (fromEnv !== undefined) {
    // Also ignored: a value past the longest duration a timer can hold.
    const parsed = checkDuration(fromEnv);
    if ('ms' in parsed) interval = parsed.ms;
  }
  if (bootKeyInterval !== undefined && bootKeyInterval > 0) interval = bootKeyInterval;
  // A negative Go sleep returns at once.
  return Math.max(0, interval);
}
