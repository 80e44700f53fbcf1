/**
 * A VmHandle over a QEMU machine that another process started and still owns: the stage actions
 * of a GitHub job (build-vm → provision → snapshot) run in separate node processes, while the VM
 * has to keep running between them. The owner is a small "keeper" process (keeper.ts) that
 * started the VM through LocalEngine and holds its QMP
 * connection; QEMU accepts one QMP client at a time, so this side never speaks QMP and asks the
 * keeper with signals instead:
 *
 *   SIGUSR1 → press the ACPI power button;  SIGTERM → stop the VM now (QMP quit, then kill).
 *
 * The keeper exits once QEMU has exited and it has released the VM's ports and sockets, so "the
 * keeper is gone" is the moment the disk may be exported. Process ids are checked together with
 * their command line, so a recycled pid is never mistaken for our VM (or signalled).
 */
import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { openSocket } from '../../core/vnc/open-socket.js';
import type { SshAddress } from '../../core/communicator/ssh-connect.js';
import type { ExportDiskRequest, HttpEndpoint, VmHandle } from '../../core/engine.js';
import { readSerialFrom, readSerialTail } from './machine.js';
import { abortReason } from '../../core/abort.js';
import { exportRootDisk } from './export-root-disk.js';

/** Everything a later process needs to reach a detached VM; stored in the actions' handoff file. */
export interface DetachedVmRecord {
  name: string;
  /** The keeper process that owns the VM. */
  keeperPid: number;
  /** A string that appears in the keeper's command line (checked before signalling it). */
  keeperMarker: string;
  qemuPid: number;
  /** Appears in QEMU's command line (its QMP socket path). */
  qemuMarker: string;
  vnc: { socket: string } | { host: string; port: number };
  ssh?: SshAddress;
  http?: HttpEndpoint;
  serialLog: string;
  /** The VM's root disk (a qcow2 overlay in the work dir), exported by snapshot. */
  rootDisk: string;
}

/** A record read back from a handoff file, checked before any pid in it is signalled. */
export function checkDetachedRecord(value: unknown): DetachedVmRecord {
  const r = value as Partial<DetachedVmRecord> | null;
  const ok =
    typeof r === 'object' &&
    r !== null &&
    typeof r.name === 'string' &&
    Number.isInteger(r.keeperPid) &&
    typeof r.keeperMarker === 'string' &&
    r.keeperMarker.length > 0 &&
    Number.isInteger(r.qemuPid) &&
    typeof r.qemuMarker === 'string' &&
    r.qemuMarker.length > 0 &&
    typeof r.vnc === 'object' &&
    r.vnc !== null &&
    typeof r.serialLog === 'string' &&
    typeof r.rootDisk === 'string';
  if (!ok) throw new Error(`not a local VM record (name, keeper and qemu pids and markers, vnc, serial log, root disk): ${JSON.stringify(value)}`);
  return r as DetachedVmRecord;
}

/** True when `pid` runs and its command line contains `marker`. */
export function processMatches(pid: number, marker: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(marker);
  } catch {
    return false;
  }
}

function signalIfOurs(pid: number, marker: string, signal: NodeJS.Signals): boolean {
  if (!processMatches(pid, marker)) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

const POLL_MS = 200;

export class AttachedMachine implements VmHandle {
  readonly name: string;

  constructor(readonly record: DetachedVmRecord) {
    this.name = record.name;
  }

  /** QEMU still runs. */
  get running(): boolean {
    return processMatches(this.record.qemuPid, this.record.qemuMarker);
  }

  isRunning(): boolean {
    return this.running;
  }

  /** The keeper still runs (it outlives QEMU by the moment it takes to release ports and sockets). */
  get keeperRunning(): boolean {
    return processMatches(this.record.keeperPid, this.record.keeperMarker);
  }

  httpEndpoint(): HttpEndpoint | undefined {
    return this.record.http;
  }

  openVnc(signal: AbortSignal): Promise<Duplex> {
    if (!this.running) return Promise.reject(new Error(`vm ${this.name} is not running; no VNC display`));
    const vnc = this.record.vnc;
    // The same dialling the VNC client uses for any address, abortable.
    return openSocket('socket' in vnc ? { socketPath: vnc.socket } : { host: vnc.host, port: vnc.port }, signal);
  }

  async sshAddress(_signal: AbortSignal): Promise<SshAddress> {
    if (!this.record.ssh) throw new Error(`vm ${this.name} has no SSH port forward (its communicator is 'none')`);
    return this.record.ssh;
  }

  async powerOff(): Promise<void> {
    if (!this.running) return;
    if (!signalIfOurs(this.record.keeperPid, this.record.keeperMarker, 'SIGUSR1')) {
      throw new Error(`vm ${this.name}: its keeper process ${this.record.keeperPid} is gone, so the power button cannot be pressed`);
    }
  }

  async waitForShutdown(timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    const deadline = Date.now() + Math.max(0, timeoutMs);
    for (;;) {
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
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running && !this.keeperRunning) return;
    signalIfOurs(this.record.keeperPid, this.record.keeperMarker, 'SIGTERM');
    const stopped = await this.waitForShutdown(graceMs, AbortSignal.timeout(graceMs + 1000)).catch(() => false);
    if (stopped) return;
    signalIfOurs(this.record.qemuPid, this.record.qemuMarker, 'SIGKILL');
    signalIfOurs(this.record.keeperPid, this.record.keeperMarker, 'SIGKILL');
    await this.waitForShutdown(5000, AbortSignal.timeout(6000)).catch(() => false);
  }

  async serialTail(lines: number): Promise<string[]> {
    return readSerialTail(this.record.serialLog, lines);
  }

  readSerial(from: number): Promise<Buffer> {
    return readSerialFrom(this.record.serialLog, from);
  }

  exportDisk(req: ExportDiskRequest): Promise<void> {
    return exportRootDisk(this, this.record.rootDisk, req);
  }
}
