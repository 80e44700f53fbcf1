/**
 * Per-VM folders for QEMU's unix sockets (QMP, VNC), under os.tmpdir() with a ruddervirt-vm-
 * prefix because socket paths must stay short. Each records its owner's pid, so folders left by a
 * build that was killed outright (SIGKILL runs no cleanup) are removed by the next build.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isProcessAlive } from './pid-alive.js';

const PREFIX = 'ruddervirt-vm-';
const OWNER_FILE = 'owner.pid';
/** A folder without an owner file may be one another process is creating right now. */
const UNOWNED_GRACE_MS = 60_000;

export async function createRuntimeDir(root = os.tmpdir()): Promise<string> {
  const dir = await mkdtemp(path.join(root, PREFIX));
  await writeFile(path.join(dir, OWNER_FILE), `${process.pid}\n`);
  return dir;
}

/** Removes runtime folders whose owner process is gone; returns what it removed. */
export async function sweepStaleRuntimeDirs(root = os.tmpdir(), now = Date.now()): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(root)).filter((n) => n.startsWith(PREFIX));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const dir = path.join(root, name);
    const owner = Number.parseInt(await readFile(path.join(dir, OWNER_FILE), 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && owner > 0) {
      if (owner === process.pid || isProcessAlive(owner)) continue;
    } else {
      const age = now - ((await stat(dir).catch(() => undefined))?.mtimeMs ?? now);
      if (age < UNOWNED_GRACE_MS) continue;
    }
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}
