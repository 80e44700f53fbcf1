/**
 * One fresh bundle of the sources (scripts/bundle.mjs into a temp folder) shared by every test
 * file of a run: the first file to ask makes it under a lock, the others wait and reuse it; it is
 * read-only for them and removed when the run ends (test/global-setup.ts). Outside a vitest run
 * with that setup, each caller gets its own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { node24, repoRoot } from './node24.js';

export interface FreshBundle {
  dir: string;
  /** Removes the bundle if it is the caller's own; a shared one stays for the other files. */
  remove(): void;
}

function bundleInto(dir: string): void {
  const r = spawnSync(node24, [path.join(repoRoot, 'scripts', 'bundle.mjs'), '--outdir', dir], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bundling failed:\n${r.stderr}${r.stdout}`);
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `lockFile` (O_EXCL, holding our pid), taking over one left by a dead process. */
function lockSync(lockFile: string, timeoutMs: number): () => void {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder: number;
    try {
      // Empty for the moment between its holder's open and write: a live holder.
      holder = Number(readFileSync(lockFile, 'utf8'));
    } catch {
      continue;
    }
    if (holder > 0 && !pidAlive(holder)) rmSync(lockFile, { force: true });
    else if (Date.now() > until) throw new Error(`${lockFile}: still held by pid ${holder} after ${timeoutMs / 1000} s`);
    else sleepSync(250);
  }
}

export function freshBundle(): FreshBundle {
  let root: string | undefined;
  try {
    root = inject('freshBundleRoot');
  } catch {
    root = undefined;
  }
  if (!root) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-bundle-'));
    bundleInto(dir);
    return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
  }
  const dir = path.join(root, 'dist');
  const done = path.join(root, 'done');
  if (!existsSync(done)) {
    const release = lockSync(path.join(root, 'lock'), 5 * 60_000);
    try {
      if (!existsSync(done)) {
        rmSync(dir, { recursive: true, force: true });
        bundleInto(dir);
        writeFileSync(done, '');
      }
    } finally {
      release();
    }
  }
  return { dir, remove: () => {} };
}
