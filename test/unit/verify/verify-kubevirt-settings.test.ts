/**
 * The verify VMs are rendered with the cluster settings of the build they check: `ruddervirt
 * verify --engine kubevirt` takes the build's flags, and the verify action, without inputs, the
 * settings of this job's kubevirt build run (the handoff), an input winning key by key. The engine
 * is replaced by a recorder of its options: no cluster runs here, and what the engine does with its
 * settings is the render's business (test/unit/kubevirt/render-equals-build.test.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KubevirtEngineOptions } from '../../../src/engines/kubevirt/engine.js';
import { memoryIo } from '../../helpers/cli-io.js';

const created = vi.hoisted(() => [] as { name: string; options: unknown }[]);
vi.mock('../../../src/engines/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/engines/index.js')>();
  return {
    ...real,
    createEngine: (name: string, options: unknown) => {
      created.push({ name, options });
      return {
        name,
        servesHttpItself: true,
        startVm: () => Promise.reject(new Error('recorder: no cluster here')),
        close: () => Promise.resolve(),
      };
    },
  };
});

const { verifyCommand } = await import('../../../src/cli/commands/verify.js');
const { wholeBuildEngine } = await import('../../../src/actions/toolkit/build-engine.js');
const { emptyHandoff } = await import('../../../src/actions/toolkit/handoff.js');
const { actionContext } = await import('../../../src/actions/toolkit/run-action.js');

const dir = mkdtempSync(path.join(os.tmpdir(), 'rvtest-verify-kubevirt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => void created.splice(0));

/** A build whose VM has a verify block, and an output folder with its image. */
function builtOutput(): { file: string; output: string } {
  const file = path.join(dir, 'build.yaml');
  writeFileSync(
    file,
    `name: demo\nlayers:\n  - name: base\n    vms:\n      - name: web\n        source: { path: ${process.execPath} }\n        communicator: { type: ssh, sshUsername: root, sshPassword: pw }\n        verify: { checks: [{ name: ok, run: "true" }] }\n`,
  );
  const output = path.join(dir, 'out');
  mkdirSync(output, { recursive: true });
  writeFileSync(path.join(output, 'base-web.qcow2'), '');
  const vmOutput = { layer: 'base', vm: 'web', image: path.join(output, 'base-web.qcow2'), format: 'qcow2', compressed: false, bytes: 0, sha256: '0'.repeat(64), checksumFile: '' };
  writeFileSync(path.join(output, 'manifest.json'), JSON.stringify({ manifestVersion: 1, outputs: [vmOutput] }));
  return { file, output };
}

describe('ruddervirt verify --engine kubevirt', () => {
  it('gives the verify engine the cluster-setting and engine flags, as build does', async () => {
    const { file, output } = builtOutput();
    const io = memoryIo(dir);
    const args = [
      file,
      '--output',
      output,
      '--engine',
      'kubevirt',
      '--namespace',
      'builds',
      '--storage-class',
      'fast',
      '--node-selector',
      'pool=builds',
      '--http-server-image',
      'mirror.local/busybox:1.37',
      '--iso-size',
      '20Gi',
      '--egress-external-subnet',
      'ext',
    ];
    const error = await verifyCommand.run(args, io).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(created, `${String(error)}\n${io.err()}`).toHaveLength(1);
    expect(created).toHaveLength(1);
    const options = created[0]!.options as KubevirtEngineOptions;
    expect(created[0]!.name).toBe('kubevirt');
    expect(options.kubevirt).toEqual({ storageClassName: 'fast', nodeSelector: { pool: 'builds' }, httpServerImage: 'mirror.local/busybox:1.37' });
    expect(options).toMatchObject({ namespace: 'builds', isoVolumeBytes: 20 * 1024 ** 3, egressExternalSubnet: 'ext' });
  });

  it('refuses a cluster flag on the local engine, naming it', async () => {
    const { file, output } = builtOutput();
    await expect(verifyCommand.run([file, '--output', output, '--storage-class', 'fast'], memoryIo(dir))).rejects.toThrow(/--storage-class is for --engine kubevirt/);
    expect(created).toHaveLength(0);
  });
});

describe('the verify action engine (wholeBuildEngine with jobRun)', () => {
  const setEnv = vi.stubEnv;
  afterEach(() => void vi.unstubAllEnvs());

  function jobWithRun(): void {
    const handoffFile = path.join(dir, 'handoff.json');
    const handoff = emptyHandoff('kubevirt');
    handoff.kubevirtRun = { id: 'r1', namespace: 'chain', settings: { storageClassName: 'from-run', nodeSelector: { pool: 'run' } } };
    writeFileSync(handoffFile, JSON.stringify(handoff));
    setEnv('RUDDERVIRT_HANDOFF', handoffFile);
    writeFileSync(path.join(dir, 'state'), '');
    setEnv('GITHUB_STATE', path.join(dir, 'state'));
  }

  it('without inputs: the settings and namespace of this job’s build run', async () => {
    jobWithRun();
    const ctx = actionContext(AbortSignal.timeout(10_000), process.env);
    await wholeBuildEngine(ctx, 'kubevirt', dir, { jobRun: true });
    const options = created[0]!.options as KubevirtEngineOptions;
    expect(options.kubevirt).toEqual({ storageClassName: 'from-run', nodeSelector: { pool: 'run' } });
    expect(options.namespace).toBe('chain');
  });

  it('an input wins over the run’s setting of the same key; the others stay', async () => {
    jobWithRun();
    setEnv('INPUT_STORAGE-CLASS', 'fast');
    const ctx = actionContext(AbortSignal.timeout(10_000), process.env);
    await wholeBuildEngine(ctx, 'kubevirt', dir, { jobRun: true });
    expect((created[0]!.options as KubevirtEngineOptions).kubevirt).toEqual({ storageClassName: 'fast', nodeSelector: { pool: 'run' } });
  });

  it('the whole build (no jobRun) does not take a stage chain’s settings', async () => {
    jobWithRun();
    setEnv('INPUT_NAMESPACE', 'own');
    const ctx = actionContext(AbortSignal.timeout(10_000), process.env);
    await wholeBuildEngine(ctx, 'kubevirt', dir);
    expect((created[0]!.options as KubevirtEngineOptions).kubevirt).toEqual({});
  });
});
