import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  openSocket,
  readSerialTail
} from "./chunk-GIYZDKOS.js";
import {
  convertDisk
} from "./chunk-LAWJDJJ5.js";
import {
  abortReason
} from "./chunk-Q75WJYVF.js";

// src/engines/local/attach.ts
import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
function processMatches(pid, marker) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").includes(marker);
  } catch {
    return false;
  }
}
function signalIfOurs(pid, marker, signal) {
  if (!processMatches(pid, marker)) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}
var POLL_MS = 200;
var AttachedMachine = class {
  constructor(record) {
    this.record = record;
    this.name = record.name;
  }
  record;
  name;
  /** QEMU still runs. */
  get running() {
    return processMatches(this.record.qemuPid, this.record.qemuMarker);
  }
  /** The keeper still runs (it outlives QEMU by the moment it takes to release ports and sockets). */
  get keeperRunning() {
    return processMatches(this.record.keeperPid, this.record.keeperMarker);
  }
  httpEndpoint() {
    return this.record.http;
  }
  openVnc(signal) {
    if (!this.running) return Promise.reject(new Error(`vm ${this.name} is not running; no VNC display`));
    const vnc = this.record.vnc;
    return openSocket("socket" in vnc ? { socketPath: vnc.socket } : { host: vnc.host, port: vnc.port }, signal);
  }
  async sshAddress(_signal) {
    if (!this.record.ssh) throw new Error(`vm ${this.name} has no SSH port forward (its communicator is 'none')`);
    return this.record.ssh;
  }
  async powerOff() {
    if (!this.running) return;
    if (!signalIfOurs(this.record.keeperPid, this.record.keeperMarker, "SIGUSR1")) {
      throw new Error(`vm ${this.name}: its keeper process ${this.record.keeperPid} is gone, so the power button cannot be pressed`);
    }
  }
  async waitForShutdown(timeoutMs, signal) {
    const deadline = Date.now() + Math.max(0, timeoutMs);
    for (; ; ) {
      if (!this.running && !this.keeperRunning) return true;
      if (signal.aborted) throw abortReason(signal);
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(1, deadline - Date.now()))));
    }
  }
  /**
   * Asks the keeper to stop the VM (it quits QEMU over QMP so the disk cache is flushed), and
   * kills QEMU itself when the keeper is gone or does not manage within `graceMs`.
   */
  async stop(graceMs = 1e4) {
    if (!this.running && !this.keeperRunning) return;
    signalIfOurs(this.record.keeperPid, this.record.keeperMarker, "SIGTERM");
    const stopped = await this.waitForShutdown(graceMs, AbortSignal.timeout(graceMs + 1e3)).catch(() => false);
    if (stopped) return;
    signalIfOurs(this.record.qemuPid, this.record.qemuMarker, "SIGKILL");
    signalIfOurs(this.record.keeperPid, this.record.keeperMarker, "SIGKILL");
    await this.waitForShutdown(5e3, AbortSignal.timeout(6e3)).catch(() => false);
  }
  async serialTail(lines) {
    return readSerialTail(this.record.serialLog, lines);
  }
  async exportDisk(req) {
    if (this.running) throw new Error(`vm ${this.name} is still running; shut it down before exporting its disk`);
    await mkdir(path.dirname(req.destination), { recursive: true });
    await convertDisk({
      source: this.record.rootDisk,
      destination: req.destination,
      format: req.format,
      compress: req.compress,
      ...req.compressionType ? { compressionType: req.compressionType } : {},
      logger: req.logger,
      signal: req.signal
    });
  }
};

export {
  AttachedMachine
};
