import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRuntimeDir, sweepStaleRuntimeDirs } from '../../../src/engines/local/runtime-dir.js';
import { node24 } from '../../helpers/node24.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-runtime-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('runtime folders', () => {
  it("sweeps folders of dead owners and old unowned ones, never a live owner's or a fresh one", async () => {
    const mine = await createRuntimeDir(root);
    const dead = path.join(root, 'ruddervirt-vm-dead');
    mkdirSync(dead);
    const deadPid = spawnSync(node24, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(path.join(dead, 'owner.pid'), `${deadPid}\n`);
    const fresh = path.join(root, 'ruddervirt-vm-fresh');
    mkdirSync(fresh);
    const old = path.join(root, 'ruddervirt-vm-old');
    mkdirSync(old);
    utimesSync(old, new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));
    const unrelated = path.join(root, 'something-else');
    mkdirSync(unrelated);

    expect((await sweepStaleRuntimeDirs(root)).sort()).toEqual([dead, old].sort());
    expect(readdirSync(root).sort()).toEqual([path.basename(mine), 'ruddervirt-vm-fresh', 'something-else'].sort());
    expect(await sweepStaleRuntimeDirs(path.join(root, 'absent'))).toEqual([]);
  });
});
