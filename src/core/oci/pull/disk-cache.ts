/**
 * Extracted containerDisks on this machine, by the digest of the manifest they came from:
 * `<cache>/containerdisks/<hex>/` holds the disk under its /disk name, its `.sha256` (sha256sum's
 * format) and `image.json` (where it came from). A digest names the bytes for good, so an entry is
 * never refreshed, only used or removed. Beside them, `tags/` remembers what each reference
 * resolved to last, so a build whose registry cannot be reached still finds its disk. Entries are
 * renamed into place whole, so a reader never sees a half-extracted disk; a build pulls an entry
 * under its lock file (`<hex>.lock`), so a second build pulling the same image at once waits and
 * uses the first one's disk.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readOwner } from '../../file-lock.js';
import { ownerAlive } from '../../process-liveness.js';
import type { Digest } from '../digest.js';

export interface CachedDiskInfo {
  /** The reference it was pulled as, for people. */
  image: string;
  /** The manifest whose layers hold the disk. */
  digest: Digest;
  /** The index the reference named, when the image is multi-platform. */
  indexDigest?: Digest;
  platform?: string;
  /** The disk's name under /disk. */
  file: string;
  size: number;
  sha256: string;
  format: 'qcow2' | 'raw';
  pulledAt: string;
}

export interface CachedDisk extends CachedDiskInfo {
  path: string;
}

export interface TagRecord {
  image: string;
  /** What the reference names at the registry (an index or a manifest). */
  referenceDigest: Digest;
  /** The manifest picked for the platform. */
  digest: Digest;
  platform?: string;
  resolvedAt: string;
}

/** `<RUDDERVIRT_CACHE_DIR or ~/.cache/ruddervirt>/containerdisks`. */
export function defaultContainerDiskCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.RUDDERVIRT_CACHE_DIR ?? path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'ruddervirt');
  return path.join(path.resolve(root), 'containerdisks');
}

const hexOf = (digest: Digest) => digest.slice('sha256:'.length);

export class ContainerDiskCache {
  constructor(readonly dir: string) {}

  private entryDir(digest: Digest): string {
    return path.join(this.dir, hexOf(digest));
  }

  private tagFile(image: string, platform: string): string {
    return path.join(this.dir, 'tags', `${createHash('sha256').update(`${image}\n${platform}`).digest('hex').slice(0, 40)}.json`);
  }

  /** The lock a build holds while it pulls `digest` into the cache (file-lock.ts), beside the entry. */
  lockFile(digest: Digest): string {
    return `${this.entryDir(digest)}.lock`;
  }

  /** The cached disk for a manifest digest, when it is complete (its file is there at its size). */
  async lookup(digest: Digest): Promise<CachedDisk | undefined> {
    const dir = this.entryDir(digest);
    let info: CachedDiskInfo;
    try {
      info = JSON.parse(await readFile(path.join(dir, 'image.json'), 'utf8')) as CachedDiskInfo;
    } catch {
      return undefined;
    }
    const file = path.join(dir, path.basename(info.file));
    const st = await stat(file).catch(() => undefined);
    if (!st?.isFile() || st.size !== info.size) return undefined;
    return { ...info, path: file };
  }

  /**
   * A private folder next to the entries (same filesystem, so the final rename is atomic). Staging
   * folders of pulls whose process is gone (killed outright) are removed first.
   */
  async staging(): Promise<string> {
    for (const n of await readdir(this.dir).catch(() => [] as string[])) {
      if (n.startsWith('.staging-') && !isAlive(Number(n.split('-')[1]))) await rm(path.join(this.dir, n), { recursive: true, force: true });
    }
    const dir = path.join(this.dir, `.staging-${process.pid}-${randomBytes(4).toString('hex')}`);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /**
   * Moves a staged disk into the cache. `stagingDir` must hold only `stagedFile`; it becomes the
   * entry. When another process stored the same digest first, theirs is kept and ours removed.
   */
  async store(stagingDir: string, stagedFile: string, info: CachedDiskInfo): Promise<CachedDisk> {
    const name = path.basename(info.file);
    if (path.basename(stagedFile) !== name) await rename(stagedFile, path.join(stagingDir, name));
    await writeFile(path.join(stagingDir, `${name}.sha256`), `${info.sha256}  ${name}\n`);
    await writeFile(path.join(stagingDir, 'image.json'), JSON.stringify(info, null, 2) + '\n');
    const dir = this.entryDir(info.digest);
    try {
      await rename(stagingDir, dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
      await rm(stagingDir, { recursive: true, force: true });
      const theirs = await this.lookup(info.digest);
      if (theirs) return theirs;
      throw err;
    }
    return { ...info, path: path.join(dir, name) };
  }

  /** `wantedPlatform` is the platform the build asked for (the lookup key), not the one an index offered. */
  async rememberTag(record: TagRecord, wantedPlatform: string): Promise<void> {
    const file = this.tagFile(record.image, wantedPlatform);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(record, null, 2) + '\n');
    await rename(tmp, file);
  }

  async lastResolved(image: string, wantedPlatform: string): Promise<TagRecord | undefined> {
    try {
      return JSON.parse(await readFile(this.tagFile(image, wantedPlatform), 'utf8')) as TagRecord;
    } catch {
      return undefined;
    }
  }

  /** Every complete entry. */
  async list(): Promise<CachedDisk[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: CachedDisk[] = [];
    for (const n of names) {
      if (!/^[a-f0-9]{64}$/.test(n)) continue;
      const e = await this.lookup(`sha256:${n}`);
      if (e) out.push(e);
    }
    return out;
  }

  /**
   * Removes every entry (or those last pulled before `olderThan`), the tag records and any
   * staging folder a killed pull left; returns what was removed and the bytes freed.
   */
  async prune(olderThan?: Date): Promise<{ removed: CachedDisk[]; bytes: number }> {
    const removed: CachedDisk[] = [];
    let bytes = 0;
    for (const e of await this.list()) {
      if (olderThan && new Date(e.pulledAt) >= olderThan) continue;
      const st = await stat(e.path).catch(() => undefined);
      bytes += st ? st.blocks * 512 : e.size;
      await rm(path.dirname(e.path), { recursive: true, force: true });
      removed.push(e);
    }
    for (const n of await readdir(this.dir).catch(() => [] as string[])) {
      const stale = n.startsWith('.staging-') && !isAlive(Number(n.split('-')[1]));
      const incomplete = /^[a-f0-9]{64}$/.test(n) && !(await this.lookup(`sha256:${n}`));
      // A lock file of a pull that was killed outright; a live pull's lock stays.
      const deadLock = /^[a-f0-9]{64}\.lock$/.test(n) && !(await lockHeld(path.join(this.dir, n)));
      if (stale || incomplete || deadLock || (n === 'tags' && !olderThan)) await rm(path.join(this.dir, n), { recursive: true, force: true });
    }
    return { removed, bytes };
  }
}

async function lockHeld(file: string): Promise<boolean> {
  const owner = await readOwner(file);
  return owner !== undefined && ownerAlive(owner);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
