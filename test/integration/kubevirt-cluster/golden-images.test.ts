/**
 * Golden images that stay in the cluster (output.dataSource), against the kube harness, whose
 * DataSource controller follows CDI's (kubevirt/containerized-data-importer v1.66.0
 * pkg/controller/datasource-controller.go). No guest boots here: the outputs are blank
 * DataVolumes and a CSI snapshot of one, as a build's capture leaves them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../src/core/log.js';
import { goldenUpToDate, publishGolden } from '../../../src/engines/kubevirt/cluster/golden-images.js';
import { KubeApi } from '../../../src/engines/kubevirt/cluster/kube-api.js';
import { ObjectClient } from '../../../src/engines/kubevirt/cluster/objects.js';
import { LABEL_DATA_SOURCE } from '../../../src/engines/kubevirt/manifests/golden-image.js';
import { LABEL_LAYER_KEY, LABEL_MANAGED_BY, LABEL_RUN, MANAGED_BY } from '../../../src/engines/kubevirt/manifests/labels.js';
import { startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';
import { blankDisk, createCustom, getCustom, waitFor, type Gvr, type Loose } from '../kube-harness/helpers.js';

const DS: Gvr = { group: 'cdi.kubevirt.io', version: 'v1beta1', plural: 'datasources' };
const DV: Gvr = { group: 'cdi.kubevirt.io', version: 'v1beta1', plural: 'datavolumes' };
const VS: Gvr = { group: 'snapshot.storage.k8s.io', version: 'v1', plural: 'volumesnapshots' };
const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);
const scope = { build: 'golden', layer: 'base', vm: 'web' };

let harness: KubeHarness;
let objects: ObjectClient;

beforeAll(async () => {
  harness = await startKubeHarness({ accelerator: 'tcg' });
  objects = new ObjectClient(new KubeApi(harness.kubeConfig()), memoryLogger().logger);
});

afterAll(async () => {
  await harness?.close();
});

/** A run's output as the clone capture leaves it: a DataVolume with the run label. */
async function runOutput(ns: string, name: string): Promise<void> {
  await blankDisk(harness.kubeConfig(), ns, name);
  await objects.mergePatch(
    { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', namespace: ns, name },
    { metadata: { labels: { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_RUN]: 'r1' } } },
    AbortSignal.timeout(10_000),
  );
}

describe("CDI's DataSource controller in the harness (containerized-data-importer v1.66.0 datasource-controller.go)", () => {
  it('pvc source: NotFound "PVC not found" until it exists, then Ready with the source and the kubevirt.io labels copied from it (CopyAllowedLabels)', async () => {
    const ns = await harness.createNamespace();
    await createCustom(harness.kubeConfig(), DS, ns, { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataSource', metadata: { name: 'ds' }, spec: { source: { pvc: { namespace: ns, name: 'disk' } } } });
    const missing = await waitFor(harness.kubeConfig(), DS, ns, 'ds', (o) => o.status?.conditions?.[0]?.reason === 'NotFound');
    expect(missing.object.status.conditions[0]).toMatchObject({ type: 'Ready', status: 'False', message: 'PVC not found' });
    await blankDisk(harness.kubeConfig(), ns, 'disk');
    const { object } = await waitFor(harness.kubeConfig(), DS, ns, 'ds', (o) => o.status?.conditions?.[0]?.status === 'True');
    expect(object.status.conditions[0]).toMatchObject({ reason: 'Ready', message: 'DataSource is ready to be consumed' });
    expect(object.status.source).toEqual({ pvc: { namespace: ns, name: 'disk' } });
    // Only labels matching ^([\w.]+\.kubevirt.io|kubevirt.io)/[\w.-]+$ are copied (pkg/controller/common/util.go validLabelsMatch).
    await objects.mergePatch(
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: ns, name: 'disk' },
      { metadata: { labels: { 'instancetype.kubevirt.io/default-preference': 'alpine', 'example.com/other': 'x' } } },
      AbortSignal.timeout(10_000),
    );
    const labelled = await waitFor(harness.kubeConfig(), DS, ns, 'ds', (o) => o.metadata.labels?.['instancetype.kubevirt.io/default-preference'] === 'alpine');
    expect(labelled.object.metadata.labels['example.com/other']).toBeUndefined();
  });
});

describe('publishGolden: the output behind a DataSource, replaced on refresh', () => {
  it('a clone output: out of the run, labelled (DataVolume, PVC, DataSource), the DataSource Ready; a refresh points it at the new output and removes the old one', async () => {
    const ns = await harness.createNamespace();
    await runOutput(ns, 'out-1');
    const { logger, lines } = memoryLogger();
    const ds = { name: 'alpine-golden', instancetype: 'u1.small', preference: 'alpine', preferenceKind: 'VirtualMachinePreference' as const };
    const first = await publishGolden({ objects, dataSource: ds, source: { kind: 'DataVolume', namespace: ns, name: 'out-1' }, scope, sha256: SHA_A, logger, signal: AbortSignal.timeout(30_000), timeoutMs: 20_000 });
    expect(first.where).toBe(`DataSource ${ns}/alpine-golden → DataVolume ${ns}/out-1`);
    expect(first.replaced).toEqual([]);

    const dataSource = await getCustom(harness.kubeConfig(), DS, ns, 'alpine-golden');
    expect(dataSource.spec.source).toEqual({ pvc: { namespace: ns, name: 'out-1' } });
    expect(dataSource.status.conditions[0]).toMatchObject({ type: 'Ready', status: 'True' });
    // The labels KubeVirt's inferFromVolume reads (kubevirt/kubevirt v1.9.0 staging/src/kubevirt.io/api/instancetype/register.go).
    const defaults = {
      'instancetype.kubevirt.io/default-instancetype': 'u1.small',
      'instancetype.kubevirt.io/default-preference': 'alpine',
      'instancetype.kubevirt.io/default-preference-kind': 'VirtualMachinePreference',
    };
    expect(dataSource.metadata.labels).toMatchObject(defaults);
    expect(dataSource.metadata.labels['instancetype.kubevirt.io/default-instancetype-kind']).toBeUndefined();
    const dv = await getCustom(harness.kubeConfig(), DV, ns, 'out-1');
    expect(dv.metadata.labels).toMatchObject({ ...defaults, [LABEL_DATA_SOURCE]: 'alpine-golden' });
    expect(dv.metadata.labels[LABEL_RUN]).toBeUndefined();
    expect(dv.metadata.ownerReferences).toBeUndefined();
    const claim = await objects.get({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: ns, name: 'out-1' }, AbortSignal.timeout(10_000));
    expect(claim?.metadata.labels).toMatchObject(defaults);
    expect(await goldenUpToDate(objects, ds, ns, SHA_A, AbortSignal.timeout(10_000))).toBe(first.where);
    expect(await goldenUpToDate(objects, ds, ns, SHA_B, AbortSignal.timeout(10_000))).toBeUndefined();

    // Refresh: a new output, the DataSource moves, the old output goes.
    await runOutput(ns, 'out-2');
    const second = await publishGolden({ objects, dataSource: ds, source: { kind: 'DataVolume', namespace: ns, name: 'out-2' }, scope, sha256: SHA_B, logger, signal: AbortSignal.timeout(30_000), timeoutMs: 20_000 });
    expect(second.replaced).toEqual([`DataVolume ${ns}/out-1`]);
    expect((await getCustom(harness.kubeConfig(), DS, ns, 'alpine-golden')).spec.source).toEqual({ pvc: { namespace: ns, name: 'out-2' } });
    await harness.settled();
    const left = harness.leftovers(ns).filter((o) => o.kind !== 'Event' && o.kind !== 'Namespace');
    expect(left.map((o) => `${o.kind}/${o.name}`).sort()).toEqual(['DataSource/alpine-golden', 'DataVolume/out-2', 'PersistentVolumeClaim/out-2']);
    expect(lines.join('\n')).toContain(`golden image alpine-golden: replaced DataVolume ${ns}/out-1`);
  });

  it('a snapshot output: the DataSource switches from pvc to snapshot; an old output that is also a kept layer stays, only un-marked', async () => {
    const ns = await harness.createNamespace();
    await runOutput(ns, 'out-1');
    await objects.mergePatch({ apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', namespace: ns, name: 'out-1' }, { metadata: { labels: { [LABEL_LAYER_KEY]: 'k' } } }, AbortSignal.timeout(10_000));
    const ds = { name: 'snap-golden' };
    const signal = AbortSignal.timeout(60_000);
    await publishGolden({ objects, dataSource: ds, source: { kind: 'DataVolume', namespace: ns, name: 'out-1' }, scope, sha256: SHA_A, logger: memoryLogger().logger, signal, timeoutMs: 20_000 });
    await blankDisk(harness.kubeConfig(), ns, 'disk-2');
    await createCustom(harness.kubeConfig(), VS, ns, { apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshot', metadata: { name: 'out-2' }, spec: { source: { persistentVolumeClaimName: 'disk-2' } } });
    await waitFor(harness.kubeConfig(), VS, ns, 'out-2', (o) => o.status?.readyToUse === true);
    const second = await publishGolden({ objects, dataSource: ds, source: { kind: 'VolumeSnapshot', namespace: ns, name: 'out-2' }, scope, sha256: SHA_B, logger: memoryLogger().logger, signal, timeoutMs: 20_000 });
    expect(second.replaced).toEqual([`DataVolume ${ns}/out-1 (kept as a layer output)`]);
    const dataSource = await getCustom(harness.kubeConfig(), DS, ns, 'snap-golden');
    expect(dataSource.spec.source).toEqual({ snapshot: { namespace: ns, name: 'out-2' } });
    expect(dataSource.status.source).toEqual({ snapshot: { namespace: ns, name: 'out-2' } });
    const kept = (await getCustom(harness.kubeConfig(), DV, ns, 'out-1')) as Loose;
    expect(kept.metadata.labels[LABEL_DATA_SOURCE]).toBeUndefined();
    expect(kept.metadata.labels[LABEL_LAYER_KEY]).toBe('k');
  });

  it('refuses to take over a DataSource ruddervirt did not make', async () => {
    const ns = await harness.createNamespace();
    await runOutput(ns, 'out-1');
    await createCustom(harness.kubeConfig(), DS, ns, { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataSource', metadata: { name: 'fedora' }, spec: { source: { pvc: { namespace: ns, name: 'theirs' } } } });
    await expect(
      publishGolden({
        objects,
        dataSource: { name: 'fedora' },
        source: { kind: 'DataVolume', namespace: ns, name: 'out-1' },
        scope,
        sha256: SHA_A,
        logger: memoryLogger().logger,
        signal: AbortSignal.timeout(20_000),
        timeoutMs: 10_000,
      }),
    ).rejects.toThrow(`DataSource ${ns}/fedora exists and was not made by ruddervirt`);
    expect((await getCustom(harness.kubeConfig(), DS, ns, 'fedora')).spec.source.pvc.name).toBe('theirs');
  });
});
