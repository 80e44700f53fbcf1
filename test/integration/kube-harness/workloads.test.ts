/**
 * What the harness does with the objects a build creates, short of booting a guest: every
 * example's rendered manifests are accepted as a real cluster would accept them; the file-server
 * pod runs as busybox httpd and serves its Secret's files by port-forward; a VirtualMachine waits
 * for its disks and answers start/stop as virt-api does; Kube-OVN objects get their statuses and a
 * scale subresource; and the engine's own capability discovery reads the harness as a cluster.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { CoreV1Api, CustomObjectsApi, KubernetesObjectApi, PatchStrategy, setHeaderOptions, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBuild } from '../../../src/core/config/load.js';
import { assertBuildable, buildFeatures, discoverCapabilities } from '../../../src/engines/kubevirt/capabilities.js';
import { KubeDiscoveryClient } from '../../../src/engines/kubevirt/kube-discovery-client.js';
import { collectLocalInputs } from '../../../src/engines/kubevirt/manifests/local-files.js';
import { renderBuild } from '../../../src/engines/kubevirt/manifests/render.js';
import { renderOptions, type CapturePlan } from '../../../src/engines/kubevirt/manifests/render-options.js';
import { repoRoot } from '../../helpers/node24.js';
import { SNAPSHOT_CLASS, startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';
import { DV, VM, createCustom, forwardPort, getCustom, httpsRequest, putEgressExternalSubnet, waitFor, type Loose } from './helpers.js';

let harness: KubeHarness;
let kc: KubeConfig;
let core: CoreV1Api;

beforeAll(async () => {
  harness = await startKubeHarness({ accelerator: 'tcg', importRetries: 0 });
  kc = harness.kubeConfig();
  core = kc.makeApiClient(CoreV1Api);
});

afterAll(async () => {
  await harness?.close();
});

const examplesDir = path.join(repoRoot, 'examples');

function render(example: string, namespace: string, capture: CapturePlan = { mode: 'clone' }) {
  const build = loadBuild(path.join(examplesDir, example), { env: {} });
  return renderBuild(build, collectLocalInputs(build), renderOptions({ runId: 'h1', namespace, capture, exportToken: () => 'token' }));
}

describe('rendered builds', () => {
  const examples = readdirSync(examplesDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  const captures: CapturePlan[] = [{ mode: 'clone' }, { mode: 'volume-snapshot', snapshotClass: SNAPSHOT_CLASS }, { mode: 'vm-snapshot' }];

  it.each(examples)('%s: every object of every capture mode is accepted', async (example) => {
    const objects = KubernetesObjectApi.makeApiClient(kc);
    for (const capture of captures) {
      const ns = await harness.createNamespace();
      const rendered = render(example, ns, capture);
      for (const { object } of rendered.objects) {
        const body = structuredClone(object) as unknown as Loose;
        // No guest boots here: the VM is created stopped.
        if (body.kind === 'VirtualMachine') body.spec.runStrategy = 'Halted';
        await objects.create(body as KubernetesObject);
      }
      await harness.deleteNamespace(ns);
      // Cluster-scoped objects (Kube-OVN) are found by the run label, as the engine cleans up.
      for (const plural of ['subnets', 'vpcs']) {
        const custom = kc.makeApiClient(CustomObjectsApi);
        const list = (await custom.listClusterCustomObject({ group: 'kubeovn.io', version: 'v1', plural, labelSelector: 'ruddervirt.io/run=h1' })) as { items: Loose[] };
        for (const item of list.items) await custom.deleteClusterCustomObject({ group: 'kubeovn.io', version: 'v1', plural, name: item.metadata.name });
      }
    }
    expect(harness.leftovers()).toEqual([]);
  });
});

describe('the file server pod', () => {
  it('runs busybox httpd with the Secret files and serves them at the pod IP and port', async () => {
    const ns = await harness.createNamespace();
    const rendered = render('quickstart.yaml', ns);
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const secret = rendered.objects.find((o) => o.object.kind === 'Secret' && o.object.metadata.name.endsWith('-http-files'))!.object;
    const pod = rendered.objects.find((o) => o.object.kind === 'Pod')!.object;
    // Rendered without a run, their owner is a placeholder uid; garbage collection would take them.
    for (const o of [secret, pod]) delete (o.metadata as { ownerReferences?: unknown }).ownerReferences;
    await objects.create(secret as unknown as KubernetesObject);
    await objects.create(pod as unknown as KubernetesObject);
    const name = pod.metadata.name;
    let running = await core.readNamespacedPod({ namespace: ns, name });
    for (let i = 0; i < 200 && running.status?.phase !== 'Running'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      running = await core.readNamespacedPod({ namespace: ns, name });
    }
    expect(running.status?.phase).toBe('Running');
    expect(running.status?.podIP).toMatch(/^10\.0\.2\.\d+$/);
    expect(running.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');

    const port = rendered.vms[0]!.httpPort!;
    const forward = await forwardPort(kc, ns, name, port);
    try {
      const res = await fetch(`http://127.0.0.1:${forward.port}/seed.sh`);
      expect(res.status).toBe(200);
      const expected = Buffer.from((secret as unknown as { data: Record<string, string> }).data['seed.sh']!, 'base64').toString('utf8');
      expect(await res.text()).toBe(expected);
    } finally {
      await forward.close();
    }
    const log = await core.readNamespacedPodLog({ namespace: ns, name, container: 'httpd' });
    expect(log).toContain('response:200');
    await core.deleteNamespacedPod({ namespace: ns, name });
    await harness.deleteNamespace(ns);
  });

  it('leaves a pod it cannot run Pending, saying why', async () => {
    const ns = await harness.createNamespace();
    await core.createNamespacedPod({ namespace: ns, body: { metadata: { name: 'nginx' }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } });
    let pod = await core.readNamespacedPod({ namespace: ns, name: 'nginx' });
    for (let i = 0; i < 100 && !pod.status?.containerStatuses; i++) {
      await harness.settled();
      pod = await core.readNamespacedPod({ namespace: ns, name: 'nginx' });
    }
    expect(pod.status?.phase).toBe('Pending');
    expect(pod.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('ErrImagePull');
    expect(pod.status?.containerStatuses?.[0]?.state?.waiting?.message).toContain('busybox httpd');
  });
});

describe('VirtualMachines without a guest', () => {
  it('wait for their DataVolumes, report DataVolumeError, and answer start/stop as virt-api does', async () => {
    const ns = await harness.createNamespace();
    await createCustom(kc, VM, ns, {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachine',
      metadata: { name: 'vm' },
      spec: {
        runStrategy: 'Halted',
        dataVolumeTemplates: [{ metadata: { name: 'vm-root' }, spec: { source: { registry: { url: 'docker://example.org/disk:1' } }, storage: { resources: { requests: { storage: '1Gi' } } } } }],
        template: { spec: { domain: { devices: { disks: [{ name: 'root', disk: { bus: 'virtio' } }] }, memory: { guest: '128Mi' } }, volumes: [{ name: 'root', dataVolume: { name: 'vm-root' } }] } },
      },
    });
    const stopped = await waitFor(kc, VM, ns, 'vm', (o) => o.status?.printableStatus === 'Stopped');
    expect(stopped.object.status.runStrategy).toBe('Halted');
    const dv = await getCustom(kc, DV, ns, 'vm-root');
    expect(dv.metadata.ownerReferences[0]).toMatchObject({ kind: 'VirtualMachine', name: 'vm' });

    const put = async (action: string) => {
      const res = await httpsRequest(`${harness.url}/apis/subresources.kubevirt.io/v1/namespaces/${ns}/virtualmachines/vm/${action}`, {
        method: 'PUT',
        ca: harness.caCert,
        headers: { authorization: `Bearer ${harness.token}`, 'content-type': 'application/json' },
        body: Buffer.from('{}'),
      });
      return { status: res.status, body: res.status >= 400 ? (JSON.parse(res.body.toString()) as Loose) : undefined };
    };
    expect((await put('start')).status).toBe(202);
    const failing = await waitFor(kc, VM, ns, 'vm', (o) => o.status?.printableStatus === 'DataVolumeError');
    expect(failing.object.spec.runStrategy).toBe('Always');
    expect(failing.object.status.conditions.find((c: Loose) => c.type === 'Failure').message).toContain('vm-root');
    const again = await put('start');
    expect(again.status).toBe(409);
    expect(again.body?.message).toContain('Always does not support manual start requests');
    expect((await put('stop')).status).toBe(202);
    expect((await getCustom(kc, VM, ns, 'vm')).spec.runStrategy).toBe('Halted');
    expect(harness.objects().some((o) => o.kind === 'VirtualMachineInstance')).toBe(false);
  });
});

describe('Kube-OVN objects', () => {
  it('become ready, and an egress gateway scales through its scale subresource once kube-ovn-controller has put its finalizer on', async () => {
    const ns = await harness.createNamespace();
    const custom = kc.makeApiClient(CustomObjectsApi);
    await custom.createClusterCustomObject({ group: 'kubeovn.io', version: 'v1', plural: 'vpcs', body: { apiVersion: 'kubeovn.io/v1', kind: 'Vpc', metadata: { name: `vpc-${ns}` }, spec: { namespaces: [ns] } } });
    await custom.createClusterCustomObject({
      group: 'kubeovn.io',
      version: 'v1',
      plural: 'subnets',
      body: { apiVersion: 'kubeovn.io/v1', kind: 'Subnet', metadata: { name: `net-${ns}` }, spec: { vpc: `vpc-${ns}`, cidrBlock: '10.20.0.0/24', protocol: 'IPv4' } },
    });
    // An admin's external Subnet: without it the gateway never gets a workload (upstream-fidelity.test.ts).
    const removeExternal = putEgressExternalSubnet(harness);
    await createCustom(kc, { group: 'kubeovn.io', version: 'v1', plural: 'vpc-egress-gateways' }, ns, {
      apiVersion: 'kubeovn.io/v1',
      kind: 'VpcEgressGateway',
      metadata: { name: 'egress' },
      spec: { vpc: `vpc-${ns}`, replicas: 0, externalSubnet: 'ovn-vpc-external-network', internalSubnet: `net-${ns}`, policies: [{ snat: true, subnets: [`net-${ns}`] }] },
    });
    const gvr = { group: 'kubeovn.io', version: 'v1', plural: 'vpc-egress-gateways' };
    // Created with 0, the finalizer Update brings the CRD default back (upstream-fidelity.test.ts has the details).
    await waitFor(kc, gvr, ns, 'egress', (o) => o.status?.ready === true && o.spec?.replicas === 1);
    const scaled = (await custom.patchNamespacedCustomObjectScale({ ...gvr, namespace: ns, name: 'egress', body: { spec: { replicas: 0 } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch))) as Loose;
    expect(scaled).toMatchObject({ kind: 'Scale', spec: { replicas: 0 } });
    await waitFor(kc, gvr, ns, 'egress', (o) => o.status?.ready === false && o.status?.replicas === 0 && o.spec?.replicas === 0);
    const subnet = (await custom.getClusterCustomObject({ group: 'kubeovn.io', version: 'v1', plural: 'subnets', name: `net-${ns}` })) as Loose;
    expect(subnet.status.v4availableIPs).toBe(253);
    for (const [plural, name] of [
      ['subnets', `net-${ns}`],
      ['vpcs', `vpc-${ns}`],
    ] as const)
      await custom.deleteClusterCustomObject({ group: 'kubeovn.io', version: 'v1', plural, name });
    removeExternal();
  });
});

describe('the engine reading the harness as a cluster', () => {
  it('discovers what a build needs: APIs, permissions, CSI snapshots, emulation', async () => {
    const ns = await harness.createNamespace();
    const build = loadBuild(path.join(examplesDir, 'module.yaml'), { env: {} });
    const client = new KubeDiscoveryClient(kc);
    const caps = await discoverCapabilities(client, { namespace: ns, features: buildFeatures(build), capture: { mode: 'auto' } });
    expect(caps.blockers).toEqual([]);
    expect(caps.capture).toEqual({ mode: 'volume-snapshot', snapshotClass: SNAPSHOT_CLASS });
    expect(caps.exportApiVersion).toBe('v1');
    expect(caps.accelerator).toBe('emulation');
    assertBuildable(caps);

    harness.setDenials([{ verb: 'create', group: 'kubevirt.io', resource: 'virtualmachines', namespace: ns }]);
    try {
      const denied = await discoverCapabilities(client, { namespace: ns, features: buildFeatures(build) });
      expect(() => assertBuildable(denied)).toThrow(/not allowed to create kubevirt.io\/virtualmachines in/);
    } finally {
      harness.setDenials([]);
    }
  });
});
