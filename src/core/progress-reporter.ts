/**
 * Turns a stream of byte counts into a few progress lines. Every logger.progress call becomes a
 * log line (on a CI runner, a line in the job log), so a download that reports every 64 KiB chunk
 * would flood it: we report at the start, at each tenth of the way, at most every `intervalMs`
 * when the total is unknown, and at the end.
 */
import type { Logger } from './log.js';

export class ProgressReporter {
  private lastReportAt = 0;
  private lastTenth = -1;
  private done = 0;

  constructor(
    private readonly logger: Logger,
    private readonly phase: string,
    private readonly total: number | undefined,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.emit();
  }

  /** Sets the absolute number of bytes done. */
  update(done: number): void {
    this.done = done;
    const t = this.now();
    if (this.total && this.total > 0) {
      const tenth = Math.floor((10 * done) / this.total);
      if (tenth > this.lastTenth && tenth < 10) this.emit();
    } else if (t - this.lastReportAt >= this.intervalMs) {
      this.emit();
    }
  }

  add(bytes: number): void {
    this.update(this.done + bytes);
  }

  finish(message?: string): void {
    this.emit(message);
  }

  private emit(message?: string): void {
    this.lastReportAt = this.now();
    if (this.total && this.total > 0) this.lastTenth = Math.floor((10 * this.done) / this.total);
    this.logger.progress({
      phase: this.phase,
      done: this.done,
      ...(this.total !== undefined ? { total: this.total } : {}),
      unit: 'bytes',
      ...(message ? { message } : {}),
    });
  }
}
