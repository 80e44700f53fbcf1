/**
 * The folder a build writes its images, checksums, logs and manifest to: made ready with errors a
 * user can act on (a path that is a file, a folder that cannot be written), and locked so a second
 * build into the same folder is refused instead of overwriting the first one's image under it.
 *
 * The lock is a file-lock.ts lock file in the folder; one left by a build that was killed is
 * taken over by the next build.
 */
import { access, constants, mkdir, readdir, stat, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from './errors.js';
import { tryLock } from './file-lock.js';

export const LOCK_FILE = '.ruddervirt-build.lock';

/** Creates `dir` (and its parents) and checks it can be written; throws a UserError saying why not. */
export async function prepareOutputFolder(dir: string, label = `--output ${dir}`): Promise<void> {
  const st = await stat(dir).catch(() => undefined);
  if (st && !st.isDirectory()) throw new UserError(`${label}: it is a file; expected a folder`);
  try {
    await makeFolders(dir);
  } catch (err) {
    throw new UserError(`${label}: ${explain(err)}`);
  }
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new UserError(`${label}: ${explain(err)}`);
  }
}

/**
 * `mkdir -p` one level at a time. Node's `mkdir(dir, { recursive: true })` never returns for a
 * path under a pseudo file system such as /proc (measured on Node 20.20 and 24.21): mkdir answers
 * ENOENT for the child while the parent exists, and nodejs/node src/node_file.cc (MKDirpAsync)
 * takes ENOENT as "make the parent first", again and again.
 */
async function makeFolders(dir: string): Promise<void> {
  const missing: string[] = [];
  let at = path.resolve(dir);
  while (!(await stat(at).catch(() => undefined))) {
    missing.unshift(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const folder of missing) {
    try {
      await mkdir(folder);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(folder)).isDirectory()) continue;
      // ENOENT with the parent in place: a file system that takes no new folders (/proc, /sys).
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`no folder can be made in ${path.dirname(folder)} (a file system that takes no new folders); expected a writable folder`);
      throw err;
    }
  }
}

function explain(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EEXIST' || code === 'ENOTDIR') return 'it (or a folder above it) is a file; expected a folder';
  if (code === 'EACCES' || code === 'EPERM') return 'the folder cannot be written (permission denied)';
  if (code === 'EROFS') return 'the folder is on a read-only file system';
  return err instanceof Error ? err.message : String(err);
}

export interface FolderLock {
  release(): Promise<void>;
}

/**
 * Takes the build lock of `dir`, or throws a UserError naming the build that holds it. A lock left
 * by a process that is gone is taken over.
 */
export async function lockOutputFolder(dir: string, label = `--output ${dir}`, other = 'choose another --output'): Promise<FolderLock> {
  const file = path.join(dir, LOCK_FILE);
  let got;
  try {
    got = await tryLock(file);
  } catch (err) {
    throw new UserError(`${label}: cannot create the build lock: ${explain(err)}`);
  }
  if (got.heldBy) {
    const owner = got.heldBy;
    throw new UserError(
      `${label}: another build (pid ${owner.pid}${owner.host !== os.hostname() ? ` on ${owner.host}` : ''}, started ${owner.startedAt}) is writing to this folder; ` + `wait for it, or ${other} (the lock is ${file})`,
    );
  }
  // Holding the lock, any .partial here is a dead build's unfinished convert: remove it.
  await removePartials(dir);
  return { release: got.release };
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
