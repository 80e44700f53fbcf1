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
    error?: { message?: string };
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

export function judgeSnapshot(snapshot: SnapshotObject | undefined): Verdict<true> {
  if (!snapshot) return { waiting: 'not created yet' };
  const s = snapshot.status;
  if (s?.readyToUse === true) return { done: true };
  if (s?.phase === 'Failed') return { failed: s.error?.message ?? s.conditions?.find((c) => c.type === 'Failure' && c.message)?.message ?? 'the snapshot failed' };
  if (s?.error?.message) return { failed: s.error.message };
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
    judge: judgeSnapshot,
    onState: (_o, verdict) => {
      if ('waiting' in verdict) req.logger.info(`output of ${req.label}: ${verdict.waiting}`);
    },
  });
}
