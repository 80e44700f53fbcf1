/**
 * Compresses a qcow2's clusters with zstd on worker threads, a window of clusters per task.
 *
 * A cluster is 64 KiB, which zstd compresses in about a quarter of a millisecond. Handed to libuv's
 * thread pool one cluster at a time (node:zlib's async API, as the OCI layers' 512 KiB blocks are),
 * the hand-offs and stream events on the main thread cost about as much as the compression: on the
 * Debian test guest's 456 MB, 4 streams in flight took 1.85 s on 2 cores, where one thread alone
 * compressing synchronously took 1.6-1.9 s. A worker instead takes a whole window, finds its zero
 * clusters and compresses the others synchronously, then hands back every frame packed in one
 * buffer: 2 workers took 1.23-1.35 s (Node 24.21, AMD EPYC, 2 cores).
 *
 * The window and frame buffers travel to the worker and back (transferred, not copied) and are used
 * again for later windows: fresh buffers per window are external memory that V8 frees only with
 * full mark-compacts, which a build's heap makes slow.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Each worker is an isolate of its own (~14 MB resident, measured on Node 24.21) with two 2 MiB
 * windows in flight. At ~240 MB/s per thread (measured here), 8 compress about 2 GB/s, more than a
 * runner's disk reads; and a module of VMs exports its disks side by side.
 */
const MAX_THREADS = 8;

/** For one cluster: all zeros (not stored at all). */
export const ZERO_CLUSTER = 0;
/** For one cluster: its frame is no smaller than the cluster, so it is stored whole. */
export const STORE_CLUSTER = -1;

export interface CompressedWindow {
  /** The window's bytes, back from the worker; giveWindow() it once done with it. */
  window: ArrayBuffer;
  /** The compressed clusters' frames, packed in guest order (stored and zero clusters have none). */
  frames: ArrayBuffer;
  framesLength: number;
  /** Per cluster of the window: ZERO_CLUSTER, STORE_CLUSTER, or the length of its frame. */
  sizes: Int32Array;
}

interface Task {
  id: number;
  window: ArrayBuffer;
  length: number;
  frames: ArrayBuffer;
}

interface Reply {
  id: number;
  window?: ArrayBuffer;
  frames?: ArrayBuffer;
  framesLength?: number;
  sizes?: Int32Array;
  error?: string;
}

/**
 * The worker's source, run with `eval` so that it survives bundling as it is (a file of its own
 * would need its own bundle entry and path). CommonJS, because an eval'd worker is a script.
 * zstdCompressSync per cluster, with zstd's defaults otherwise, as QEMU compresses a qcow2 cluster
 * (qemu/qemu block/qcow2-threads.c qcow2_zstd_compress @v7.2.0: ZSTD_compressStream2 on a fresh
 * context, level 3, no checksum); a window log of the cluster's size tells a reader it needs no more
 * memory than a cluster for any frame.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const zlib = require('node:zlib');
const { clusterSize, level, windowLog } = workerData;
const options = { params: { [zlib.constants.ZSTD_c_compressionLevel]: level, [zlib.constants.ZSTD_c_windowLog]: windowLog } };
const zero = Buffer.alloc(clusterSize);
parentPort.on('message', (task) => {
  try {
    const data = Buffer.from(task.window, 0, task.length);
    const frames = Buffer.from(task.frames);
    const sizes = new Int32Array(Math.ceil(task.length / clusterSize));
    let at = 0;
    for (let i = 0; i < sizes.length; i++) {
      const cluster = data.subarray(i * clusterSize, (i + 1) * clusterSize);
      if (cluster.equals(zero)) continue;
      const frame = zlib.zstdCompressSync(cluster, options);
      if (frame.length >= clusterSize) { sizes[i] = ${STORE_CLUSTER}; continue; }
      frame.copy(frames, at);
      at += frame.length;
      sizes[i] = frame.length;
    }
    parentPort.postMessage({ id: task.id, window: task.window, frames: task.frames, framesLength: at, sizes }, [task.window, task.frames, sizes.buffer]);
  } catch (err) {
    parentPort.postMessage({ id: task.id, error: String(err && err.stack || err) });
  }
});
`;

export interface ClusterCompressorOptions {
  clusterSize: number;
  level: number;
  windowLog: number;
  /** Bytes of a window: a whole number of clusters. */
  windowSize: number;
  threads?: number;
}

export class ClusterCompressor {
  /** Workers and whether each has a task. */
  private readonly workers: { worker: Worker; busy: boolean }[] = [];
  private readonly queue: Task[] = [];
  private readonly waiting = new Map<number, { resolve: (w: CompressedWindow) => void; reject: (err: Error) => void }>();
  private readonly freeWindows: ArrayBuffer[] = [];
  private readonly freeFrames: ArrayBuffer[] = [];
  private nextId = 0;
  private failure: Error | undefined;
  readonly threads: number;

  constructor(private readonly options: ClusterCompressorOptions) {
    this.threads = Math.max(1, options.threads ?? Math.min(availableParallelism(), MAX_THREADS));
    const workerData = { clusterSize: options.clusterSize, level: options.level, windowLog: options.windowLog };
    for (let i = 0; i < this.threads; i++) {
      const entry = { worker: new Worker(WORKER_SOURCE, { eval: true, workerData }), busy: false };
      entry.worker.on('message', (reply: Reply) => this.answered(entry, reply));
      entry.worker.on('error', (err) => this.fail(new Error(`cluster compression failed: ${err.message}`)));
      entry.worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a cluster compression thread exited with status ${code}`));
      });
      this.workers.push(entry);
    }
  }

  /** A window buffer to read guest bytes into (used again once given back). */
  takeWindow(): ArrayBuffer {
    return this.freeWindows.pop() ?? new ArrayBuffer(this.options.windowSize);
  }

  giveWindow(window: ArrayBuffer): void {
    this.freeWindows.push(window);
  }

  /** Frame buffers are given back once the frames in them have been written. */
  giveFrames(frames: ArrayBuffer): void {
    this.freeFrames.push(frames);
  }

  /** Compresses the first `length` bytes of `window`, which is the worker's until the answer. */
  compress(window: ArrayBuffer, length: number): Promise<CompressedWindow> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    // Frames of clusters that shrink never add up to more than the window itself.
    const frames = this.freeFrames.pop() ?? new ArrayBuffer(this.options.windowSize);
    const answer = new Promise<CompressedWindow>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.queue.push({ id, window, length, frames });
    this.dispatch();
    return answer;
  }

  private dispatch(): void {
    for (const entry of this.workers) {
      if (entry.busy) continue;
      const task = this.queue.shift();
      if (!task) return;
      entry.busy = true;
      entry.worker.postMessage(task, [task.window, task.frames]);
    }
  }

  private answered(entry: { busy: boolean }, reply: Reply): void {
    entry.busy = false;
    const waiter = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    if (reply.error !== undefined || !reply.window || !reply.frames || !reply.sizes) {
      this.fail(new Error(`cluster compression failed: ${reply.error ?? 'the worker sent an incomplete answer'}`));
    } else {
      waiter?.resolve({ window: reply.window, frames: reply.frames, framesLength: reply.framesLength ?? 0, sizes: reply.sizes });
    }
    this.dispatch();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiting.values()) w.reject(this.failure);
    this.waiting.clear();
    this.queue.length = 0;
  }

  async close(): Promise<void> {
    this.fail(new Error('the cluster compressor was closed'));
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
