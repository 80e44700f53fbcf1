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
import { encodeTarHeader, TAR_TRAILER_SIZE, tarPadding } from './tar-header.js';

/**
 * Collect dead buffers every this many bytes of freshly allocated compressor output (see
 * garbage.ts). Counting output rather than tar bytes matters: a zero block's member is shared and
 * a stored member is a fresh copy, so what piles up is the output, and a full collection costs
 * ~10 ms on the CLI's heap, too much to pay every 2 MiB of disk.
 */
const GC_EVERY_BYTES = 8 * 1024 * 1024;

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
  /** Compressed bytes, in order. */
  chunks: AsyncGenerator<Buffer>;
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
 * Block buffers handed out again once the compressor is done with them: a few blocks are alive at
 * any time, and reusing them means the stream creates no garbage on the way in.
 */
class BlockPool {
  private readonly free: Buffer[] = [];
  constructor(private readonly size: number) {}
  take(length: number): Buffer {
    const buf = this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
    return buf.subarray(0, length);
  }
  give(block: Buffer): void {
    // subarray shares memory; hand back a view over the whole allocation.
    if (block.buffer.byteLength >= this.size && this.free.length < 16) this.free.push(Buffer.from(block.buffer, block.byteOffset, this.size));
  }
}

/** The uncompressed tar, cut into blocks of `blockSize` bytes (the last may be shorter). */
async function* tarBlocks(opts: LayerStreamOptions, blockSize: number, pool: BlockPool, onTar: (block: Buffer) => void, onDisk: (bytes: Buffer) => void): AsyncGenerator<Buffer> {
  const prefix = diskLayerTarPrefix(opts.disk);
  const diskStart = prefix.length;
  const diskEnd = diskStart + opts.disk.size;
  const total = diskLayerTarSize(opts.disk);
  const fh = await open(opts.path, 'r');
  try {
    for (let offset = 0; offset < total; offset += blockSize) {
      opts.signal?.throwIfAborted();
      const end = Math.min(offset + blockSize, total);
      const block = pool.take(end - offset);
      // Everything not read from the disk is tar header or zero padding.
      if (offset < diskStart) prefix.copy(block, 0, offset, Math.min(diskStart, end));
      if (end > diskEnd) block.fill(0, Math.max(diskEnd, offset) - offset);
      const from = Math.max(offset, diskStart);
      const to = Math.min(end, diskEnd);
      for (let pos = from; pos < to;) {
        const { bytesRead } = await fh.read(block, pos - offset, to - pos, pos - diskStart);
        if (bytesRead === 0) throw new Error(`${opts.path} shrank while it was being read (expected ${opts.disk.size} bytes)`);
        pos += bytesRead;
      }
      if (to > from) {
        onDisk(block.subarray(from - offset, to - offset));
        opts.onRead?.(to - diskStart);
      }
      onTar(block);
      yield block;
    }
  } finally {
    await fh.close();
  }
}

export function streamDiskLayer(opts: LayerStreamOptions): LayerStream {
  const blockSize = opts.blockSize ?? DEFAULT_BLOCK_SIZE;
  const tarHash = createHash('sha256');
  const diskHash = createHash('sha256');
  const blobHash = createHash('sha256');
  let size = 0;
  let result: LayerDigests | undefined;
  const pool = new BlockPool(blockSize);
  const reclaim = garbageReclaimer(GC_EVERY_BYTES);
  const blocks = tarBlocks(
    opts,
    blockSize,
    pool,
    (b) => tarHash.update(b),
    (b) => diskHash.update(b),
  );
  async function* chunks(): AsyncGenerator<Buffer> {
    // Members in flight, the one the consumer holds, and one spare.
    const members = new MemberPool(storedGzipSize(blockSize), opts.concurrency + 2);
    const compress = blockCompressor(opts.compression, opts.level, blockSize, members);
    let previous: ArrayBufferLike | undefined;
    for await (const out of compressInOrder(blocks, compress, opts.concurrency, (b) => pool.give(b))) {
      blobHash.update(out);
      size += out.length;
      // Pooled members and the same member again (a run of zero blocks) allocate nothing new.
      if (out.buffer !== previous && !members.owns(out)) reclaim(out.buffer.byteLength);
      previous = out.buffer;
      yield out;
      // Both consumers (the registry upload and the OCI layout) are done with a piece once they ask
      // for the next one, so its buffer can take the next stored member.
      members.give(out);
    }
    result = {
      digest: `sha256:${blobHash.digest('hex')}`,
      size,
      diffId: `sha256:${tarHash.digest('hex')}`,
      diskDigest: `sha256:${diskHash.digest('hex')}`,
    };
  }
  return {
    chunks: chunks(),
    digests() {
      if (!result) throw new Error('layer digests read before the layer stream ended');
      return result;
    },
  };
}
