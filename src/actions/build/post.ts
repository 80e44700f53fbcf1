/**
 * The whole-build action's post step: the build cleans up after itself, but a main step killed
 * outright (the runner's cancellation window ran out) cannot. Whatever still runs from the build's
 * temp folder is stopped, and the folder removed; on kubevirt the build run's cluster objects are
 * found by the run id main saved and removed (a no-op when main's own cleanup already did).
 */
import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { removalHint, removeJobRun } from '../toolkit/kubevirt-run.js';
import { stopProcessesWithMarker } from '../toolkit/processes.js';
import { runAction } from '../toolkit/run-action.js';
import { STATE } from '../toolkit/state-keys.js';

export const run = (): Promise<void> =>
  runAction(async (ctx) => {
    const buildTemp = core.getState(STATE.buildTemp);
    if (!buildTemp) return;
    const run = core.getState(STATE.runId) ? { id: core.getState(STATE.runId), namespace: core.getState(STATE.namespace), kubeconfig: core.getState(STATE.kubeconfig) || undefined } : undefined;
    if (core.getState(STATE.keepOnFailure) === 'true' && core.getState(STATE.status) !== 'succeeded') {
      core.info(`keep-on-failure: leaving ${buildTemp} and anything still running from it${run ? `; remove build run ${run.id} afterwards with: ${removalHint(run)}` : ''}`);
      return;
    }
    // Before the temp folder goes: an inline kubeconfig lives there.
    if (run) await removeJobRun(run, ctx.logger, ctx.env);
    const stopped = await stopProcessesWithMarker(buildTemp);
    if (stopped.length > 0) core.info(`stopped ${stopped.length} leftover process(es) of the build`);
    if (existsSync(buildTemp)) await rm(buildTemp, { recursive: true, force: true });
  });
