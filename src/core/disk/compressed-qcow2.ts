/**
 * Writes a zstd-compressed qcow2 (version 3) from a disk's guest data, compressing clusters on
 * every core. `qemu-img convert -c` compresses one cluster at a time when it writes in order, and
 * out of order (-W) the file's layout, and so its checksum, changes from run to run. Here the
 * clusters are compressed in parallel (block-compressor.ts) and laid out in guest order, so the
 * same disk always gives the same bytes.
 *
 * The format is qemu/qemu docs/interop/qcow2.txt @v7.2.0. The file is:
 *   cluster 0        the header (the compression type field of version 3 says zstd);
 *   then             the compressed clusters, packed byte after byte as QEMU packs them
 *                    (block/qcow2-cluster.c qcow2_alloc_compressed_cluster_offset), and a cluster
 *                    that does not shrink stored whole at the next cluster boundary, as QEMU does
 *                    when compression does not get below a cluster (block/qcow2.c
 *                    qcow2_co_pwritev_compressed_task);
 *   then             the L2 tables, the L1 table, the refcount table and its blocks.
 * A compressed cluster's L2 entry holds its byte offset and the number of 512-byte sectors it
 * touches after the first; every host cluster those sectors touch is counted once per compressed
 * cluster in it (block/qcow2-refcount.c check_refcounts_l2), which is what `qemu-img check` verifies.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { abortReason } from '../abort.js';
import { MemberPool, blockCompressor, compressInOrder, defaultConcurrency } from '../oci/block-compressor.js';
import type { GuestDataMap } from './guest-data-map.js';

export const CLUSTER_BITS = 16;
export const CLUSTER_SIZE = 1 << CLUSTER_BITS;
/** zstd's default level, the one QEMU compresses qcow2 clusters with (block/qcow2-threads.c qcow2_zstd_compress). */
const ZSTD_LEVEL = 3;
/** Guest bytes read and split into clusters at a time. */
const WINDOW = 16 * CLUSTER_SIZE;
/** Host bytes gathered before one write. */
const WRITE_BATCH = 4 * 1024 * 1024;
/** Compressed frames are gathered in slabs of this size, as many as a write batch and the frames in flight take. */
const FRAME_SLAB = 1024 * 1024;
const FRAME_SLABS_KEPT = 8;

const L2_ENTRIES = CLUSTER_SIZE / 8;
/** refcount_order 4: 16-bit counts, the default since QEMU 2.3. */
const REFCOUNT_ORDER = 4;
const REFCOUNTS_PER_BLOCK = (CLUSTER_SIZE * 8) >> REFCOUNT_ORDER;
const HEADER_LENGTH = 112;
const QCOW_OFLAG_COPIED = 1n << 63n;
const QCOW_OFLAG_COMPRESSED = 1n << 62n;
/** Bits of an L2 entry where a compressed cluster's extra sector count starts (x = 62 - (cluster_bits - 8)). */
const CSIZE_SHIFT = 62n - BigInt(CLUSTER_BITS - 8);
const INCOMPAT_COMPRESSION = 1n << 3n;
const COMPRESSION_TYPE_ZSTD = 1;

const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;

/** The L2 entry of a compressed cluster of `length` bytes at host byte `offset`. */
export function compressedEntry(offset: number, length: number): bigint {
  const extraSectors = Math.floor((offset + length - 1) / 512) - Math.floor(offset / 512);
  return BigInt(offset) | QCOW_OFLAG_COMPRESSED | (BigInt(extraSectors) << CSIZE_SHIFT);
}

/** Host clusters of the refcount structures needed for a file that already has `clusters` clusters. */
export function refcountClusters(clusters: number): { blocks: number; table: number } {
  let blocks = 0;
  let table = 0;
  // The structures count themselves too: grow them until they cover the file they end.
  for (;;) {
    const needBlocks = Math.ceil((clusters + blocks + table) / REFCOUNTS_PER_BLOCK);
    const needTable = Math.ceil((needBlocks * 8) / CLUSTER_SIZE);
    if (needBlocks === blocks && needTable === table) return { blocks, table };
    blocks = needBlocks;
    table = needTable;
  }
}

export function qcow2Header(f: { virtualSize: number; l1Entries: number; l1Offset: number; refcountTableOffset: number; refcountTableClusters: number }): Buffer {
  const h = Buffer.alloc(CLUSTER_SIZE);
  h.write('QFI\xfb', 0, 'latin1');
  h.writeUInt32BE(3, 4);
  h.writeUInt32BE(CLUSTER_BITS, 20);
  h.writeBigUInt64BE(BigInt(f.virtualSize), 24);
  h.writeUInt32BE(f.l1Entries, 36);
  h.writeBigUInt64BE(BigInt(f.l1Offset), 40);
  h.writeBigUInt64BE(BigInt(f.refcountTableOffset), 48);
  h.writeUInt32BE(f.refcountTableClusters, 56);
  h.writeBigUInt64BE(INCOMPAT_COMPRESSION, 72);
  h.writeUInt32BE(REFCOUNT_ORDER, 96);
  h.writeUInt32BE(HEADER_LENGTH, 100);
  h.writeUInt8(COMPRESSION_TYPE_ZSTD, 104);
  // Bytes 112 on are zero: an end-of-extensions marker (type 0, length 0).
  return h;
}

/** A run of guest bytes read at once; its clusters are views into it until they are written. */
interface Window {
  start: number;
  buf: Buffer;
  /** The pooled buffer `buf` is the start of (shorter only at the disk's end). */
  whole: Buffer;
  /** Clusters cut from it and not yet consumed. */
  users: number;
  cut: boolean;
}

interface GuestCluster {
  index: number;
  data: Buffer;
  window: Window;
}

/**
 * Window buffers taken again once every cluster cut from them is consumed. Buffers allocated
 * afresh for each window (and each compressed frame, see MemberPool) are external memory that V8
 * collects with full mark-compacts: with the build's heap around it, 20 of them doubled the
 * export of the Debian guest's disk (1.6 s to 2.8 s with a 90 MB heap beside it).
 */
class WindowPool {
  private readonly free: Buffer[] = [];
  take(start: number, length: number): Window {
    const whole = this.free.pop() ?? Buffer.allocUnsafeSlow(WINDOW);
    const buf = whole.subarray(0, length);
    // Only the data extents are read into it: everything else must read as zeros.
    buf.fill(0);
    return { start, buf, whole, users: 0, cut: false };
  }
  /** One of the window's clusters is consumed (or, with none left to cut, the window is done). */
  release(w: Window, cluster: boolean): void {
    if (cluster) w.users--;
    if (w.cut && w.users === 0) this.free.push(w.whole);
  }
}

/** The disk's clusters that are not all zeros, in guest order, read window by window. */
async function* nonZeroClusters(map: GuestDataMap, pool: WindowPool, signal: AbortSignal, onRead: (guestOffset: number) => void): AsyncGenerator<GuestCluster> {
  const handles = new Map<string, FileHandle>();
  const zero = Buffer.alloc(CLUSTER_SIZE);
  try {
    let window: Window | undefined;
    const cut = function* (w: Window) {
      for (let at = 0; at < w.buf.length; at += CLUSTER_SIZE) {
        const data = w.buf.subarray(at, at + CLUSTER_SIZE);
        if (data.equals(zero)) continue;
        w.users++;
        yield { index: (w.start + at) / CLUSTER_SIZE, data, window: w };
      }
      w.cut = true;
      pool.release(w, false);
    };
    for (const e of map.extents) {
      let handle = handles.get(e.file);
      if (!handle) handles.set(e.file, (handle = await open(e.file, 'r')));
      for (let pos = e.start; pos < e.start + e.length;) {
        if (signal.aborted) throw abortReason(signal);
        const start = Math.floor(pos / WINDOW) * WINDOW;
        if (window?.start !== start) {
          if (window) yield* cut(window);
          onRead(start);
          // The last window stops at the last cluster, zero-padded as QEMU pads it.
          window = pool.take(start, Math.min(WINDOW, roundUp(map.virtualSize, CLUSTER_SIZE) - start));
        }
        const end = Math.min(e.start + e.length, start + window.buf.length);
        await readFully(handle, window.buf, pos - start, end - pos, e.offset + (pos - e.start), e.file);
        pos = end;
      }
    }
    if (window) yield* cut(window);
  } finally {
    for (const h of handles.values()) await h.close();
  }
}

async function readFully(handle: FileHandle, buf: Buffer, at: number, length: number, position: number, file: string): Promise<void> {
  for (let done = 0; done < length;) {
    const { bytesRead } = await handle.read(buf, at + done, length - done, position + done);
    if (bytesRead === 0) throw new Error(`${file} ended at byte ${position + done}, inside the data qemu-img map reported`);
    done += bytesRead;
  }
}

/** Sequential writes gathered into large ones; `pos` is the next host byte. */
class HostWriter {
  pos: number;
  private batch: Buffer[] = [];
  private batchStart: number;
  private batchBytes = 0;
  constructor(
    private readonly handle: FileHandle,
    start: number,
    /** Takes back the pooled frames once written. */
    private readonly written: (buf: Buffer) => void,
  ) {
    this.pos = start;
    this.batchStart = start;
  }
  async put(bytes: Buffer): Promise<void> {
    this.batch.push(bytes);
    this.batchBytes += bytes.length;
    this.pos += bytes.length;
    if (this.batchBytes >= WRITE_BATCH) await this.flush();
  }
  async padTo(boundary: number): Promise<void> {
    const target = roundUp(this.pos, boundary);
    if (target > this.pos) await this.put(Buffer.alloc(target - this.pos));
  }
  async flush(): Promise<void> {
    if (this.batchBytes === 0) return;
    let done = (await this.handle.writev(this.batch, this.batchStart)).bytesWritten;
    // A short vectored write (rare on a regular file) finishes from one joined buffer.
    if (done < this.batchBytes) {
      const data = Buffer.concat(this.batch, this.batchBytes);
      while (done < data.length) done += (await this.handle.write(data, done, data.length - done, this.batchStart + done)).bytesWritten;
    }
    for (const b of this.batch) this.written(b);
    this.batchStart = this.pos;
    this.batch = [];
    this.batchBytes = 0;
  }
}

export interface WriteCompressedQcow2Request {
  map: GuestDataMap;
  destination: string;
  signal: AbortSignal;
  /** Guest bytes gone through so far. */
  onProgress?: (guestBytes: number) => void;
}

export async function writeCompressedQcow2(req: WriteCompressedQcow2Request): Promise<void> {
  const { map, signal } = req;
  const l1Entries = Math.ceil(map.virtualSize / (CLUSTER_SIZE * L2_ENTRIES));
  const l2Tables = new Map<number, Buffer>();
  const refcounts: number[] = [1];
  const count = (firstByte: number, lastByte: number) => {
    for (let c = Math.floor(firstByte / CLUSTER_SIZE); c <= Math.floor(lastByte / CLUSTER_SIZE); c++) refcounts[c] = (refcounts[c] ?? 0) + 1;
  };
  const setEntry = (guestCluster: number, entry: bigint) => {
    const table = Math.floor(guestCluster / L2_ENTRIES);
    let l2 = l2Tables.get(table);
    if (!l2) l2Tables.set(table, (l2 = Buffer.alloc(CLUSTER_SIZE)));
    l2.writeBigUInt64BE(entry, (guestCluster % L2_ENTRIES) * 8);
  };

  const handle = await open(req.destination, 'w');
  // Frames are copied into slabs used again once written (WindowPool says why).
  const frames = new MemberPool(FRAME_SLAB, FRAME_SLABS_KEPT);
  const compress = blockCompressor('zstd', ZSTD_LEVEL, CLUSTER_SIZE, frames, CLUSTER_BITS);
  try {
    const out = new HostWriter(handle, CLUSTER_SIZE, (b) => frames.give(b));
    const pool = new WindowPool();
    // Clusters leave the compressor in the order they went in; this queue pairs them up again.
    const queued: GuestCluster[] = [];
    const source = async function* () {
      for await (const c of nonZeroClusters(map, pool, signal, (at) => req.onProgress?.(at))) {
        queued.push(c);
        yield c.data;
      }
    };
    for await (const frame of compressInOrder(source(), compress, defaultConcurrency())) {
      const cluster = queued.shift();
      if (!cluster) throw new Error('compressed qcow2: more compressed clusters than clusters read');
      if (frame.length < CLUSTER_SIZE) {
        setEntry(cluster.index, compressedEntry(out.pos, frame.length));
        count(out.pos, out.pos + frame.length - 1);
        await out.put(frame);
      } else {
        // Stored as it is, which needs a whole host cluster of its own.
        frames.give(frame);
        await out.padTo(CLUSTER_SIZE);
        setEntry(cluster.index, BigInt(out.pos) | QCOW_OFLAG_COPIED);
        count(out.pos, out.pos + CLUSTER_SIZE - 1);
        await out.put(Buffer.from(cluster.data));
      }
      pool.release(cluster.window, true);
    }
    if (signal.aborted) throw abortReason(signal);
    await out.padTo(CLUSTER_SIZE);

    const l1 = Buffer.alloc(roundUp(l1Entries * 8, CLUSTER_SIZE));
    for (const index of [...l2Tables.keys()].sort((a, b) => a - b)) {
      l1.writeBigUInt64BE(BigInt(out.pos) | QCOW_OFLAG_COPIED, index * 8);
      count(out.pos, out.pos);
      await out.put(l2Tables.get(index)!);
    }
    const l1Offset = out.pos;
    count(l1Offset, l1Offset + l1.length - 1);
    await out.put(l1);

    const { blocks, table } = refcountClusters(out.pos / CLUSTER_SIZE);
    const tableOffset = out.pos;
    const firstBlock = tableOffset + table * CLUSTER_SIZE;
    count(tableOffset, firstBlock + blocks * CLUSTER_SIZE - 1);
    const refTable = Buffer.alloc(table * CLUSTER_SIZE);
    const refBlocks = Buffer.alloc(blocks * CLUSTER_SIZE);
    for (let b = 0; b < blocks; b++) refTable.writeBigUInt64BE(BigInt(firstBlock + b * CLUSTER_SIZE), b * 8);
    for (const [c, n] of refcounts.entries()) {
      if (n > 0xffff) throw new Error(`compressed qcow2: host cluster ${c} is referenced ${n} times, more than 16-bit refcounts hold`);
      if (n) refBlocks.writeUInt16BE(n, c * 2);
    }
    await out.put(refTable);
    await out.put(refBlocks);
    await out.flush();

    const header = qcow2Header({ virtualSize: map.virtualSize, l1Entries, l1Offset, refcountTableOffset: tableOffset, refcountTableClusters: table });
    await handle.write(header, 0, header.length, 0);
    req.onProgress?.(map.virtualSize);
  } finally {
    compress.close?.();
    await handle.close();
  }
}
