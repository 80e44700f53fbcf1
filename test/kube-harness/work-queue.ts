/**
 * A controller's work queue, as client-go's: keys are deduplicated while waiting, one key is never
 * worked on twice at the same time, a key queued while it is being worked on runs again
 * afterwards, and delayed requeues are timers (no polling loops). Work runs outside the store's
 * event callbacks, so controllers may write from it.
 */
import type { Logger } from '../../src/core/log.js';
import { ApiError } from './api-errors.js';

export type Reconcile = (key: string) => Promise<void>;

export class WorkQueue {
  private readonly waiting = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly name: string,
    private readonly reconcile: Reconcile,
    private readonly logger: Logger,
  ) {}

  add(key: string): void {
    if (this.closed) return;
    if (this.running.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.waiting.has(key)) return;
    this.waiting.add(key);
    setImmediate(() => this.start(key));
  }

  /** Runs `key` again after `ms`, unless an earlier requeue for it is already pending. */
  addAfter(key: string, ms: number): void {
    if (this.closed || this.timers.has(key)) return;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.timers.set(key, timer);
  }

  private start(key: string): void {
    this.waiting.delete(key);
    if (this.closed) return this.notifyIdle();
    const work = (async () => {
      try {
        await this.reconcile(key);
      } catch (err) {
        // Deletions race with controllers (an object or its namespace went meanwhile): nothing to redo.
        if (err instanceof ApiError && (err.code === 404 || (err.code === 403 && /being terminated/.test(err.message)))) {
          this.logger.debug(`${this.name}: ${key}: ${err.message}`);
          return;
        }
        this.logger.warn(`${this.name}: ${key}: ${err instanceof Error ? err.message : String(err)}`);
        this.addAfter(key, 1000);
      }
    })();
    this.running.set(key, work);
    void work.finally(() => {
      this.running.delete(key);
      if (this.dirty.delete(key)) this.add(key);
      this.notifyIdle();
    });
  }

  private notifyIdle(): void {
    if (this.waiting.size > 0 || this.running.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when nothing is queued or running (timers excepted). */
  idle(): Promise<void> {
    if (this.waiting.size === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.waiting.clear();
    this.dirty.clear();
    await Promise.allSettled([...this.running.values()]);
  }
}
