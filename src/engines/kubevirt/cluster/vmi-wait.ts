/**
 * Waits on a build VM: until its VirtualMachineInstance runs (the precondition for VNC and
 * port-forward), and until it stopped (a guest power-off leaves it Succeeded; a stop request
 * deletes it). While starting, the VirtualMachine's printableStatus is watched too, so a VM that
 * cannot start (ErrImagePull, DataVolumeError, a missing PVC) fails at once with the reason
 * instead of at the timeout.
 */
import type { Logger } from '../../../core/log.js';
import type { Condition } from './data-volume-wait.js';
import type { LiveObject, ObjectClient } from './objects.js';
import type { ObjectRef } from './resources.js';
import { waitFor, type Verdict } from './wait.js';

export interface VmiObject extends LiveObject {
  status?: {
    phase?: string;
    conditions?: Condition[];
    interfaces?: { name?: string; ipAddress?: string }[];
    nodeName?: string;
  };
}

export interface VmObject extends LiveObject {
  status?: { printableStatus?: string; conditions?: Condition[] };
}

/**
 * VM statuses that will not get better by waiting (VirtualMachinePrintableStatus in kubevirt/kubevirt
 * staging/src/kubevirt.io/api/core/v1/types.go@v1.5.0).
 */
const FATAL_VM_STATUSES = new Set(['ErrImagePull', 'ImagePullBackOff', 'CrashLoopBackOff', 'ErrorPvcNotFound', 'DataVolumeError']);

export function vmiRef(namespace: string, name: string): ObjectRef {
  return { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', namespace, name };
}

export function vmRef(namespace: string, name: string): ObjectRef {
  return { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', namespace, name };
}

/** Conditions that are not (yet) true and say why: "Ready=False (GuestNotRunning)". */
function pendingConditions(conditions: readonly Condition[] | undefined): string {
  const notes = (conditions ?? []).filter((c) => c.status !== 'True' && (c.reason || c.message)).map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`);
  return notes.length > 0 ? `; ${notes.join(', ')}` : '';
}

export function judgeVmiRunning(vmi: VmiObject | undefined): Verdict<VmiObject> {
  if (!vmi) return { waiting: 'no VirtualMachineInstance yet' };
  const phase = vmi.status?.phase ?? '';
  if (phase === 'Running') return { done: vmi };
  if (phase === 'Succeeded') return { failed: 'the guest powered off before the build could use it' };
  if (phase === 'Failed') {
    const why = vmi.status?.conditions?.find((c) => c.status !== 'True' && c.message)?.message;
    return { failed: `the VM failed${why ? `: ${why}` : ''}` };
  }
  return { waiting: `${phase || 'Pending'}${pendingConditions(vmi.status?.conditions)}` };
}

export function judgeVmStarting(vm: VmObject | undefined): Verdict<true> {
  if (!vm) return { failed: 'the VirtualMachine was deleted while it was starting' };
  const status = vm.status?.printableStatus ?? '';
  if (FATAL_VM_STATUSES.has(status)) {
    const why = vm.status?.conditions?.find((c) => c.status !== 'True' && c.message)?.message ?? vm.status?.conditions?.find((c) => c.type === 'Failure')?.message;
    return { failed: `${status}${why ? `: ${why}` : ''}` };
  }
  return { waiting: status || 'no status yet' };
}

export type StopOutcome = 'succeeded' | 'failed' | 'deleted';

export function judgeVmiStopped(vmi: VmiObject | undefined): Verdict<StopOutcome> {
  if (!vmi) return { done: 'deleted' };
  const phase = vmi.status?.phase;
  if (phase === 'Succeeded') return { done: 'succeeded' };
  if (phase === 'Failed') return { done: 'failed' };
  return { waiting: `still ${phase ?? 'Pending'}` };
}

export interface VmiWaitRequest {
  objects: ObjectClient;
  namespace: string;
  /** The VM's (and its VMI's) name. */
  name: string;
  /** "base/guest", for messages. */
  label: string;
  logger: Logger;
  signal: AbortSignal;
  timeoutMs: number;
}

/** Resolves with the running VMI; rejects when the VM cannot start or the time is up. */
export async function waitForVmiRunning(req: VmiWaitRequest): Promise<VmiObject> {
  const both = new AbortController();
  const signal = AbortSignal.any([req.signal, both.signal]);
  const explain = [vmRef(req.namespace, req.name), vmiRef(req.namespace, req.name)];
  const running = waitFor<VmiObject, VmiObject>(req.objects, {
    ref: vmiRef(req.namespace, req.name),
    what: `starting VM ${req.label}`,
    timeoutMs: req.timeoutMs,
    signal,
    judge: judgeVmiRunning,
    explain,
    onState: (vmi, verdict) => {
      if ('waiting' in verdict && vmi) req.logger.info(`vm ${req.label}: ${verdict.waiting}`);
    },
  });
  const fatal = waitFor<VmObject, true>(req.objects, {
    ref: vmRef(req.namespace, req.name),
    what: `starting VM ${req.label}`,
    timeoutMs: req.timeoutMs,
    signal,
    judge: judgeVmStarting,
    explain,
  });
  // Only a failure of the VM watch matters; its own "timeout" is the VMI wait's.
  const watchdog = fatal.then(
    () => new Promise<never>(() => {}),
    (err: unknown) => Promise.reject(err),
  );
  try {
    return await Promise.race([running, watchdog]);
  } finally {
    both.abort(new Error('VM start wait finished'));
    await Promise.allSettled([running, fatal]);
  }
}
