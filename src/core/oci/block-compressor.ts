/**
 * Parallel, deterministic compression of a byte stream cut into fixed-size blocks. Each block becomes
 * an independent gzip member (or zstd frame); the members, concatenated in input order, are a valid
 * gzip (zstd) stream that every decompressor reads, the way pigz parallelises. Blocks are compressed
 * on libuv's thread pool (node:zlib's async API), so several cores work without the memory of worker
 * isolates, and the output depends only on the input, the level and the block size — never on how
 * many threads ran or in which order they finished.
 */
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Compression } from './media-types.js';

export const DEFAULT_BLOCK_SIZE = 512 * 1024;
/**
 * gzip level 4, not gzip's own 6: on disk images (measured on the Debian 12 guest of the tests,
 * 451 MB, 512 KiB members) level 4 deflates in 64 % of level 6's CPU time for a layer 2 % larger
 * (169.6 MB against 166.2 MB; `gzip -6` of the whole tar: 162.3 MB). Levels 1-3 take no less
 * time than 4 with this zlib (Chromium's, in node) and come out 4-7 % larger; level 5 saves only
 * a fifth of level 6's time. Deflate is ~80 % of a publish's CPU, so this is the level that
 * decides how fast a disk goes out.
 */
export const DEFAULT_LEVEL: Record<Compression, number> = { gzip: 4, zstd: 3 };
export const LEVEL_RANGE: Record<Compression, [number, number]> = { gzip: [1, 9], zstd: [1, 19] };

const deflateRawAsync = promisify(zlib.deflateRaw);
const zstdAsync = promisify(zlib.zstdCompress);

/** gzip's OS byte: "unknown", as Go writes it, so the bytes do not depend on the host's zlib build. */
const GZIP_OS_UNKNOWN = 0xff;

export type BlockCompressor = ((block: Buffer) => Promise<Buffer>) & {
  /** Frees the compressor's zlib streams; call once no block is in flight. */
  close?(): void;
};

/**
 * Deflate spends as long failing to shrink random bytes as it spends shrinking text, and disks hold
 * plenty of data that is compressed already (packages, images, encrypted or random fill). So a block
 * is probed first: a few small samples spread over it, compressed together at level 1. When they do
 * not shrink by even 3 %, the block is stored (level 0: the bytes plus a CRC, at memory speed) — it
 * comes out the same size either way. The decision reads only the block's bytes, so the output is
 * as deterministic as before. zstd makes this call itself, per block, so it needs no probe.
 */
const PROBE_SAMPLES = 4;
// 4 × 4 KiB is 3 % of a 512 KiB block: probing random data at level 1 then costs a tenth of what
// storing it costs, where 4 × 16 KiB cost more than the store itself.
const PROBE_SAMPLE_SIZE = 4 * 1024;
const PROBE_INCOMPRESSIBLE_RATIO = 0.97;

/** `onGarbage` is told how many bytes of buffers the probe let go (the sample, zlib's output buffer). */
export async function looksIncompressible(block: Buffer, onGarbage?: (bytes: number) => void): Promise<boolean> {
  if (block.length < PROBE_SAMPLES * PROBE_SAMPLE_SIZE * 2) return false;
  const stride = Math.floor((block.length - PROBE_SAMPLE_SIZE) / (PROBE_SAMPLES - 1));
  // One deflate over the samples side by side: one compressor state instead of one per sample.
  const sample = Buffer.concat(Array.from({ length: PROBE_SAMPLES }, (_, i) => block.subarray(i * stride, i * stride + PROBE_SAMPLE_SIZE)));
  const out = await deflateRawAsync(sample, { level: 1, chunkSize: sample.length + 1024 });
  onGarbage?.(sample.length + out.buffer.byteLength);
  return out.length >= sample.length * PROBE_INCOMPRESSIBLE_RATIO;
}

/**
 * A stored gzip member, written directly: header, deflate "stored" blocks of at most 65535 bytes
 * (RFC 1951 §3.2.4), CRC-32 and length (RFC 1952 §2.3). zlib at level 0 writes the same kind of
 * member but runs the data through its window first; this is one copy and one zlib.crc32 pass.
 */
const STORED_MAX = 65_535;

export function storedGzipSize(blockLength: number): number {
  return 10 + blockLength + Math.max(1, Math.ceil(blockLength / STORED_MAX)) * 5 + 8;
}

/**
 * Where the members live between the compressor and the upload: a few slabs of memory, members
 * packed into them end to end. A slab is reused once every member in it has been handed back
 * (disk-layer.ts: LayerStream.release, once the registry has acknowledged the chunk), so a publish
 * runs on the same few MiB from start to end, whatever the disk's size.
 *
 * Packing matters: node:zlib returns a member as a view into an output buffer of its full
 * `chunkSize` (about a block), so holding a 190 KiB member from zlib holds 530 KiB; the upload
 * keeps two 5 MiB chunks of members, which came to ~28 MiB of buffers for 10 MiB of bytes. A
 * deflated member is therefore copied in here (`adopt`; a copy costs a fraction of a percent of
 * compressing it) and zlib's buffer becomes garbage at once, counted in `droppedBytes` so the
 * caller can have it collected (garbage.ts). Stored members are written here directly (`take`).
 */
interface Slab {
  buf: Buffer;
  /** Members taken from it and not yet given back. */
  live: number;
}

export class MemberPool {
  private readonly free: Slab[] = [];
  private readonly slabs = new WeakMap<ArrayBufferLike, Slab>();
  private current: Slab | undefined;
  private offset = 0;
  /** Bytes of buffers let go (slabs beyond `keep`, zlib's outputs once adopted): garbage for the collector. */
  droppedBytes = 0;
  /**
   * @param size bytes of a slab: at least the largest member (storedGzipSize of a block)
   * @param keep how many emptied slabs to keep for reuse
   */
  constructor(
    private readonly size: number,
    private readonly keep: number,
  ) {}
  take(length: number): Buffer {
    // Larger than any slab: cannot happen for members of a block, but stay correct (a plain buffer, not pooled).
    if (length > this.size) return Buffer.allocUnsafeSlow(length);
    if (!this.current || this.offset + length > this.size) {
      const full = this.current;
      this.current = undefined;
      if (full && full.live === 0) this.retire(full);
      this.current = this.free.pop() ?? this.newSlab();
      this.offset = 0;
    }
    const slab = this.current;
    slab.live++;
    const piece = slab.buf.subarray(this.offset, this.offset + length);
    this.offset += length;
    return piece;
  }
  /**
   * A copy of `parts`, joined, in the pool. `garbage` is how many bytes of buffers the caller lets
   * go with them (zlib's output buffers), counted as dropped.
   */
  adopt(parts: readonly Buffer[], garbage: number): Buffer {
    let length = 0;
    for (const p of parts) length += p.length;
    const piece = this.take(length);
    let at = 0;
    for (const p of parts) at += p.copy(piece, at);
    this.droppedBytes += garbage;
    return piece;
  }
  owns(buf: Buffer): boolean {
    return this.slabs.has(buf.buffer);
  }
  /** Takes back a buffer from take() or adopt() (each once); anything else is ignored. */
  give(buf: Buffer): void {
    const slab = this.slabs.get(buf.buffer);
    if (!slab || slab.live === 0) return;
    slab.live--;
    if (slab.live > 0) return;
    // The slab being filled starts over; a full one waits for the next take.
    if (slab === this.current) this.offset = 0;
    else this.retire(slab);
  }
  private newSlab(): Slab {
    const slab = { buf: Buffer.allocUnsafeSlow(this.size), live: 0 };
    this.slabs.set(slab.buf.buffer, slab);
    return slab;
  }
  private retire(slab: Slab): void {
    if (this.free.length < this.keep) this.free.push(slab);
    else this.droppedBytes += this.size;
  }
}

export function storedGzipMember(block: Buffer, into?: MemberPool): Buffer {
  const pieces = Math.max(1, Math.ceil(block.length / STORED_MAX));
  const size = storedGzipSize(block.length);
  const out = into ? into.take(size) : Buffer.allocUnsafe(size);
  // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=unknown (as above: host-independent bytes)
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, GZIP_OS_UNKNOWN]);
  let at = 10;
  for (let i = 0; i < pieces; i++) {
    const from = i * STORED_MAX;
    const len = Math.min(STORED_MAX, block.length - from);
    out[at] = i === pieces - 1 ? 1 : 0; // BFINAL on the last, BTYPE=00 (stored)
    out.writeUInt16LE(len, at + 1);
    out.writeUInt16LE(~len & 0xffff, at + 3);
    block.copy(out, at + 5, from, from + len);
    at += 5 + len;
  }
  out.writeUInt32LE(zlib.crc32(block) >>> 0, at);
  out.writeUInt32LE(block.length >>> 0, at + 4);
  return out;
}

/**
 * One gzip stream of node:zlib, kept for block after block: each block is written, finished as a
 * whole member (Z_FINISH) and the stream reset (deflateReset: the next member starts afresh, with
 * the same bytes a new stream would write). The deflate still runs on libuv's thread pool. Against
 * one zlib.gzip() call per block this saves, per block, a deflate state set up and torn down and
 * an output buffer of a whole block's size that only a garbage collection frees (zlib.gzip's
 * result is a view into it: nodejs/node lib/zlib.js@v24.x, zlibBufferOnEnd): here the stream's
 * output buffer is filled member after member and replaced only once full, so the garbage is
 * about the compressed bytes alone.
 */
class GzipSlot {
  private parts: Buffer[] = [];
  private fail: ((err: Error) => void) | undefined;
  failed = false;
  constructor(private readonly stream: zlib.Gzip & zlib.ZlibReset) {
    stream.on('data', (part: Buffer) => this.parts.push(part));
    stream.on('error', (err: Error) => {
      this.failed = true;
      this.fail?.(err);
    });
  }
  /** The member's pieces: views into the stream's output buffers, valid until they are copied. */
  member(block: Buffer): Promise<Buffer[]> {
    return new Promise((resolve, reject) => {
      this.fail = reject;
      this.stream.write(block);
      this.stream.flush(zlib.constants.Z_FINISH, () => {
        this.fail = undefined;
        const parts = this.parts;
        this.parts = [];
        if (this.failed) return;
        // Every 'data' event of the member comes before the flush's callback; the trailer's last
        // field (RFC 1952 §2.3: ISIZE, the length mod 2^32) ending the pieces shows that none was
        // missed or left over.
        const last = parts.at(-1);
        const trailer = last && last.length >= 4 ? last.subarray(-4) : Buffer.concat(parts).subarray(-4);
        if (trailer.length !== 4 || trailer.readUInt32LE(0) !== block.length >>> 0) {
          this.failed = true;
          reject(new Error('gzip member came out incomplete (trailer does not match the block)'));
          return;
        }
        this.stream.reset();
        resolve(parts);
      });
    });
  }
  close(): void {
    this.stream.close();
  }
}

export function blockCompressor(compression: Compression, level: number, blockSize: number, members?: MemberPool): BlockCompressor {
  // zstd: one call per block, its output buffer big enough for any block's worst case (one pass on
  // the thread pool); the frame is a view into it, or a copy of several (zlibBufferOnEnd, as above),
  // and all of it is garbage once the frame is copied into the pool: counted, so the caller
  // collects in time.
  const chunkSize = blockSize + (blockSize >> 6) + 4096;
  const idle: GzipSlot[] = [];
  const slots: GzipSlot[] = [];
  const deflated = async (block: Buffer, into: MemberPool | undefined): Promise<Buffer> => {
    let slot = idle.pop();
    if (!slot) {
      // As many slots as blocks in flight; each output buffer holds about two members.
      // zlib.reset() is documented on every zlib class (nodejs/node doc/api/zlib.md@v24.x); the types omit it.
      slot = new GzipSlot(zlib.createGzip({ level, chunkSize: blockSize }) as zlib.Gzip & zlib.ZlibReset);
      slots.push(slot);
    }
    const parts = await slot.member(block);
    idle.push(slot);
    let length = 0;
    for (const p of parts) length += p.length;
    const member = into ? into.adopt(parts, length) : Buffer.concat(parts, length);
    member[9] = GZIP_OS_UNKNOWN;
    return member;
  };
  const compressOne = async (block: Buffer, into: MemberPool | undefined): Promise<Buffer> => {
    if (compression === 'gzip') {
      if (await looksIncompressible(block, into && ((bytes) => (into.droppedBytes += bytes)))) return storedGzipMember(block, into);
      return deflated(block, into);
    }
    const out = await zstdAsync(block, {
      chunkSize,
      params: { [zlib.constants.ZSTD_c_compressionLevel]: level, [zlib.constants.ZSTD_c_checksumFlag]: 1 },
    });
    if (!into) return out;
    const garbage = out.length <= chunkSize ? out.buffer.byteLength : Math.ceil(out.length / chunkSize) * chunkSize + out.buffer.byteLength;
    return into.adopt([out], garbage);
  };
  // Disks are full of zeroed space; a zero block always compresses to the same member, so compress
  // it once. The output is identical to compressing it again, only faster. It is shared by every
  // zero block, so it stays outside the pool (give() ignores it).
  const zeroBlock = Buffer.alloc(blockSize);
  let zeroMember: Promise<Buffer> | undefined;
  const compress: BlockCompressor = (block) => {
    if (block.length === blockSize && block.equals(zeroBlock)) {
      zeroMember ??= compressOne(zeroBlock, undefined);
      return zeroMember;
    }
    return compressOne(block, members);
  };
  compress.close = () => {
    for (const slot of slots) slot.close();
    slots.length = 0;
    idle.length = 0;
  };
  return compress;
}

/**
 * How many blocks to compress at once: every core, but no more than libuv's pool has threads
 * (4 unless UV_THREADPOOL_SIZE says otherwise), leaving one for the disk reads on bigger machines.
 */
export function defaultConcurrency(): number {
  const pool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  return Math.max(1, Math.min(availableParallelism(), pool > 2 ? pool - 1 : pool));
}

/**
 * Compresses `blocks` with up to `concurrency` in flight and yields the results in input order.
 * Memory stays at about concurrency × 2 blocks: a new block is read only when a slot frees up and
 * the consumer has taken the oldest result.
 */
export async function* compressInOrder(
  blocks: AsyncIterable<Buffer>,
  compress: BlockCompressor,
  concurrency: number,
  /** Called with each input block once it has been compressed, so its memory can be reused. */
  onCompressed?: (block: Buffer) => void,
): AsyncGenerator<Buffer> {
  const pending: Promise<Buffer>[] = [];
  const source = blocks[Symbol.asyncIterator]();
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && pending.length < concurrency) {
        const next = await source.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        const block = next.value;
        const job = onCompressed ? compress(block).finally(() => onCompressed(block)) : compress(block);
        // Rejections are observed when the job's turn comes; until then keep Node from calling them unhandled.
        job.catch(() => undefined);
        pending.push(job);
      }
      const oldest = pending.shift();
      if (oldest === undefined) return;
      yield await oldest;
    }
  } finally {
    if (!exhausted) await source.return?.(undefined);
  }
}
