/** Work started from an event callback, whose failure must be reported rather than lost. */
import type { Logger } from '../../src/core/log.js';

export function inBackground(work: Promise<unknown>, logger: Logger, what: string): void {
  work.catch((err: unknown) => logger.warn(`kube harness: ${what}: ${err instanceof Error ? err.message : String(err)}`));
}
