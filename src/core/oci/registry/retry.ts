/**
 * When a registry call is worth repeating and how long to wait first: 5xx, 429 and 408 answers and
 * dropped connections are transient; anything else (401, 404, 400 …) would fail the same way again.
 * Waits grow exponentially with jitter, and a Retry-After header wins when the registry sends one.
 */
import { HttpNetworkError } from './http.js';

export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 15_000 };

export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_SOCKET']);

export function isRetryableError(err: unknown): boolean {
  if (!(err instanceof HttpNetworkError)) return false;
  return err.code === undefined || TRANSIENT_CODES.has(err.code) || /socket hang up|aborted/i.test(err.message);
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The wait before try number `attempt + 1` (attempt counts from 1). */
export function backoffDelay(attempt: number, policy: RetryPolicy, retryAfterMs?: number, random = Math.random): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxDelayMs * 4);
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // ±25 % so that many clients retrying one registry do not hit it in step.
  return Math.round(exp * (0.75 + random() * 0.5));
}

export { sleep } from '../../abort.js';
