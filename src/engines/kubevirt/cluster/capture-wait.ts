/**
 * Waiting for a VM's output (its finished root disk, kept after shutdown) to be usable: a CDI
 * clone DataVolume Succeeded, a CSI VolumeSnapshot readyToUse, or a VirtualMachineSnapshot
 * readyToUse. The output is what later layers start from and what the export reads.
 */
import type { Logger } from '../../../core/log.js';
import type { RenderedVm } from '../manifests/rendered.js';
import { waitForDataVolumes } from './data-volume-wait.js';
import type { LiveObject, ObjectClient } from './objects.js';
import { waitFor, type Verdict } from './wait.js';

interface SnapshotObject extends LiveObject {
  status?: {
    readyToUse?: boolean;
    phase?: string;
    error?: { message?: string; time?: string };
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

/**
 * How long a snapshot error may stand before the wait gives up on it: KubeVirt's default
 * failureDeadline of a VirtualMachineSnapshot (kubevirt/kubevirt
 * staging/src/kubevirt.io/api/snapshot/v1beta1/types.go DefaultFailureDeadline, v1.9.0).
 */
export const SNAPSHOT_ERROR_GRACE_MS = 5 * 60_000;

/**
 * status.error is not a verdict: the snapshot controller "will keep retrying when an error occurs
 * during the snapshot creation. Upon success, this error field will be cleared"
 * (kubernetes-csi/external-snapshotter client/apis/volumesnapshot/v1/types.go, v8.6.0) — a
 * "Snapshot status update failed" conflict is one such error — and KubeVirt copies the volume
 * snapshots' errors into the VM snapshot while it goes on (pkg/storage/snapshot/snapshot.go,
 * v1.9.0), failing it only with phase Failed at its deadline. So: phase Failed fails; an error
 * older than the grace period (by its own `time`, set when it first appeared) fails; a younger one
 * is waited out (and one that never clears ends in the wait's timeout, with the error as its last state).
 */
export function judgeSnapshot(snapshot: SnapshotObject | undefined, now = Date.now(), graceMs = SNAPSHOT_ERROR_GRACE_MS): Verdict<true> {
  if (!snapshot) return { waiting: 'not created yet' };
  const s = snapshot.status;
  if (s?.readyToUse === true) return { done: true };
  if (s?.phase === 'Failed') return { failed: s.error?.message ?? s.conditions?.find((c) => c.type === 'Failure' && c.message)?.message ?? 'the snapshot failed' };
  if (s?.error?.message) {
    const since = s.error.time ? Date.parse(s.error.time) : Number.NaN;
    if (!Number.isNaN(since) && now - since > graceMs) return { failed: `${s.error.message} (reported since ${s.error.time}, still not ready)` };
    return { waiting: `the snapshot controller reports "${s.error.message}" and retries` };
  }
  return { waiting: s?.phase ? `phase ${s.phase}` : 'not ready yet' };
}

export interface CaptureWaitRequest {
  objects: ObjectClient;
  namespace: string;
  output: RenderedVm['output'];
  label: string;
  logger: Logger;
  signal: AbortSignal;
  timeoutMs: number;
}

export async function waitForCapture(req: CaptureWaitRequest): Promise<void> {
  const { output } = req;
  if (output.kind === 'DataVolume') {
    await waitForDataVolumes({ objects: req.objects, namespace: req.namespace, dataVolumes: [{ name: output.name, label: `output of ${req.label}` }], logger: req.logger, signal: req.signal, timeoutMs: req.timeoutMs });
    return;
  }
  const apiVersion = output.kind === 'VolumeSnapshot' ? 'snapshot.storage.k8s.io/v1' : 'snapshot.kubevirt.io/v1beta1';
  await waitFor<SnapshotObject, true>(req.objects, {
    ref: { apiVersion, kind: output.kind, namespace: req.namespace, name: output.name },
    what: `the ${output.kind} of ${req.label}`,
    timeoutMs: req.timeoutMs,
    signal: req.signal,
    judge: (o) => judgeSnapshot(o),
    onState: (_o, verdict) => {
      if ('waiting' in verdict) req.logger.info(`output of ${req.label}: ${verdict.waiting}`);
    },
  });
}
