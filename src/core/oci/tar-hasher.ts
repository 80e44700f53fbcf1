/**
 * The two digests taken over the uncompressed layer — the tar's (the config's diff ID) and the
 * disk file's own (the `shasum` label) — inline, or on a worker thread. SHA-256 is strictly
 * sequential, so each stream can use one core at most. The layer stream hashes inline by default
 * (disk-layer.ts: with SHA extensions the digests are a small part of the work, and the worker's
 * isolate costs ~12 MiB); the worker is there for CPUs without them, where the hashing can make
 * the main thread the bottleneck. It reads the same shared memory the blocks were read into, so
 * nothing is copied: a block is handed back to the reader once the worker has hashed it and the
 * compressor is done with it.
 *
 * The worker is one small script (no bundle needed: it is passed as source). Where a worker cannot
 * start, the same digests are taken inline.
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

export interface TarHasher {
  /**
   * Adds a block of tar bytes, of which [diskFrom, diskTo) are disk bytes. Blocks are hashed in the
   * order given; the promise resolves once the block's memory may be reused.
   */
  update(block: Buffer, diskFrom: number, diskTo: number): Promise<void>;
  /** Hex digests of everything added; call once, after the last update. */
  digests(): Promise<{ tar: string; disk: string }>;
  close(): Promise<void>;
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const tar = createHash('sha256');
const disk = createHash('sha256');
parentPort.on('message', (m) => {
  if (m === 'end') {
    parentPort.postMessage({ tar: tar.digest('hex'), disk: disk.digest('hex') });
    return;
  }
  const bytes = new Uint8Array(m.buffer, m.offset, m.length);
  tar.update(bytes);
  if (m.diskTo > m.diskFrom) disk.update(bytes.subarray(m.diskFrom, m.diskTo));
  parentPort.postMessage(m.id);
});
`;

class InlineTarHasher implements TarHasher {
  private readonly tar = createHash('sha256');
  private readonly disk = createHash('sha256');
  update(block: Buffer, diskFrom: number, diskTo: number): Promise<void> {
    this.tar.update(block);
    if (diskTo > diskFrom) this.disk.update(block.subarray(diskFrom, diskTo));
    return Promise.resolve();
  }
  digests(): Promise<{ tar: string; disk: string }> {
    return Promise.resolve({ tar: this.tar.digest('hex'), disk: this.disk.digest('hex') });
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

class ThreadTarHasher implements TarHasher {
  private readonly pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  private final?: { resolve: (d: { tar: string; disk: string }) => void; reject: (err: Error) => void };
  private failure?: Error;
  private nextId = 0;

  constructor(private readonly worker: Worker) {
    worker.on('message', (m: number | { tar: string; disk: string }) => {
      if (typeof m === 'number') {
        this.pending.get(m)?.resolve();
        this.pending.delete(m);
      } else {
        this.final?.resolve(m);
      }
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.final?.reject(err);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the hashing thread exited (code ${code})`)));
  }

  update(block: Buffer, diskFrom: number, diskTo: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (!(block.buffer instanceof SharedArrayBuffer)) {
      // Only shared memory can be read by the worker without a copy; callers use sharedBlock().
      return Promise.reject(new Error('TarHasher.update needs a block in shared memory'));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, buffer: block.buffer, offset: block.byteOffset, length: block.length, diskFrom, diskTo });
    });
  }

  digests(): Promise<{ tar: string; disk: string }> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.final = { resolve, reject };
      this.worker.postMessage('end');
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the hashing thread was closed');
    await this.worker.terminate();
  }
}

/** A block buffer the worker can read in place. */
export function sharedBlock(size: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(size));
}

/**
 * A hasher on its own thread, or inline when `threads` is false or a worker cannot be started
 * (for example in a runtime without worker_threads).
 */
export function openTarHasher(threads = true): TarHasher {
  if (!threads) return new InlineTarHasher();
  try {
    // Small heap limits: the script holds two hash states and nothing else.
    const worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 }, stdout: false, stderr: false });
    return new ThreadTarHasher(worker);
  } catch {
    return new InlineTarHasher();
  }
}
