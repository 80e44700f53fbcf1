/**
 * The kubevirt e2e tests' switch (test/e2e/helpers/e2e-cluster.ts): RUDDERVIRT_E2E_KUBECONFIG
 * names a real cluster (the kubevirt-e2e workflow), else they start the kube harness. Here the
 * switch is pointed at a harness's kubeconfig file, so the real-cluster path — a kubeconfig from
 * the environment, namespaces and leftovers over the API — runs against something that answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../src/core/log.js';
import { KubeApi } from '../../../src/engines/kubevirt/cluster/kube-api.js';
import { ObjectClient } from '../../../src/engines/kubevirt/cluster/objects.js';
import { E2E_KUBECONFIG_ENV, e2eCluster } from '../../e2e/helpers/e2e-cluster.js';
import { startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';
import { blankDisk } from '../kube-harness/helpers.js';

let harness: KubeHarness;

beforeAll(async () => {
  harness = await startKubeHarness({ accelerator: 'tcg' });
});

afterAll(async () => {
  await harness?.close();
});

describe(`${E2E_KUBECONFIG_ENV}: the kubevirt e2e tests on a cluster named by a kubeconfig file`, () => {
  it('uses the kubeconfig it names (no harness of its own): namespaces, leftovers by kind, events, deletion', async () => {
    const cluster = await e2eCluster({}, { [E2E_KUBECONFIG_ENV]: harness.kubeconfigPath });
    expect(cluster.kind).toBe('kubeconfig');
    expect(cluster.harness).toBeUndefined();
    expect(cluster.kubeconfigPath).toBe(harness.kubeconfigPath);

    const ns = await cluster.createNamespace('rv-switch');
    expect(ns).toMatch(/^rv-switch-\w+$/);
    expect(harness.objects().some((o) => o.kind === 'Namespace' && o.name === ns)).toBe(true);
    expect(await cluster.leftovers(ns)).toEqual([]);

    // What a build would leave: a disk and a run root; the switch's view must match the harness's own.
    await blankDisk(harness.kubeConfig(), ns, 'disk');
    const objects = new ObjectClient(new KubeApi(harness.kubeConfig()), memoryLogger().logger);
    await objects.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'run-root', namespace: ns } }, AbortSignal.timeout(10_000));
    await harness.settled();
    const seen = await cluster.leftovers(ns);
    expect(seen).toEqual([
      { kind: 'ConfigMap', namespace: ns, name: 'run-root' },
      { kind: 'DataVolume', namespace: ns, name: 'disk' },
      { kind: 'PersistentVolumeClaim', namespace: ns, name: 'disk' },
    ]);
    const own = harness
      .leftovers(ns)
      .filter((o) => o.kind !== 'Event' && o.kind !== 'Namespace')
      .map((o) => `${o.kind}/${o.name}`)
      .sort();
    expect(seen.map((o) => `${o.kind}/${o.name}`)).toEqual(own);
    expect((await cluster.events(ns)).some((e) => e.involved === 'PersistentVolumeClaim/disk')).toBe(true);

    await cluster.deleteNamespace(ns, 60_000);
    expect(harness.objects().some((o) => o.namespace === ns || (o.kind === 'Namespace' && o.name === ns))).toBe(false);
    await cluster.close();
    // Closing a cluster it did not start leaves it running.
    expect(await cluster.leftovers('default')).toBeDefined();
  });

  it('without the variable it starts a harness of its own and closes it', async () => {
    const cluster = await e2eCluster({ accelerator: 'tcg' }, {});
    try {
      expect(cluster.kind).toBe('harness');
      expect(cluster.harness).toBeDefined();
      expect(cluster.kubeconfigPath).toBe(cluster.harness!.kubeconfigPath);
      expect(cluster.kubeconfigPath).not.toBe(harness.kubeconfigPath);
      const ns = await cluster.createNamespace('rv-own');
      expect(cluster.harness!.objects().some((o) => o.kind === 'Namespace' && o.name === ns)).toBe(true);
    } finally {
      await cluster.close();
    }
  });
});
