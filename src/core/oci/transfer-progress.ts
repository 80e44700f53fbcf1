/**
 * Progress of one layer: disk bytes read against the disk's size, with the rate and what has been
 * sent. Reported at most once per interval (a TTY wants a few updates a second, a CI log one line
 * every few seconds), plus once at the end.
 */
import { formatBytes, type Logger } from '../log.js';

export class TransferProgress {
  private readonly started: number;
  private lastReport: number;
  private read = 0;
  private sent = 0;

  constructor(
    private readonly logger: Logger,
    private readonly phase: string,
    private readonly total: number,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.started = this.now();
    this.lastReport = this.started;
  }

  update(read: number | undefined, sent: number | undefined): void {
    if (read !== undefined) this.read = read;
    if (sent !== undefined) this.sent = sent;
    const t = this.now();
    if (t - this.lastReport >= this.intervalMs) {
      this.lastReport = t;
      this.report();
    }
  }

  rate(): number {
    const seconds = Math.max((this.now() - this.started) / 1000, 0.001);
    return this.read / seconds;
  }

  private report(): void {
    this.logger.progress({
      phase: this.phase,
      done: this.read,
      total: this.total,
      unit: 'bytes',
      message: `${formatBytes(this.rate())}/s, ${formatBytes(this.sent)} compressed sent`,
    });
  }

  finish(): void {
    this.read = this.total;
    this.report();
  }
}
