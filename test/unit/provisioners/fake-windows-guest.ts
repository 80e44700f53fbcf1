/**
 * A FAKE Windows guest behind the RemoteCommunicator interface, for the windows-restart and
 * windows-update provisioners (no Windows machine runs here). Each test scripts what the guest
 * answers to each command; the fake models what matters to those flows: a restart drops the
 * connection, reconnects fail while the machine is down, and uploads are recorded.
 */
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { ConnectionLostError, type ExecOptions, type ExecResult, type RemoteCommunicator } from '../../../src/core/communicator/types.js';

export interface FakeAnswer {
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  /** The connection drops instead of an exit status. */
  drop?: boolean;
  /** After answering, the machine goes down; it comes back after `downFor` reconnect attempts. */
  restart?: boolean;
}

interface Rule {
  match: (command: string) => boolean;
  answers: FakeAnswer[];
  /** Used when `answers` is used up. */
  otherwise: FakeAnswer;
}

export class FakeWindowsGuest {
  readonly commands: string[] = [];
  readonly uploads = new Map<string, string>();
  /** Reconnect attempts that fail while the machine restarts (as a real wait for SSH would time out). */
  downFor = 1;
  reconnects = 0;
  private readonly rules: Rule[] = [];
  private boot = 0;
  private downLeft = 0;

  /** Answers for commands `match` accepts, in order; then `otherwise` (default: exit 0). */
  on(match: string | RegExp | ((c: string) => boolean), answers: FakeAnswer[], otherwise: FakeAnswer = { exitCode: 0 }): this {
    const fn = typeof match === 'function' ? match : typeof match === 'string' ? (c: string) => c === match : (c: string) => match.test(c);
    this.rules.push({ match: fn, answers: [...answers], otherwise });
    return this;
  }

  connect(): FakeWindowsConnection {
    return new FakeWindowsConnection(this, this.boot);
  }

  /** For ProvisionerContext.reconnect. */
  reconnect = async (): Promise<RemoteCommunicator> => {
    this.reconnects++;
    if (this.downLeft > 0) {
      this.downLeft--;
      throw new Error('Timeout waiting for SSH (fake: the machine is still restarting)');
    }
    return this.connect();
  };

  isCurrent(boot: number): boolean {
    return boot === this.boot;
  }

  answer(command: string): FakeAnswer {
    this.commands.push(command);
    const rule = this.rules.find((r) => r.match(command));
    const a = rule ? (rule.answers.shift() ?? rule.otherwise) : { exitCode: 0 };
    if (a.restart) {
      this.boot++;
      this.downLeft = this.downFor;
    }
    return a;
  }
}

export class FakeWindowsConnection implements RemoteCommunicator {
  private closed = false;
  constructor(
    private readonly guest: FakeWindowsGuest,
    private readonly boot: number,
  ) {}

  private check(): void {
    if (this.closed || !this.guest.isCurrent(this.boot)) throw new ConnectionLostError('fake: the connection is gone');
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    this.check();
    options.signal?.throwIfAborted();
    const a = this.guest.answer(command);
    if (a.stdout) options.onStdout?.(Buffer.from(a.stdout));
    if (a.stderr) options.onStderr?.(Buffer.from(a.stderr));
    await new Promise((r) => setTimeout(r, 1));
    if (a.drop) return { disconnected: true };
    return { exitCode: a.exitCode ?? 0, disconnected: false };
  }

  async upload(remotePath: string, data: Readable | Buffer | string): Promise<void> {
    this.check();
    const text = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : (await buffer(data)).toString('utf8');
    this.guest.uploads.set(remotePath, text);
  }

  async remove(remotePath: string): Promise<void> {
    this.check();
    this.guest.uploads.delete(remotePath);
  }

  async uploadPath(): Promise<void> {
    throw new Error('fake: not used by the Windows provisioners');
  }

  async downloadPath(): Promise<void> {
    throw new Error('fake: not used by the Windows provisioners');
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
