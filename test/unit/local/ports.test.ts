import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocatePort, lockOwner, type PortLease } from '../../../src/engines/local/ports.js';
import { node24, repoRoot } from '../../helpers/node24.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-ports-test-'));
let childScript: string;

/** A random block of `n` ports in the ephemeral-free zone, different per test run. */
function block(n: number): { min: number; max: number } {
  const min = 20000 + Math.floor(Math.random() * 400) * 50;
  return { min, max: min + n };
}

beforeAll(async () => {
  // Child processes run the real module, compiled to plain JS.
  const compiled = path.join(tmp, 'ports.mjs');
  await build({ entryPoints: [path.join(repoRoot, 'src/engines/local/ports.ts')], bundle: true, platform: 'node', format: 'esm', outfile: compiled, logLevel: 'silent' });
  childScript = path.join(tmp, 'child.mjs');
  writeFileSync(
    childScript,
    `import { allocatePort } from ${JSON.stringify(compiled)};
const [min, max, count, lockDir, mode] = process.argv.slice(2);
const leases = await Promise.all(Array.from({ length: Number(count) }, () => allocatePort({ range: { min: Number(min), max: Number(max) }, lockDir })));
process.stdout.write(JSON.stringify(leases.map((l) => l.port)) + '\\n');
if (mode === 'exit') process.exit(0);
if (mode === 'hang') setInterval(() => {}, 1000);
else process.stdin.on('end', async () => { for (const l of leases) await l.release(); process.exit(0); }).resume();
`,
  );
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function startChild(args: (string | number)[]): { child: ChildProcess; ports: Promise<number[]>; exited: Promise<number | null> } {
  const child = spawn(node24, [childScript, ...args.map(String)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const ports = new Promise<number[]>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(JSON.parse(out) as number[]);
    });
    child.on('exit', (code) => (out.includes('\n') ? undefined : reject(new Error(`child exited ${code} before reporting ports`))));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ports, exited };
}

describe('port picker', () => {
  it('parallel processes allocating at the same time never get the same port (real processes, real locks)', async () => {
    const lockDir = path.join(tmp, 'parallel');
    const range = block(40);
    const children = Array.from({ length: 4 }, () => startChild([range.min, range.max, 8, lockDir, 'hold']));
    const all = (await Promise.all(children.map((c) => c.ports))).flat();
    expect(all).toHaveLength(32);
    expect(new Set(all).size).toBe(32);
    for (const p of all) expect(p >= range.min && p < range.max).toBe(true);
    expect(readdirSync(lockDir).sort()).toEqual(all.map(String).sort());
    for (const c of children) c.child.stdin!.end();
    expect(await Promise.all(children.map((c) => c.exited))).toEqual([0, 0, 0, 0]);
    expect(readdirSync(lockDir)).toEqual([]);
  });

  it('hands out every port of a range once in one process, then says the range is full', async () => {
    const lockDir = path.join(tmp, 'full');
    const range = block(30);
    const leases = await Promise.all(Array.from({ length: 30 }, () => allocatePort({ range, lockDir })));
    expect(new Set(leases.map((l) => l.port)).size).toBe(30);
    await expect(allocatePort({ range, lockDir })).rejects.toThrow(new RegExp(`no free port in ${range.min}-${range.max}`));
    await leases[7]!.release();
    const again = await allocatePort({ range, lockDir });
    expect(again.port).toBe(leases[7]!.port);
    for (const l of [...leases, again]) await l.release();
    expect(readdirSync(lockDir)).toEqual([]);
  });

  it('skips a port something else is listening on', async () => {
    const lockDir = path.join(tmp, 'busy');
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const busy = (server.address() as net.AddressInfo).port;
    try {
      await expect(allocatePort({ range: { min: busy, max: busy }, lockDir })).rejects.toThrow(/no free port/);
      expect(existsSync(path.join(lockDir, String(busy)))).toBe(false);
    } finally {
      server.close();
    }
  });

  it("respects a live process's lock and takes over a dead process's lock", async () => {
    const lockDir = path.join(tmp, 'stale');
    const range = block(1);
    range.max = range.min;
    const lockFile = path.join(lockDir, String(range.min));
    mkdirSync(lockDir, { recursive: true });
    writeFileSync(lockFile, `${process.pid}\n`); // alive: ours
    await expect(allocatePort({ range, lockDir })).rejects.toThrow(/no free port/);

    const dead = spawnSync(node24, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(lockFile, `${dead.stdout}\n`);
    const lease = await allocatePort({ range, lockDir });
    expect(lease.port).toBe(range.min);
    expect(await lockOwner(range.min, lockDir)).toBe(process.pid);
    await lease.release();
    expect(existsSync(lockFile)).toBe(false);
  });

  it('a process that exits without releasing leaves no lock; one that is killed leaves a lock the next taker reclaims', async () => {
    const lockDir = path.join(tmp, 'exit');
    const range = block(3);
    const exiting = startChild([range.min, range.max, 3, lockDir, 'exit']);
    await exiting.ports;
    await exiting.exited;
    expect(readdirSync(lockDir)).toEqual([]);

    const killed = startChild([range.min, range.max, 3, lockDir, 'hang']);
    const held = await killed.ports;
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(readdirSync(lockDir).sort()).toEqual(held.map(String).sort());
    const leases: PortLease[] = [];
    for (let i = 0; i < 3; i++) leases.push(await allocatePort({ range, lockDir }));
    expect(leases.map((l) => l.port).sort()).toEqual([...held].sort());
    for (const l of leases) await l.release();
  });

  it('rejects nonsense ranges', async () => {
    await expect(allocatePort({ range: { min: 10, max: 5 }, lockDir: tmp })).rejects.toThrow(/invalid port range 10-5/);
    await expect(allocatePort({ range: { min: 0, max: 5 }, lockDir: tmp })).rejects.toThrow(/invalid port range/);
  });
});
