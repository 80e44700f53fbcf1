/**
 * The kubevirt engine settings that are no part of the build file, as action inputs: the CLI's
 * --egress-external-subnet and --iso-size (src/cli/kubevirt-flags.ts) as `egress-external-subnet`
 * and `iso-size` on the whole build, build-vm and import-source. The engine is replaced by a
 * recorder of its options, as in test/unit/verify/verify-kubevirt-settings.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import type { KubevirtEngineOptions } from '../../src/engines/kubevirt/engine.js';

const created = vi.hoisted(() => [] as { name: string; options: unknown }[]);
vi.mock('../../src/engines/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/engines/index.js')>();
  return {
    ...real,
    createEngine: (name: string, options: unknown) => {
      created.push({ name, options });
      return { name, servesHttpItself: true, startVm: () => Promise.reject(new Error('recorder: no cluster here')), close: () => Promise.resolve() };
    },
  };
});

const { kubevirtEngineInput } = await import('../../src/actions/toolkit/kubevirt-settings-input.js');
const { wholeBuildEngine } = await import('../../src/actions/toolkit/build-engine.js');
const { jobEngine, jobRun } = await import('../../src/actions/toolkit/kubevirt-run.js');
const { readHandoff } = await import('../../src/actions/toolkit/handoff.js');
const { actionContext } = await import('../../src/actions/toolkit/run-action.js');

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'rvtest-engine-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => void created.splice(0));

const setEnv = vi.stubEnv;
afterEach(() => void vi.unstubAllEnvs());

function freshJob(): string {
  const file = path.join(dir, `handoff-${Math.random().toString(36).slice(2)}.json`);
  setEnv('RUDDERVIRT_HANDOFF', file);
  writeFileSync(path.join(dir, 'state'), '');
  setEnv('GITHUB_STATE', path.join(dir, 'state'));
  setEnv('INPUT_NAMESPACE', 'builds');
  return file;
}

describe('kubevirt engine inputs (egress-external-subnet, iso-size)', () => {
  it('are declared on the whole build, build-vm and import-source', () => {
    for (const file of ['action.yml', 'actions/build-vm/action.yml', 'actions/import-source/action.yml']) {
      const inputs = (parse(readFileSync(path.join(root, file), 'utf8')) as { inputs: Record<string, { required?: boolean; default?: string }> }).inputs;
      for (const name of ['egress-external-subnet', 'iso-size']) expect(inputs[name], `${file} ${name}`).toMatchObject({ required: false, default: '' });
    }
  });

  it('are read as the CLI flags are, and refused naming the input', () => {
    expect(kubevirtEngineInput()).toEqual({});
    setEnv('INPUT_EGRESS-EXTERNAL-SUBNET', 'ext-net');
    setEnv('INPUT_ISO-SIZE', '20Gi');
    expect(kubevirtEngineInput()).toEqual({ egressExternalSubnet: 'ext-net', isoVolumeBytes: 20 * 1024 ** 3 });
    setEnv('INPUT_EGRESS-EXTERNAL-SUBNET', 'Ext_Net');
    expect(() => kubevirtEngineInput()).toThrow(/input 'egress-external-subnet': 'Ext_Net' is not a Kube-OVN subnet name/);
    setEnv('INPUT_EGRESS-EXTERNAL-SUBNET', 'ext');
    setEnv('INPUT_ISO-SIZE', '0');
    expect(() => kubevirtEngineInput()).toThrow(/input 'iso-size': expected a size above 0/);
    setEnv('INPUT_ISO-SIZE', 'big');
    expect(() => kubevirtEngineInput()).toThrow(/input 'iso-size'/);
  });

  it('reach the whole build’s engine', async () => {
    freshJob();
    setEnv('INPUT_EGRESS-EXTERNAL-SUBNET', 'ext-net');
    setEnv('INPUT_ISO-SIZE', '20Gi');
    await wholeBuildEngine(actionContext(AbortSignal.timeout(10_000), process.env), 'kubevirt', dir);
    expect(created[0]!.options as KubevirtEngineOptions).toMatchObject({ egressExternalSubnet: 'ext-net', isoVolumeBytes: 20 * 1024 ** 3, namespace: 'builds' });
  });

  it('start a stage chain’s run with them, so every later step renders the same; a later step may not change them', async () => {
    const file = freshJob();
    setEnv('INPUT_ISO-SIZE', '20Gi');
    const ctx = actionContext(AbortSignal.timeout(10_000), process.env);
    const run = await jobRun(ctx, await readHandoff(file));
    expect((await readHandoff(file))?.kubevirtRun?.engineInputs).toEqual({ isoVolumeBytes: 20 * 1024 ** 3 });
    await jobEngine(ctx, run);
    expect(created[0]!.options as KubevirtEngineOptions).toMatchObject({ isoVolumeBytes: 20 * 1024 ** 3 });
    // A later step without the input takes the run's; with another value it is refused.
    delete process.env['INPUT_ISO-SIZE'];
    await expect(jobRun(ctx, await readHandoff(file))).resolves.toMatchObject({ engineInputs: { isoVolumeBytes: 20 * 1024 ** 3 } });
    setEnv('INPUT_ISO-SIZE', '30Gi');
    await expect(jobRun(ctx, await readHandoff(file))).rejects.toThrow(/the inputs iso-size differ from those this job's build run/);
  });
});
