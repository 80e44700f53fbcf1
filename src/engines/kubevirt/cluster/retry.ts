/**
 * Retries for API calls that failed for a passing reason (isTransient): the API server is
 * overloaded or restarting, an optimistic-lock conflict, a dropped connection. Exponential backoff
 * with jitter, capped, honouring Retry-After; stops at once when the build is cancelled.
 */
import { sleep } from '../../../core/abort.js';
import { isTransient, KubeApiError } from './kube-api-error.js';

export interface RetryOptions {
  signal: AbortSignal;
  /** Tries in all (default 6: about 10 s of backoff). */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  retryable?: (err: unknown) => boolean;
  /** Told about each failed try that will be retried (for debug logs). */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  // Full jitter in the upper half: spreads retries of parallel VMs without ever waiting ~0.
  return Math.round(exp / 2 + (random() * exp) / 2);
}

export async function withRetries<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = options.attempts ?? 6;
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 5_000;
  const retryable = options.retryable ?? isTransient;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (options.signal.aborted || attempt >= attempts || !retryable(err)) throw err;
      const asked = err instanceof KubeApiError && err.retryAfterSeconds !== undefined ? err.retryAfterSeconds * 1000 : 0;
      const delay = Math.min(Math.max(asked, backoffDelay(attempt, base, max)), 30_000);
      options.onRetry?.(err, attempt, delay);
      await sleep(delay, options.signal);
    }
  }
}
