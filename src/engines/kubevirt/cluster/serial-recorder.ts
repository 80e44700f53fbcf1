/**
 * The serial console since boot, for `<waitSerial 'TEXT'>` on KubeVirt. The `console` subresource
 * (a `plain.kubevirt.io` websocket: the tty's bytes) streams only what
 * the guest writes after we connect, and the `guest-console-log` container of the launcher pod
 * (logSerialConsole) holds everything since boot but reaches the pod log a moment later. So the
 * recorder connects to the console first and then reads the pod log once: the log covers the
 * past, the stream everything from the connection on. The few bytes written between the two can
 * appear twice, which a text wait does not mind (it looks for a text, not a count).
 *
 * The console stays open only while someone reads: after IDLE_CLOSE_MS without a read it is
 * closed (an open websocket would keep a stage action's process alive after it handed the VM
 * on), and the next read starts over from the log, which by then holds what was missed.
 */
import type { Duplex } from 'node:stream';

export interface SerialRecorderSources {
  /** The console websocket as a byte stream. */
  openConsole(signal: AbortSignal): Promise<Duplex>;
  /** The console's log since boot, as lines (the launcher's guest-console-log container). */
  history(signal: AbortSignal): Promise<string[]>;
}

const IDLE_CLOSE_MS = 10_000;

export class SerialRecorder {
  private idle?: NodeJS.Timeout;
  private chunks: Buffer[] = [];
  private length = 0;
  private started?: Promise<void>;
  private stream?: Duplex;
  private closed = false;
  private failure?: Error;

  constructor(private readonly sources: SerialRecorderSources) {}

  /** Bytes from `from` on of history + live output (recording starts on the first call). */
  async read(from: number, signal: AbortSignal): Promise<Buffer> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => this.rest(), IDLE_CLOSE_MS);
    this.idle.unref();
    this.started ??= this.start(signal);
    await this.started;
    if (!this.stream) {
      // No console stream (refused, or the VMI has no serial console attached): the pod log alone
      // still answers, a little late, read whole each time.
      const lines = await this.sources.history(signal);
      const all = Buffer.from(lines.length > 0 ? lines.join('\n') + '\n' : '', 'utf8');
      return all.subarray(Math.min(from, all.length));
    }
    if (this.failure && this.length <= from) throw this.failure;
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = [all];
    return all.subarray(Math.min(from, all.length));
  }

  close(): void {
    this.closed = true;
    if (this.idle) clearTimeout(this.idle);
    this.stream?.destroy();
  }

  /** Nobody reads: let the console go; a later read starts again from the log. */
  private rest(): void {
    this.stream?.destroy();
    this.stream = undefined;
    this.started = undefined;
    this.chunks = [];
    this.length = 0;
    this.failure = undefined;
  }

  private append(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  private async start(signal: AbortSignal): Promise<void> {
    let stream: Duplex;
    try {
      stream = await this.sources.openConsole(signal);
    } catch {
      return;
    }
    this.stream = stream;
    if (this.closed) stream.destroy();
    // Events of a stream let go by rest() no longer concern this recorder.
    const current = () => this.stream === stream;
    const early: Buffer[] = [];
    const hold = (chunk: Buffer): void => void early.push(chunk);
    stream.on('data', hold);
    stream.on('error', (err: Error) => {
      if (current()) this.failure = new Error(`the serial console stream failed: ${err.message}`);
    });
    stream.on('close', () => {
      if (current()) this.failure ??= new Error('the serial console stream ended');
    });
    const history = await this.sources.history(signal).catch(() => []);
    if (!current()) return;
    this.append(Buffer.from(history.length > 0 ? history.join('\n') + '\n' : '', 'utf8'));
    for (const chunk of early) this.append(chunk);
    stream.off('data', hold);
    stream.on('data', (chunk: Buffer) => {
      if (current()) this.append(chunk);
    });
  }
}
