/**
 * The whole-build action's engine. local: QEMU on the runner. kubevirt: the cluster of the
 * `kubeconfig` input (a path, or the content — then a 0600 file in the build's temp folder), else
 * of setup-cluster's handoff, else the runner's default kubeconfig; the `namespace` input, else
 * setup-cluster's, else the kubeconfig context's. The run id is chosen here and saved in state
 * before anything is created, so the post step can remove the run by its label if this process
 * is killed.
 *
 * verify (`jobRun: true`) boots images that a stage chain of this job may have built: without
 * inputs it renders with the cluster settings, namespace and kubeconfig of that job's build run
 * (handoff kubevirtRun), so the verify VM gets the storage class, placement and helper images the
 * build had; each setting input wins over the run's, key by key.
 */
import * as core from '@actions/core';
import { UserError } from '../../core/errors.js';
import type { Engine } from '../../core/engine.js';
import type { BuildResult } from '../../core/pipeline/build-runner.js';
import { createLocalEngine } from '../../engines/local-engine.js';
import { readHandoff } from './handoff.js';
import { optionalInput } from './inputs.js';
import { engineInputNames, kubevirtEngineInput, kubevirtSettingsInput } from './kubevirt-settings-input.js';
import { kubeconfigInput } from './kubeconfig-input.js';
import { removalHint } from './kubevirt-run.js';
import type { ActionContext } from './run-action.js';
import { STATE } from './state-keys.js';

export interface WholeBuildEngine {
  engine: Engine;
  /** After the build: releases the engine; kubevirt keeps the run when keep-on-failure asked for it. */
  release(status: BuildResult['status'], keepOnFailure: boolean): Promise<void>;
}

export interface WholeBuildEngineOptions {
  /** Fall back to the settings, namespace and kubeconfig of this job's kubevirt build run (verify). */
  jobRun?: boolean;
}

export async function wholeBuildEngine(ctx: ActionContext, name: 'local' | 'kubevirt', buildTemp: string, opts: WholeBuildEngineOptions = {}): Promise<WholeBuildEngine> {
  core.saveState(STATE.engine, name);
  const given = kubevirtSettingsInput();
  const engineInputs = kubevirtEngineInput();
  // Read on both engines, so a wrong value is refused wherever it is given.
  const keptPerVm = keepLayersInput();
  if (name === 'local') {
    if (Object.keys(given).length > 0) ctx.logger.warn(`the cluster-setting inputs (${Object.keys(given).join(', ')}) are for engine kubevirt; the local engine ignores them`);
    const engineNames = engineInputNames(engineInputs);
    if (engineNames.length > 0) ctx.logger.warn(`the inputs ${engineNames.join(', ')} are for engine kubevirt; the local engine ignores them`);
    // The local engine keeps every built layer already, in its layer cache (RUDDERVIRT_CACHE_DIR,
    // and the Actions cache with `cache: true`); there is no cluster to keep outputs in.
    if (keptPerVm !== undefined)
      ctx.logger.warn(
        `input 'keep-layers' is for engine kubevirt (layer outputs kept in the cluster); the local engine ignores it: it keeps every built layer in its layer cache already (and in the Actions cache with 'cache: true')`,
      );
    const engine = createLocalEngine({ env: ctx.env });
    return { engine, release: () => engine.close() };
  }
  const setup = await readHandoff();
  const jobRun = opts.jobRun ? setup?.kubevirtRun : undefined;
  const kubevirt = { ...jobRun?.settings, ...given };
  if (jobRun?.settings && Object.keys(jobRun.settings).length > 0) {
    const inherited = Object.keys(jobRun.settings).filter((k) => !(k in given));
    if (inherited.length > 0) ctx.logger.info(`kubevirt: cluster settings of this job's build run ${jobRun.id}: ${inherited.join(', ')}`);
  }
  const kubeconfig = (await kubeconfigInput(ctx, buildTemp))?.path ?? jobRun?.kubeconfig ?? setup?.kubeconfig;
  // Loaded here, not at the top: on the local engine the Kubernetes client is never needed.
  const { loadKubeTarget } = await import('../../engines/kubevirt/cluster/kube-target.js');
  const { newRunId } = await import('../../engines/kubevirt/manifests/index.js');
  const { createEngine } = await import('../../engines/index.js');
  const namespace = optionalInput('namespace') ?? jobRun?.namespace ?? setup?.namespace ?? loadKubeTarget({ env: ctx.env, ...(kubeconfig ? { kubeconfig } : {}) }).namespace;
  const run = { id: newRunId(), namespace, ...(kubeconfig ? { kubeconfig } : {}) };
  core.saveState(STATE.runId, run.id);
  core.saveState(STATE.namespace, namespace);
  core.saveState(STATE.kubeconfig, kubeconfig ?? '');
  const engine = createEngine('kubevirt', {
    env: ctx.env,
    logger: ctx.logger,
    runId: run.id,
    namespace,
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(keptPerVm ? { keepLayers: true, keptPerVm } : {}),
    kubevirt,
    ...jobRun?.engineInputs,
    ...engineInputs,
  });
  return {
    engine,
    release: async (status, keepOnFailure) => {
      if (keepOnFailure && status === 'failed') {
        ctx.logger.warn(`keep-on-failure: build run ${run.id} is left in namespace ${namespace} for debugging; remove it afterwards with: ${removalHint(run)}`);
        return;
      }
      await engine.close();
    },
  };
}

/** The keep-layers input: how many kept outputs per layer and VM, or undefined (off). */
function keepLayersInput(): number | undefined {
  const value = optionalInput('keep-layers');
  if (value === undefined) return undefined;
  if (!/^[1-9]\d{0,5}$/.test(value)) throw new UserError(`input 'keep-layers' must be a whole number of at least 1 (how many kept outputs per layer and VM), got '${value}'`);
  return Number(value);
}
