/**
 * setup-cluster's post step, the job's last: removes the kubevirt build run the job's stage
 * actions made (by its label; a no-op when snapshot or build-vm's post already did — but
 * import-source has no post step of its own), unless a VM was kept for debugging; then deletes
 * the build namespace it created (cleanup: true) and the kubeconfig files the job's steps wrote
 * from inline input (the runner empties RUNNER_TEMP after the job too; this does not wait for it).
 */
import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { readHandoff } from '../toolkit/handoff.js';
import { removalHint, removeJobRun, stageSecretsDir } from '../toolkit/kubevirt-run.js';
import { runAction } from '../toolkit/run-action.js';
import { STATE } from '../toolkit/state-keys.js';

export const run = (): Promise<void> =>
  runAction(async (ctx) => {
    if (core.getState(STATE.engine) !== 'kubevirt') return;
    const kubeconfig = core.getState(STATE.kubeconfig) || undefined;
    const file = core.getState(STATE.handoff);
    const handoff = file && existsSync(file) ? await readHandoff(file).catch((err: unknown) => (core.warning(String(err)), undefined)) : undefined;
    const run = handoff?.kubevirtRun;
    const kept = Object.values(handoff?.vms ?? {}).some((vm) => vm.keep);
    if (run && kept) core.info(`keep-on-failure: build run ${run.id} is left for debugging; remove it afterwards with: ${removalHint(run)}`);
    else if (run) await removeJobRun(run, ctx.logger, ctx.env);

    const namespace = core.getState(STATE.namespace);
    if (namespace && core.getState(STATE.namespaceCreated) === 'true') {
      if (core.getState(STATE.cleanup) === 'false' || kept) {
        core.info(`${kept ? 'keep-on-failure' : 'cleanup: false'} — keeping namespace ${namespace}`);
      } else {
        const { deleteNamespace, loadKubeConfig } = await import('../toolkit/kubevirt-cluster.js');
        await deleteNamespace(loadKubeConfig(kubeconfig), namespace);
        core.info(`deleted namespace ${namespace}`);
      }
    }
    if (!kept) await rm(stageSecretsDir(ctx.env), { recursive: true, force: true });
  });
