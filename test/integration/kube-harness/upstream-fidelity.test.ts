/**
 * The harness behaves as the upstream code does where an engine could otherwise go wrong on a real
 * cluster while every harness test passes. Each test names the upstream file and version it
 * follows. No guest boots here (the VMI-level items are in upstream-fidelity-vmi.test.ts).
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, StorageV1Api, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MANAGED_POD_ANNOTATION } from '../../kube-harness/controllers/pod-runtime.js';
import { KUBEVIRT_PROTOCOL, startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';
import { DV, EXPORT, VM, VMI, VM_SNAPSHOT, VOLUME_SNAPSHOT, blankDisk, createCustom, getCustom, httpsRequest, putEgressExternalSubnet, waitFor, type Gvr, type Loose } from './helpers.js';

const GATEWAYS: Gvr = { group: 'kubeovn.io', version: 'v1', plural: 'vpc-egress-gateways' };

let harness: KubeHarness;
let kc: KubeConfig;

beforeAll(async () => {
  harness = await startKubeHarness({ accelerator: 'tcg', egressStartMs: 600 });
  kc = harness.kubeConfig();
});

afterAll(async () => {
  await harness?.close();
});

async function apiGet(h: KubeHarness, path: string): Promise<Loose> {
  const res = await httpsRequest(`${h.url}${path}`, { ca: h.caCert, headers: { authorization: `Bearer ${h.token}` } });
  return JSON.parse(res.body.toString()) as Loose;
}

async function vpcWithGateway(ns: string, replicas: number, externalSubnet = 'ovn-vpc-external-network'): Promise<void> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  await custom.createClusterCustomObject({ group: 'kubeovn.io', version: 'v1', plural: 'vpcs', body: { apiVersion: 'kubeovn.io/v1', kind: 'Vpc', metadata: { name: `vpc-${ns}` }, spec: { namespaces: [ns] } } });
  await custom.createClusterCustomObject({
    group: 'kubeovn.io',
    version: 'v1',
    plural: 'subnets',
    body: { apiVersion: 'kubeovn.io/v1', kind: 'Subnet', metadata: { name: `net-${ns}` }, spec: { vpc: `vpc-${ns}`, cidrBlock: '10.20.0.0/24', protocol: 'IPv4' } },
  });
  await createCustom(kc, GATEWAYS, ns, {
    apiVersion: 'kubeovn.io/v1',
    kind: 'VpcEgressGateway',
    metadata: { name: 'egress' },
    spec: { vpc: `vpc-${ns}`, replicas, externalSubnet, internalSubnet: `net-${ns}`, policies: [{ snat: true, subnets: [`net-${ns}`] }] },
  });
}

async function removeVpc(ns: string): Promise<void> {
  await harness.deleteNamespace(ns);
  const custom = kc.makeApiClient(CustomObjectsApi);
  await custom.deleteClusterCustomObject({ group: 'kubeovn.io', version: 'v1', plural: 'subnets', name: `net-${ns}` });
  await custom.deleteClusterCustomObject({ group: 'kubeovn.io', version: 'v1', plural: 'vpcs', name: `vpc-${ns}` });
}

describe('Kube-OVN VpcEgressGateway (kubeovn/kube-ovn v1.16.2)', () => {
  let removeExternal: (() => void) | undefined;
  beforeAll(() => {
    removeExternal = putEgressExternalSubnet(harness);
  });
  afterAll(() => removeExternal?.());

  // pkg/controller/vpc_egress_gateway.go reconcileVpcEgressGatewayWorkload: subnetsLister.Get(spec.externalSubnet)
  // fails → Ready False ReconcileWorkloadFailed with the error, status.replicas 0; reconciled again when the Subnet comes.
  it('without its external Subnet it is not ready (ReconcileWorkloadFailed, "not found") until that Subnet exists', async () => {
    const ns = await harness.createNamespace();
    const external = `ext-${ns}`;
    await vpcWithGateway(ns, 1, external);
    const { object: failed } = await waitFor(kc, GATEWAYS, ns, 'egress', (o) => o.status?.conditions?.some((c: Loose) => c.reason === 'ReconcileWorkloadFailed'));
    expect(failed.status).toMatchObject({ ready: false, replicas: 0, phase: 'Processing' });
    expect(failed.status.conditions[0]).toMatchObject({ type: 'Ready', status: 'False', message: `subnet.kubeovn.io "${external}" not found` });
    // Still not ready well after a workload would have been up (egressStartMs 600).
    await new Promise((r) => setTimeout(r, 1200));
    expect((await getCustom(kc, GATEWAYS, ns, 'egress')).status.ready).toBe(false);
    const remove = putEgressExternalSubnet(harness, external);
    try {
      await waitFor(kc, GATEWAYS, ns, 'egress', (o) => o.status?.ready === true && o.status?.replicas === 1);
    } finally {
      await removeVpc(ns);
      remove();
    }
  });

  // pkg/apis/kubeovn/v1/vpc-egress-gateway.go: `+kubebuilder:default=1 … Replicas int32 json:"replicas,omitempty"`;
  // pkg/controller/vpc_egress_gateway.go: AddFinalizer, then VpcEgressGateways(ns).Update(gw).
  it('a gateway created with replicas 0 is refilled to the CRD default 1 by the finalizer Update; a scale after it keeps 0', async () => {
    const ns = await harness.createNamespace();
    await vpcWithGateway(ns, 0);
    const { object } = await waitFor(kc, GATEWAYS, ns, 'egress', (o) => (o.metadata.finalizers ?? []).includes('kubeovn.io/kube-ovn-controller'));
    expect(object.spec.replicas).toBe(1);
    // …and the VPC gets egress once the workload is up: internet: false would not hold.
    await waitFor(kc, GATEWAYS, ns, 'egress', (o) => o.status?.ready === true && o.status?.replicas === 1);

    await kc.makeApiClient(CustomObjectsApi).patchNamespacedCustomObjectScale({ ...GATEWAYS, namespace: ns, name: 'egress', body: { spec: { replicas: 0 } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await waitFor(kc, GATEWAYS, ns, 'egress', (o) => o.spec?.replicas === 0 && o.status?.ready === false && o.status?.replicas === 0);
    // A deleted gateway loses the finalizer and goes.
    await removeVpc(ns);
    expect(harness.leftovers().filter((o) => o.kind === 'VpcEgressGateway')).toEqual([]);
  });

  // pkg/controller/vpc_egress_gateway.go: "expected %d networked workload pods … got %d" until every replica's pod is up.
  it('is not ready until its workload is up, with the Ready condition saying why', async () => {
    const ns = await harness.createNamespace();
    await vpcWithGateway(ns, 1);
    const { seen } = await waitFor(kc, GATEWAYS, ns, 'egress', (o) => o.status?.ready === true);
    const before = seen.find((o) => o.status?.ready === false && o.status?.phase === 'Processing');
    expect(before?.status.conditions[0]).toMatchObject({ type: 'Ready', status: 'False', reason: 'Processing' });
    expect(before?.status.conditions[0].message).toMatch(/^expected 1 networked workload pods/);
    const ready = seen.at(-1)!;
    expect(ready.status.externalIPs).toHaveLength(1);
    expect(Date.parse(ready.status.conditions[0].lastTransitionTime) - Date.parse(ready.metadata.creationTimestamp)).toBeGreaterThanOrEqual(0);
    await removeVpc(ns);
  });
});

describe('KubeVirt feature gates (kubevirt/kubevirt v1.5.0–v1.9.0)', () => {
  const EXPORT_V1BETA1: Gvr = { ...EXPORT, version: 'v1beta1' };
  const exportOf = (name: string, version = 'v1') => ({
    apiVersion: `export.kubevirt.io/${version}`,
    kind: 'VirtualMachineExport',
    metadata: { name },
    spec: { source: { apiGroup: '', kind: 'PersistentVolumeClaim', name: 'disk' } },
  });
  const vmSnapshotOf = (name: string) => ({
    apiVersion: 'snapshot.kubevirt.io/v1beta1',
    kind: 'VirtualMachineSnapshot',
    metadata: { name },
    spec: { source: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: 'vm' } },
  });

  // v1.8.0 pkg/storage/admitters/vmexport.go, vmsnapshot.go: refused on create while the gate is off;
  // pkg/virt-config/feature-gates.go isFeatureGateEnabled: only GA or listed gates (Beta is not enough).
  it('on v1.8 without the gates, VMExport and VMSnapshot creates are refused by the webhooks (400); listed gates admit them', async () => {
    const old = await startKubeHarness({ accelerator: 'tcg', kubevirtVersion: 'v1.8.4' });
    try {
      const okc = old.kubeConfig();
      const ns = await old.createNamespace();
      const refusedExport = await createCustom(okc, EXPORT_V1BETA1, ns, exportOf('e', 'v1beta1')).catch((e: { code: number; body: string }) => e);
      expect(refusedExport).toMatchObject({ code: 400 });
      expect(JSON.parse((refusedExport as { body: string }).body).message).toBe('admission webhook "virtualmachineexport-validator.export.kubevirt.io" denied the request: vm export feature gate not enabled');
      const refusedSnapshot = await createCustom(okc, VM_SNAPSHOT, ns, vmSnapshotOf('s')).catch((e: { code: number; body: string }) => e);
      expect(JSON.parse((refusedSnapshot as { body: string }).body).message).toContain('snapshot feature gate not enabled');
    } finally {
      await old.close();
    }
    const gated = await startKubeHarness({ accelerator: 'tcg', kubevirtVersion: 'v1.8.4', featureGates: ['VMExport', 'Snapshot'] });
    try {
      const gkc = gated.kubeConfig();
      const ns = await gated.createNamespace();
      await createCustom(gkc, EXPORT_V1BETA1, ns, exportOf('e', 'v1beta1'));
      await createCustom(gkc, VM_SNAPSHOT, ns, vmSnapshotOf('s'));
      await gated.deleteNamespace(ns);
    } finally {
      await gated.close();
    }
  });

  // pkg/virt-operator/resource/generate/components/crds.go NewVirtualMachineExportCrd: v1alpha1 and
  // v1beta1 (storage) at v1.8.0; v1 (storage) and a deprecated v1beta1 at v1.9.0.
  it('serves export.kubevirt.io v1beta1 and v1alpha1 on v1.8 (v1 is 404), v1 preferred and v1beta1 on v1.9', async () => {
    const old = await startKubeHarness({ accelerator: 'tcg', kubevirtVersion: 'v1.8.4', controllers: [] });
    try {
      expect(await apiGet(old, '/apis/export.kubevirt.io')).toMatchObject({ versions: [{ version: 'v1beta1' }, { version: 'v1alpha1' }], preferredVersion: { version: 'v1beta1' } });
      expect(await apiGet(old, '/apis/export.kubevirt.io/v1/namespaces/default/virtualmachineexports')).toMatchObject({ code: 404 });
    } finally {
      await old.close();
    }
    expect(await apiGet(harness, '/apis/export.kubevirt.io')).toMatchObject({ versions: [{ version: 'v1' }, { version: 'v1beta1' }], preferredVersion: { version: 'v1' } });
  });

  // v1.9.0 pkg/virt-config/featuregate/feature-gates.go IsEnabled: GA > listed > disabled > Beta.
  it('on v1.9 VMExport is GA and Snapshot is on unless disabled', async () => {
    const ns = await harness.createNamespace();
    await createCustom(kc, EXPORT, ns, exportOf('e'));
    await createCustom(kc, VM_SNAPSHOT, ns, vmSnapshotOf('s'));
    await harness.deleteNamespace(ns);
    const disabled = await startKubeHarness({ accelerator: 'tcg', disabledFeatureGates: ['Snapshot', 'VMExport'] });
    try {
      const ns2 = await disabled.createNamespace();
      await createCustom(disabled.kubeConfig(), EXPORT, ns2, exportOf('e'));
      await expect(createCustom(disabled.kubeConfig(), VM_SNAPSHOT, ns2, vmSnapshotOf('s'))).rejects.toMatchObject({ code: 400 });
    } finally {
      await disabled.close();
    }
  });
});

describe('CSI snapshots retry errors (kubernetes-csi/external-snapshotter v8.6.0)', () => {
  // client/apis/volumesnapshot/v1/types.go: "The snapshot controller will keep retrying when an error
  // occurs during the snapshot creation. Upon success, this error field will be cleared."
  it('a transient status.error is shown, then cleared when the snapshot becomes ready', async () => {
    const ns = await harness.createNamespace();
    await blankDisk(kc, ns, 'disk');
    harness.setTransientSnapshotErrors({ message: 'Snapshot status update failed, Operation cannot be fulfilled: the object has been modified', forMs: 700 });
    try {
      await createCustom(kc, VOLUME_SNAPSHOT, ns, { apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshot', metadata: { name: 'snap' }, spec: { source: { persistentVolumeClaimName: 'disk' } } });
      const { seen, object } = await waitFor(kc, VOLUME_SNAPSHOT, ns, 'snap', (o) => o.status?.readyToUse === true);
      const errored = seen.find((o) => o.status?.error);
      expect(errored?.status).toMatchObject({ readyToUse: false, error: { message: expect.stringContaining('Snapshot status update failed') } });
      expect(object.status.error).toBeUndefined();
    } finally {
      harness.setTransientSnapshotErrors(undefined);
    }
    const after = (await getCustom(kc, VOLUME_SNAPSHOT, ns, 'snap')) as Loose;
    expect(after.status.readyToUse).toBe(true);
    await harness.deleteNamespace(ns);
  });
});

describe('CDI StorageProfiles (kubevirt/containerized-data-importer v1.66.0)', () => {
  const PROFILES: Gvr = { group: 'cdi.kubevirt.io', version: 'v1beta1', plural: 'storageprofiles' };
  const disk = (name: string, storage: Loose) => ({
    apiVersion: 'cdi.kubevirt.io/v1beta1',
    kind: 'DataVolume',
    metadata: { name },
    spec: { source: { blank: {} }, storage: { resources: { requests: { storage: '16Mi' } }, ...storage } },
  });

  // pkg/controller/storageprofile-controller.go reconcileStorageProfile/reconcilePropertySets and
  // pkg/storagecapabilities/storagecapabilities.go: one profile per class, none of the modes for a
  // provisioner CDI does not know (rancher.io/local-path, kind's). pkg/controller/datavolume/util.go
  // renderPvcSpecVolumeModeAndAccessModesAndStorageClass + controller-base.go syncCommon: a storage
  // spec without modes then gets no claim, no phase, Bound/Ready False ErrClaimNotValid and a Warning
  // event; CDI retries when the profile changes.
  it('a class of an unknown provisioner gets a profile without claimPropertySets; a DataVolume without modes then stalls with ErrClaimNotValid', async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    const defaultProfile = (await custom.getClusterCustomObject({ ...PROFILES, name: 'harness-hostpath' })) as Loose;
    expect(defaultProfile.status.claimPropertySets).toEqual([{ accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' }]);
    const storage = kc.makeApiClient(StorageV1Api);
    await storage.createStorageClass({ body: { metadata: { name: 'local-path' }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'Immediate' } });
    const ns = await harness.createNamespace();
    try {
      const profile = await waitForProfile(custom, 'local-path', (p) => p?.status !== undefined);
      expect(profile.status).toMatchObject({ storageClass: 'local-path', provisioner: 'rancher.io/local-path', claimPropertySets: [] });
      await createCustom(kc, DV, ns, disk('stuck', { storageClassName: 'local-path' }));
      const { object: stuck } = await waitFor(kc, DV, ns, 'stuck', (o) => o.status?.conditions?.some((c: Loose) => c.type === 'Bound' && c.reason === 'ErrClaimNotValid'));
      expect(stuck.status.phase).toBeUndefined();
      expect(stuck.status.conditions.find((c: Loose) => c.type === 'Bound').message).toBe('no accessMode specified in StorageProfile local-path');
      const core = kc.makeApiClient(CoreV1Api);
      expect((await core.listNamespacedPersistentVolumeClaim({ namespace: ns })).items).toEqual([]);
      const events = (await core.listNamespacedEvent({ namespace: ns })).items.filter((e) => e.involvedObject.name === 'stuck');
      expect(events).toContainEqual(expect.objectContaining({ type: 'Warning', reason: 'ErrClaimNotValid', message: 'Spec is missing accessMode and volumeMode, cannot get access mode from StorageProfile local-path' }));
      // Modes given: the profile is not asked.
      await createCustom(kc, DV, ns, disk('explicit', { storageClassName: 'local-path', accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' }));
      await waitFor(kc, DV, ns, 'explicit', (o) => o.status?.phase === 'Succeeded');
      // An admin states the modes: the waiting DataVolume gets its claim.
      await custom.patchClusterCustomObject(
        { ...PROFILES, name: 'local-path', body: { spec: { claimPropertySets: [{ accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' }] } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await waitFor(kc, DV, ns, 'stuck', (o) => o.status?.phase === 'Succeeded');
      expect((await core.readNamespacedPersistentVolumeClaim({ namespace: ns, name: 'stuck' })).spec?.accessModes).toEqual(['ReadWriteOnce']);
    } finally {
      await harness.deleteNamespace(ns);
      await storage.deleteStorageClass({ name: 'local-path' });
    }
    await waitForProfile(custom, 'local-path', (p) => p === undefined);
  });

  // kubevirt/containerized-data-importer pkg/controller/datavolume/util.go@v1.66.0
  // renderPvcSpecVolumeModeAndAccessModesAndStorageClass: a named class that does not exist is no
  // class (pkg/controller/common/util.go getStorageClassByName answers nil on NotFound), so a spec
  // without accessModes fails with ErrStorageClassNotFound; controller-base.go syncCommon records it
  // and waits for the class.
  it('a DataVolume naming a StorageClass that does not exist stalls with MessageErrStorageClassNotFound until the class appears', async () => {
    const ns = await harness.createNamespace();
    const storage = kc.makeApiClient(StorageV1Api);
    const message = 'PVC spec is missing accessMode and no storageClass to choose profile';
    try {
      await createCustom(kc, DV, ns, disk('orphan', { storageClassName: 'no-such-class' }));
      const { object } = await waitFor(kc, DV, ns, 'orphan', (o) => o.status?.conditions?.some((c: Loose) => c.type === 'Bound' && c.reason === 'ErrClaimNotValid'));
      expect(object.status.phase).toBeUndefined();
      expect(object.status.conditions.find((c: Loose) => c.type === 'Bound').message).toBe(message);
      const core = kc.makeApiClient(CoreV1Api);
      expect((await core.listNamespacedPersistentVolumeClaim({ namespace: ns })).items).toEqual([]);
      const events = (await core.listNamespacedEvent({ namespace: ns })).items.filter((e) => e.involvedObject.name === 'orphan');
      expect(events).toContainEqual(expect.objectContaining({ type: 'Warning', reason: 'ErrClaimNotValid', message }));
      await storage.createStorageClass({ body: { metadata: { name: 'no-such-class' }, provisioner: 'kubevirt.io.hostpath-provisioner', volumeBindingMode: 'Immediate' } });
      await waitFor(kc, DV, ns, 'orphan', (o) => o.status?.phase === 'Succeeded');
    } finally {
      await harness.deleteNamespace(ns);
      await storage.deleteStorageClass({ name: 'no-such-class' }).catch(() => undefined);
    }
  });
});

describe('CDI clone validation (kubevirt/containerized-data-importer v1.66.0)', () => {
  // pkg/controller/datavolume/pvc-clone-controller.go@v1.66.0 validateCloneAndSourcePVC/validateClone
  // and pkg/controller/common/util.go@v1.66.0 ValidateRequestedCloneSize: an explicit `pvc` spec below
  // the source claim's request gets no claim and a Warning CloneValidationFailed event; the phase is
  // left alone (syncDataVolumeStatusPhaseWithEvent with the DataVolume's own phase).
  it('a pvc-spec clone smaller than its source gets no claim, only a CloneValidationFailed event', async () => {
    const ns = await harness.createNamespace();
    const pvcSpec = (storage: string) => ({ accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', resources: { requests: { storage } } });
    const clone = (name: string, storage: string) => ({ apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', metadata: { name }, spec: { source: { pvc: { namespace: ns, name: 'src' } }, pvc: pvcSpec(storage) } });
    await createCustom(kc, DV, ns, { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', metadata: { name: 'src' }, spec: { source: { blank: {} }, pvc: pvcSpec('32Mi') } });
    await waitFor(kc, DV, ns, 'src', (o) => o.status?.phase === 'Succeeded');
    await createCustom(kc, DV, ns, clone('small', '16Mi'));
    const core = kc.makeApiClient(CoreV1Api);
    const message = `The clone doesn't meet the validation requirements: target resources requests storage size is smaller than the source ${16 * 2 ** 20} < ${32 * 2 ** 20}`;
    let events: Loose[] = [];
    for (let i = 0; i < 100 && events.length === 0; i++) {
      events = (await core.listNamespacedEvent({ namespace: ns })).items.filter((e) => e.involvedObject.name === 'small' && e.reason === 'CloneValidationFailed');
      if (events.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(events).toEqual([expect.objectContaining({ type: 'Warning', message })]);
    await createCustom(kc, DV, ns, clone('same', '32Mi'));
    await waitFor(kc, DV, ns, 'same', (o) => o.status?.phase === 'Succeeded');
    expect((await getCustom(kc, DV, ns, 'small')).status?.phase).toBeUndefined();
    expect((await core.listNamespacedPersistentVolumeClaim({ namespace: ns })).items.map((c) => c.metadata?.name).sort()).toEqual(['same', 'src']);
    await harness.deleteNamespace(ns);
  });

  // pkg/controller/datavolume/pvc-clone-controller.go@v1.66.0 validateClone only holds a `storage`
  // spec with a size to the source's request when the source claim is Block; detectCloneSize
  // gives a size-less one the source image's virtual size plus the fs overhead
  // (common/util.go InflateSizeWithOverhead); the host-assisted clone controller,
  // pkg/controller/clone-controller.go@v1.66.0 ValidateCanCloneSourceAndTargetSpec, then compares
  // usable space and only retries: no event, and the DataVolume stays CloneScheduled
  // (datavolume/clone-controller-base.go@v1.66.0 updateStatusPhase).
  it('a storage-spec clone smaller than a Filesystem source stays CloneScheduled; from a Block source it is refused; without a size it gets the source size plus overhead', async () => {
    const ns = await harness.createNamespace();
    const core = kc.makeApiClient(CoreV1Api);
    const storageSpec = (storage?: string) => ({ ...(storage ? { resources: { requests: { storage } } } : {}) });
    const clone = (name: string, from: string, storage?: string) => ({
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataVolume',
      metadata: { name },
      spec: { source: { pvc: { namespace: ns, name: from } }, storage: storageSpec(storage) },
    });
    const source = (name: string, volumeMode: string) => ({
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataVolume',
      metadata: { name },
      spec: { source: { blank: {} }, pvc: { accessModes: ['ReadWriteOnce'], volumeMode, resources: { requests: { storage: '32Mi' } } } },
    });
    await createCustom(kc, DV, ns, source('fs', 'Filesystem'));
    await createCustom(kc, DV, ns, source('block', 'Block'));
    await waitFor(kc, DV, ns, 'fs', (o) => o.status?.phase === 'Succeeded');
    await waitFor(kc, DV, ns, 'block', (o) => o.status?.phase === 'Succeeded');

    await createCustom(kc, DV, ns, clone('fs-small', 'fs', '16Mi'));
    await createCustom(kc, DV, ns, clone('block-small', 'block', '16Mi'));
    await createCustom(kc, DV, ns, clone('fs-unsized', 'fs'));
    const unsized = await waitFor(kc, DV, ns, 'fs-unsized', (o) => o.status?.phase === 'Succeeded');
    expect(unsized.object.metadata.annotations?.['cdi.kubevirt.io/permissiveClone']).toBeUndefined();
    // 32 MiB (a blank image fills its claim) times 1 + 0.055, CDIConfig's global overhead.
    const claim = await core.readNamespacedPersistentVolumeClaim({ namespace: ns, name: 'fs-unsized' });
    expect(claim.spec?.resources?.requests?.storage).toBe(String(Math.ceil(32 * 2 ** 20 * 1.055)));

    const small = await waitFor(kc, DV, ns, 'fs-small', (o) => o.status?.phase === 'CloneScheduled');
    expect(small.object.status.conditions.find((c: Loose) => c.type === 'Bound').status).toBe('True');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await getCustom(kc, DV, ns, 'fs-small')).status?.phase).toBe('CloneScheduled');
    const events = (await core.listNamespacedEvent({ namespace: ns })).items;
    expect(events.filter((e) => e.involvedObject.name === 'fs-small' && e.type === 'Warning')).toEqual([]);
    const message = `The clone doesn't meet the validation requirements: target resources requests storage size is smaller than the source ${16 * 2 ** 20} < ${32 * 2 ** 20}`;
    expect(events.filter((e) => e.involvedObject.name === 'block-small' && e.reason === 'CloneValidationFailed')).toEqual([expect.objectContaining({ type: 'Warning', message })]);
    const claims = (await core.listNamespacedPersistentVolumeClaim({ namespace: ns })).items.map((c) => c.metadata?.name).sort();
    expect(claims).toEqual(['block', 'fs', 'fs-small', 'fs-unsized']);
    await harness.deleteNamespace(ns);
  });
});

async function waitForProfile(custom: CustomObjectsApi, name: string, done: (p: Loose | undefined) => boolean): Promise<Loose> {
  for (let i = 0; i < 100; i++) {
    const p = (await custom.getClusterCustomObject({ group: 'cdi.kubevirt.io', version: 'v1beta1', plural: 'storageprofiles', name }).catch(() => undefined)) as Loose | undefined;
    if (done(p)) return p as Loose;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`StorageProfile ${name}: condition not met`);
}

describe('VirtualMachineExport (kubevirt/kubevirt v1.9.0)', () => {
  // pkg/storage/export/export/pvc-source.go isPVCInUse + pkg/virt-controller/watch/util/util.go PodsUsingPVCs:
  // only Succeeded pods are skipped, so a Failed launcher (crashed or killed guest) keeps the export InUse.
  // pkg/storage/export/export/links.go getExternalLinks: no Ingress/Route, no links.external.
  it('a PVC mounted by a Failed pod stays InUse until the pod goes; without an Ingress only internal links are published', async () => {
    const ns = await harness.createNamespace();
    await blankDisk(kc, ns, 'disk');
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        // Stands for the launcher of a crashed guest: the pod runtime leaves a managed pod's status to its owner (this test).
        metadata: { name: 'virt-launcher-crashed-abcde', labels: { 'kubevirt.io': 'virt-launcher' }, annotations: { [MANAGED_POD_ANNOTATION]: 'virt-launcher' } },
        spec: { containers: [{ name: 'compute', image: 'quay.io/kubevirt/virt-launcher:v1.9.0' }], volumes: [{ name: 'root', persistentVolumeClaim: { claimName: 'disk' } }] },
      },
    });
    const pod = await core.readNamespacedPod({ namespace: ns, name: 'virt-launcher-crashed-abcde' });
    await core.replaceNamespacedPodStatus({ namespace: ns, name: pod.metadata!.name!, body: { ...pod, status: { ...pod.status, phase: 'Failed' } } });
    await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'token' }, stringData: { token: 'sekret' } } });
    await createCustom(kc, EXPORT, ns, {
      apiVersion: 'export.kubevirt.io/v1',
      kind: 'VirtualMachineExport',
      metadata: { name: 'out' },
      spec: { source: { apiGroup: '', kind: 'PersistentVolumeClaim', name: 'disk' }, tokenSecretRef: 'token' },
    });
    const { object: held } = await waitFor(kc, EXPORT, ns, 'out', (o) => o.status?.conditions?.some((c: Loose) => c.type === 'Ready' && c.reason === 'InUse'));
    expect(held.status.phase).toBe('Pending');
    expect((await core.readNamespacedPod({ namespace: ns, name: 'virt-launcher-crashed-abcde' })).status?.phase).toBe('Failed');
    await core.deleteNamespacedPod({ namespace: ns, name: 'virt-launcher-crashed-abcde', gracePeriodSeconds: 0 });
    const { object: ready } = await waitFor(kc, EXPORT, ns, 'out', (o) => o.status?.phase === 'Ready');
    expect(ready.status.links.internal.volumes[0].formats.length).toBeGreaterThan(0);
    expect(ready.status.links.external).toBeUndefined();
    await harness.deleteNamespace(ns);
  });
});

describe('CDI importer restarts (kubevirt/containerized-data-importer v1.66.0)', () => {
  // pkg/controller/import-controller.go@v1.66.0: the importer pod has restartPolicy OnFailure and only
  // "checksum mismatch" is fatal (updatePvcFromPod); datavolume/import-controller.go updateStatusPhase
  // keeps a restarting import ImportInProgress; controller-base.go copies the container's restarts
  // into status.restartCount and updateConditions leaves Ready False without a reason;
  // pkg/controller/util.go setAnnotationsFromPodWithPrefix gives Running the terminated reason
  // ("Error") and message, simplifyKnownMessage shortening "is larger than the reported available".
  it('a failing import restarts for ever in ImportInProgress with restartCount, Running=False Error, and no Failed phase', async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/big.raw') {
        res.writeHead(200, { 'content-length': String(8 * 2 ** 20) });
        res.end(Buffer.alloc(8 * 2 ** 20));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const ns = await harness.createNamespace();
    try {
      const dv = (name: string, url: string, storage: string) => ({
        apiVersion: 'cdi.kubevirt.io/v1beta1',
        kind: 'DataVolume',
        metadata: { name },
        spec: { source: { http: { url } }, storage: { resources: { requests: { storage } } } },
      });
      await createCustom(kc, DV, ns, dv('missing', `${base}/nothing.raw`, '16Mi'));
      await createCustom(kc, DV, ns, dv('small', `${base}/big.raw`, '4Mi'));
      const condition = (o: Loose, type: string) => o.status.conditions.find((c: Loose) => c.type === type);
      for (const name of ['missing', 'small']) {
        const { object, seen } = await waitFor(kc, DV, ns, name, (o) => (o.status?.restartCount ?? 0) >= 2, 30_000);
        expect(object.status.phase).toBe('ImportInProgress');
        expect(seen.some((o) => o.status?.phase === 'Failed')).toBe(false);
        expect(condition(object, 'Running')).toMatchObject({ status: 'False', reason: 'Error' });
        expect(condition(object, 'Ready')).toMatchObject({ status: 'False', reason: '' });
        if (name === 'small') expect(condition(object, 'Running').message).toBe('DataVolume too small to contain image');
      }
    } finally {
      await harness.deleteNamespace(ns);
      server.close();
    }
  });
});

describe('CDI upload tokens (kubevirt/containerized-data-importer v1.66.0)', () => {
  // pkg/apiserver/apiserver.go uploadHandler: any pvcName is signed, valid 5 minutes; pkg/uploadproxy/uploadproxy.go: 401 after.
  it('signs a token for any pvcName, and the proxy refuses it (401) once it expired', async () => {
    const short = await startKubeHarness({ accelerator: 'tcg', uploadTokenTtlMs: 300 });
    try {
      const ns = await short.createNamespace();
      const answer = (await createCustom(short.kubeConfig(), { group: 'upload.cdi.kubevirt.io', version: 'v1beta1', plural: 'uploadtokenrequests' }, ns, {
        apiVersion: 'upload.cdi.kubevirt.io/v1beta1',
        kind: 'UploadTokenRequest',
        metadata: { name: 'no-such-claim' },
        spec: { pvcName: 'no-such-claim' },
      })) as Loose;
      expect(typeof answer.status.token).toBe('string');
      await new Promise((r) => setTimeout(r, 400));
      const refused = await httpsRequest(`${short.uploadProxyUrl}/v1beta1/upload`, { method: 'POST', ca: short.caCert, headers: { authorization: `Bearer ${answer.status.token}` }, body: Buffer.alloc(16) });
      expect(refused.status).toBe(401);
    } finally {
      await short.close();
    }
  });
});

/** The status and Status message virt-api answers instead of upgrading a subresource websocket. */
function refusedUpgrade(path: string): Promise<{ status: number; message: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${harness.url.replace('https:', 'wss:')}${path}`, [KUBEVIRT_PROTOCOL], { ca: harness.caCert, headers: { authorization: `Bearer ${harness.token}` } });
    ws.once('open', () => {
      ws.close();
      reject(new Error(`${path}: upgraded`));
    });
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, message: (JSON.parse(text) as { message: string }).message }));
    });
    ws.once('error', () => undefined);
  });
}

describe('virt-api subresource refusals (kubevirt/kubevirt v1.9.0 pkg/virt-api/rest)', () => {
  // dialers.go getTargetInterfaceIP: "no network interfaces are present" (400), with no phase check
  // (portforward.go validateVMIForPortForward checks only Paused); vnc.go: 400 "VMI is not running".
  it('port-forward to a VMI without interfaces is 400 "no network interfaces are present"; VNC to a VMI that is not running is 400 "VMI is not running"', async () => {
    const ns = await harness.createNamespace();
    await createCustom(kc, VMI, ns, {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstance',
      metadata: { name: 'nodisk' },
      spec: {
        domain: { devices: { disks: [{ name: 'root', disk: { bus: 'virtio' } }] }, resources: { requests: { memory: '64Mi' } } },
        volumes: [{ name: 'root', persistentVolumeClaim: { claimName: 'missing' } }],
      },
    });
    await waitFor(kc, VMI, ns, 'nodisk', (o) => o.status?.phase === 'Failed');
    const base = `/apis/subresources.kubevirt.io/v1/namespaces/${ns}/virtualmachineinstances/nodisk`;
    expect(await refusedUpgrade(`${base}/portforward/22/tcp`)).toEqual({ status: 400, message: 'no network interfaces are present' });
    expect(await refusedUpgrade(`${base}/vnc`)).toEqual({ status: 400, message: 'VMI is not running' });
    await harness.deleteNamespace(ns);
  });
});

/** A VMI spec that fails at once (its ConfigMap does not exist), so no guest boots. */
const failingSpec = {
  domain: { devices: { disks: [{ name: 'cfg', disk: { bus: 'virtio' } }] }, resources: { requests: { memory: '64Mi' } } },
  volumes: [{ name: 'cfg', configMap: { name: 'missing' } }],
};

describe('virt-controller and virt-api on VMs and launchers (kubevirt/kubevirt v1.9.0)', () => {
  // pkg/virt-controller/services/template.go@v1.9.0 podLabels and pkg/apimachinery/labels.go@v1.9.0
  // CalculateVirtualMachineInstanceID: vmi.kubevirt.io/id is the name, or past 63 characters its first
  // 54, '-' and 8 hex digits of its SHA-1; kubevirt.io/domain is an annotation (DomainAnnotation).
  it('a launcher pod is labelled vmi.kubevirt.io/id (hashed past 63 characters), and kubevirt.io/domain is only an annotation', async () => {
    const ns = await harness.createNamespace();
    const long = `a-vmi-whose-name-is-longer-than-a-label-value-may-be-${'x'.repeat(20)}`;
    expect(long.length).toBeGreaterThan(63);
    const core = kc.makeApiClient(CoreV1Api);
    for (const name of ['short', long]) {
      await createCustom(kc, VMI, ns, { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name, labels: { app: 'mine' } }, spec: failingSpec });
      const { object: vmi } = await waitFor(kc, VMI, ns, name, (o) => o.status?.phase === 'Failed');
      const pod = (await core.listNamespacedPod({ namespace: ns, labelSelector: `kubevirt.io/created-by=${vmi.metadata.uid}` })).items[0]!;
      const id = name.length <= 63 ? name : `${name.slice(0, 54)}-${createHash('sha1').update(name).digest('hex').slice(0, 8)}`;
      expect(pod.metadata?.labels).toEqual({ app: 'mine', 'kubevirt.io': 'virt-launcher', 'kubevirt.io/created-by': vmi.metadata.uid, 'vm.kubevirt.io/name': expect.any(String), 'vmi.kubevirt.io/id': id });
      expect(pod.metadata?.annotations?.['kubevirt.io/domain']).toBe(name);
      expect((await core.listNamespacedPod({ namespace: ns, labelSelector: `vmi.kubevirt.io/id=${id}` })).items).toHaveLength(1);
    }
    await harness.deleteNamespace(ns);
  });

  // pkg/virt-controller/services/template.go podLabels: no VirtualMachineInstanceIDLabel at v1.6.0,
  // vmi.kubevirt.io/id from v1.7.0. pkg/virt-controller/services/serialconsolelog.go
  // isSerialConsoleLogEnabled and template.go (v1.5.0 to v1.9.0): `guest-console-log` on the
  // launcher image, among the containers at v1.5.0 and an initContainer with restartPolicy Always
  // (a native sidecar) from v1.6.0; none when logSerialConsole or autoattachSerialConsole is false.
  it('vmi.kubevirt.io/id only from v1.7.0; guest-console-log a container at v1.5.0, a native sidecar from v1.6.0', async () => {
    for (const version of ['v1.5.0', 'v1.6.0', 'v1.7.0']) {
      const old = await startKubeHarness({ accelerator: 'tcg', kubevirtVersion: version });
      try {
        const ns = await old.createNamespace();
        const okc = old.kubeConfig();
        const core = okc.makeApiClient(CoreV1Api);
        const launcher = async (name: string, devices: Loose = {}) => {
          const spec = { ...failingSpec, domain: { ...failingSpec.domain, devices: { ...failingSpec.domain.devices, ...devices } } };
          await createCustom(okc, VMI, ns, { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name }, spec });
          const { object: vmi } = await waitFor(okc, VMI, ns, name, (o) => o.status?.phase === 'Failed');
          return (await core.listNamespacedPod({ namespace: ns, labelSelector: `kubevirt.io/created-by=${vmi.metadata.uid}` })).items[0]!;
        };
        const pod = await launcher('plain');
        expect(pod.metadata?.labels?.['vmi.kubevirt.io/id']).toBe(version === 'v1.7.0' ? 'plain' : undefined);
        const image = `quay.io/kubevirt/virt-launcher:${version}`;
        const consoleLog = (extra: Loose = {}) => expect.objectContaining({ name: 'guest-console-log', image, command: ['/usr/bin/virt-tail'], ...extra });
        if (version === 'v1.5.0') {
          expect(pod.spec?.containers).toEqual([expect.objectContaining({ name: 'compute', image }), consoleLog()]);
          expect(pod.spec?.containers[1]?.restartPolicy).toBeUndefined();
          expect(pod.spec?.initContainers).toBeUndefined();
        } else {
          expect(pod.spec?.containers.map((c) => c.name)).toEqual(['compute']);
          expect(pod.spec?.initContainers).toEqual([consoleLog({ restartPolicy: 'Always' })]);
          expect(pod.status?.initContainerStatuses?.map((s) => s.name)).toEqual(['guest-console-log']);
        }
        for (const [name, devices] of [
          ['unlogged', { logSerialConsole: false }],
          ['unattached', { autoattachSerialConsole: false, logSerialConsole: true }],
        ] as const) {
          const p = await launcher(name, devices);
          expect([...(p.spec?.containers ?? []), ...(p.spec?.initContainers ?? [])].map((c) => c.name)).toEqual(['compute']);
        }
      } finally {
        await old.close();
      }
    }
  });

  // pkg/virt-api/rest/lifecycle.go@v1.9.0 StopVMRequestHandler: for Always and Once the stop is only a
  // patch of runStrategy to Halted, answered 202 whether or not the VMI has ended; Manual and
  // RerunOnFailure need a VMI that has not (409 "VM is not running").
  it('stop on runStrategy Once with a final VMI is 202 and halts the VM; on Manual it is 409', async () => {
    const ns = await harness.createNamespace();
    const vm = (name: string, runStrategy: string) => ({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name }, spec: { runStrategy, template: { spec: failingSpec } } });
    const stop = async (name: string) => {
      const res = await httpsRequest(`${harness.url}/apis/subresources.kubevirt.io/v1/namespaces/${ns}/virtualmachines/${name}/stop`, {
        method: 'PUT',
        ca: harness.caCert,
        headers: { authorization: `Bearer ${harness.token}`, 'content-type': 'application/json' },
        body: Buffer.from('{"gracePeriod":1}'),
      });
      return { status: res.status, message: res.status >= 400 ? (JSON.parse(res.body.toString()) as Loose).message : undefined };
    };
    await createCustom(kc, VM, ns, vm('once', 'Once'));
    await waitFor(kc, VMI, ns, 'once', (o) => o.status?.phase === 'Failed');
    expect((await stop('once')).status).toBe(202);
    const { object: halted } = await waitFor(kc, VM, ns, 'once', (o) => o.status?.printableStatus === 'Stopped');
    expect(halted.spec.runStrategy).toBe('Halted');

    await createCustom(kc, VM, ns, vm('manual', 'Manual'));
    const start = await httpsRequest(`${harness.url}/apis/subresources.kubevirt.io/v1/namespaces/${ns}/virtualmachines/manual/start`, {
      method: 'PUT',
      ca: harness.caCert,
      headers: { authorization: `Bearer ${harness.token}`, 'content-type': 'application/json' },
      body: Buffer.from('{}'),
    });
    expect(start.status).toBe(202);
    await waitFor(kc, VMI, ns, 'manual', (o) => o.status?.phase === 'Failed');
    expect(await stop('manual')).toEqual({ status: 409, message: expect.stringContaining('VM is not running') });
    await harness.deleteNamespace(ns);
  });

  // pkg/virt-controller/watch/vm/vm.go@v1.9.0: syncRunStrategy's Once case starts a VMI only when
  // there is none, so a finished one stays and a deleted one is replaced; updateStatus sets
  // created while a VMI exists, finished or not; syncStartFailureStatus counts a VMI that ended
  // without ever running, and isVirtualMachineStatusCrashLoopBackOff then shows CrashLoopBackOff
  // for Once too, although nothing will be retried.
  it('runStrategy Once keeps a finished VMI, replaces a deleted one, and shows CrashLoopBackOff after an early failure', async () => {
    const ns = await harness.createNamespace();
    await createCustom(kc, VM, ns, { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'once' }, spec: { runStrategy: 'Once', template: { spec: failingSpec } } });
    const first = (await waitFor(kc, VMI, ns, 'once', (o) => o.status?.phase === 'Failed')).object;
    const { object: vm } = await waitFor(kc, VM, ns, 'once', (o) => o.status?.printableStatus === 'CrashLoopBackOff');
    expect(vm.status).toMatchObject({ created: true, startFailure: { consecutiveFailCount: 1, lastFailedVMIUID: first.metadata.uid } });
    expect(vm.status.ready).toBeUndefined();
    await new Promise((r) => setTimeout(r, 1000));
    expect((await getCustom(kc, VMI, ns, 'once')).metadata.uid).toBe(first.metadata.uid);

    const custom = kc.makeApiClient(CustomObjectsApi);
    await custom.deleteNamespacedCustomObject({ group: 'kubevirt.io', version: 'v1', namespace: ns, plural: 'virtualmachineinstances', name: 'once' });
    const second = (await waitFor(kc, VMI, ns, 'once', (o) => o.metadata.uid !== first.metadata.uid && o.status?.phase === 'Failed')).object;
    const { object: again } = await waitFor(kc, VM, ns, 'once', (o) => o.status?.startFailure?.consecutiveFailCount === 2);
    expect(again.status).toMatchObject({ printableStatus: 'CrashLoopBackOff', startFailure: { lastFailedVMIUID: second.metadata.uid } });
    await harness.deleteNamespace(ns);
  });
});
