/**
 * What KubeVirt and CDI would have made, for tests that run the kube harness with those
 * controllers off and play them: a VMI of a chosen phase owned by its VM (virt-controller sets
 * that owner, so deleting the VM takes the VMI with it through the garbage collector), and a
 * claim owned by its DataVolume (CDI does the same).
 */
import type { KubeHarness } from '../../kube-harness/index.js';
import type { KubeObject } from '../../kube-harness/object-store.js';

export const NS = 'ns';

export const ref = (apiVersion: string, kind: string, name: string) => ({ apiVersion, kind, namespace: NS, name });
export const REFS = {
  vm: (name: string) => ref('kubevirt.io/v1', 'VirtualMachine', name),
  vmi: (name: string) => ref('kubevirt.io/v1', 'VirtualMachineInstance', name),
  dv: (name: string) => ref('cdi.kubevirt.io/v1beta1', 'DataVolume', name),
  pvc: (name: string) => ref('v1', 'PersistentVolumeClaim', name),
  pod: (name: string) => ref('v1', 'Pod', name),
  cm: (name: string) => ref('v1', 'ConfigMap', name),
  secret: (name: string) => ref('v1', 'Secret', name),
  export: (name: string) => ref('export.kubevirt.io/v1', 'VirtualMachineExport', name),
};

const owner = (o: KubeObject) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name!, uid: o.metadata.uid!, controller: true, blockOwnerDeletion: true });

/** The VMI of VM `name` in `phase`, with the VM's template spec; owned by the VM when it exists. */
export function putVmi(harness: KubeHarness, name: string, phase: string): KubeObject {
  const vm = harness.getObject(REFS.vm(name)) as (KubeObject & { spec?: { template?: { spec?: unknown } } }) | undefined;
  return harness.putObject({
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: { name, namespace: NS, ...(vm ? { ownerReferences: [owner(vm)] } : {}) },
    spec: vm?.spec?.template?.spec ?? { domain: { devices: {}, resources: { requests: { memory: '128Mi' } } } },
    status: { phase },
  });
}

/** The claim CDI makes for DataVolume `name`, owned by it. */
export function putClaim(harness: KubeHarness, name: string): KubeObject {
  const dv = harness.getObject(REFS.dv(name));
  return harness.putObject({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: NS, ...(dv ? { ownerReferences: [owner(dv)] } : {}) },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  });
}

/** A finalizer of the test's: the object is deleted only when the test lets it go. */
export const HOLD = 'test.ruddervirt.io/hold';

export function hold(harness: KubeHarness, r: ReturnType<typeof ref>): void {
  harness.updateObject(r, (o) => {
    o.metadata.finalizers = [...(o.metadata.finalizers ?? []), HOLD];
  });
}

export function release(harness: KubeHarness, r: ReturnType<typeof ref>): void {
  harness.updateObject(r, (o) => {
    o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== HOLD);
  });
}

/** Releases the hold on `r` `ms` after its deletion started (a controller taking its time). */
export function releaseAfterDeletion(harness: KubeHarness, r: ReturnType<typeof ref>, ms: number): () => void {
  let timer: NodeJS.Timeout | undefined;
  const stop = harness.onChange((_type, o) => {
    if (timer || o.kind !== r.kind || o.metadata.name !== r.name || o.metadata.namespace !== r.namespace || !o.metadata.deletionTimestamp) return;
    timer = setTimeout(() => release(harness, r), ms);
  });
  return () => {
    stop();
    clearTimeout(timer);
  };
}
