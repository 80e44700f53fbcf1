/**
 * Exact-length reads from a byte stream: RFB is a sequence of fixed-size fields, so the client asks
 * for "the next n bytes" and waits until they have arrived, whatever the chunking of the transport
 * (a TCP or unix socket, or a websocket adapted to a Duplex).
 */
import type { Readable } from 'node:stream';

export class ConnectionClosedError extends Error {
  override name = 'ConnectionClosedError';
}

export class ByteReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private pending?: { size: number; resolve: (b: Buffer) => void; reject: (e: Error) => void };
  private failure?: Error;

  constructor(stream: Readable) {
    stream.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      this.serve();
    });
    stream.once('end', () => this.fail(new ConnectionClosedError('the VNC server closed the connection')));
    stream.once('close', () => this.fail(new ConnectionClosedError('the VNC connection was closed')));
    stream.once('error', (err: Error) => this.fail(new ConnectionClosedError(`the VNC connection failed: ${err.message}`, { cause: err })));
  }

  /** The next `size` bytes. One read at a time: RFB fields are consumed in order. */
  read(size: number): Promise<Buffer> {
    if (this.pending) return Promise.reject(new Error('ByteReader: a read is already waiting'));
    if (this.buffered >= size) return Promise.resolve(this.take(size));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { size, resolve, reject };
    });
  }

  async u8(): Promise<number> {
    return (await this.read(1)).readUInt8(0);
  }
  async u16(): Promise<number> {
    return (await this.read(2)).readUInt16BE(0);
  }
  async u32(): Promise<number> {
    return (await this.read(4)).readUInt32BE(0);
  }
  async s32(): Promise<number> {
    return (await this.read(4)).readInt32BE(0);
  }

  /** Fails the waiting read and every later one (first failure wins). */
  fail(err: Error): void {
    this.failure ??= err;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(this.failure);
  }

  private serve(): void {
    if (this.pending && this.buffered >= this.pending.size) {
      const { size, resolve } = this.pending;
      this.pending = undefined;
      resolve(this.take(size));
    }
  }

  private take(size: number): Buffer {
    if (size === 0) return Buffer.alloc(0);
    const first = this.chunks[0]!;
    if (first.length >= size) {
      // The common case (small fields) without copying.
      const out = first.subarray(0, size);
      if (first.length === size) this.chunks.shift();
      else this.chunks[0] = first.subarray(size);
      this.buffered -= size;
      return out;
    }
    const all = Buffer.concat(this.chunks, this.buffered);
    const out = all.subarray(0, size);
    this.chunks = all.length > size ? [all.subarray(size)] : [];
    this.buffered -= size;
    return out;
  }
}
