/**
 * A layer-cache entry is written and read under its lock: a build storing an entry waits while
 * another build holds it, and a lock left by a build killed outright is taken over at once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tryLock } from '../../../src/core/file-lock.js';
import { LayerCache } from '../../../src/core/pipeline/layer-cache.js';
import type { VmOutput } from '../../../src/core/pipeline/manifest.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-cache-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const out = path.join(root, 'out');
mkdirSync(out);
const image = path.join(out, 'base-web.qcow2');
writeFileSync(image, 'image bytes');
const outputs: VmOutput[] = [{ layer: 'base', vm: 'web', image, format: 'qcow2', compressed: false, bytes: 11, sha256: 'ab'.repeat(32), checksumFile: `${image}.sha256` }];

describe('layer cache entry lock', () => {
  it('store waits while another build holds the entry, then writes it', async () => {
    const cache = new LayerCache(path.join(root, 'cache1'));
    mkdirSync(path.join(cache.root, 'layers'), { recursive: true });
    const held = await tryLock(cache.lockFile('k1'));
    expect(held.release).toBeDefined();
    let done = false;
    const storing = cache.store('k1', 'base', outputs).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 600));
    // Before: no lock; the entry was replaced under whoever was reading it.
    expect(done).toBe(false);
    expect(existsSync(path.join(cache.entryDir('k1'), 'entry.json'))).toBe(false);
    await held.release!();
    await storing;
    expect((await cache.lookup('k1'))?.outputs.map((o) => o.file)).toEqual(['base-web.qcow2']);
  });

  it('a lock left by a killed build (its process is gone) is taken over', async () => {
    const cache = new LayerCache(path.join(root, 'cache2'));
    mkdirSync(path.join(cache.root, 'layers'), { recursive: true });
    const gone = spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim();
    writeFileSync(cache.lockFile('k2'), JSON.stringify({ pid: Number(gone), startTime: '1', host: os.hostname(), startedAt: 'then' }));
    await cache.store('k2', 'base', outputs);
    const entry = (await cache.lookup('k2'))!;
    mkdirSync(path.join(root, 'out2'));
    const restored = await cache.restore(entry, path.join(root, 'out2'));
    expect(restored[0]!.reused).toBe(true);
    expect(existsSync(cache.lockFile('k2'))).toBe(false);
  });
});
