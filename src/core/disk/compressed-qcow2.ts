/**
 * Writes a zstd-compressed qcow2 (version 3) from a disk's guest data, compressing clusters on
 * every core. `qemu-img convert -c` compresses one cluster at a time when it writes in order, and
 * out of order (-W) the file's layout, and so its checksum, changes from run to run. Here the
 * clusters are compressed in parallel (cluster-compressor.ts) and laid out in guest order, so the
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
import { compressInOrder } from '../oci/block-compressor.js';
import { ClusterCompressor, STORE_CLUSTER, ZERO_CLUSTER, type CompressedWindow } from './cluster-compressor.js';
import type { GuestDataMap } from './guest-data-map.js';

export const CLUSTER_BITS = 16;
export const CLUSTER_SIZE = 1 << CLUSTER_BITS;
/** zstd's default level, the one QEMU compresses qcow2 clusters with (block/qcow2-threads.c qcow2_zstd_compress). */
const ZSTD_LEVEL = 3;
/** Guest bytes read and compressed as one task: fewer, larger tasks keep the threads' hand-offs rare. */
const WINDOW = 32 * CLUSTER_SIZE;
/** Host bytes gathered before one write. */
const WRITE_BATCH = 4 * 1024 * 1024;

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

/** A run of guest bytes read at once, zeros wherever the disk has no data. */
interface DataWindow {
  start: number;
  buf: ArrayBuffer;
  length: number;
}

/**
 * The windows of the disk that hold data, in guest order. Only the data extents are read: the
 * rest of a window is zero-filled, and a window without any data is never produced.
 */
async function* dataWindows(map: GuestDataMap, take: () => ArrayBuffer, signal: AbortSignal): AsyncGenerator<DataWindow> {
  const handles = new Map<string, FileHandle>();
  // The last window stops at the last cluster, zero-padded as QEMU pads it.
  const diskEnd = roundUp(map.virtualSize, CLUSTER_SIZE);
  try {
    let window: DataWindow | undefined;
    for (const e of map.extents) {
      let handle = handles.get(e.file);
      if (!handle) handles.set(e.file, (handle = await open(e.file, 'r')));
      for (let pos = e.start; pos < e.start + e.length;) {
        if (signal.aborted) throw abortReason(signal);
        const start = Math.floor(pos / WINDOW) * WINDOW;
        if (window?.start !== start) {
          if (window) yield window;
          window = { start, buf: take(), length: Math.min(WINDOW, diskEnd - start) };
          new Uint8Array(window.buf, 0, window.length).fill(0);
        }
        const end = Math.min(e.start + e.length, start + window.length);
        await readFully(handle, Buffer.from(window.buf, 0, window.length), pos - start, end - pos, e.offset + (pos - e.start), e.file);
        pos = end;
      }
    }
    if (window) yield window;
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
  private releases: (() => void)[] = [];
  private batchStart: number;
  private batchBytes = 0;
  constructor(
    private readonly handle: FileHandle,
    start: number,
  ) {
    this.pos = start;
    this.batchStart = start;
  }
  /** `bytes` is not copied: `written` says when its memory may be used again. */
  async put(bytes: Buffer, written?: () => void): Promise<void> {
    this.batch.push(bytes);
    if (written) this.releases.push(written);
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
    for (const release of this.releases) release();
    this.batchStart = this.pos;
    this.batch = [];
    this.releases = [];
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
  const compressor = new ClusterCompressor({ clusterSize: CLUSTER_SIZE, level: ZSTD_LEVEL, windowLog: CLUSTER_BITS, windowSize: WINDOW });
  try {
    const out = new HostWriter(handle, CLUSTER_SIZE);
    // Two windows per thread: one being compressed, one read and waiting, so no thread idles
    // while the oldest window is written.
    const inFlight = compressor.threads * 2;
    const windows = dataWindows(map, () => compressor.takeWindow(), signal);
    const compressed = compressInOrder(
      windows,
      async (w: DataWindow) => {
        req.onProgress?.(w.start);
        return { start: w.start, ...(await compressor.compress(w.buf, w.length)) };
      },
      inFlight,
    );
    for await (const done of compressed) {
      if (signal.aborted) throw abortReason(signal);
      await placeWindow(done.start, done);
    }

    /** Lays out one window's clusters: compressed ones packed, stored ones at a cluster boundary. */
    async function placeWindow(start: number, w: CompressedWindow): Promise<void> {
      const frames = Buffer.from(w.frames, 0, w.framesLength);
      // The frames buffer goes back to the compressor once every run of it has been written.
      let runs = 1;
      const written = () => {
        if (--runs === 0) compressor.giveFrames(w.frames);
      };
      let runStart = 0;
      let at = 0;
      const putRun = async () => {
        if (at === runStart) return;
        runs++;
        await out.put(frames.subarray(runStart, at), written);
        runStart = at;
      };
      for (let i = 0; i < w.sizes.length; i++) {
        const size = w.sizes[i]!;
        if (size === ZERO_CLUSTER) continue;
        const index = start / CLUSTER_SIZE + i;
        if (size === STORE_CLUSTER) {
          await putRun();
          // Stored as it is, which needs a whole host cluster of its own.
          await out.padTo(CLUSTER_SIZE);
          setEntry(index, BigInt(out.pos) | QCOW_OFLAG_COPIED);
          count(out.pos, out.pos + CLUSTER_SIZE - 1);
          await out.put(Buffer.from(Buffer.from(w.window, i * CLUSTER_SIZE, CLUSTER_SIZE)));
          continue;
        }
        // The position this frame will have once the run before it is put.
        const host = out.pos + (at - runStart);
        setEntry(index, compressedEntry(host, size));
        count(host, host + size - 1);
        at += size;
      }
      await putRun();
      written();
      compressor.giveWindow(w.window);
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
    await compressor.close();
    await handle.close();
  }
}
