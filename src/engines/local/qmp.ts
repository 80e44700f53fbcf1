/**
 * A client for the QEMU Machine Protocol over a unix socket: JSON objects, one per line. QEMU
 * greets, we enable commands with qmp_capabilities, then send commands tagged with an id and match
 * the answers by id; asynchronous events (SHUTDOWN, POWERDOWN, RESET …) arrive in between.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';

export interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
  timestamp?: { seconds: number; microseconds: number };
}

export class QmpError extends Error {
  override name = 'QmpError';
  constructor(
    readonly command: string,
    readonly errorClass: string,
    description: string,
  ) {
    super(`QMP ${command}: ${errorClass}: ${description}`);
  }
}

/** One parsed QMP message, classified. */
export type QmpMessage =
  | { kind: 'greeting'; version?: unknown }
  | { kind: 'return'; id?: unknown; value: unknown }
  | { kind: 'error'; id?: unknown; errorClass: string; description: string }
  | { kind: 'event'; event: QmpEvent }
  | { kind: 'unknown'; raw: unknown };

/** Classifies one line of QMP; throws on text that is not a JSON object. */
export function parseQmpLine(line: string): QmpMessage {
  const raw: unknown = JSON.parse(line);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`QMP: not a JSON object: ${line.slice(0, 200)}`);
  const o = raw as Record<string, unknown>;
  if ('QMP' in o) return { kind: 'greeting', version: (o.QMP as Record<string, unknown> | null)?.version };
  if ('return' in o) return { kind: 'return', id: o.id, value: o.return };
  if ('error' in o) {
    const err = (o.error ?? {}) as Record<string, unknown>;
    return { kind: 'error', id: o.id, errorClass: String(err.class ?? 'GenericError'), description: String(err.desc ?? '') };
  }
  if (typeof o.event === 'string') return { kind: 'event', event: o as unknown as QmpEvent };
  return { kind: 'unknown', raw };
}

interface Pending {
  command: string;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

export class QmpClient extends EventEmitter<{ event: [QmpEvent]; close: [] }> {
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;
  private greeted!: () => void;
  private readonly greeting = new Promise<void>((resolve) => (this.greeted = resolve));

  private constructor(private readonly socket: net.Socket) {
    super();
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', () => undefined); // 'close' follows and fails what is pending
    socket.on('close', () => this.onClose());
  }

  /** Connects, waits for the greeting and enables commands. */
  static async connect(socketPath: string, signal?: AbortSignal): Promise<QmpClient> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect(socketPath);
      const onAbort = () => {
        s.destroy();
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      s.once('connect', () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(s);
      });
      s.once('error', (err) => {
        signal?.removeEventListener('abort', onAbort);
        reject(err);
      });
    });
    const client = new QmpClient(socket);
    // Until commands are enabled the abort signal still applies: a QEMU that accepts the
    // connection but never greets must not hang the caller.
    const onAbort = () => client.close();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const closedEarly = new Promise<never>((_, reject) => client.once('close', () => reject(new Error('QMP connection closed before the greeting'))));
      await Promise.race([client.greeting, closedEarly]);
      await client.execute('qmp_capabilities');
    } catch (err) {
      client.close();
      throw signal?.aborted ? (signal.reason instanceof Error ? signal.reason : new Error('aborted')) : err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    return client;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`QMP ${command}: the connection is closed (QEMU has exited)`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { command, resolve: resolve as (v: unknown) => void, reject });
      this.socket.write(JSON.stringify({ execute: command, ...(args ? { arguments: args } : {}), id }) + '\n');
    });
  }

  /** Sends `quit`; resolves once QEMU has closed the connection (it exits right after). */
  async quit(): Promise<void> {
    if (this.closed) return;
    const closed = new Promise<void>((resolve) => this.once('close', () => resolve()));
    await this.execute('quit').catch(() => undefined);
    await closed;
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line) this.onLine(line);
    }
  }

  private onLine(line: string): void {
    let msg: QmpMessage;
    try {
      msg = parseQmpLine(line);
    } catch {
      return; // QEMU only sends JSON; ignore anything else rather than crash the build
    }
    switch (msg.kind) {
      case 'greeting':
        this.greeted();
        break;
      case 'event':
        this.emit('event', msg.event);
        break;
      case 'return':
      case 'error': {
        const id = typeof msg.id === 'number' ? msg.id : undefined;
        const p = id !== undefined ? this.pending.get(id) : undefined;
        if (!p || id === undefined) return;
        this.pending.delete(id);
        if (msg.kind === 'return') p.resolve(msg.value);
        else p.reject(new QmpError(p.command, msg.errorClass, msg.description));
        break;
      }
      case 'unknown':
        break;
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) {
      // `quit` is answered by the connection closing, which is success.
      if (p.command === 'quit') p.resolve(undefined);
      else p.reject(new Error(`QMP ${p.command}: the connection closed (QEMU has exited)`));
    }
    this.pending.clear();
    this.emit('close');
  }
}
