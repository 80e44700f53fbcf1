/**
 * Removing a run found only by its id — what a post step does when the process that owned the run
 * is gone (killed by the runner, or a later stage of a split workflow failed). Nothing is rendered
 * and no build file is needed: every object of a run carries `ruddervirt.io/run=<id>`, the root
 * ConfigMap owns the namespaced ones and lists the cluster-scoped ones (docs/kubevirt.md).
 *
 * The order is the run's own cleanup order (cluster-run.ts): VMs first (their guests stop and free
 * the disks), then the disks, then the root (its cascade takes Secrets, pods, captures and exports,
 * which we may not list), then the cluster-scoped Kube-OVN objects; then it watches until they are
 * gone. Only calls listed in api-calls.ts are made.
 */
import type { Logger } from '../../../core/log.js';
import { LABEL_COMPONENT, runSelector } from '../manifests/labels.js';
import { dataVolumeRef } from './data-volume-wait.js';
import type { LiveObject, ObjectClient } from './objects.js';
import { describeRef, refOf, type ObjectRef } from './resources.js';
import { vmiRef } from './vmi-wait.js';
import { waitUntilGone } from './wait-gone.js';

export interface SweepRequest {
  objects: ObjectClient;
  namespace: string;
  runId: string;
  logger: Logger;
  timeoutMs: number;
}

export interface SweepResult {
  /** How many objects were deleted (not counting what their owners' cascade removed). */
  deleted: number;
  /** What was still there when the time ran out, described. */
  left: string[];
}

interface RootConfigMap extends LiveObject {
  data?: Record<string, string>;
}

/** The cluster-scoped kinds a root lists in data.clusterObjects ("Vpc/name"). */
const CLUSTER_KINDS: Record<string, string> = { Vpc: 'kubeovn.io/v1', Subnet: 'kubeovn.io/v1' };

export async function sweepRun(req: SweepRequest): Promise<SweepResult> {
  const { objects, namespace, runId, logger } = req;
  const deadline = Date.now() + req.timeoutMs;
  const signal = AbortSignal.timeout(req.timeoutMs);
  const labelSelector = runSelector(runId);
  const list = async <T extends LiveObject>(apiVersion: string, kind: string, selector = labelSelector) => (await objects.list<T>(apiVersion, kind, namespace, { labelSelector: selector }, signal)).items;

  const vms = (await list('kubevirt.io/v1', 'VirtualMachine')).map(refOf);
  const disks = (await list('cdi.kubevirt.io/v1beta1', 'DataVolume')).map((o) => dataVolumeRef(namespace, o.metadata.name));
  const roots = await list<RootConfigMap>('v1', 'ConfigMap', `${labelSelector},${LABEL_COMPONENT}=run`);
  const problems: string[] = [];
  const clusterObjects: ObjectRef[] = [];
  for (const root of roots) {
    for (const entry of (root.data?.clusterObjects ?? '').split('\n').filter(Boolean)) {
      const [kind, name] = entry.split('/');
      const apiVersion = kind ? CLUSTER_KINDS[kind] : undefined;
      if (apiVersion && name) clusterObjects.push({ apiVersion, kind: kind!, name });
      else problems.push(`the root of run ${runId} lists '${entry}', which is not a kind this engine creates`);
    }
  }
  const order = [...vms, ...disks, ...roots.map(refOf), ...clusterObjects];
  let deleted = 0;
  for (const ref of order) {
    try {
      if (await objects.delete(ref, signal)) deleted++;
    } catch (err) {
      problems.push(`${describeRef(ref)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const pods = (await list('v1', 'Pod')).map(refOf);
  const watched = [...order, ...vms.map((r) => vmiRef(namespace, r.name)), ...disks.map((r) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace, name: r.name })), ...pods];
  const left = [...problems, ...(await waitUntilGone(objects, watched, deadline, req.timeoutMs))];
  if (left.length > 0) {
    logger.warn(`kubevirt: removing run ${runId} left:\n${left.map((l) => `  - ${l}`).join('\n')}\nremove them with: kubectl delete all,cm,dv,vmexport -n ${namespace} -l ${labelSelector}`);
  } else if (deleted > 0) {
    logger.info(`kubevirt: removed run ${runId} from namespace ${namespace} (${deleted} objects and what they owned)`);
  }
  return { deleted, left };
}
