/**
 * A build VM's virt-launcher pods, found without its VMI (which may be gone): by the labels the
 * pod carries from the VMI template plus vm.kubevirt.io/name, which holds the VMI's *hostname*
 * (spec.hostname when set), not the VM's name — `labels[DeprecatedVirtualMachineNameLabel] =
 * hostName` with `hostName := dns.SanitizeHostname(vmi)`, after copying the VMI's own labels
 * (kubevirt/kubevirt pkg/virt-controller/services/template.go podLabels and
 * pkg/util/net/dns/sanitize.go, v1.9.0).
 *
 * A launcher that ended Failed — the guest crashed, or was killed after its grace period, which
 * virt-handler reports as Failed (pkg/virt-handler/vm.go calculateVmPhaseForStatusReason, v1.9.0)
 * — still mounts the VM's disks, and a VirtualMachineExport of such a PVC stays "InUse" for as
 * long as that pod exists: only Succeeded pods are skipped (pkg/virt-controller/watch/util/util.go
 * PodsUsingPVCs, pkg/storage/export/export/pvc-source.go isPVCInUse). CDI's clones skip Failed pods
 * too (containerized-data-importer pkg/controller/common/util.go), exports do not.
 */
import type { Logger } from '../../../core/log.js';
import type { LiveObject, ObjectClient } from './objects.js';

export const LAUNCHER_HOSTNAME_LABEL = 'vm.kubevirt.io/name';

/** The VM as its launcher pods are labelled: the VMI template's labels and hostname. */
export interface LauncherIdentity {
  hostname: string;
  templateLabels: Record<string, string>;
}

/** The selector for a VM's launcher pods that needs no VMI: template labels and the hostname label. */
export function launcherSelector(identity: LauncherIdentity): string {
  const labels = { ...identity.templateLabels, [LAUNCHER_HOSTNAME_LABEL]: identity.hostname };
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

interface PodObject extends LiveObject {
  status?: { phase?: string };
}

/**
 * Deletes the VM's launcher pods that ended Failed, so an export of its disk is not held "InUse"
 * by them. Resolves with the names removed.
 */
export async function removeFailedLaunchers(objects: ObjectClient, namespace: string, identity: LauncherIdentity, logger: Logger, signal: AbortSignal): Promise<string[]> {
  const pods = (await objects.list<PodObject>('v1', 'Pod', namespace, { labelSelector: launcherSelector(identity) }, signal)).items;
  const failed = pods.filter((p) => p.status?.phase === 'Failed' && !p.metadata.deletionTimestamp);
  for (const pod of failed) {
    logger.info(`export: removing the Failed virt-launcher pod ${pod.metadata.name} (the guest crashed or was killed), which would keep the disk's export InUse`);
    await objects.delete({ apiVersion: 'v1', kind: 'Pod', namespace, name: pod.metadata.name }, signal);
  }
  return failed.map((p) => p.metadata.name);
}
