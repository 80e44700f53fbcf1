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
export const DEFAULT_LEVEL: Record<Compression, number> = { gzip: 6, zstd: 3 };
export const LEVEL_RANGE: Record<Compression, [number, number]> = { gzip: [1, 9], zstd: [1, 19] };

const gzipAsync = promisify(zlib.gzip);
const deflateRawAsync = promisify(zlib.deflateRaw);
const zstdAsync = promisify(zlib.zstdCompress);

/** gzip's OS byte: "unknown", as Go writes it, so the bytes do not depend on the host's zlib build. */
const GZIP_OS_UNKNOWN = 0xff;

export type BlockCompressor = (block: Buffer) => Promise<Buffer>;

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

export async function looksIncompressible(block: Buffer): Promise<boolean> {
  if (block.length < PROBE_SAMPLES * PROBE_SAMPLE_SIZE * 2) return false;
  const stride = Math.floor((block.length - PROBE_SAMPLE_SIZE) / (PROBE_SAMPLES - 1));
  // One deflate over the samples side by side: one compressor state instead of one per sample.
  const sample = Buffer.concat(Array.from({ length: PROBE_SAMPLES }, (_, i) => block.subarray(i * stride, i * stride + PROBE_SAMPLE_SIZE)));
  const out = await deflateRawAsync(sample, { level: 1, chunkSize: sample.length + 1024 });
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
 * Output buffers for stored members, handed back by the consumer once it is done with a member
 * (disk-layer.ts: LayerStream.release). Without them every stored block is a fresh off-heap
 * allocation that only a garbage collection frees.
 */
export class MemberPool {
  private readonly free: Buffer[] = [];
  private readonly owned = new WeakSet<ArrayBufferLike>();
  /** Bytes of pooled buffers let go because the pool was full: garbage for the collector. */
  droppedBytes = 0;
  constructor(
    private readonly size: number,
    private readonly keep: number,
  ) {}
  take(length: number): Buffer {
    let buf = this.free.pop();
    if (!buf) {
      buf = Buffer.allocUnsafeSlow(this.size);
      this.owned.add(buf.buffer);
    }
    return buf.subarray(0, length);
  }
  owns(buf: Buffer): boolean {
    return this.owned.has(buf.buffer);
  }
  /** Takes back a buffer from take(); anything else is ignored. */
  give(buf: Buffer): void {
    if (!this.owned.has(buf.buffer)) return;
    if (this.free.length < this.keep) this.free.push(Buffer.from(buf.buffer, 0, this.size));
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

export function blockCompressor(compression: Compression, level: number, blockSize: number, members?: MemberPool): BlockCompressor {
  // One output buffer per call: node grows its output in chunkSize steps, and a chunk bigger than any
  // block's worst case means one pass on the thread pool instead of one round trip per 16 KiB.
  const chunkSize = blockSize + (blockSize >> 6) + 4096;
  const compressOne: BlockCompressor =
    compression === 'gzip'
      ? async (block) => {
          if (await looksIncompressible(block)) return storedGzipMember(block, members);
          const out = await gzipAsync(block, { level, chunkSize });
          out[9] = GZIP_OS_UNKNOWN;
          return out;
        }
      : (block) =>
          zstdAsync(block, {
            chunkSize,
            params: { [zlib.constants.ZSTD_c_compressionLevel]: level, [zlib.constants.ZSTD_c_checksumFlag]: 1 },
          });
  // Disks are full of zeroed space; a zero block always compresses to the same member, so compress
  // it once. The output is identical to compressing it again, only faster.
  const zeroBlock = Buffer.alloc(blockSize);
  let zeroMember: Promise<Buffer> | undefined;
  return (block) => {
    if (block.length === blockSize && block.equals(zeroBlock)) {
      zeroMember ??= compressOne(zeroBlock);
      return zeroMember;
    }
    return compressOne(block);
  };
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
