/**
 * Boots the test guest under QEMU/TCG for the guest's own tests: serial console on a unix socket
 * (logged, and writable so a test can type at the boot prompt), QMP for the ACPI power button,
 * VNC on a unix socket, user networking with SSH forwarded to a loopback port. The product's
 * local engine lives in src/engines/local; this is deliberately tiny.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFile, rm } from 'node:fs/promises';
import { createServer, connect, type Socket } from 'node:net';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { stripTerminalEscapes } from '../../fixtures/guest.js';

export type Firmware = 'bios' | 'uefi';

const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';

/** Creates a qcow2 overlay over the (read-only) cached image; the guest writes only to it. */
export function createOverlay(image: string, overlay: string): void {
  const r = spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', image, '-F', 'qcow2', overlay], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`qemu-img create failed: ${r.stderr || r.error?.message}`);
}

export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.listen(0, '127.0.0.1', resolve).on('error', reject));
  const address = server.address();
  await new Promise((r) => server.close(r));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface BootOptions {
  disk: string;
  firmware: Firmware;
  /** Holds sockets, logs and the UEFI variable store; reused across boots of one disk. */
  workDir: string;
  name: string;
}

export class TestGuest {
  private raw = Buffer.alloc(0);
  private readonly waiters = new Set<() => void>();
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    private readonly qemu: ChildProcess,
    private readonly serial: Socket,
    readonly sshPort: number,
    readonly qmpSocket: string,
    readonly vncSocket: string,
    readonly stderr: string[],
  ) {
    serial.on('data', (chunk: Buffer) => {
      this.raw = Buffer.concat([this.raw, chunk]);
      this.notify();
    });
    serial.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      qemu.on('exit', (code, signal) => {
        this.exit = { code, signal };
        this.notify();
        resolve(this.exit);
      });
    });
  }

  static async boot(options: BootOptions): Promise<TestGuest> {
    const { workDir, name } = options;
    const serialSocket = path.join(workDir, `${name}.serial.sock`);
    const qmpSocket = path.join(workDir, `${name}.qmp.sock`);
    const vncSocket = path.join(workDir, `${name}.vnc.sock`);
    await Promise.all([serialSocket, qmpSocket, vncSocket].map((f) => rm(f, { force: true })));
    const sshPort = await freeLoopbackPort();
    const args = [
      '-name',
      name,
      '-accel',
      'tcg',
      '-m',
      '512',
      '-smp',
      '1',
      '-nodefaults',
      '-vga',
      'std',
      '-vnc',
      `unix:${vncSocket}`,
      // wait=on: QEMU starts the guest only once we listen, so no serial output is lost.
      '-chardev',
      `socket,id=serial0,path=${serialSocket},server=on,wait=on,logfile=${path.join(workDir, `${name}.serial.log`)}`,
      '-serial',
      'chardev:serial0',
      '-qmp',
      `unix:${qmpSocket},server=on,wait=off`,
      '-drive',
      `file=${options.disk},if=virtio,format=qcow2`,
      '-netdev',
      `user,id=net0,hostfwd=tcp:127.0.0.1:${sshPort}-:22`,
      '-device',
      'virtio-net-pci,netdev=net0',
      '-object',
      'rng-random,id=rng0,filename=/dev/urandom',
      '-device',
      'virtio-rng-pci,rng=rng0',
    ];
    if (options.firmware === 'uefi') {
      const vars = path.join(workDir, `${name}.OVMF_VARS.fd`);
      if (!existsSync(vars)) await copyFile(OVMF_VARS, vars);
      args.push('-machine', 'q35', '-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${OVMF_CODE}`, '-drive', `if=pflash,format=raw,unit=1,file=${vars}`);
    } else {
      args.push('-machine', 'pc');
    }
    const qemu = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const stderr: string[] = [];
    qemu.stderr?.on('data', (c: Buffer) => stderr.push(c.toString('utf8')));
    let serial: Socket | undefined;
    for (let i = 0; i < 200 && !serial; i++) {
      if (qemu.exitCode !== null) break;
      try {
        serial = await new Promise<Socket>((resolve, reject) => {
          const s = connect(serialSocket, () => resolve(s));
          s.once('error', reject);
        });
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    if (!serial) {
      qemu.kill('SIGKILL');
      throw new Error(`QEMU did not start: ${stderr.join('')}`);
    }
    return new TestGuest(qemu, serial, sshPort, qmpSocket, vncSocket, stderr);
  }

  private notify(): void {
    for (const w of this.waiters) w();
  }

  /** Everything the serial console printed so far, without terminal escapes. */
  serialText(): string {
    return stripTerminalEscapes(this.raw.toString('latin1'));
  }

  /** Resolves with the first match of `pattern` in the serial output. */
  waitForSerial(pattern: string | RegExp, timeoutMs: number): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const text = this.serialText();
        const match = typeof pattern === 'string' ? (text.includes(pattern) ? [pattern] : null) : text.match(pattern);
        if (match) return done(() => resolve([...match]));
        if (this.exit) return done(() => reject(new Error(`QEMU exited (${this.exit?.code ?? this.exit?.signal}) before ${pattern}; serial:\n${this.tail()}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no ${pattern} on the serial console within ${timeoutMs} ms; serial:\n${this.tail()}`))), timeoutMs);
      const done = (settle: () => void): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  tail(lines = 40): string {
    return this.serialText().split('\n').slice(-lines).join('\n');
  }

  /** Types text on the serial line one byte at a time, as a person (or a boot command) would. */
  async typeSerial(text: string, delayMs = 20): Promise<void> {
    for (const ch of text) {
      this.serial.write(ch);
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }

  /** Runs one QMP command on a fresh connection and returns its "return" value. */
  async qmp(command: string, args?: Record<string, unknown>): Promise<unknown> {
    const [result] = await this.qmpSequence([{ command, args }]);
    return result;
  }

  /** Runs QMP commands in order on one connection. */
  async qmpSequence(commands: { command: string; args?: Record<string, unknown> }[]): Promise<unknown[]> {
    const socket = connect(this.qmpSocket);
    try {
      const lines = qmpLines(socket);
      await lines.next(); // greeting
      socket.write(JSON.stringify({ execute: 'qmp_capabilities' }) + '\n');
      await nextReply(lines);
      const results: unknown[] = [];
      for (const { command, args } of commands) {
        socket.write(JSON.stringify({ execute: command, ...(args ? { arguments: args } : {}) }) + '\n');
        results.push(await nextReply(lines));
      }
      return results;
    } finally {
      socket.destroy();
    }
  }

  /**
   * Types on the emulated PS/2 keyboard (QMP send-key), which reaches the boot loader through the
   * firmware exactly as VNC key events do. "\r" is Enter.
   */
  async typeKeys(text: string): Promise<void> {
    await this.qmpSequence([...text].map((ch) => ({ command: 'send-key', args: { keys: qcodesFor(ch).map((data) => ({ type: 'qcode', data })), 'hold-time': 30 } })));
  }

  /** Resolves with QEMU's exit, or undefined when it is still running after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), timeoutMs)));
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops QEMU at once if it still runs; safe to call more than once. */
  async kill(): Promise<void> {
    this.serial.destroy();
    if (!this.exit) {
      this.qemu.kill('SIGKILL');
      await this.exited;
    }
  }
}

const SHIFTED: Record<string, string> = { ':': 'semicolon', '_': 'minus', '?': 'slash', '&': '7', '%': '5', '+': 'equal', '~': 'grave_accent' };
const PLAIN: Record<string, string> = { ' ': 'spc', '\r': 'ret', '\n': 'ret', '/': 'slash', '.': 'dot', '-': 'minus', '=': 'equal', ',': 'comma', ';': 'semicolon' };

/** QEMU key codes (US layout) for one character; shifted characters press shift first. */
export function qcodesFor(ch: string): string[] {
  if (/^[a-z0-9]$/.test(ch)) return [ch];
  if (/^[A-Z]$/.test(ch)) return ['shift', ch.toLowerCase()];
  const plain = PLAIN[ch];
  if (plain) return [plain];
  const shifted = SHIFTED[ch];
  if (shifted) return ['shift', shifted];
  throw new Error(`no key for ${JSON.stringify(ch)}`);
}

async function* qmpLines(socket: Socket): AsyncGenerator<Record<string, unknown>> {
  let buffered = '';
  for await (const chunk of socket) {
    buffered += (chunk as Buffer).toString('utf8');
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line) yield JSON.parse(line) as Record<string, unknown>;
    }
  }
}

/** Skips asynchronous events; throws on a QMP error. */
async function nextReply(lines: AsyncGenerator<Record<string, unknown>>): Promise<unknown> {
  for (;;) {
    const { value, done } = await lines.next();
    if (done) throw new Error('QMP connection closed');
    if ('return' in value) return value.return;
    if ('error' in value) throw new Error(`QMP error: ${JSON.stringify(value.error)}`);
  }
}
