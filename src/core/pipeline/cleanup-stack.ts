/**
 * Packer's multistep runner defers each step's cleanup right after the step runs, so cleanups run
 * in reverse order whatever happens — including the cleanup of the step that failed. This is that
 * stack. Cleanups must be idempotent; one failing cleanup never stops the others.
 */
import type { Logger } from '../log.js';

interface Cleanup {
  name: string;
  run: () => Promise<void> | void;
}

export class CleanupStack {
  private readonly stack: Cleanup[] = [];

  push(name: string, run: () => Promise<void> | void): void {
    this.stack.push({ name, run });
  }

  get size(): number {
    return this.stack.length;
  }

  /** What would be cleaned up, newest first (printed when `onError: abort` leaves things behind). */
  pending(): string[] {
    return this.stack.map((c) => c.name).reverse();
  }

  /** Runs every cleanup newest-first; returns the errors (already logged) instead of throwing. */
  async unwind(logger: Logger): Promise<Error[]> {
    const errors: Error[] = [];
    while (this.stack.length > 0) {
      const c = this.stack.pop()!;
      try {
        logger.debug(`cleanup: ${c.name}`);
        await c.run();
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        logger.warn(`cleanup of ${c.name} failed: ${e.message}`);
        errors.push(e);
      }
    }
    return errors;
  }

  /** Forgets every cleanup without running it (`onError: abort`). */
  abandon(): string[] {
    const left = this.pending();
    this.stack.length = 0;
    return left;
  }
}
