/**
 * KubeDiscoveryClient (client-node) against the kube harness standing in for the API server (no
 * real one can run on these machines): discovery, SelfSubjectAccessReviews and the lists it reads.
 * Checks the requests we send (the harness's request log) and how answers, 403s (its access
 * policy, answering as RBAC would) and failures map.
 */
import net from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { KubeDiscoveryClient } from '../../../src/engines/kubevirt/kube-discovery-client.js';
import { SNAPSHOT_CLASS, startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';

let harness: KubeHarness;

beforeAll(async () => {
  // Nothing runs: these tests read what the harness serves and what they put there.
  harness = await startKubeHarness({ accelerator: 'tcg', controllers: [], featureGates: ['VMExport'], kubevirtVersion: 'v1.8.4' });
  harness.putObject({ apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshotClass', metadata: { name: 'a' }, driver: 'd.csi', deletionPolicy: 'Delete' });
  harness.putObject({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { allocatable: { cpu: '2', 'devices.kubevirt.io/kvm': '1k' } } });
  harness.putObject({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n3' }, status: { allocatable: { cpu: '2' } } });
  harness.setDenials([
    { verb: 'list', group: 'storage.k8s.io', resource: 'storageclasses' },
    { group: '', resource: 'secrets' },
  ]);
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

function client(): KubeDiscoveryClient {
  return new KubeDiscoveryClient(harness.kubeConfig());
}

function clientFor(server: string): KubeDiscoveryClient {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'closed', server, skipTLSVerify: true }],
    users: [{ name: 'builder', token: 'test-token' }],
    contexts: [{ name: 'closed', context: { cluster: 'closed', user: 'builder' } }],
    currentContext: 'closed',
  });
  return new KubeDiscoveryClient(kc);
}

describe('KubeDiscoveryClient against the kube harness (standing in for the API server)', () => {
  it('lists served groups and versions, core first, with our credentials', async () => {
    harness.clearRequests();
    const groups = await client().servedGroups();
    expect(groups[0]).toEqual({ name: '', versions: ['v1'] });
    expect(groups).toContainEqual({ name: 'kubevirt.io', versions: ['v1'] });
    // Several versions in the server's order, preferred first (KubeVirt v1.8's export group).
    expect(groups).toContainEqual({ name: 'export.kubevirt.io', versions: ['v1beta1', 'v1alpha1'] });
    // The harness answers 401 without the kubeconfig's token: an answer means it was sent.
    expect(harness.requests().map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api', 'GET /apis']);
  });

  it('lists resources of a group version, undefined when not served', async () => {
    const resources = await client().servedResources('kubeovn.io', 'v1');
    // Subresources as the server names them ("resource/sub"), beside the resources.
    expect(resources).toEqual(expect.arrayContaining(['vpcs', 'subnets', 'vpc-egress-gateways', 'vpc-egress-gateways/status']));
    expect(await client().servedResources('nowhere.io', 'v1')).toBeUndefined();
  });

  it('sends SelfSubjectAccessReviews with the resource attributes', async () => {
    harness.clearRequests();
    const answer = await client().reviewAccess({ namespace: 'ns', verb: 'get', group: 'subresources.kubevirt.io', resource: 'virtualmachineinstances', subresource: 'vnc' });
    expect(answer.allowed).toBe(true);
    const request = harness
      .requests()
      .filter((r) => r.path.endsWith('/selfsubjectaccessreviews'))
      .at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.body).toMatchObject({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { namespace: 'ns', verb: 'get', group: 'subresources.kubevirt.io', resource: 'virtualmachineinstances', subresource: 'vnc' } },
    });
    expect(await client().reviewAccess({ namespace: 'ns', verb: 'get', group: '', resource: 'secrets' })).toEqual({ allowed: false, reason: 'RBAC: denied by a rule of the test' });
  });

  it('reads snapshot classes, the KubeVirt CR (emulation, feature gates, version) and KVM nodes; a 403 means unknown', async () => {
    expect(await client().volumeSnapshotClasses()).toEqual([
      { name: 'a', driver: 'd.csi', isDefault: false },
      { name: SNAPSHOT_CLASS, driver: expect.any(String), isDefault: true },
    ]);
    expect(await client().storageClasses()).toBeUndefined();
    expect(await client().kubeVirts()).toEqual([{ namespace: 'kubevirt', name: 'kubevirt', useEmulation: true, featureGates: ['VMExport'], disabledFeatureGates: [], version: 'v1.8.4' }]);
    // The harness's own node (no KVM: accelerator tcg), n1 with KVM, n3 without the device plugin.
    expect(await client().kvmNodes()).toEqual({ nodes: 3, withKvm: 1 });
  });

  it('reports an unreachable API server as a user error naming it', async () => {
    // A port that was just free: nothing listens there.
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await clientFor(url)
      .servedGroups()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(new RegExp(`listing API groups at ${url.replace(/\./g, '\\.')} failed`));
  });
});
