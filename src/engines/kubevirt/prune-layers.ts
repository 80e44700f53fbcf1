/**
 * Removing the layer outputs kubevirt builds keep in a namespace for later builds (`ruddervirt
 * prune`): all of a build's, or beyond the newest few per layer/VM. Needs no build run: kept
 * outputs are found by their labels (cluster/kept-layers.ts).
 */
import type { Logger } from '../../core/log.js';
import { KEPT_KINDS, pruneKept, type PruneKeptResult } from './cluster/kept-layers.js';
import { KubeApi } from './cluster/kube-api.js';
import { loadKubeTarget } from './cluster/kube-target.js';
import { ObjectClient } from './cluster/objects.js';
import { DEFAULT_TIMEOUTS } from './cluster/session.js';

export interface PruneLayersRequest {
  build: string;
  /** Only this layer's outputs. */
  layer?: string;
  /** How many to keep per layer/VM, newest used first; 0 removes them all. */
  keep: number;
  namespace?: string;
  /** A kubeconfig file; default KUBECONFIG, ~/.kube/config or the in-cluster service account. */
  kubeconfig?: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  signal: AbortSignal;
  timeoutMs?: number;
}

export async function pruneKubevirtLayers(req: PruneLayersRequest): Promise<PruneKeptResult & { namespace: string }> {
  const target = loadKubeTarget({ env: req.env, ...(req.namespace ? { namespace: req.namespace } : {}), ...(req.kubeconfig ? { kubeconfig: req.kubeconfig } : {}) });
  const objects = new ObjectClient(new KubeApi(target.kc), req.logger);
  const result = await pruneKept({
    objects,
    namespace: target.namespace,
    kinds: KEPT_KINDS,
    scope: { build: req.build, ...(req.layer !== undefined ? { layer: req.layer } : {}) },
    keep: req.keep,
    signal: req.signal,
    timeoutMs: req.timeoutMs ?? DEFAULT_TIMEOUTS.cleanup,
  });
  return { ...result, namespace: target.namespace };
}
