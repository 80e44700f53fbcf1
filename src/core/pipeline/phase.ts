/**
 * A named phase of a build (boot, boot command, ssh, provision …) with its own timeout, its
 * duration recorded for the summary and the manifest.
 */
import { formatGoDuration } from '../duration.js';
import type { Logger } from '../log.js';
import { CancelledError } from '../abort.js';

export class PhaseTimeoutError extends Error {
  override name = 'PhaseTimeoutError';
  constructor(
    readonly phase: string,
    readonly timeoutMs: number,
  ) {
    super(`phase '${phase}' timed out after ${formatGoDuration(timeoutMs)}`);
  }
}

export interface PhaseRecord {
  vm: string;
  phase: string;
  startedAt: string;
  durationMs: number;
  status: 'ok' | 'failed' | 'cancelled' | 'skipped' | 'reused';
  detail?: string;
}

export interface PhaseRunner {
  readonly records: PhaseRecord[];
  /** The build's own signal (a phase's timeout is not part of it). */
  readonly signal: AbortSignal;
  run<T>(phase: string, fn: (signal: AbortSignal) => Promise<T>, options?: { timeoutMs?: number; detail?: string }): Promise<T>;
  skip(phase: string, detail: string): void;
}

export function createPhaseRunner(vm: string, logger: Logger, buildSignal: AbortSignal): PhaseRunner {
  const records: PhaseRecord[] = [];
  return {
    records,
    signal: buildSignal,
    skip(phase, detail) {
      records.push({ vm, phase, startedAt: new Date().toISOString(), durationMs: 0, status: 'skipped', detail });
      logger.info(`==> ${phase}: skipped (${detail})`);
    },
    async run(phase, fn, options = {}) {
      const started = Date.now();
      const startedAt = new Date(started).toISOString();
      const timeout = options.timeoutMs && options.timeoutMs > 0 ? AbortSignal.timeout(options.timeoutMs) : undefined;
      const signal = timeout ? AbortSignal.any([buildSignal, timeout]) : buildSignal;
      logger.phase?.({ type: 'start', vm, phase });
      logger.info(`==> ${phase}`);
      try {
        const result = await fn(signal);
        const durationMs = Date.now() - started;
        records.push({ vm, phase, startedAt, durationMs, status: 'ok', ...(options.detail ? { detail: options.detail } : {}) });
        logger.info(`<== ${phase} done in ${formatGoDuration(Math.round(durationMs))}`);
        logger.phase?.({ type: 'end', vm, phase, status: 'ok' });
        return result;
      } catch (err) {
        const durationMs = Date.now() - started;
        const cancelled = buildSignal.aborted;
        records.push({ vm, phase, startedAt, durationMs, status: cancelled ? 'cancelled' : 'failed', detail: err instanceof Error ? err.message : String(err) });
        logger.phase?.({ type: 'end', vm, phase, status: cancelled ? 'cancelled' : 'failed' });
        if (cancelled) throw new CancelledError();
        if (timeout?.aborted) throw new PhaseTimeoutError(phase, options.timeoutMs!);
        throw err;
      }
    },
  };
}
