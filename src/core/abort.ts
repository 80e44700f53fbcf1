/**
 * Cancellation for everything in the library: one abortable sleep and one way to turn an
 * AbortSignal into the error to throw, so a cancelled build stops promptly wherever it waits.
 */
import { MAX_DURATION_MS } from './duration.js';

export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor(message = 'Build was cancelled.') {
    super(message);
  }
}

/** The signal's reason when it is an Error (AbortSignal.abort() gives a DOMException), else a CancelledError. */
export function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new CancelledError();
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortReason(signal);
}

// setTimeout fires at once for delays past MAX_DURATION_MS, so longer waits are slept in pieces.

/** An abortable pause on the global timers (so fake timers in tests drive it). */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  let left = Math.max(0, ms);
  do {
    if (signal?.aborted) throw abortReason(signal);
    const chunk = Math.min(left, MAX_DURATION_MS);
    left -= chunk;
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortReason(signal!));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, chunk);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  } while (left > 0);
}
