/**
 * What a build killed with SIGKILL left behind is swept by the next one, by pid liveness: its
 * /tmp/ruddervirt-<build>-<vm>-* work folders and the .partial of a convert it had started in the
 * output folder. Folders of live builds and folders kept with a VM left for debugging stay.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockOutputFolder } from '../../../src/core/output-folder.js';
import { createWorkFolder, keepWorkFolder, sweepStaleWorkFolders } from '../../../src/core/work-folder.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'sweep-root-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A real process that creates a work folder under `root`, prints it, and waits to be killed. */
async function folderOfKilledBuild(name: string): Promise<string> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `import('${path.resolve('src/core/work-folder.ts')}').then(async (m) => { console.log(await m.createWorkFolder(${JSON.stringify(name)}, ${JSON.stringify(root)})); setInterval(() => {}, 1000); })`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const dir = await new Promise<string>((resolve) => child.stdout.on('data', (d: Buffer) => resolve(d.toString().trim())));
  writeFileSync(path.join(dir, 'overlay.qcow2'), 'x');
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  return dir;
}

describe('sweepStaleWorkFolders', () => {
  it('removes the work folder of a SIGKILLed build, keeps live and kept ones and foreign folders', async () => {
    const dead = await folderOfKilledBuild('demo-web');
    const keptDead = await folderOfKilledBuild('demo-db');
    await keepWorkFolder(keptDead);
    const live = await createWorkFolder('demo-live', root);
    const foreign = path.join(root, 'ruddervirt-something-else');
    mkdirSync(foreign);
    // Before: nothing ever removed them.
    expect(await sweepStaleWorkFolders(root)).toEqual([dead]);
    expect(existsSync(dead)).toBe(false);
    for (const d of [keptDead, live, foreign]) expect(existsSync(d)).toBe(true);
  }, 60_000);
});

describe('the output folder lock', () => {
  it('removes a dead build’s .partial files when taken', async () => {
    const out = path.join(root, 'out');
    mkdirSync(path.join(out, 'base-web'), { recursive: true });
    writeFileSync(path.join(out, 'base-web.qcow2.partial'), 'half');
    writeFileSync(path.join(out, 'base-web', 'disk.qcow2.partial'), 'half');
    writeFileSync(path.join(out, 'base-web.qcow2'), 'whole');
    const lock = await lockOutputFolder(out);
    expect(existsSync(path.join(out, 'base-web.qcow2.partial'))).toBe(false);
    expect(existsSync(path.join(out, 'base-web', 'disk.qcow2.partial'))).toBe(false);
    expect(existsSync(path.join(out, 'base-web.qcow2'))).toBe(true);
    await lock.release();
  });
});
