/**
 * The output folder: a file or an unwritable path is a user error before anything starts, and a
 * second build into a folder another live build is writing to is refused; a lock left by a build
 * that was killed outright (SIGKILL) is taken over.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCommand } from '../../../src/cli/commands/build.js';
import { runCli } from '../../../src/cli/run.js';
import { UserError } from '../../../src/core/errors.js';
import { LOCK_FILE, lockOutputFolder, prepareOutputFolder } from '../../../src/core/output-folder.js';
import { processStartTime } from '../../../src/core/process-liveness.js';
import { memoryIo } from '../../helpers/cli-io.js';
import { oneVm, tempBuildDir } from '../config/helpers.js';

const tmp = tempBuildDir({ 'build.yaml': oneVm('source: { path: disk.qcow2 }'), 'disk.qcow2': 'x', 'a-file': 'x' });
afterAll(tmp.cleanup);

describe('prepareOutputFolder', () => {
  it('names a file given as the folder, or a file above it', async () => {
    const file = path.join(tmp.dir, 'a-file');
    await expect(prepareOutputFolder(file)).rejects.toThrow(new UserError(`--output ${file}: it is a file; expected a folder`));
    await expect(prepareOutputFolder(path.join(file, 'sub'))).rejects.toThrow(/it \(or a folder above it\) is a file; expected a folder/);
  });

  it('creates a missing folder with its parents', async () => {
    await prepareOutputFolder(path.join(tmp.dir, 'new', 'deeper'));
    await prepareOutputFolder(path.join(tmp.dir, 'new', 'deeper'));
  });

  it('a folder that cannot be made answers at once, even under /proc (Node recursive mkdir loops there forever)', async () => {
    // Before: prepareOutputFolder('/proc/…') never returned, whoever ran it (root included).
    await expect(prepareOutputFolder(`/proc/rv-out-${process.pid}`)).rejects.toThrow(
      /^--output \/proc\/rv-out-\d+: no folder can be made in \/proc \(a file system that takes no new folders\); expected a writable folder$/,
    );
    await expect(prepareOutputFolder(`/proc/rv-out-${process.pid}/images`)).rejects.toThrow(/no folder can be made in \/proc /);
    await expect(prepareOutputFolder(`/sys/rv-out-${process.pid}`)).rejects.toThrow(/--output \/sys\/rv-out-\d+: the folder cannot be written \(permission denied\)|no folder can be made in \/sys/);
  }, 10_000);
});

describe('lockOutputFolder', () => {
  it('refuses a second build into a locked folder, naming the first; free again after release', async () => {
    const dir = path.join(tmp.dir, 'locked');
    mkdirSync(dir);
    const first = await lockOutputFolder(dir);
    await expect(lockOutputFolder(dir)).rejects.toThrow(new RegExp(`another build \\(pid ${process.pid}, started .*\\) is writing to this folder`));
    await first.release();
    await (await lockOutputFolder(dir)).release();
  });

  it('takes over the lock of a build killed with SIGKILL (its process is gone)', async () => {
    const dir = path.join(tmp.dir, 'killed');
    mkdirSync(dir);
    // A real process takes the lock, then is killed outright: it can release nothing.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '-e', `import('${path.resolve('src/core/output-folder.ts')}').then(async (m) => { await m.lockOutputFolder(${JSON.stringify(dir)}); console.log('locked'); setInterval(() => {}, 1000); })`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve()));
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).pid).toBe(child.pid);
    await expect(lockOutputFolder(dir)).rejects.toThrow(/another build/);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const lock = await lockOutputFolder(dir);
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  }, 60_000);

  it('takes over a lock whose pid now belongs to another process (pid reuse)', async () => {
    const dir = path.join(tmp.dir, 'reused');
    mkdirSync(dir);
    const os = await import('node:os');
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, startTime: `${processStartTime(process.pid)}0`, host: os.hostname(), startedAt: 'then' }));
    await (await lockOutputFolder(dir)).release();
  });
});

describe('ruddervirt build --output', () => {
  it('a file as --output: exit 1 with a message, no stack, before any VM', async () => {
    const io = memoryIo(tmp.dir);
    const code = await runCli(['build', 'build.yaml', '--output', 'a-file'], [buildCommand], io);
    expect(code).toBe(1);
    expect(io.err()).toContain(`ruddervirt build: --output ${path.join(tmp.dir, 'a-file')}: it is a file; expected a folder\n`);
    expect(io.err()).not.toMatch(/internal error|\n\s+at /);
  });

  it('an unwritable --output: exit 1 with a message, no stack, before any VM', async () => {
    const io = memoryIo(tmp.dir);
    expect(await runCli(['build', 'build.yaml', '--output', `/proc/rv-out-${process.pid}`], [buildCommand], io)).toBe(1);
    expect(io.err()).toMatch(/^ruddervirt build: --output \/proc\/rv-out-\d+: no folder can be made in \/proc .*expected a writable folder\n/m);
    expect(io.err()).not.toMatch(/internal error|\n\s+at /);
  }, 10_000);

  it('a folder another build is writing to: refused with a clear message', async () => {
    const dir = path.join(tmp.dir, 'busy');
    mkdirSync(dir);
    const held = await lockOutputFolder(dir);
    try {
      const io = memoryIo(tmp.dir);
      expect(await runCli(['build', 'build.yaml', '--output', 'busy'], [buildCommand], io)).toBe(1);
      expect(io.err()).toMatch(/ruddervirt build: --output .*busy: another build \(pid \d+, started .*\) is writing to this folder; wait for it, or choose another --output/);
    } finally {
      await held.release();
    }
  });
});
