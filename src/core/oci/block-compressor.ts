/**
 * Parallel, deterministic compression of a byte stream cut into fixed-size blocks. Each block becomes
 * an independent gzip member (or zstd frame); the members, concatenated in input order, are a valid
 * gzip (zstd) stream that every decompressor reads, the way pigz parallelises. Blocks are compressed
 * on libuv's thread pool (node:zlib's async API), so several cores work without the memory of worker
 * isolates, and the output depends only on the input, the level and the block size — never on how
 * many threads ran or in which order they finished.
 */
import { availableParallelism } from 'node:os';
import zlib from 'node:zlib';
import type { Compression } from './media-types.js';

export const DEFAULT_BLOCK_SIZE = 512 * 1024;
/**
 * gzip level 4, not gzip's own 6: on disk images (measured on the Debian 12 guest of the tests,
 * 451 MB, 512 KiB members) level 4 deflates in 64 % of level 6's CPU time for a layer 2 % larger
 * (169.6 MB against 166.2 MB; `gzip -6` of the whole tar: 162.3 MB); level 5 saves only a fifth
 * of level 6's time. Below 4 the gain is smaller than the size it costs: levels 3 and 2 take 8 %
 * and 15 % less CPU than 4 (node's zlib, Chromium's, on Node 24.21; minimum of 5 interleaved
 * passes over the same disk) for layers 2.2 % and 3.1 % larger, which every node then pulls.
 * Deflate is ~80 % of a publish's CPU, so this is the level that decides how fast a disk goes out.
 */
export const DEFAULT_LEVEL: Record<Compression, number> = { gzip: 4, zstd: 3 };
export const LEVEL_RANGE: Record<Compression, [number, number]> = { gzip: [1, 9], zstd: [1, 19] };

/** gzip's OS byte: "unknown", as Go writes it, so the bytes do not depend on the host's zlib build. */
const GZIP_OS_UNKNOWN = 0xff;
/** A gzip member's header and trailer around its deflate data (RFC 1952 §2.3, no optional fields). */
const GZIP_FRAME_BYTES = 18;

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

/**
 * The probe's resources, kept for block after block like the members' streams (MemberStream below):
 * a level-1 gzip stream and the buffer the samples are gathered in. A gzip member's deflate data
 * are what a raw deflate of the same bytes writes, framed by 18 bytes of header and trailer.
 */
export class Probe {
  private readonly sample = Buffer.allocUnsafeSlow(PROBE_SAMPLES * PROBE_SAMPLE_SIZE);
  private readonly stream = new MemberStream(zlib.createGzip({ level: 1, chunkSize: PROBE_SAMPLES * PROBE_SAMPLE_SIZE + 1024 }) as zlib.Gzip & zlib.ZlibReset, 'gzip');
  /** Bytes of zlib's buffers let go so far (none while the stream rewinds: MemberStream.rewind). */
  droppedBytes = 0;
  async incompressible(block: Buffer): Promise<boolean> {
    if (block.length < PROBE_SAMPLES * PROBE_SAMPLE_SIZE * 2) return false;
    const stride = Math.floor((block.length - PROBE_SAMPLE_SIZE) / (PROBE_SAMPLES - 1));
    // One deflate over the samples side by side: one compressor state instead of one per sample.
    for (let i = 0; i < PROBE_SAMPLES; i++) block.copy(this.sample, i * PROBE_SAMPLE_SIZE, i * stride, i * stride + PROBE_SAMPLE_SIZE);
    const parts = await this.stream.member(this.sample);
    let deflated = -GZIP_FRAME_BYTES;
    for (const p of parts) deflated += p.length;
    this.droppedBytes += this.stream.rewind(parts);
    return deflated >= this.sample.length * PROBE_INCOMPRESSIBLE_RATIO;
  }
  close(): void {
    this.stream.close();
  }
}

/** Whether `block` looks incompressible (see above); with no `probe` given, one is made for the call. */
export async function looksIncompressible(block: Buffer, probe?: Probe): Promise<boolean> {
  const own = probe ?? new Probe();
  try {
    return await own.incompressible(block);
  } finally {
    if (!probe) own.close();
  }
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
 * (disk-layer.ts: LayerStream.release, once the upload's socket has taken it), so a publish runs on
 * the same few MiB from start to end, whatever the disk's size.
 *
 * Packing matters: node:zlib returns a member as a view into an output buffer of its full
 * `chunkSize` (about a block), so holding a 190 KiB member from zlib holds 530 KiB (when the upload
 * still kept two 5 MiB chunks of members for resends, ~28 MiB of buffers for 10 MiB of bytes). A
 * deflated member is therefore copied in here (`adopt`; a copy costs a fraction of a percent of
 * compressing it), and zlib writes the next member over it (MemberStream.rewind). Whatever buffers
 * are let go all the same are counted in `droppedBytes`, so the caller can have them collected
 * (garbage.ts). Stored members are written here directly (`take`).
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
 * One compression stream of node:zlib, kept for block after block: each block is written and
 * finished as a whole gzip member (Z_FINISH, then deflateReset: the next member starts afresh, with
 * the same bytes a new stream would write) or zstd frame (ZSTD_e_end: the next block starts a new
 * frame, facebook/zstd lib/zstd.h ZSTD_compressStream2). The work still runs on libuv's thread pool.
 * Against one zlib.gzip() or zstdCompress() call per block this saves, per block, a compressor
 * state set up and torn down (zstd's is MiBs) and an output buffer of a whole block's size that
 * only a garbage collection frees (the one-shot result is a view into it: nodejs/node
 * lib/zlib.js@v24.x, zlibBufferOnEnd); with `rewind` the stream's one output buffer serves every
 * member. A streamed zstd frame does not record its content size, which the one-shot call did;
 * readers need not know it.
 */
type MemberFormat = 'gzip' | 'zstd';

class MemberStream {
  private parts: Buffer[] = [];
  private fail: ((err: Error) => void) | undefined;
  failed = false;
  constructor(
    private readonly stream: (zlib.Gzip | zlib.ZstdCompress) & zlib.ZlibReset,
    private readonly format: MemberFormat,
  ) {
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
      this.stream.flush(this.format === 'gzip' ? zlib.constants.Z_FINISH : zlib.constants.ZSTD_e_end, () => {
        this.fail = undefined;
        const parts = this.parts;
        this.parts = [];
        if (this.failed) return;
        if (this.format === 'zstd') {
          resolve(parts);
          return;
        }
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
  /**
   * Called once the last member's pieces have been copied: the stream writes its next member over
   * them, into the same output buffer, instead of filling the buffer to its end and allocating a
   * new one. Without this every compressed byte passes through a fresh buffer that only a garbage
   * collection frees: 170 MB of them for the Debian 12 test guest, and the collections that kept
   * that memory down cost the main thread ~0.6 s of a 5 s publish. node:zlib keeps where the next
   * output goes in `_outOffset` of `_outBuffer` (nodejs/node lib/zlib.js@v24.x processChunk and
   * processCallback; unchanged since v0.x), not public API: where those fields are missing nothing
   * is rewound and the old buffers are garbage as before. Returns how many bytes of the pieces' buffers
   * became garbage.
   */
  rewind(parts: readonly Buffer[]): number {
    const internals = this.stream as unknown as { _outBuffer?: unknown; _outOffset?: unknown };
    const current = internals._outBuffer;
    const rewinds = current instanceof Uint8Array && typeof internals._outOffset === 'number';
    let garbage = 0;
    // A member that did not fit the rest of the buffer began in the one before: that one is garbage.
    for (const p of parts) if (!rewinds || p.buffer !== current.buffer) garbage += p.length;
    if (rewinds) internals._outOffset = 0;
    return garbage;
  }
  close(): void {
    this.stream.close();
  }
}

export function blockCompressor(compression: Compression, level: number, blockSize: number, members?: MemberPool): BlockCompressor {
  // One stream per block in flight (gzip's with its probe), each kept for block after block.
  interface Slot {
    members: MemberStream;
    probe?: Probe;
  }
  const idle: Slot[] = [];
  const all: Slot[] = [];
  // zlib.reset() is documented on every zlib class (nodejs/node doc/api/zlib.md@v24.x); the types omit it.
  const newSlot = (): Slot =>
    compression === 'gzip'
      ? // Each output buffer holds about two members.
        { members: new MemberStream(zlib.createGzip({ level, chunkSize: blockSize }) as zlib.Gzip & zlib.ZlibReset, 'gzip'), probe: new Probe() }
      : {
          members: new MemberStream(
            zlib.createZstdCompress({
              // Room for a block's worst case, so a frame is one piece.
              chunkSize: blockSize + (blockSize >> 6) + 4096,
              params: {
                [zlib.constants.ZSTD_c_compressionLevel]: level,
                [zlib.constants.ZSTD_c_checksumFlag]: 1,
              },
            }) as zlib.ZstdCompress & zlib.ZlibReset,
            'zstd',
          ),
        };
  // A reset keeps the stream's window, and node's zlib (Chromium's, nodejs/node deps/zlib@v24.x)
  // reads past the end of an input shorter than the last into what that one left there: such a
  // block then deflates differently from a fresh stream's output, and differently again depending
  // on which stream it lands in (Node 24.21: 521 zero bytes after a 600-byte block, 28 bytes
  // against 26). Every block but a stream's last is full-size, so the short last one gets a
  // stream of its own, and a layer is the same bytes whatever the order blocks finished in.
  const closeSlot = (slot: Slot) => {
    slot.members.close();
    slot.probe?.close();
  };
  const takeSlot = (block: Buffer): { slot: Slot; done: () => void } => {
    if (block.length < blockSize) {
      const own = newSlot();
      all.push(own);
      return {
        slot: own,
        done: () => {
          all.splice(all.indexOf(own), 1);
          closeSlot(own);
        },
      };
    }
    let slot = idle.pop();
    if (!slot) all.push((slot = newSlot()));
    const reused = slot;
    return { slot, done: () => void idle.push(reused) };
  };
  const compressOne = async (block: Buffer, into: MemberPool | undefined): Promise<Buffer> => {
    const { slot, done } = takeSlot(block);
    // A slot whose stream failed is not used again (it stays in `all`, to be closed).
    const { members: stream, probe } = slot;
    if (probe) {
      // zstd makes this call itself, per block; gzip needs the probe.
      const stored = await probe.incompressible(block);
      if (into) into.droppedBytes += probe.droppedBytes;
      probe.droppedBytes = 0;
      if (stored) {
        done();
        return storedGzipMember(block, into);
      }
    }
    const parts = await stream.member(block);
    let length = 0;
    for (const p of parts) length += p.length;
    const member = into ? into.adopt(parts, 0) : Buffer.concat(parts, length);
    const garbage = stream.rewind(parts);
    if (into) into.droppedBytes += garbage;
    done();
    if (compression === 'gzip') member[9] = GZIP_OS_UNKNOWN;
    return member;
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
    for (const slot of all) closeSlot(slot);
    all.length = 0;
    idle.length = 0;
  };
  return compress;
}

/**
 * How many blocks to have in flight: one more than there are cores, but no more than libuv's pool
 * has threads (4 unless UV_THREADPOOL_SIZE says otherwise), leaving one for the disk reads.
 *
 * The extra block is for the order: members are taken oldest first, so with one block per core a
 * core that finishes a quick block waits, idle, for the slow one before it. On 2 cores, 3 blocks
 * in flight instead of 2 published the Debian 12 test guest (451 MB) 10-15 % faster, for one
 * more block and zlib stream in memory (~1.5 MiB).
 */
export function defaultConcurrency(): number {
  const pool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  return Math.max(1, Math.min(availableParallelism() + 1, pool > 2 ? pool - 1 : pool));
}

/**
 * Compresses `blocks` with up to `concurrency` in flight and yields the results in input order.
 * Memory stays at about concurrency × 2 blocks: a new block is read only when a slot frees up and
 * the consumer has taken the oldest result.
 */
export async function* compressInOrder<In = Buffer, Out = Buffer>(
  blocks: AsyncIterable<In>,
  compress: (block: In) => Promise<Out>,
  concurrency: number,
  /** Called with each input block once it has been compressed, so its memory can be reused. */
  onCompressed?: (block: In) => void,
): AsyncGenerator<Out> {
  const pending: Promise<Out>[] = [];
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
