/**
 * runVerify's lifecycle against a real OpenSSH server (test/helpers/sshd.ts): the VM is the
 * in-memory fake engine's, whose sshAddress points at the loopback sshd, so the checks run as real
 * commands over real SSH without booting a guest. What a QEMU boot cannot show cheaply is here: the
 * VM verify starts (the image as its source, no provisioners), every check run and reported even
 * after one failed, a check's own timeout, the whole verify's timeout, and cancellation (SIGINT)
 * in the middle of a check — each leaving no VM running and no work folder behind.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Build, Vm } from '../../../src/core/config/model.js';
import { LineLogger, SecretMasker } from '../../../src/core/log.js';
import type { VmOutput } from '../../../src/core/pipeline/manifest.js';
import { runVerify, type VerifyResult } from '../../../src/core/verify/run-verify.js';
import { FakeEngine, FakeWorld } from '../../helpers/fake-engine.js';
import { startSshd, type TestSshd } from '../../helpers/sshd.js';
import { FakeBuildDir, workDirsOf } from '../../unit/pipeline/fake-build.js';

let sshd: TestSshd;
let dir: FakeBuildDir;
beforeAll(async () => {
  sshd = await startSshd();
  dir = new FakeBuildDir();
}, 60_000);
afterAll(async () => {
  await sshd?.stop();
  dir?.dispose();
});

function buildWith(verify: string): Build {
  return dir.load([{ name: 'base', vms: [{ name: 'web', extra: [`communicator: { type: ssh, sshUsername: ${sshd.user}, sshPassword: ${sshd.password}, sshTimeout: 30s }`, `verify: ${verify}`] }] }]);
}

const output = (): VmOutput => ({
  layer: 'base',
  vm: 'web',
  image: `${dir.outputDir}/base-web.qcow2`,
  format: 'qcow2',
  compressed: false,
  bytes: 1,
  sha256: 'ab'.repeat(32),
  checksumFile: `${dir.outputDir}/base-web.qcow2.sha256`,
});

async function verify(build: Build, options: { signal?: AbortSignal; onLine?: (line: string) => void } = {}): Promise<{ result: VerifyResult; engine: FakeEngine; lines: string[]; started: Vm[] }> {
  const world = new FakeWorld().sshServer('web', { host: sshd.host, port: sshd.port });
  const engine = new FakeEngine(world);
  // What verify asked the engine to start.
  const started: Vm[] = [];
  const startVm = engine.startVm.bind(engine);
  engine.startVm = (req) => (started.push(req.vm), startVm(req));
  const lines: string[] = [];
  const logger = new LineLogger(
    (level, line) => {
      lines.push(`${level}: ${line}`);
      options.onLine?.(line);
    },
    new SecretMasker(),
    '',
    true,
  );
  const result = await runVerify({ build, outputs: [output()], engine, outputDir: dir.outputDir, logger, signal: options.signal ?? new AbortController().signal });
  await engine.close();
  return { result, engine, lines, started };
}

function expectNothingLeft(engine: FakeEngine): void {
  expect(engine.world.running()).toEqual([]);
  const workDirs = workDirsOf(engine);
  expect(workDirs.length).toBeGreaterThan(0);
  for (const d of workDirs) expect(existsSync(d), d).toBe(false);
}

describe('runVerify over real SSH', () => {
  it('boots the image with no provisioners, runs every check even after one failed, reports each with its output, and stops the VM', async () => {
    const { result, engine, started } = await verify(buildWith(`{ checks: ["echo ready", { name: fails, run: "echo about to fail; exit 3" }, { name: any of two, run: "exit 1", validExitCodes: [0, 1] }] }`));
    expect(result.status).toBe('failed');
    expect(result.vms).toHaveLength(1);
    expect(result.vms[0]!.error).toBe("check 'fails' exited 3, expected 0");
    expect(result.vms[0]!.checks.map((c) => [c.name, c.passed, c.exitCode, c.tail])).toEqual([
      ['echo ready', true, 0, ['ready']],
      ['fails', false, 3, ['about to fail']],
      ['any of two', true, 1, []],
    ]);
    expect(result.phases.map((p) => `${p.phase}: ${p.status}`)).toEqual([
      'start vm: ok',
      'boot command: skipped',
      'wait for ssh: ok',
      'check 1/3: echo ready: ok',
      'check 2/3: fails: failed',
      'check 3/3: any of two: ok',
    ]);
    expect(started).toHaveLength(1);
    expect(started[0]!.source).toEqual({ kind: 'path', path: output().image });
    expect(started[0]!.provisioners).toEqual([]);
    expectNothingLeft(engine);
  }, 60_000);

  it("a check's timeout fails that check; the rest still run", async () => {
    const { result, engine } = await verify(buildWith(`{ checks: [{ name: slow, run: "sleep 20", timeout: 1s }, "true"] }`));
    expect(result.vms[0]!.checks.map((c) => [c.name, c.passed, c.reason])).toEqual([
      ['slow', false, 'timed out after 1s'],
      ['true', true, undefined],
    ]);
    expectNothingLeft(engine);
  }, 60_000);

  it('the whole verify has a time limit', async () => {
    const started = Date.now();
    const { result, engine } = await verify(buildWith(`{ timeout: 2s, checks: ["sleep 30"] }`));
    expect(result.status).toBe('failed');
    expect(result.vms[0]!.error).toBe('verify timed out after 2s (verify.timeout)');
    expect(Date.now() - started).toBeLessThan(20_000);
    expectNothingLeft(engine);
  }, 60_000);

  it('cancellation (SIGINT) during a check stops the VM and removes its work folder', async () => {
    const abort = new AbortController();
    const { result, engine } = await verify(buildWith(`{ checks: ["sleep 30"] }`), { signal: abort.signal, onLine: (line) => /==> check 1\/1/.test(line) && setTimeout(() => abort.abort(), 300) });
    expect(result.status).toBe('cancelled');
    expect(result.vms[0]!.status).toBe('cancelled');
    expectNothingLeft(engine);
  }, 60_000);
});
