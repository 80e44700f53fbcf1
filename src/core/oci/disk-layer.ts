/**
 * The containerDisk layer as a stream: a tar holding `disk/` and `disk/<file>`, both owned by
 * 107:107 (qemu, the user virt-launcher runs QEMU as) and read-only, compressed block by block as it
 * is read. One pass over the disk computes everything the image needs: the compressed digest and
 * size (the blob), the uncompressed digest (the config's diff ID) and the disk's own sha256 (the
 * `shasum` label). Nothing of the layer is kept beyond a few blocks in flight.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { blockCompressor, compressInOrder, DEFAULT_BLOCK_SIZE, MemberPool, storedGzipSize } from './block-compressor.js';
import type { Digest } from './digest.js';
import type { DiskInfo } from './disk-format.js';
import type { Compression } from './media-types.js';
import { garbageReclaimer } from './garbage.js';
import { TarHasher } from './tar-hasher.js';
import { encodeTarHeader, TAR_TRAILER_SIZE, tarPadding } from './tar-header.js';

/**
 * Collect dead buffers every this many bytes of them (see garbage.ts): the zlib output buffers the
 * member pool could not have rewound, and slabs beyond the ones it keeps. With the streams rewound
 * that is next to nothing; where node:zlib cannot be rewound it is every compressed byte. Counting
 * those rather than tar bytes matters: a full collection costs a few ms on the CLI's heap.
 */
const GC_EVERY_BYTES = 4 * 1024 * 1024;

export const QEMU_UID = 107;
export const QEMU_GID = 107;

export interface LayerDigests {
  /** sha256 of the compressed blob. */
  digest: Digest;
  size: number;
  /** sha256 of the uncompressed tar. */
  diffId: Digest;
  /** sha256 of the disk file itself. */
  diskDigest: Digest;
}

export interface LayerStreamOptions {
  path: string;
  disk: DiskInfo;
  compression: Compression;
  level: number;
  concurrency: number;
  blockSize?: number;
  signal?: AbortSignal;
  /** Called with the disk bytes read so far. */
  onRead?: (diskBytes: number) => void;
}

export interface LayerStream {
  /** Compressed bytes, in order. A piece stays valid until it is released. */
  chunks: AsyncGenerator<Buffer>;
  /** Hands a piece back once the consumer is done with it (each piece once), so its buffer is reused. */
  release(piece: Buffer): void;
  /** Valid once `chunks` has been read to the end. */
  digests(): LayerDigests;
}

/** The tar's layout: fixed header bytes, then the disk, then zeros (padding and end-of-archive). */
export function diskLayerTarPrefix(disk: Pick<DiskInfo, 'fileName' | 'size'>): Buffer {
  const owner = { uid: QEMU_UID, gid: QEMU_GID, uname: 'qemu', gname: 'qemu', mtime: 0 };
  return Buffer.concat([encodeTarHeader({ name: 'disk/', type: 'directory', mode: 0o555, size: 0, ...owner }), encodeTarHeader({ name: `disk/${disk.fileName}`, type: 'file', mode: 0o444, size: disk.size, ...owner })]);
}

export function diskLayerTarSize(disk: Pick<DiskInfo, 'fileName' | 'size'>): number {
  return diskLayerTarPrefix(disk).length + disk.size + tarPadding(disk.size) + TAR_TRAILER_SIZE;
}

/**
 * A fixed set of block buffers. A block is busy from its read until the compressor is done with it;
 * the reader waits for a free one, so the memory of the stream is this set and nothing more.
 */
class BlockPool {
  private readonly free: Buffer[] = [];
  private readonly waiting: ((b: Buffer) => void)[] = [];
  constructor(
    private readonly size: number,
    count: number,
  ) {
    for (let i = 0; i < count; i++) this.free.push(Buffer.allocUnsafeSlow(size));
  }
  async take(length: number): Promise<Buffer> {
    const buf = this.free.pop() ?? (await new Promise<Buffer>((resolve) => this.waiting.push(resolve)));
    return buf.subarray(0, length);
  }
  give(block: Buffer): void {
    // subarray shares memory; hand back a view over the whole allocation.
    const whole = Buffer.from(block.buffer, block.byteOffset, this.size);
    const waiter = this.waiting.shift();
    if (waiter) waiter(whole);
    else this.free.push(whole);
  }
}

/** A block of the uncompressed tar and where the disk's bytes lie in it. */
interface TarBlock {
  block: Buffer;
  diskFrom: number;
  diskTo: number;
}

/** The uncompressed tar, cut into blocks of `blockSize` bytes (the last may be shorter). */
async function* tarBlocks(opts: LayerStreamOptions, blockSize: number, pool: BlockPool): AsyncGenerator<TarBlock> {
  const prefix = diskLayerTarPrefix(opts.disk);
  const diskStart = prefix.length;
  const diskEnd = diskStart + opts.disk.size;
  const total = diskLayerTarSize(opts.disk);
  const fh = await open(opts.path, 'r');
  try {
    for (let offset = 0; offset < total; offset += blockSize) {
      opts.signal?.throwIfAborted();
      const end = Math.min(offset + blockSize, total);
      const block = await pool.take(end - offset);
      // Everything not read from the disk is tar header or zero padding.
      if (offset < diskStart) prefix.copy(block, 0, offset, Math.min(diskStart, end));
      if (end > diskEnd) block.fill(0, Math.max(diskEnd, offset) - offset);
      const from = Math.max(offset, diskStart);
      const to = Math.min(end, diskEnd);
      // One large positioned read per block (no stream, no intermediate buffer).
      for (let pos = from; pos < to;) {
        const { bytesRead } = await fh.read(block, pos - offset, to - pos, pos - diskStart);
        if (bytesRead === 0) throw new Error(`${opts.path} shrank while it was being read (expected ${opts.disk.size} bytes)`);
        pos += bytesRead;
      }
      if (to > from) opts.onRead?.(to - diskStart);
      yield { block, diskFrom: Math.max(0, from - offset), diskTo: Math.max(0, to - offset) };
    }
  } finally {
    await fh.close();
  }
}

export function streamDiskLayer(opts: LayerStreamOptions): LayerStream {
  const blockSize = opts.blockSize ?? DEFAULT_BLOCK_SIZE;
  const blobHash = createHash('sha256');
  let size = 0;
  let result: LayerDigests | undefined;
  const reclaim = garbageReclaimer(GC_EVERY_BYTES);
  // Slabs of one stored (worst-case) member. The consumer hands each piece back before it asks for
  // the next (the upload: once the socket has taken it), so at most `concurrency` members are live
  // (done, or waiting their turn) besides the one being sent; a slab is free again once all its
  // members are, so live slabs are at most one per live member plus the one being filled. Slabs of
  // two members held ~0.6 MiB more at peak (Debian 12 test guest): a slab stays until its last
  // member goes back.
  const slabSize = storedGzipSize(blockSize);
  const members = new MemberPool(slabSize, opts.concurrency + 2);
  async function* chunks(): AsyncGenerator<Buffer> {
    // Blocks being compressed and one read ahead.
    const pool = new BlockPool(blockSize, opts.concurrency + 1);
    const hasher = new TarHasher();
    async function* hashedBlocks(): AsyncGenerator<Buffer> {
      for await (const { block, diskFrom, diskTo } of tarBlocks(opts, blockSize, pool)) {
        hasher.update(block, diskFrom, diskTo);
        yield block;
      }
    }
    const compress = blockCompressor(opts.compression, opts.level, blockSize, members);
    let dropped = 0;
    try {
      for await (const out of compressInOrder(hashedBlocks(), compress, opts.concurrency, (block) => pool.give(block))) {
        blobHash.update(out);
        size += out.length;
        // Every member is in the pool but the shared zero member; what was let go is zlib's buffers.
        if (members.droppedBytes !== dropped) {
          reclaim(members.droppedBytes - dropped);
          dropped = members.droppedBytes;
        }
        // The consumer releases the piece when done with it (the upload: once the registry has it).
        yield out;
      }
      const { tar, disk } = hasher.digests();
      result = {
        digest: `sha256:${blobHash.digest('hex')}`,
        size,
        diffId: `sha256:${tar}`,
        diskDigest: `sha256:${disk}`,
      };
    } finally {
      compress.close?.();
    }
  }
  return {
    chunks: chunks(),
    release(piece) {
      members.give(piece);
    },
    digests() {
      if (!result) throw new Error('layer digests read before the layer stream ended');
      return result;
    },
  };
}
