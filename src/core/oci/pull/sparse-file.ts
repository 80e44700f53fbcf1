/**
 * Writes a file from a stream of chunks through one fixed buffer, leaving holes where whole
 * blocks are zero: a raw disk of 10 GiB that is mostly empty takes only its data on the host,
 * as it did where it was made. The sha256 of every byte (holes included) is computed on the way.
 */
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';

/** The granularity of holes: the page size every Linux filesystem allocates in. */
const HOLE_BLOCK = 4096;
const BUFFER_SIZE = 1024 * 1024;

function isZero(buf: Buffer, start: number, end: number): boolean {
  // Compare 8 bytes at a time where we can; a disk's data blocks fail on the first word.
  let i = start;
  for (; i + 8 <= end; i += 8) if (buf.readBigUInt64LE(i) !== 0n) return false;
  for (; i < end; i++) if (buf[i] !== 0) return false;
  return true;
}

export class SparseFileWriter {
  private readonly buffer = Buffer.allocUnsafe(BUFFER_SIZE);
  private filled = 0;
  /** File offset of buffer[0]. */
  private position = 0;
  private readonly hash: Hash = createHash('sha256');

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
  ) {}

  static async create(file: string): Promise<SparseFileWriter> {
    return new SparseFileWriter(file, await open(file, 'wx', 0o644));
  }

  async write(chunk: Buffer): Promise<void> {
    this.hash.update(chunk);
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(chunk.length - offset, BUFFER_SIZE - this.filled);
      chunk.copy(this.buffer, this.filled, offset, offset + n);
      this.filled += n;
      offset += n;
      if (this.filled === BUFFER_SIZE) await this.flush();
    }
  }

  private async flush(): Promise<void> {
    let start = 0;
    while (start < this.filled) {
      // Skip zero blocks, then write the run of blocks that hold data.
      while (start < this.filled && isZero(this.buffer, start, Math.min(start + HOLE_BLOCK, this.filled))) start += HOLE_BLOCK;
      if (start >= this.filled) break;
      let end = start;
      while (end < this.filled && !isZero(this.buffer, end, Math.min(end + HOLE_BLOCK, this.filled))) end += HOLE_BLOCK;
      end = Math.min(end, this.filled);
      let written = 0;
      while (written < end - start) {
        const { bytesWritten } = await this.fh.write(this.buffer, start + written, end - start - written, this.position + start + written);
        written += bytesWritten;
      }
      start = end;
    }
    this.position += this.filled;
    this.filled = 0;
  }

  /** Writes what is buffered, sets the length (a trailing hole included), closes; returns size and digest. */
  async finish(): Promise<{ size: number; sha256: string }> {
    await this.flush();
    await this.fh.truncate(this.position);
    await this.fh.sync();
    await this.fh.close();
    return { size: this.position, sha256: this.hash.digest('hex') };
  }

  async abandon(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }
}
