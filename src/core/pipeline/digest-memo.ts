/**
 * SHA-256 digests of local files remembered between builds, so a layer key over a 40 GB local
 * source disk costs a stat, not minutes of hashing, when the disk did not change.
 *
 * A digest is reused only while the file is the same inode on the same device with the same size,
 * mtime and ctime (nanoseconds). ctime cannot be set from user space, so an edit whose mtime was put
 * back (touch -r, cp -p over it) still counts as a change. Like git's index ("racily clean" entries,
 * git Documentation/technical/racy-git.txt), a digest taken while the file's mtime was recent is
 * not remembered: a write within the same timestamp tick right after hashing would not move mtime.
 *
 * One small JSON file per path under the memo folder: builds sharing a cache never merge a shared
 * file, and each is written aside and renamed, so a reader sees a whole record or none.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync, type BigIntStats } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

interface MemoRecord {
  path: string;
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
  sha256: string;
}

export interface DigestMemoOptions {
  /** Files smaller than this are hashed each time: that is as fast as reading a record. */
  minBytes?: number;
  /** How recent an mtime is too recent to trust (default 2 s, above every filesystem's tick). */
  racyNs?: bigint;
}

export interface MemoDigest {
  sha256: string;
  /** `hit`: from the memo; `hashed`: read now (and remembered where it could be). */
  from: 'hit' | 'hashed';
}

export class DigestMemo {
  private readonly minBytes: number;
  private readonly racyNs: bigint;

  constructor(
    readonly dir: string,
    options: DigestMemoOptions = {},
  ) {
    this.minBytes = options.minBytes ?? 1024 * 1024;
    this.racyNs = options.racyNs ?? 2_000_000_000n;
  }

  /** The record file of `file` (an absolute path): named by the path's hash. */
  recordFile(file: string): string {
    return path.join(this.dir, `${createHash('sha256').update(path.resolve(file)).digest('hex')}.json`);
  }

  async sha256(file: string, signal?: AbortSignal): Promise<MemoDigest> {
    const abs = path.resolve(file);
    // The lookup is one stat and one small read, done synchronously: through the thread pool each
    // would wait its turn behind other I/O, which on a busy machine costs tens of milliseconds.
    const before = statSync(abs, { bigint: true });
    if (before.size < BigInt(this.minBytes)) return { sha256: await hashFile(abs, signal), from: 'hashed' };
    const record = this.read(abs);
    if (record && sameFile(record, abs, before)) return { sha256: record.sha256, from: 'hit' };
    const sha256 = await hashFile(abs, signal);
    const after = await stat(abs, { bigint: true });
    // Changed while it was read, or too freshly written to trust its mtime: used now, not remembered.
    const settled = fingerprint(abs, after);
    const fresh = BigInt(Date.now()) * 1_000_000n - after.mtimeNs < this.racyNs;
    if (JSON.stringify(fingerprint(abs, before)) === JSON.stringify(settled) && !fresh) await this.write({ ...settled, sha256 });
    return { sha256, from: 'hashed' };
  }

  private read(abs: string): MemoRecord | undefined {
    try {
      return JSON.parse(readFileSync(this.recordFile(abs), 'utf8')) as MemoRecord;
    } catch {
      return undefined;
    }
  }

  private async write(record: MemoRecord): Promise<void> {
    const file = this.recordFile(record.path);
    const pending = `${file}.${process.pid}.partial`;
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(pending, JSON.stringify(record) + '\n');
      await rename(pending, file);
    } catch {
      // A memo that cannot be written (read-only cache) only costs the next build a hash.
      await rm(pending, { force: true }).catch(() => undefined);
    }
  }
}

function fingerprint(abs: string, s: BigIntStats): Omit<MemoRecord, 'sha256'> {
  return { path: abs, dev: String(s.dev), ino: String(s.ino), size: String(s.size), mtimeNs: String(s.mtimeNs), ctimeNs: String(s.ctimeNs) };
}

function sameFile(record: MemoRecord, abs: string, s: BigIntStats): boolean {
  const now = fingerprint(abs, s);
  return (
    record.path === now.path && record.dev === now.dev && record.ino === now.ino && record.size === now.size && record.mtimeNs === now.mtimeNs && record.ctimeNs === now.ctimeNs && /^[0-9a-f]{64}$/.test(record.sha256)
  );
}

export async function hashFile(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
