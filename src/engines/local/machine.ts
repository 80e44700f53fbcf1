/**
 * A running QEMU process and the VmHandle over it. QEMU is never left behind: stop() asks it to
 * quit over QMP and kills it after a grace period; a process exit hook kills what is still
 * running; and where util-linux's setpriv exists QEMU is started with a parent-death signal, so
 * even a SIGKILLed build takes its VMs with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { openSocket } from '../../core/vnc/open-socket.js';
import type { ExportDiskRequest, HttpEndpoint, VmHandle } from '../../core/engine.js';
import type { SshAddress } from '../../core/communicator/ssh-connect.js';
import type { Logger } from '../../core/log.js';
import type { PortLease } from './ports.js';
import type { VncPlan } from './qemu-args.js';
import { QmpClient } from './qmp.js';
import { abortReason } from '../../core/abort.js';
import { timerDelay } from '../../core/duration.js';
import { missingToolError } from '../../core/run-tool.js';
import { exportRootDisk } from './export-root-disk.js';

export interface StartMachineOptions {
  name: string;
  qemuBinary: string;
  args: string[];
  qmpSocket: string;
  vnc: VncPlan;
  serialLog: string;
  /** The disk exportDisk converts. */
  rootDisk: string;
  ssh?: SshAddress;
  http?: HttpEndpoint;
  /** Released when the machine stops. */
  leases: PortLease[];
  /** Removed when the machine stops (sockets live here). */
  runtimeDir: string;
  logger: Logger;
  /** Cancels the start only; afterwards the handle's stop() owns the machine. */
  signal: AbortSignal;
  /** How long QEMU may take to open its QMP socket. */
  startTimeoutMs?: number;
  /** How long stop() waits after QMP quit before SIGKILL. */
  stopGraceMs?: number;
}

export interface MachineExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const SETPRIV = '/usr/bin/setpriv';
const STDERR_KEEP = 64 * 1024;

/** QEMU processes of this Node process and their socket folders, cleaned up if it exits without stopping them. */
const liveProcesses = new Map<ChildProcess, string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [child, runtimeDir] of liveProcesses) {
      child.kill('SIGKILL');
      rmSync(runtimeDir, { recursive: true, force: true });
    }
  });
}

export class QemuStartError extends Error {
  override name = 'QemuStartError';
}

export async function startMachine(options: StartMachineOptions): Promise<QemuMachine> {
  const { logger, signal } = options;
  if (signal.aborted) throw abortReason(signal);
  installExitHook();
  const [command, argv] = existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'KILL', '--', options.qemuBinary, ...options.args]] : [options.qemuBinary, options.args];
  logger.debug(`qemu: ${options.qemuBinary} ${options.args.join(' ')}`);
  const child = spawn(command, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  liveProcesses.set(child, options.runtimeDir);
  const machine = new QemuMachine(options, child);
  try {
    await machine.waitUntilStarted(options.startTimeoutMs ?? 30_000, signal);
  } catch (err) {
    await machine.stop();
    throw err;
  }
  return machine;
}

export class QemuMachine implements VmHandle {
  readonly name: string;
  private stderr = '';
  private qmp: QmpClient | undefined;
  private exitInfo: MachineExit | undefined;
  private spawnError: Error | undefined;
  private readonly exited: Promise<MachineExit>;
  private stopping: Promise<void> | undefined;
  private released: Promise<void> | undefined;

  constructor(
    private readonly options: StartMachineOptions,
    private readonly child: ChildProcess,
  ) {
    this.name = options.name;
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_KEEP);
      for (const line of chunk.split('\n')) if (line.trim()) options.logger.debug(`qemu: ${line.trimEnd()}`);
    });
    this.exited = new Promise((resolve) => {
      child.once('error', (err: NodeJS.ErrnoException) => {
        this.spawnError = err.code === 'ENOENT' ? missingToolError(options.qemuBinary) : err;
      });
      // 'close' waits for every holder of QEMU's stderr pipe, which a wrapper script's children
      // may keep open; 'exit' plus a moment for the last stderr bytes is enough.
      let settled = false;
      const settle = (code: number | null, sig: NodeJS.Signals | null) => {
        if (settled) return;
        settled = true;
        liveProcesses.delete(child);
        this.exitInfo = { code, signal: sig };
        resolve(this.exitInfo);
        if (!this.stopping) {
          // The guest powered off (or QEMU failed): nothing needs the sockets and ports any more.
          if (code !== 0) options.logger.warn(`qemu exited with ${describeExit(this.exitInfo)}${this.stderrTail() ? `: ${this.stderrTail()}` : ''}`);
          void this.release();
        }
      };
      child.once('close', settle);
      child.once('exit', (code, sig) => setTimeout(() => settle(code, sig), 200).unref());
    });
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  isRunning(): boolean {
    return this.running;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** How QEMU ended; undefined while it runs. */
  get exit(): MachineExit | undefined {
    return this.exitInfo;
  }

  /** Waits for QMP to answer; fails with QEMU's own words when it exits first. */
  async waitUntilStarted(timeoutMs: number, signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const exitedDuringStart = async (): Promise<Error> => {
      await this.exited;
      if (this.spawnError) return this.spawnError;
      // Through setpriv a missing QEMU is exit status 127 rather than a spawn error.
      if (this.exitInfo?.code === 127 && /failed to execute/.test(this.stderr)) return missingToolError(this.options.qemuBinary);
      return new QemuStartError(`QEMU for vm ${this.name} exited during start-up (${describeExit(this.exitInfo!)})` + (this.stderrTail() ? `:\n${this.stderrTail()}` : ''));
    };
    for (;;) {
      if (signal.aborted) throw abortReason(signal);
      if (this.exitInfo || this.spawnError) throw await exitedDuringStart();
      try {
        const attempt = AbortSignal.any([signal, AbortSignal.timeout(Math.max(1, deadline - Date.now()))]);
        this.qmp = await QmpClient.connect(this.options.qmpSocket, attempt);
        const status = await this.qmp.execute<{ status: string; running: boolean }>('query-status');
        this.options.logger.debug(`qemu: started (pid ${this.child.pid}, status ${status.status})`);
        return;
      } catch (err) {
        this.qmp?.close();
        this.qmp = undefined;
        if (signal.aborted) throw abortReason(signal);
        // QEMU opens its QMP socket early and may still fail afterwards (bad firmware, bad disk):
        // a QMP connection that drops means it is exiting, and its stderr says why.
        const code = (err as NodeJS.ErrnoException).code;
        const notListeningYet = code === 'ENOENT' || code === 'ECONNREFUSED';
        if (!notListeningYet) {
          const exiting = await Promise.race([this.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 1000).unref())]);
          if (exiting || this.spawnError) throw await exitedDuringStart();
          if (Date.now() <= deadline) throw err;
        }
      }
      if (Date.now() > deadline) throw new QemuStartError(`QEMU for vm ${this.name} did not open its QMP socket within ${timeoutMs}ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** QEMU's run state from QMP query-status (e.g. "running", "paused", "shutdown"). */
  async status(): Promise<string> {
    if (!this.qmp || !this.running) return 'stopped';
    const s = await this.qmp.execute<{ status: string }>('query-status');
    return s.status;
  }

  /** Runs any QMP command (for diagnostics: query-block, query-pci …). */
  async qmpExecute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    if (!this.qmp || !this.running) throw new Error(`vm ${this.name} is not running`);
    return this.qmp.execute<T>(command, args);
  }

  httpEndpoint(): HttpEndpoint | undefined {
    return this.options.http;
  }

  openVnc(signal: AbortSignal): Promise<Duplex> {
    if (!this.running) return Promise.reject(new Error(`vm ${this.name} is not running; no VNC display`));
    const vnc = this.options.vnc;
    // The same dialling the VNC client uses for any address, abortable.
    return openSocket('socket' in vnc ? { socketPath: vnc.socket } : { host: '127.0.0.1', port: vnc.port }, signal);
  }

  async sshAddress(_signal: AbortSignal): Promise<SshAddress> {
    if (!this.options.ssh) throw new Error(`vm ${this.name} has no SSH port forward (its communicator is 'none')`);
    return this.options.ssh;
  }

  async powerOff(): Promise<void> {
    if (!this.running || !this.qmp) return;
    await this.qmp.execute('system_powerdown').catch((err: unknown) => {
      if (this.running) throw err;
    });
  }

  async waitForShutdown(timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    if (!this.running) return true;
    return new Promise<boolean>((resolve, reject) => {
      const done = (fn: () => void) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        fn();
      };
      const onAbort = () => done(() => reject(abortReason(signal)));
      const timer = setTimeout(() => done(() => resolve(false)), timerDelay(timeoutMs));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      void this.exited.then(() => done(() => resolve(true)));
    });
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    if (this.running) {
      const grace = this.options.stopGraceMs ?? 5000;
      if (this.qmp && !this.qmp.isClosed) {
        // A clean quit lets QEMU flush its disk caches before it exits.
        const timer = new Promise<boolean>((r) => setTimeout(() => r(false), grace).unref());
        await Promise.race([
          this.qmp
            .quit()
            .then(() => this.exited)
            .then(() => true),
          timer,
        ]).catch(() => undefined);
      }
      // Never started (no QMP yet) or did not quit in time: kill.
      if (this.running) this.child.kill('SIGKILL');
      await this.exited;
    }
    await this.release();
  }

  private release(): Promise<void> {
    this.released ??= (async () => {
      this.qmp?.close();
      await Promise.all(this.options.leases.map((l) => l.release()));
      await rm(this.options.runtimeDir, { recursive: true, force: true });
    })();
    return this.released;
  }

  async serialTail(lines: number): Promise<string[]> {
    return readSerialTail(this.options.serialLog, lines);
  }

  readSerial(from: number): Promise<Buffer> {
    return readSerialFrom(this.options.serialLog, from);
  }

  exportDisk(req: ExportDiskRequest): Promise<void> {
    return exportRootDisk(this, this.options.rootDisk, req);
  }

  private stderrTail(): string {
    return this.stderr.trim().split('\n').slice(-10).join('\n');
  }
}

function describeExit(exit: MachineExit): string {
  return exit.signal ? `signal ${exit.signal}` : `status ${exit.code}`;
}

/**
 * The last `lines` lines of a serial log, as text a person can read: firmware consoles draw with
 * ANSI escape sequences and CR, which are dropped here.
 */
export async function readSerialTail(file: string, lines: number, maxBytes = 64 * 1024): Promise<string[]> {
  if (lines <= 0) return [];
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return [];
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, size - length);
    const all = cleanConsoleText(buf.toString('utf8')).split('\n');
    // A read that starts mid-file starts mid-line: drop that fragment.
    if (length < size) all.shift();
    return all.slice(-lines);
  } finally {
    await handle.close();
  }
}

/** The longest piece readSerialFrom returns at once; a caller reads on from where it ends. */
export const SERIAL_READ_MAX_BYTES = 4 * 1024 * 1024;

/**
 * The serial log from byte `from` on. QEMU's file chardev truncates the file when the VM starts
 * (append=off), so the file holds what the console printed since boot. A log not written yet is empty.
 */
export async function readSerialFrom(file: string, from: number, maxBytes = SERIAL_READ_MAX_BYTES): Promise<Buffer> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return Buffer.alloc(0);
  }
  try {
    const { size } = await handle.stat();
    const length = Math.max(0, Math.min(size - from, maxBytes));
    const buf = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buf, 0, length, from);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Drops ANSI escape sequences and carriage returns, keeping the text lines. */
export function cleanConsoleText(text: string): string {
  return (
    text
      .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '')
      .replace(/\u001b[()][0-9A-Za-z]|\u001b[=>78cDEHM]/g, '')
      // systemd writes "\r\r\n" to a serial console (its own CR before the tty's CRLF): one line break.
      .replace(/\r+\n|\r+/g, '\n')
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
      .replace(/\n+$/, '')
  );
}
