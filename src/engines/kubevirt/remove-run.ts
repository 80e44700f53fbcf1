/**
 * Removes a build run from the cluster by its id alone — for post steps, which have no build file
 * at hand and whose main step may have been killed before it could clean up (see
 * cluster/run-sweep.ts for what is deleted and in which order).
 */
import type { Logger } from '../../core/log.js';
import { KubeApi } from './cluster/kube-api.js';
import { loadKubeTarget } from './cluster/kube-target.js';
import { ObjectClient } from './cluster/objects.js';
import { sweepRun, type SweepResult } from './cluster/run-sweep.js';
import { DEFAULT_TIMEOUTS } from './cluster/session.js';

export interface RemoveRunRequest {
  runId: string;
  namespace: string;
  /** A kubeconfig file; default KUBECONFIG, ~/.kube/config or the in-cluster service account. */
  kubeconfig?: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  timeoutMs?: number;
}

export async function removeKubevirtRun(req: RemoveRunRequest): Promise<SweepResult> {
  const target = loadKubeTarget({ env: req.env, namespace: req.namespace, ...(req.kubeconfig ? { kubeconfig: req.kubeconfig } : {}) });
  const objects = new ObjectClient(new KubeApi(target.kc), req.logger);
  return sweepRun({ objects, namespace: target.namespace, runId: req.runId, logger: req.logger, timeoutMs: req.timeoutMs ?? DEFAULT_TIMEOUTS.cleanup });
}
