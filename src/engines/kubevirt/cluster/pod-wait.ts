/**
 * Waiting for the build's HTTP file-server pod to run and have an IP: the guest fetches from
 * {{ .HTTPIP }}, which is that pod's IP. An image that cannot be pulled or a crashing server
 * fails at once with the kubelet's reason.
 */
import type { LiveObject } from './objects.js';
import type { Verdict } from './wait.js';

interface ContainerState {
  waiting?: { reason?: string; message?: string };
  terminated?: { reason?: string; exitCode?: number; message?: string };
}

export interface PodObject extends LiveObject {
  status?: {
    phase?: string;
    podIP?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: { name: string; ready?: boolean; restartCount?: number; state?: ContainerState; lastState?: ContainerState }[];
  };
}

const HOPELESS_WAITING = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'CrashLoopBackOff']);

export function judgePodServing(pod: PodObject | undefined): Verdict<string> {
  if (!pod) return { waiting: 'not created yet' };
  const s = pod.status;
  for (const c of s?.containerStatuses ?? []) {
    const reason = c.state?.waiting?.reason;
    if (reason && HOPELESS_WAITING.has(reason)) {
      const last = c.lastState?.terminated;
      return { failed: `container ${c.name}: ${reason}${c.state?.waiting?.message ? `: ${c.state.waiting.message}` : ''}${last ? ` (last exit ${last.exitCode ?? '?'} ${last.reason ?? ''})` : ''}` };
    }
  }
  if (s?.phase === 'Failed' || s?.phase === 'Succeeded') return { failed: `the pod ended (${s.phase}); its server should run until the build ends` };
  if (s?.phase === 'Running' && s.podIP) return { done: s.podIP };
  const unscheduled = s?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  return { waiting: `${s?.phase ?? 'Pending'}${unscheduled ? ` (${unscheduled.reason ?? 'unscheduled'}: ${unscheduled.message ?? ''})` : ''}` };
}
