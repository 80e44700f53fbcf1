/**
 * build-vm's post step (runs always, also after failure and cancellation): stops the VM if it is
 * still running — snapshot normally stopped it — and removes its work dir, unless keep-on-failure
 * kept it for debugging. On kubevirt it removes the job's build run from the cluster by its label
 * (a no-op when snapshot already did), also when main was killed before it could. It reads only
 * what main saved in state and the handoff, never inputs (post steps may not see them reliably).
 */
import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { stopDetachedVm } from '../../engines/local-engine.js';
import { readHandoff, updateHandoff } from '../toolkit/handoff.js';
import { removalHint, removeJobRun } from '../toolkit/kubevirt-run.js';
import { stopProcessesWithMarker } from '../toolkit/processes.js';
import { runAction } from '../toolkit/run-action.js';
import { STATE } from '../toolkit/state-keys.js';

export const run = (): Promise<void> =>
  runAction(async (ctx) => {
    const key = core.getState(STATE.vm);
    const workDir = core.getState(STATE.workDir);
    const file = core.getState(STATE.handoff);
    if (!key || !workDir) return;
    const handoff = file && existsSync(file) ? await readHandoff(file).catch((err: unknown) => (core.warning(String(err)), undefined)) : undefined;
    const vm = handoff?.vms[key];
    const runId = core.getState(STATE.runId);
    const run = runId ? { id: runId, namespace: core.getState(STATE.namespace), kubeconfig: core.getState(STATE.kubeconfig) || undefined } : undefined;
    if (vm?.keep) {
      core.info(`keep-on-failure: vm ${key} and ${workDir} are left for debugging${run ? `; remove them afterwards with: ${removalHint(run)}` : ''}`);
      return;
    }
    if (run) {
      await removeJobRun(run, ctx.logger, ctx.env);
      // An inline kubeconfig this step wrote, unless setup-cluster shares the file (its post removes it).
      const written = core.getState(STATE.writtenKubeconfig);
      if (written && handoff?.kubeconfig !== written) await rm(written, { force: true });
    }
    if (vm?.detached) {
      await stopDetachedVm(vm.detached, () => core.info(`vm ${key} is still running (the job failed or was cancelled before snapshot): stopping it`));
    }
    // A VM whose start never reported back (main was killed meanwhile) is found by its work folder,
    // which its processes' command lines name.
    const stray = await stopProcessesWithMarker(workDir);
    if (stray.length > 0) core.info(`stopped ${stray.length} leftover process(es) of vm ${key}`);
    if (existsSync(workDir)) {
      await rm(workDir, { recursive: true, force: true });
      core.info(`removed ${workDir}`);
    }
    if (vm && file && vm.state !== 'snapshotted' && vm.state !== 'failed') {
      await updateHandoff(
        'local',
        (h) => {
          const entry = h.vms[key];
          if (entry) entry.state = 'stopped';
        },
        file,
      );
    }
  });
