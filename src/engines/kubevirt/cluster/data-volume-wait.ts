/**
 * Waiting for CDI DataVolumes (imports, uploads, clones, blank disks) to finish, with their
 * progress ("45.34%": status.progress in kubevirt/containerized-data-importer
 * staging/src/kubevirt.io/containerized-data-importer-api/pkg/apis/core/v1beta1/types.go@v1.66.0)
 * in the log. A DataVolume in WaitForFirstConsumer
 * will not import until a VM uses it: we asked for immediate binding, but if the storage ignores
 * that, the wait ends there and the import happens when the VM is scheduled (the VM's start wait
 * then covers it). An importer that keeps failing (CDI restarts it forever: a bad checksum, a 404)
 * fails the build after a few restarts with CDI's reason. A claim CDI cannot render (no access mode
 * anywhere) fails at once.
 */
import type { Logger } from '../../../core/log.js';
import type { LiveObject, ObjectClient } from './objects.js';
import type { ObjectRef } from './resources.js';
import { waitFor, type Verdict } from './wait.js';

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface DataVolumeObject extends LiveObject {
  status?: { phase?: string; progress?: string; claimName?: string; restartCount?: number; conditions?: Condition[] };
}

/** CDI restarts a failing importer without end; after this many restarts the build gives up. */
export const MAX_IMPORTER_RESTARTS = 3;

export type DataVolumeOutcome = 'succeeded' | 'waits-for-consumer';

export function dataVolumeRef(namespace: string, name: string): ObjectRef {
  return { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', namespace, name };
}

/** "45.34%" → 45.34; "N/A" and absent → undefined. */
export function parseProgress(progress: string | undefined): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(progress ?? '');
  if (!m) return undefined;
  const pct = Number(m[1]);
  return pct >= 0 && pct <= 100 ? pct : undefined;
}

function conditionMessage(dv: DataVolumeObject): string | undefined {
  const running = dv.status?.conditions?.find((c) => c.type === 'Running' && c.status !== 'True' && (c.message || c.reason));
  const ready = dv.status?.conditions?.find((c) => c.type === 'Ready' && c.status !== 'True' && c.message);
  const c = running ?? ready;
  return c ? `${c.reason ? `${c.reason}: ` : ''}${c.message ?? ''}`.trim() : undefined;
}

/**
 * CDI could not render the claim: the DataVolume names no access or volume mode and the
 * StorageProfile of its class has none to give (CDI does not know the provisioner), or there is no
 * class at all. CDI leaves the phase unset, puts ErrClaimNotValid on the Bound condition and retries
 * only when the class or profile changes, so waiting out the timeout cannot help
 * (kubevirt/containerized-data-importer pkg/controller/datavolume/util.go
 * renderPvcSpecVolumeModeAndAccessModesAndStorageClass and controller-base.go syncCommon, v1.66.0).
 */
function claimNotValid(dv: DataVolumeObject): string | undefined {
  if (dv.status?.phase) return undefined;
  const bound = dv.status?.conditions?.find((c) => c.type === 'Bound' && c.status === 'False' && c.reason === 'ErrClaimNotValid');
  if (!bound) return undefined;
  const message = bound.message ?? '';
  if (!/accessMode|StorageProfile/.test(message)) return `CDI cannot make its PersistentVolumeClaim: ${message || 'ErrClaimNotValid'}`;
  return (
    `CDI cannot make its PersistentVolumeClaim: ${message}. The storage class's StorageProfile gives no access or volume mode ` +
    `(CDI does not know its provisioner): set accessMode and volumeMode in the build file's kubevirt: block ` +
    `(or --access-mode / --volume-mode), e.g. ReadWriteOnce and Filesystem, or have an admin set the StorageProfile's spec.claimPropertySets`
  );
}

export function judgeDataVolume(dv: DataVolumeObject | undefined): Verdict<DataVolumeOutcome> {
  if (!dv) return { waiting: 'not created yet' };
  const phase = dv.status?.phase ?? '';
  if (phase === 'Succeeded') return { done: 'succeeded' };
  const invalid = claimNotValid(dv);
  if (invalid) return { failed: invalid };
  if (phase === 'WaitForFirstConsumer' || phase === 'PendingPopulation') return { done: 'waits-for-consumer' };
  if (phase === 'Failed') return { failed: conditionMessage(dv) ?? 'CDI marked it Failed' };
  const restarts = dv.status?.restartCount ?? 0;
  if (restarts >= MAX_IMPORTER_RESTARTS) return { failed: `its importer failed ${restarts} times${conditionMessage(dv) ? `; last: ${conditionMessage(dv)}` : ''}` };
  const progress = parseProgress(dv.status?.progress);
  return { waiting: `${phase || 'pending'}${progress !== undefined ? ` ${progress.toFixed(1)}%` : ''}` };
}

export interface DataVolumeWaitRequest {
  objects: ObjectClient;
  namespace: string;
  /** DataVolume names with what they are, for the log ("root disk"). */
  dataVolumes: { name: string; label: string }[];
  logger: Logger;
  signal: AbortSignal;
  timeoutMs: number;
}

/** Waits for every DataVolume at once; resolves with each one's outcome. */
export async function waitForDataVolumes(req: DataVolumeWaitRequest): Promise<Map<string, DataVolumeOutcome>> {
  const outcomes = new Map<string, DataVolumeOutcome>();
  await Promise.all(
    req.dataVolumes.map(async ({ name, label }) => {
      let lastTenth = -1;
      let lastPhase: string | undefined;
      const ref = dataVolumeRef(req.namespace, name);
      const outcome = await waitFor<DataVolumeObject, DataVolumeOutcome>(req.objects, {
        ref,
        what: `the ${label} (DataVolume ${name})`,
        timeoutMs: req.timeoutMs,
        signal: req.signal,
        judge: judgeDataVolume,
        explain: [ref, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: req.namespace, name }, { apiVersion: 'v1', kind: 'Pod', namespace: req.namespace, name: `importer-${name}` }],
        onState: (dv) => {
          const phase = dv?.status?.phase;
          const pct = parseProgress(dv?.status?.progress);
          const tenth = pct === undefined ? -1 : Math.floor(pct / 10);
          if (phase === lastPhase && tenth <= lastTenth) return;
          lastPhase = phase;
          lastTenth = Math.max(lastTenth, tenth);
          req.logger.progress({
            phase: `${label}`,
            ...(pct !== undefined ? { done: Math.round(pct), total: 100, unit: 'items' as const } : {}),
            message: phase ? `(${phase})` : '(waiting for CDI)',
          });
        },
      });
      if (outcome === 'waits-for-consumer') req.logger.info(`${label}: the storage binds when the VM is scheduled; CDI fills it then`);
      outcomes.set(name, outcome);
    }),
  );
  return outcomes;
}
