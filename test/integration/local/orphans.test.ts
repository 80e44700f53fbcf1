/**
 * A build process that dies must not leave QEMU running: a normal exit without stop() runs the
 * exit hook; a SIGKILL (no hooks at all) is covered by the parent-death signal QEMU is started
 * with, and the socket folder it leaves is swept by the next engine. Real processes throughout.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../src/core/log.js';
import { LocalEngine } from '../../../src/engines/local/engine.js';
import { node24, repoRoot } from '../../helpers/node24.js';
import { buildOf, vmOf } from './build-model.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-orphans-test-'));
const runtimeRoot = path.join(tmp, 'run');
const lockDir = path.join(tmp, 'locks');
const source = path.join(tmp, 'blank.qcow2');
let childScript = '';

beforeAll(async () => {
  if (!existsSync('/usr/bin/setpriv')) throw new Error('setpriv is missing: apt-get install -y util-linux');
  mkdirSync(runtimeRoot, { recursive: true });
  spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', source, '16M']);
  const compiled = path.join(tmp, 'engine.mjs');
  await build({
    entryPoints: [path.join(repoRoot, 'src/engines/local/engine.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: compiled,
    logLevel: 'silent',
    // CommonJS dependencies (tar-stream via streamx) call require() for node builtins.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  childScript = path.join(tmp, 'child.mjs');
  writeFileSync(
    childScript,
    `import { LocalEngine } from ${JSON.stringify(compiled)};
const [mode, name] = process.argv.slice(2);
const quiet = { info() {}, warn() {}, error() {}, debug() {}, progress() {}, child() { return quiet; } };
const vm = { name, source: { kind: 'path', path: ${JSON.stringify(source)} }, cpu: 1, memoryBytes: 64 * 1024 * 1024,
  disks: [{ name: 'root', sizeBytes: 16 * 1024 * 1024, bus: 'virtio' }], cdroms: [], nics: [{ model: 'virtio' }],
  communicator: { type: 'ssh', sshPort: 22 } };
const engine = new LocalEngine({ runtimeRoot: ${JSON.stringify(runtimeRoot)}, portLockDir: ${JSON.stringify(lockDir)}, accelerator: 'tcg' });
const handle = await engine.startVm({ build: { dir: ${JSON.stringify(tmp)}, network: { vpcs: [] }, layers: [{ name: 'base', vms: [vm] }] }, vm,
  workDir: ${JSON.stringify(tmp)} + '/' + name, logDir: ${JSON.stringify(tmp)} + '/' + name + '-logs', logger: quiet, signal: new AbortController().signal });
process.stdout.write(JSON.stringify({ pid: handle.pid }) + '\\n');
if (mode === 'exit') process.exit(0);
setInterval(() => {}, 1000);
`,
  );
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function startChild(mode: 'exit' | 'hang', name: string) {
  const child = spawn(node24, [childScript, mode, name], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const qemuPid = new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve((JSON.parse(out) as { pid: number }).pid);
    });
    child.on('exit', (code) => (out.includes('\n') ? undefined : reject(new Error(`child exited ${code} before starting its VM`))));
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, qemuPid, exited };
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (!existsSync(`/proc/${pid}`)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !existsSync(`/proc/${pid}`);
}

describe('no QEMU outlives its build process (real processes)', () => {
  it('a process that exits without stopping its VM takes QEMU and the socket folder with it', async () => {
    const c = startChild('exit', 'exits');
    const pid = await c.qemuPid;
    await c.exited;
    expect(await gone(pid, 5000)).toBe(true);
    expect(readdirSync(runtimeRoot)).toEqual([]);
    expect(readdirSync(lockDir)).toEqual([]);
  }, 60_000);

  it('a SIGKILLed process takes QEMU with it; the next engine sweeps the socket folder it left', async () => {
    const c = startChild('hang', 'killed');
    const pid = await c.qemuPid;
    expect(existsSync(`/proc/${pid}`)).toBe(true);
    c.child.kill('SIGKILL');
    await c.exited;
    expect(await gone(pid, 5000)).toBe(true);
    const left = readdirSync(runtimeRoot);
    expect(left).toHaveLength(1);

    const engine = new LocalEngine({ runtimeRoot, portLockDir: lockDir, accelerator: 'tcg' });
    const vm = vmOf({ name: 'next', source: { kind: 'path', path: source }, disks: [{ name: 'root', sizeBytes: 16 * 1024 * 1024, bus: 'virtio' }] });
    const handle = await engine.startVm({
      build: buildOf(tmp, vm),
      vm,
      workDir: path.join(tmp, 'next'),
      logDir: path.join(tmp, 'next-logs'),
      logger: memoryLogger().logger,
      signal: AbortSignal.timeout(60_000),
    });
    try {
      expect(readdirSync(runtimeRoot)).not.toContain(left[0]);
      expect(readdirSync(runtimeRoot)).toHaveLength(1);
    } finally {
      await handle.stop();
    }
    expect(readdirSync(runtimeRoot)).toEqual([]);
  }, 60_000);
});
