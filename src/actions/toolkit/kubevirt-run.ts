/**
 * The kubevirt engine across the steps of one job. Each step is its own process, so the build run
 * lives in the cluster and is named by its id: the first step that touches the cluster
 * (import-source, else build-vm) picks the id and records it in the handoff before it creates
 * anything; later steps reuse it, and any post step can remove the run by its label even when the
 * step that made it was killed. Where the run goes: the step's `kubeconfig` / `namespace` inputs,
 * else what setup-cluster (or an earlier step) recorded, else the kubeconfig's own defaults.
 *
 * The kubevirt engine and its Kubernetes client are imported where they are used: every stage
 * action imports this file, and on the local engine none of them needs that code loaded.
 */
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { Engine } from '../../core/engine.js';
import { updateHandoff, type Handoff, type HandoffKubevirtRun } from './handoff.js';
import { optionalInput } from './inputs.js';
import { engineInputNames, kubevirtEngineInput, kubevirtSettingsInput } from './kubevirt-settings-input.js';
import { kubeconfigInput } from './kubeconfig-input.js';
import type { ActionContext } from './run-action.js';

/** Where inline kubeconfigs of the stage actions go: the runner empties RUNNER_TEMP after the job. */
export function stageSecretsDir(env: NodeJS.ProcessEnv): string {
  return path.join(env.RUNNER_TEMP || os.tmpdir(), 'ruddervirt', 'secrets');
}

export interface JobRun extends HandoffKubevirtRun {
  /** A kubeconfig file this step wrote from inline input (its post step removes it). */
  writtenKubeconfig?: string;
}

/**
 * The job's run for a step that may create it (import-source, build-vm): from the handoff, or a
 * new one recorded there at once. Refuses a namespace or kubeconfig input that contradicts the
 * run earlier steps made.
 */
/** Inputs a later step gives must be the ones the run was started with (or none). */
function refuseChanged(what: string, given: object, recorded: object | undefined, runId: string): void {
  if (Object.keys(given).length === 0 || JSON.stringify(given) === JSON.stringify(recorded ?? {})) return;
  throw new UserError(`${what} differ from those this job's build run ${runId} was started with; give them to the step that starts the run (import-source, else build-vm) and leave them empty here`);
}

export async function jobRun(ctx: ActionContext, handoff: Handoff | undefined): Promise<JobRun> {
  const given = await kubeconfigInput(ctx, stageSecretsDir(ctx.env));
  const namespaceInput = optionalInput('namespace');
  // Every step renders the run's objects, so all must render them with the same cluster settings.
  const settings = kubevirtSettingsInput();
  const engineInputs = kubevirtEngineInput();
  const existing = handoff?.kubevirtRun;
  if (existing) {
    if (namespaceInput && namespaceInput !== existing.namespace) {
      throw new UserError(`input 'namespace': ${namespaceInput}, but this job's build run ${existing.id} is in namespace ${existing.namespace}; leave it empty (or use another handoff file, RUDDERVIRT_HANDOFF)`);
    }
    refuseChanged(`the cluster-setting inputs (${Object.keys(settings).join(', ')})`, settings, existing.settings, existing.id);
    refuseChanged(`the inputs ${engineInputNames(engineInputs).join(', ')}`, engineInputs, existing.engineInputs, existing.id);
    const kubeconfig = given?.path ?? existing.kubeconfig;
    return { ...existing, ...(kubeconfig ? { kubeconfig } : {}), ...(given?.written ? { writtenKubeconfig: given.path } : {}) };
  }
  const kubeconfig = given?.path ?? handoff?.kubeconfig;
  // The namespace is fixed now (not left to each step's kubeconfig), so every step agrees.
  const namespace = namespaceInput ?? handoff?.namespace ?? (await import('../../engines/kubevirt/cluster/kube-target.js')).loadKubeTarget({ env: ctx.env, ...(kubeconfig ? { kubeconfig } : {}) }).namespace;
  const { newRunId } = await import('../../engines/kubevirt/manifests/index.js');
  const run: HandoffKubevirtRun = {
    id: newRunId(),
    namespace,
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(Object.keys(settings).length > 0 ? { settings } : {}),
    ...(Object.keys(engineInputs).length > 0 ? { engineInputs } : {}),
  };
  await updateHandoff('kubevirt', (h) => {
    h.engine = 'kubevirt';
    h.kubevirtRun = run;
  });
  ctx.logger.info(`kubevirt: this job's build run is ${run.id} in namespace ${namespace} (its objects carry ruddervirt.io/run=${run.id})`);
  return { ...run, ...(given?.written ? { writtenKubeconfig: given.path } : {}) };
}

/** The job's run for steps that only use it (provision, snapshot). */
export function requireJobRun(handoff: Handoff, stage: string): HandoffKubevirtRun {
  if (!handoff.kubevirtRun) throw new UserError(`${stage}: no kubevirt build run in this job; run import-source or build-vm with engine kubevirt first`);
  return handoff.kubevirtRun;
}

export async function jobEngine(ctx: ActionContext, run: HandoffKubevirtRun): Promise<Engine> {
  const { createEngine } = await import('../../engines/index.js');
  return createEngine('kubevirt', {
    env: ctx.env,
    logger: ctx.logger,
    runId: run.id,
    namespace: run.namespace,
    ...(run.kubeconfig ? { kubeconfig: run.kubeconfig } : {}),
    ...(run.settings ? { kubevirt: run.settings } : {}),
    ...run.engineInputs,
  });
}

/** What `kubectl` removes a kept run with, for the log of a step that keeps one. */
export function removalHint(run: Pick<HandoffKubevirtRun, 'id' | 'namespace'>): string {
  return `kubectl delete vm,dv,cm -n ${run.namespace} -l ruddervirt.io/run=${run.id}`;
}

/**
 * For post steps: removes the run by its label (the VMs, disks, root and what they own), never
 * failing the step over it — what is left is logged with the command that removes it.
 */
export async function removeJobRun(run: HandoffKubevirtRun, logger: Logger, env: NodeJS.ProcessEnv): Promise<void> {
  try {
    const { removeKubevirtRun } = await import('../../engines/kubevirt/remove-run.js');
    const { left } = await removeKubevirtRun({ runId: run.id, namespace: run.namespace, env, logger, ...(run.kubeconfig ? { kubeconfig: run.kubeconfig } : {}) });
    if (left.length > 0) logger.warn(`kubevirt: run ${run.id} was not removed completely; ${removalHint(run)}`);
  } catch (err) {
    logger.warn(`kubevirt: could not remove run ${run.id}: ${err instanceof Error ? err.message : String(err)}; ${removalHint(run)}`);
  }
}
