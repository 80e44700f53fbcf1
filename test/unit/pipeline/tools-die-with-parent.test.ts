/**
 * A tool a build runs (qemu-img convert, here a long `sleep` through the same runTool) dies with the
 * build even when the build is killed with SIGKILL and runs no cleanup.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { processStartTime } from '../../../src/core/process-liveness.js';

/** Pids of `sleep MARKER` (run by name or by path). */
function pidsRunning(argv: string[]): number[] {
  const want = new RegExp(`^(/\\S*/)?${argv[0]}\0${argv[1]}\0$`);
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        return want.test(readFileSync(`/proc/${n}/cmdline`, 'utf8'));
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('runTool', () => {
  it('a tool outlives no build killed with SIGKILL (PR_SET_PDEATHSIG through setpriv)', async () => {
    const marker = `${300 + Math.random()}`.slice(0, 10);
    const build = spawn(
      process.execPath,
      ['--import', 'tsx', '-e', `import('${path.resolve('src/core/run-tool.ts')}').then((m) => { m.runTool('sleep', ['${marker}']).catch(() => {}); setTimeout(() => console.log('started'), 300); })`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => build.stdout.on('data', (d: Buffer) => d.toString().includes('started') && resolve()));
    const tools = pidsRunning(['sleep', marker]);
    try {
      expect(tools).toHaveLength(1);
    } finally {
      build.kill('SIGKILL');
    }
    await new Promise((r) => build.once('exit', r));
    // Before: the tool went on running (reparented), here for 300 s.
    for (let i = 0; i < 50 && processStartTime(tools[0]!) !== undefined; i++) await new Promise((r) => setTimeout(r, 100));
    const alive = processStartTime(tools[0]!) !== undefined;
    if (alive) process.kill(tools[0]!, 'SIGKILL'); // leave nothing behind when the test fails
    expect(alive).toBe(false);
  }, 60_000);
});
