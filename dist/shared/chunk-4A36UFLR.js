import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);

// src/engines/local/progress-reporter.ts
var ProgressReporter = class {
  constructor(logger, phase, total, intervalMs = 1e4, now = Date.now) {
    this.logger = logger;
    this.phase = phase;
    this.total = total;
    this.intervalMs = intervalMs;
    this.now = now;
  }
  logger;
  phase;
  total;
  intervalMs;
  now;
  lastReportAt = 0;
  lastTenth = -1;
  done = 0;
  start() {
    this.emit();
  }
  /** Sets the absolute number of bytes done. */
  update(done) {
    this.done = done;
    const t = this.now();
    if (this.total && this.total > 0) {
      const tenth = Math.floor(10 * done / this.total);
      if (tenth > this.lastTenth && tenth < 10) this.emit();
    } else if (t - this.lastReportAt >= this.intervalMs) {
      this.emit();
    }
  }
  add(bytes) {
    this.update(this.done + bytes);
  }
  finish(message) {
    this.emit(message);
  }
  emit(message) {
    this.lastReportAt = this.now();
    if (this.total && this.total > 0) this.lastTenth = Math.floor(10 * this.done / this.total);
    this.logger.progress({
      phase: this.phase,
      done: this.done,
      ...this.total !== void 0 ? { total: this.total } : {},
      unit: "bytes",
      ...message ? { message } : {}
    });
  }
};

export {
  ProgressReporter
};
