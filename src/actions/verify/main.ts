/**
 * verify: boots a build's images as new VMs and runs their `verify:` checks over SSH — the gate
 * to put before publish-containerdisk. The images are this job's snapshots (the stage chain) or,
 * when the output folder has one, those of a whole build's manifest.json. Fails the step when a
 * check fails, so a later publish step does not run.
 */
import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import type { VmOutput } from '../../core/pipeline/manifest.js';
import { readOutputs } from '../../core/verify/read-outputs.js';
import { wholeBuildEngine } from '../toolkit/build-engine.js';
import { loadBuildForAction } from '../toolkit/build-context.js';
import { readHandoff } from '../toolkit/handoff.js';
import { booleanInput, enumInput, listInput, optionalInput } from '../toolkit/inputs.js';
import { setOutputs } from '../toolkit/outputs.js';
import { runAction } from '../toolkit/run-action.js';
import { STATE } from '../toolkit/state-keys.js';
import { writeSummary } from '../toolkit/summary.js';
import { verifyOutputs, verifySection } from '../toolkit/verify-report.js';

export const run = (): Promise<void> =>
  runAction(async (ctx) => {
    const { logger } = ctx;
    const handoff = await readHandoff();
    const { build } = loadBuildForAction(ctx, handoff);
    const outputDir = path.resolve(ctx.workspace, optionalInput('output-directory') ?? path.join('output', build.name));
    let outputs: VmOutput[];
    if (existsSync(path.join(outputDir, 'manifest.json'))) {
      outputs = await readOutputs(outputDir);
    } else {
      const snapshots = Object.entries(handoff?.snapshots ?? {});
      if (snapshots.length === 0) throw new UserError(`nothing to verify: no manifest.json in ${outputDir} and no snapshot ran earlier in this job; run the build (or the snapshot action) first`);
      outputs = snapshots.map(([key, s]) => {
        const [layer = '', vm = ''] = key.split('/');
        return { layer, vm, image: s.path, format: s.format, compressed: s.compressed, bytes: s.bytes, sha256: s.sha256, checksumFile: `${s.path}.sha256` };
      });
    }
    const wanted = listInput('vms');
    for (const w of wanted) if (!outputs.some((o) => `${o.layer}/${o.vm}` === w)) throw new UserError(`input 'vms': no image of ${w} (images: ${outputs.map((o) => `${o.layer}/${o.vm}`).join(', ')})`);
    if (wanted.length > 0) outputs = outputs.filter((o) => wanted.includes(`${o.layer}/${o.vm}`));

    const engineName = enumInput('engine', ['local', 'kubevirt'] as const, handoff?.engine ?? 'local');
    const keep = booleanInput('keep-on-failure', false);
    core.saveState(STATE.keepOnFailure, String(keep));
    // Everything temporary goes under one folder the post step can remove, as for the build action.
    const tempRoot = ctx.env.RUNNER_TEMP || os.tmpdir();
    await mkdir(tempRoot, { recursive: true });
    const temp = await mkdtemp(path.join(tempRoot, 'ruddervirt-verify-'));
    core.saveState(STATE.buildTemp, temp);
    process.env.TMPDIR = temp;
    const engine = await wholeBuildEngine(ctx, engineName, temp, { jobRun: true });
    let result;
    try {
      result = await verifyOutputs(ctx, { build, outputs, engine: engine.engine, outputDir, onError: keep ? 'abort' : 'cleanup' });
    } finally {
      await engine.release(result?.status === 'failed' ? 'failed' : 'succeeded', keep);
    }
    core.saveState(STATE.status, result === undefined || result.status === 'passed' ? 'succeeded' : 'failed');
    if (!result) {
      logger.info(`verify: nothing to verify: no VM of ${outputs.map((o) => `${o.layer}/${o.vm}`).join(', ')} has a verify block`);
      setOutputs({ status: 'skipped', report: '[]' }, ctx.masker);
      return;
    }
    await writeSummary(`### RudderVirt verify \`${build.name}\`\n\n${verifySection(result)}`, ctx.masker);
    setOutputs(
      {
        status: result.status,
        report: JSON.stringify(
          result.vms.map((v) => ({
            vm: v.vm,
            status: v.status,
            ...(v.error ? { error: v.error } : {}),
            checks: v.checks.map((c) => ({ name: c.name, passed: c.passed, exitCode: c.exitCode, ...(c.reason ? { reason: c.reason } : {}) })),
          })),
        ),
      },
      ctx.masker,
    );
    if (result.status !== 'passed')
      throw new UserError(
        `verify ${result.status}: ${result.vms
          .filter((v) => v.status !== 'passed')
          .map((v) => `${v.vm}: ${v.error ?? v.status}`)
          .join('; ')}`,
      );
  });
