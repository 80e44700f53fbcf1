/**
 * The Actions cache restores a source (or an extracted containerDisk) in place, so restoring takes
 * the entry's lock file, the one a download or pull into that entry holds: a build that finds the
 * entry being filled waits for it, then uses what the other build left instead of restoring or
 * fetching beside it. The other build is played here by this test holding the real lock file.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { restoreContainerDisk, restoreSource } from '../../src/actions/toolkit/source-cache.js';
import { tryLock } from '../../src/core/file-lock.js';
import { memoryLogger } from '../../src/core/log.js';
import { cacheFileName, LOCK_SUFFIX } from '../../src/engines/local/download.js';

const URL_ = 'https://images.example/debian-12.qcow2';
const CHECKSUM = { algorithm: 'sha256', hex: 'ab'.repeat(32) } as const;
const DIGEST = `sha256:${'cd'.repeat(32)}`;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function cacheDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-source-lock-'));
  dirs.push(d);
  return d;
}

/** Settles within `ms`? (The promise keeps running either way.) */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  void p.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((r) => setTimeout(r, ms));
  return settled;
}

describe('restoring from the Actions cache under the cache entry lock', () => {
  it('a source: waits while another build fills the entry, then uses its file', async () => {
    const dir = cacheDir();
    const file = path.join(dir, cacheFileName(URL_, CHECKSUM));
    const held = await tryLock(`${file}${LOCK_SUFFIX}`);
    expect(held.release).toBeDefined();
    const { logger, lines } = memoryLogger();
    const restoring = restoreSource(URL_, CHECKSUM, dir, logger, false);
    expect(await settlesWithin(restoring, 700)).toBe(false);
    expect(lines.join('\n')).toMatch(new RegExp(`another build \\(pid ${process.pid}\\) is filling this cache entry`));
    writeFileSync(file, 'the other build downloaded this');
    await held.release!();
    await expect(restoring).resolves.toMatchObject({ file, origin: 'local-cache' });
  });

  it('a containerDisk: waits for the pull holding `<digest>.lock`, then uses its extracted folder', async () => {
    const dir = cacheDir();
    const folder = path.join(dir, 'cd'.repeat(32));
    const held = await tryLock(`${folder}.lock`);
    const { logger } = memoryLogger();
    const restoring = restoreContainerDisk(DIGEST, dir, logger, false);
    expect(await settlesWithin(restoring, 700)).toBe(false);
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'image.json'), '{}');
    await held.release!();
    await expect(restoring).resolves.toMatchObject({ file: folder, origin: 'local-cache' });
  });

  it('with nobody filling it: the entry is reported missing and no lock file is left', async () => {
    const dir = cacheDir();
    const { logger } = memoryLogger();
    await expect(restoreSource(URL_, CHECKSUM, dir, logger, false)).resolves.toMatchObject({ origin: 'missing' });
    await expect(restoreContainerDisk(DIGEST, dir, logger, false)).resolves.toMatchObject({ origin: 'missing' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('cancelling while waiting rejects at once and leaves the other build its lock', async () => {
    const dir = cacheDir();
    const file = path.join(dir, cacheFileName(URL_, CHECKSUM));
    const held = await tryLock(`${file}${LOCK_SUFFIX}`);
    const { logger } = memoryLogger();
    const abort = new AbortController();
    const restoring = restoreSource(URL_, CHECKSUM, dir, logger, false, abort.signal);
    await new Promise((r) => setTimeout(r, 300));
    abort.abort(new Error('cancelled'));
    await expect(restoring).rejects.toThrow();
    const again = await tryLock(`${file}${LOCK_SUFFIX}`);
    expect(again.heldBy?.pid).toBe(process.pid);
    await held.release!();
  });
});
