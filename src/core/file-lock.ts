/**
 * Advisory lock files shared by concurrent builds on one machine (an output folder, a cache entry).
 * A lock file holds its owner's pid, process start time and host. It survives a crash on purpose: a
 * later taker sees that the owner is gone (no such process, a zombie, or the pid reused by another
 * process) and takes it over, so no lock is ever stuck.
 */
import { open, readFile, unlink } from 'node:fs/promises';
import os from 'node:os';
import { sleep } from './abort.js';
import { ownerAlive, processStartTime } from './process-liveness.js';

export interface LockOwner {
  pid: number;
  startTime: string;
  host: string;
  startedAt: string;
}

export type Acquired = { release: () => Promise<void>; heldBy?: undefined } | { release?: undefined; heldBy: LockOwner };

/** Takes `file` once: the lock, or who holds it. A lock of a dead owner is taken over. */
export async function tryLock(file: string): Promise<Acquired> {
  const me: LockOwner = { pid: process.pid, startTime: processStartTime(process.pid) ?? '', host: os.hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(file, 'wx', 0o644);
      await fh.writeFile(JSON.stringify(me) + '\n');
      await fh.close();
      return {
        release: async () => {
          // Only our own lock: a takeover by someone else must not be undone.
          const now = await readOwner(file);
          if (now?.pid === me.pid && now.startTime === me.startTime) await unlink(file).catch(() => undefined);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = await readOwner(file);
    if (owner && (owner.host !== me.host || ownerAlive(owner))) return { heldBy: owner };
    // Its owner is gone (or the file is half-written garbage): take it over.
    await unlink(file).catch(() => undefined);
  }
  throw new Error(`${file}: could not take the lock`);
}

/** Runs `fn` holding `file`, waiting (polling) while another live process holds it. */
export async function withLock<T>(file: string, fn: () => Promise<T>, options: { signal?: AbortSignal; onWait?: (owner: LockOwner) => void; pollMs?: number } = {}): Promise<T> {
  let told = false;
  for (;;) {
    const got = await tryLock(file);
    if (got.release) {
      try {
        return await fn();
      } finally {
        await got.release();
      }
    }
    if (!told) options.onWait?.(got.heldBy);
    told = true;
    await sleep(options.pollMs ?? 250, options.signal);
  }
}

export async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    const v = JSON.parse(await readFile(file, 'utf8')) as Partial<LockOwner>;
    return typeof v.pid === 'number' && typeof v.startTime === 'string' && typeof v.host === 'string' ? (v as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}
