/**
 * The folder a build writes its images, checksums, logs and manifest to: made ready with errors a
 * user can act on (a path that is a file, a folder that cannot be written), and locked so a second
 * build into the same folder is refused instead of overwriting the first one's image under it.
 *
 * The lock is a file holding the owner's pid and process start time. It outlives a crash on
 * purpose; a later build sees that its owner is gone (no such process, a zombie, or a different
 * process that reused the pid) and takes it over.
 */
import { readFileSync } from 'node:fs';
import { access, constants, mkdir, open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from './errors.js';

export const LOCK_FILE = '.ruddervirt-build.lock';

interface LockOwner {
  pid: number;
  /** Field 22 of /proc/<pid>/stat: tells a live owner from a later process with the same pid. */
  startTime: string;
  host: string;
  startedAt: string;
}

/** Creates `dir` (and its parents) and checks it can be written; throws a UserError saying why not. */
export async function prepareOutputFolder(dir: string): Promise<void> {
  const st = await stat(dir).catch(() => undefined);
  if (st && !st.isDirectory()) throw new UserError(`--output ${dir}: it is a file; expected a folder`);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new UserError(`--output ${dir}: ${explain(err)}`);
  }
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new UserError(`--output ${dir}: ${explain(err)}`);
  }
}

function explain(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EEXIST' || code === 'ENOTDIR') return 'it (or a folder above it) is a file; expected a folder';
  if (code === 'EACCES' || code === 'EPERM') return 'the folder cannot be written (permission denied)';
  if (code === 'EROFS') return 'the folder is on a read-only file system';
  return err instanceof Error ? err.message : String(err);
}

/** /proc/<pid>/stat start time, or undefined when there is no such live (non-zombie) process. */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  return fields[19];
}

/** Whether the process that wrote a lock or a work folder (pid + start time) is still running. */
export function ownerAlive(owner: { pid: number; startTime?: string }): boolean {
  const now = processStartTime(owner.pid);
  return now !== undefined && (owner.startTime === undefined || owner.startTime === now);
}

export interface FolderLock {
  release(): Promise<void>;
}

/**
 * Takes the build lock of `dir`, or throws a UserError naming the build that holds it. A lock left
 * by a process that is gone is taken over.
 */
export async function lockOutputFolder(dir: string): Promise<FolderLock> {
  const file = path.join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, startTime: processStartTime(process.pid) ?? '', host: os.hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(file, 'wx', 0o644);
      await fh.writeFile(JSON.stringify(me) + '\n');
      await fh.close();
      // Holding the lock, any .partial here is a dead build's unfinished convert: remove it.
      await removePartials(dir);
      return {
        release: async () => {
          // Only our own lock: a stale-lock takeover by someone else must not be undone.
          const now = await readOwner(file);
          if (now?.pid === me.pid && now.startTime === me.startTime) await unlink(file).catch(() => undefined);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new UserError(`--output ${dir}: cannot create the build lock: ${explain(err)}`);
    }
    const owner = await readOwner(file);
    if (owner && (owner.host !== me.host || ownerAlive(owner))) {
      throw new UserError(
        `--output ${dir}: another build (pid ${owner.pid}${owner.host !== me.host ? ` on ${owner.host}` : ''}, started ${owner.startedAt}) is writing to this folder; ` +
          `wait for it, or choose another --output (the lock is ${file})`,
      );
    }
    // Its owner is gone (or the file is unreadable half-written garbage): take it over.
    await unlink(file).catch(() => undefined);
  }
  throw new UserError(`--output ${dir}: could not take the build lock ${file}`);
}

/** `*.partial` files in `dir` and the folders directly in it. */
export async function removePartials(dir: string, depth = 2): Promise<string[]> {
  const removed: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isFile() && e.name.endsWith('.partial')) {
      await unlink(p).catch(() => undefined);
      removed.push(p);
    } else if (e.isDirectory() && depth > 1) {
      removed.push(...(await removePartials(p, depth - 1)));
    }
  }
  return removed;
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    const v = JSON.parse(await readFile(file, 'utf8')) as Partial<LockOwner>;
    return typeof v.pid === 'number' && typeof v.startTime === 'string' && typeof v.host === 'string' ? (v as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}
