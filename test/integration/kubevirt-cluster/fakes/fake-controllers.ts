/**
 * Just enough of KubeVirt's and CDI's behaviour for unit tests on the fake API server: a deleted
 * VM takes its VMI with it, a deleted DataVolume its PVC (Kubernetes garbage collection), and
 * optional reactions to creates (a DataVolume finishing, an export becoming ready).
 */
import type { FakeApiServer, StoredObject } from './fake-api-server.js';

export const NS = 'ns';
export const COLLECTIONS = {
  vm: `/apis/kubevirt.io/v1/namespaces/${NS}/virtualmachines`,
  vmi: `/apis/kubevirt.io/v1/namespaces/${NS}/virtualmachineinstances`,
  dv: `/apis/cdi.kubevirt.io/v1beta1/namespaces/${NS}/datavolumes`,
  pvc: `/api/v1/namespaces/${NS}/persistentvolumeclaims`,
  pod: `/api/v1/namespaces/${NS}/pods`,
  svc: `/api/v1/namespaces/${NS}/services`,
  cm: `/api/v1/namespaces/${NS}/configmaps`,
  secret: `/api/v1/namespaces/${NS}/secrets`,
  export: `/apis/export.kubevirt.io/v1/namespaces/${NS}/virtualmachineexports`,
};

export function putVmi(fake: FakeApiServer, name: string, phase: string): StoredObject {
  return fake.store.put(COLLECTIONS.vmi, { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name, namespace: NS }, status: { phase } });
}

/** Deleting a VM deletes its VMI; deleting a DataVolume its PVC (after `pvcDelayMs`). */
export function garbageCollect(fake: FakeApiServer, pvcDelayMs = 0): () => void {
  return fake.store.subscribe((e) => {
    if (e.type !== 'DELETED') return;
    if (e.collection === COLLECTIONS.vm) setTimeout(() => fake.store.remove(COLLECTIONS.vmi, e.object.metadata.name), 10);
    if (e.collection === COLLECTIONS.dv) setTimeout(() => fake.store.remove(COLLECTIONS.pvc, e.object.metadata.name), pvcDelayMs);
  });
}

/** Calls `react` for every object created in `collection`. */
export function onCreate(fake: FakeApiServer, collection: string, react: (o: StoredObject) => void): () => void {
  return fake.store.subscribe((e) => {
    if (e.type === 'ADDED' && e.collection === collection) setTimeout(() => react(e.object), 10);
  });
}
