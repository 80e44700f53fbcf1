/**
 * The memo of local file digests (real files, real stat): used while path, size, mtime, ctime and
 * inode are unchanged, re-hashed when any of them changes, never trusted for a freshly written file,
 * and consulted by the layer key.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBuildText } from '../../../src/core/config/load.js';
import { DigestMemo } from '../../../src/core/pipeline/digest-memo.js';
import { LayerCache } from '../../../src/core/pipeline/layer-cache.js';
import { layerKey } from '../../../src/core/pipeline/layer-key.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-digest-memo-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const anHourAgo = () => new Date(Date.now() - 3600_000);
/** Writes `text` with an mtime an hour back: a settled file, as a source disk is. */
function settled(file: string, text: string, mtime = anHourAgo()): void {
  writeFileSync(file, text);
  utimesSync(file, mtime, mtime);
}

describe('digest memo', () => {
  it('hashes once, then answers from the memo until size, mtime or inode change', async () => {
    const memo = new DigestMemo(path.join(tmp, 'memo1'), { minBytes: 0 });
    const disk = path.join(tmp, 'disk1.img');
    const mtime = anHourAgo();
    settled(disk, 'disk bytes v1', mtime);
    expect(await memo.sha256(disk)).toEqual({ sha256: sha('disk bytes v1'), from: 'hashed' });
    expect(await memo.sha256(disk)).toEqual({ sha256: sha('disk bytes v1'), from: 'hit' });
    expect(JSON.parse(readFileSync(memo.recordFile(disk), 'utf8'))).toMatchObject({ path: disk, size: '13', ino: String(statSync(disk, { bigint: true }).ino) });

    // Size changed (mtime put back): hashed again.
    settled(disk, 'disk bytes v22', mtime);
    expect(await memo.sha256(disk)).toEqual({ sha256: sha('disk bytes v22'), from: 'hashed' });
    expect((await memo.sha256(disk)).from).toBe('hit');

    // Same size, mtime moved: hashed again.
    settled(disk, 'disk bytes v33', new Date(mtime.getTime() + 1000));
    expect(await memo.sha256(disk)).toEqual({ sha256: sha('disk bytes v33'), from: 'hashed' });

    // Same size and mtime, another inode (a new file renamed over it): hashed again.
    const replacement = path.join(tmp, 'disk1.new');
    settled(replacement, 'disk bytes v44', new Date(mtime.getTime() + 1000));
    renameSync(replacement, disk);
    expect(await memo.sha256(disk)).toEqual({ sha256: sha('disk bytes v44'), from: 'hashed' });
    expect((await memo.sha256(disk)).from).toBe('hit');
  });

  it('notices an edit whose mtime was put back (ctime moves)', async () => {
    const memo = new DigestMemo(path.join(tmp, 'memo2'), { minBytes: 0 });
    const disk = path.join(tmp, 'disk2.img');
    const mtime = anHourAgo();
    settled(disk, 'aaaa', mtime);
    await memo.sha256(disk);
    await new Promise((r) => setTimeout(r, 20));
    settled(disk, 'bbbb', mtime);
    expect(await memo.sha256(disk)).toEqual({ sha256: sha('bbbb'), from: 'hashed' });
  });

  it('does not remember a file written moments ago, nor files under minBytes', async () => {
    const fresh = new DigestMemo(path.join(tmp, 'memo3'), { minBytes: 0 });
    const disk = path.join(tmp, 'disk3.img');
    writeFileSync(disk, 'just written');
    expect((await fresh.sha256(disk)).from).toBe('hashed');
    expect((await fresh.sha256(disk)).from).toBe('hashed');

    const small = new DigestMemo(path.join(tmp, 'memo4'), { minBytes: 1024 });
    settled(disk, 'tiny');
    await small.sha256(disk);
    expect((await small.sha256(disk)).from).toBe('hashed');
  });

  it('is what the layer key reads for a local source disk', async () => {
    const dir = path.join(tmp, 'build');
    mkdirSync(dir);
    const disk = path.join(dir, 'disk.qcow2');
    const mtime = anHourAgo();
    settled(disk, 'x'.repeat(2 * 1024 * 1024), mtime);
    const build = loadBuildText(`name: memo\nlayers:\n  - name: base\n    vms:\n      - name: a\n        source: { path: disk.qcow2 }\n        communicator: { type: none }\n`, path.join(dir, 'build.yaml'), {
      checkFiles: true,
    });
    const cache = new LayerCache(path.join(tmp, 'cache'));
    const memo = cache.digestMemo();
    const k1 = await layerKey(build, build.layers[0]!, new Map(), new Map(), memo);
    expect(await layerKey(build, build.layers[0]!, new Map())).toBe(k1);
    // The key now comes from the record: a record saying other bytes gives another key…
    const record = JSON.parse(readFileSync(memo.recordFile(disk), 'utf8')) as { sha256: string };
    writeFileSync(memo.recordFile(disk), JSON.stringify({ ...record, sha256: 'e'.repeat(64) }));
    expect(await layerKey(build, build.layers[0]!, new Map(), new Map(), memo)).not.toBe(k1);
    // …until the disk changes, when the real bytes are hashed again.
    settled(disk, 'y'.repeat(2 * 1024 * 1024), new Date(mtime.getTime() + 1000));
    const k2 = await layerKey(build, build.layers[0]!, new Map(), new Map(), memo);
    expect(k2).toBe(await layerKey(build, build.layers[0]!, new Map()));
    expect(k2).not.toBe(k1);
  });
});
