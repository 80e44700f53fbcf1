/**
 * The kube harness started with `installed: false`: a cluster without KubeVirt, CDI, Kube-OVN and
 * Multus, whose served resources grow as CustomResourceDefinitions are Established (as
 * apiextensions-apiserver serves them), and whose played operators take the time they are given.
 */
import https from 'node:https';
import { ApisApi, CustomObjectsApi } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';

let harness: KubeHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** The HTTP status of a raw request (through node:https with the harness CA). */
async function fetchStatus(path: string, init: RequestInit): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${harness!.url}${path}`,
      {
        method: init.method ?? 'GET',
        ca: harness!.caCert,
        headers: { authorization: `Bearer ${harness!.token}`, 'content-type': String((init.headers as Record<string, string> | undefined)?.['content-type'] ?? 'application/json') },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(init.body as string | undefined);
  });
}

const crd = (group: string, plural: string, kind: string, scope: 'Namespaced' | 'Cluster' = 'Cluster', version = 'v1beta1') => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.${group}` },
  spec: {
    group,
    scope,
    names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
    versions: [{ name: version, served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }, subresources: { status: {} } }],
  },
});

describe('kube harness without KubeVirt, CDI and Kube-OVN (installed: false)', () => {
  it('serves the built-in kinds only, and a CRD’s resource from when it is Established until it is deleted', async () => {
    harness = await startKubeHarness({ installed: false, accelerator: 'tcg', crdEstablishMs: 300 });
    const kc = harness.kubeConfig();
    const groups = async () => (await kc.makeApiClient(ApisApi).getAPIVersions()).groups.map((g) => g.name).sort();
    expect(await groups()).toEqual(['apiextensions.k8s.io', 'apps', 'authorization.k8s.io', 'rbac.authorization.k8s.io', 'scheduling.k8s.io', 'snapshot.storage.k8s.io', 'storage.k8s.io']);
    expect(harness.objects().map((o) => `${o.kind}/${o.name}`)).not.toContainEqual(expect.stringMatching(/^(KubeVirt|CDIConfig)\//));
    expect(await fetchStatus('/apis/kubevirt.io/v1/namespaces/default/virtualmachines', {})).toBe(404);

    // A CRD the harness knows (KubeVirt's): not served until Established, then served with its schema.
    // The CRD's versions are what is served, as kube-apiserver serves them (crd-registry.ts).
    const vmCrd = { ...crd('kubevirt.io', 'virtualmachines', 'VirtualMachine', 'Namespaced', 'v1') };
    expect(await fetchStatus('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { method: 'POST', body: JSON.stringify(vmCrd) })).toBe(201);
    expect(await fetchStatus('/apis/kubevirt.io/v1/namespaces/default/virtualmachines', {})).toBe(404);
    const crdRef = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'virtualmachines.kubevirt.io' };
    await expect
      .poll(() => (harness!.getObject(crdRef)?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions)
      .toContainEqual(expect.objectContaining({ type: 'Established', status: 'True' }));
    expect(harness.getObject(crdRef)?.status).toMatchObject({
      acceptedNames: { kind: 'VirtualMachine', plural: 'virtualmachines' },
      conditions: [
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts' },
        { type: 'Established', reason: 'InitialNamesAccepted' },
      ],
    });
    expect(await groups()).toContain('kubevirt.io');
    expect(await fetchStatus('/apis/kubevirt.io/v1/namespaces/default/virtualmachines', {})).toBe(200);
    // The catalogue's schema applies: a wrong type is 422.
    expect(
      await fetchStatus('/apis/kubevirt.io/v1/namespaces/default/virtualmachines', {
        method: 'POST',
        body: JSON.stringify({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'x' }, spec: { runStrategy: 7 } }),
      }),
    ).toBe(422);

    // A CRD it does not know: stored as sent, with a status subresource as declared.
    await fetchStatus('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { method: 'POST', body: JSON.stringify(crd('example.io', 'widgets', 'Widget')) });
    const custom = kc.makeApiClient(CustomObjectsApi);
    await expect.poll(async () => (await groups()).includes('example.io')).toBe(true);
    await custom.createClusterCustomObject({
      group: 'example.io',
      version: 'v1beta1',
      plural: 'widgets',
      body: { apiVersion: 'example.io/v1beta1', kind: 'Widget', metadata: { name: 'w' }, spec: { any: ['thing'] }, status: { ignored: true } },
    });
    expect(harness.getObject({ apiVersion: 'example.io/v1beta1', kind: 'Widget', name: 'w' })).toMatchObject({ spec: { any: ['thing'] } });
    expect(harness.getObject({ apiVersion: 'example.io/v1beta1', kind: 'Widget', name: 'w' })).not.toHaveProperty('status');

    expect(await fetchStatus('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.io', { method: 'DELETE' })).toBe(200);
    expect(await groups()).not.toContain('example.io');
    expect(await fetchStatus('/apis/example.io/v1beta1/widgets', {})).toBe(404);
  });

  it('plays virt-operator, the DaemonSet controller and kube-ovn-cni/controller with the delays given (Infinity: never)', async () => {
    harness = await startKubeHarness({ installed: false, cni: false, accelerator: 'tcg', crdEstablishMs: 10, operators: { kubevirtDeployMs: Infinity, daemonSetReadyMs: 300, subnetReadyMs: 300 } });
    const node = () => (harness!.getObject({ apiVersion: 'v1', kind: 'Node', name: 'harness-node' })?.status as { conditions: { type: string; status: string }[] }).conditions.find((c) => c.type === 'Ready')?.status;
    expect(node()).toBe('False');

    harness.putObject({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'ds', namespace: 'kube-system' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    });
    await expect
      .poll(() => harness!.getObject({ apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'kube-system', name: 'ds' })?.status)
      .toMatchObject({ desiredNumberScheduled: 1, numberAvailable: 0, observedGeneration: 1 });
    await expect
      .poll(() => harness!.getObject({ apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'kube-system', name: 'ds' })?.status)
      .toMatchObject({ desiredNumberScheduled: 1, numberAvailable: 1, numberReady: 1 });

    // Kube-OVN's Subnet CRD Established: the node gets its CNI, ovn-default appears, Ready later.
    harness.putObject({ ...crd('kubeovn.io', 'subnets', 'Subnet'), spec: { ...crd('kubeovn.io', 'subnets', 'Subnet').spec, versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} } }] } });
    await expect.poll(() => node()).toBe('True');
    const subnet = () =>
      harness!.getObject({ apiVersion: 'kubeovn.io/v1', kind: 'Subnet', name: 'ovn-default' }) as { spec: Record<string, unknown>; status: { conditions: { type: string; status: string }[] } } | undefined;
    await expect.poll(() => subnet()?.spec).toMatchObject({ cidrBlock: '10.16.0.0/16', vpc: 'ovn-cluster', default: true });
    expect(subnet()!.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('False');
    await expect.poll(() => subnet()!.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');

    // virt-operator: Deploying once its Deployment and the KubeVirt exist; never Deployed here.
    harness.putObject({
      ...crd('kubevirt.io', 'kubevirts', 'KubeVirt', 'Namespaced'),
      spec: { ...crd('kubevirt.io', 'kubevirts', 'KubeVirt', 'Namespaced').spec, versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} } }] },
    });
    await harness.createNamespace('kubevirt');
    await expect.poll(() => harness!.getObject({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'kubevirts.kubevirt.io' })?.status).toBeDefined();
    harness.putObject({ apiVersion: 'kubevirt.io/v1', kind: 'KubeVirt', metadata: { name: 'kubevirt', namespace: 'kubevirt' }, spec: {} });
    await new Promise((r) => setTimeout(r, 200));
    expect(harness.getObject({ apiVersion: 'kubevirt.io/v1', kind: 'KubeVirt', namespace: 'kubevirt', name: 'kubevirt' })?.status).toBeUndefined();
    harness.putObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'virt-operator', namespace: 'kubevirt' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    });
    const kv = () =>
      harness!.getObject({ apiVersion: 'kubevirt.io/v1', kind: 'KubeVirt', namespace: 'kubevirt', name: 'kubevirt' })?.status as
        { phase?: string; conditions?: { type: string; status: string; reason: string }[] } | undefined;
    await expect.poll(() => kv()?.phase).toBe('Deploying');
    expect(kv()?.conditions).toContainEqual(expect.objectContaining({ type: 'Available', status: 'False', reason: 'DeploymentInProgress' }));
    await new Promise((r) => setTimeout(r, 500));
    expect(kv()?.phase).toBe('Deploying');
  });
});
