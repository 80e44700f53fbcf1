/**
 * The temporary folders a build works in (/tmp/ruddervirt-<build>-<vm>-*: disk overlays, seeds,
 * converted images). Each records its owner's pid and process start time, so what a build killed
 * outright (SIGKILL runs no cleanup) left behind is removed by the next build — unless it was kept
 * on purpose, with a VM left running for debugging (onError: abort), which `ruddervirt cleanup` ends.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ownerAlive, processStartTime } from './process-liveness.js';

const OWNER_FILE = '.ruddervirt-owner';
const KEPT_FILE = '.ruddervirt-kept';
const PREFIX = 'ruddervirt-';

export async function createWorkFolder(name: string, root = os.tmpdir()): Promise<string> {
  const dir = await mkdtemp(path.join(root, `${PREFIX}${name}-`));
  await writeFile(path.join(dir, OWNER_FILE), JSON.stringify({ pid: process.pid, startTime: processStartTime(process.pid) }) + '\n');
  return dir;
}

/** The folder stays after this process ends (its VM was left for debugging): no sweep removes it. */
export async function keepWorkFolder(dir: string): Promise<void> {
  await writeFile(path.join(dir, KEPT_FILE), `${new Date().toISOString()}\n`);
}

/** Removes work folders under `root` whose owner is gone and that were not kept; returns them. */
export async function sweepStaleWorkFolders(root = os.tmpdir()): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(root)).filter((n) => n.startsWith(PREFIX));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const dir = path.join(root, name);
    let owner: { pid?: unknown; startTime?: unknown };
    try {
      owner = JSON.parse(await readFile(path.join(dir, OWNER_FILE), 'utf8')) as typeof owner;
    } catch {
      continue; // not a work folder of ours (or not one that says who owns it)
    }
    if (typeof owner.pid !== 'number') continue;
    if (ownerAlive({ pid: owner.pid, ...(typeof owner.startTime === 'string' ? { startTime: owner.startTime } : {}) })) continue;
    if (
      await readFile(path.join(dir, KEPT_FILE)).then(
        () => true,
        () => false,
      )
    )
      continue;
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}
