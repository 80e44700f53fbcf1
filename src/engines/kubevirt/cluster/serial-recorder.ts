/**
 * The serial console since boot, for `<waitSerial 'TEXT'>` on KubeVirt. The `console` subresource
 * (a `plain.kubevirt.io` websocket: the tty's bytes, reference/kubevirt.md §2) streams only what
 * the guest writes after we connect, and the `guest-console-log` container of the launcher pod
 * (logSerialConsole) holds everything since boot but reaches the pod log a moment later. So the
 * recorder connects to the console first and then reads the pod log once: the log covers the
 * past, the stream everything from the connection on. The few bytes written between the two can
 * appear twice, which a text wait does not mind (it looks for a text, not a count).
 */
import type { Duplex } from 'node:stream';

export interface SerialRecorderSources {
  /** The console websocket as a byte stream. */
  openConsole(signal: AbortSignal): Promise<Duplex>;
  /** The console's log since boot, as lines (the launcher's guest-console-log container). */
  history(signal: AbortSignal): Promise<string[]>;
}

export class SerialRecorder {
  private chunks: Buffer[] = [];
  private length = 0;
  private started?: Promise<void>;
  private stream?: Duplex;
  private closed = false;
  private failure?: Error;

  constructor(private readonly sources: SerialRecorderSources) {}

  /** Bytes from `from` on of history + live output (recording starts on the first call). */
  async read(from: number, signal: AbortSignal): Promise<Buffer> {
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
    this.stream?.destroy();
  }

  private append(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  private async start(signal: AbortSignal): Promise<void> {
    try {
      this.stream = await this.sources.openConsole(signal);
    } catch {
      return;
    }
    if (this.closed) this.stream.destroy();
    const early: Buffer[] = [];
    const hold = (chunk: Buffer): void => void early.push(chunk);
    this.stream.on('data', hold);
    this.stream.on('error', (err: Error) => (this.failure = new Error(`the serial console stream failed: ${err.message}`)));
    this.stream.on('close', () => (this.failure ??= new Error('the serial console stream ended')));
    const history = await this.sources.history(signal).catch(() => []);
    this.append(Buffer.from(history.length > 0 ? history.join('\n') + '\n' : '', 'utf8'));
    for (const chunk of early) this.append(chunk);
    this.stream.off('data', hold);
    this.stream.on('data', (chunk: Buffer) => this.append(chunk));
  }
}
