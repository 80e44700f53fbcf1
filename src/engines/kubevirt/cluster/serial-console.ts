/**
 * The last lines of a build VM's serial console, for failure reports. The VM has
 * logSerialConsole on, so KubeVirt streams the console into the `guest-console-log` container of
 * the VM's virt-launcher pod (kubevirt/kubevirt pkg/virt-controller/services/template.go@v1.5.0), which we read as a pod log. The
 * launcher pod is found by KubeVirt's labels: kubevirt.io/created-by=<VMI uid>, or — once the VMI
 * is gone — by the labels the pod still carries from the VMI template plus vm.kubevirt.io/name,
 * which holds the VMI's hostname, not the VM's name (launcher-pods.ts).
 */
import { launcherSelector, type LauncherIdentity } from './launcher-pods.js';
import type { LiveObject, ObjectClient } from './objects.js';
import { withRetries } from './retry.js';
import { vmiRef } from './vmi-wait.js';

export const CONSOLE_LOG_CONTAINER = 'guest-console-log';

interface PodObject extends LiveObject {
  status?: { phase?: string; startTime?: string };
}

export async function serialConsoleTail(objects: ObjectClient, namespace: string, vmName: string, launcher: LauncherIdentity, lines: number, signal: AbortSignal): Promise<string[]> {
  const vmi = await objects.get<LiveObject>(vmiRef(namespace, vmName), signal);
  const selectors = [vmi?.metadata.uid ? `kubevirt.io/created-by=${vmi.metadata.uid}` : undefined, launcherSelector(launcher)].filter((s): s is string => s !== undefined);
  let pods: PodObject[] = [];
  for (const labelSelector of selectors) {
    pods = (await objects.list<PodObject>('v1', 'Pod', namespace, { labelSelector }, signal)).items;
    if (pods.length > 0) break;
  }
  if (pods.length === 0) throw new Error(`no virt-launcher pod of VM ${vmName} was found (labels ${selectors.join(' or ')})`);
  // The newest launcher is the one that ran last.
  pods.sort((a, b) => ((a.status?.startTime ?? '') < (b.status?.startTime ?? '') ? -1 : 1));
  const pod = pods.at(-1)!;
  const text = await withRetries(
    () =>
      objects.api.text('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod.metadata.name)}/log`, {
        query: { container: CONSOLE_LOG_CONTAINER, tailLines: lines },
        signal,
      }),
    { signal, attempts: 4 },
  );
  return text
    .replace(/\r/g, '')
    .split('\n')
    .filter((l, i, all) => l !== '' || i < all.length - 1)
    .slice(-lines);
}
