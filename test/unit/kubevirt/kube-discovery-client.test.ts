/**
 * KubeDiscoveryClient (client-node) against a fake API server: a local HTTP server answering the
 * discovery, access-review and list endpoints as kube-apiserver would (no real API server can run
 * on these machines). Checks the requests we send and how answers, 403s and failures map.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { KubeDiscoveryClient } from '../../../src/engines/kubevirt/kube-discovery-client.js';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  body: unknown;
}

const seen: Seen[] = [];
let server: http.Server;
let base: string;

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function forbidden(res: http.ServerResponse, what: string): void {
  json(res, 403, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403, message: `${what} is forbidden` });
}

const routes: Record<string, (res: http.ServerResponse, body: unknown) => void> = {
  'GET /api': (res) => json(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }] }),
  'GET /apis': (res) =>
    json(res, 200, {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [
        { name: 'kubevirt.io', versions: [{ groupVersion: 'kubevirt.io/v1', version: 'v1' }], preferredVersion: { groupVersion: 'kubevirt.io/v1', version: 'v1' } },
        {
          name: 'export.kubevirt.io',
          versions: [
            { groupVersion: 'export.kubevirt.io/v1', version: 'v1' },
            { groupVersion: 'export.kubevirt.io/v1beta1', version: 'v1beta1' },
          ],
          preferredVersion: { groupVersion: 'export.kubevirt.io/v1', version: 'v1' },
        },
      ],
    }),
  'GET /apis/kubeovn.io/v1': (res) =>
    json(res, 200, {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'kubeovn.io/v1',
      resources: [
        { name: 'vpcs', singularName: 'vpc', namespaced: false, kind: 'Vpc', verbs: ['get', 'list', 'create', 'delete'] },
        { name: 'vpc-egress-gateways', singularName: 'vpc-egress-gateway', namespaced: true, kind: 'VpcEgressGateway', verbs: ['get', 'create'] },
        { name: 'vpc-egress-gateways/scale', singularName: '', namespaced: true, kind: 'Scale', verbs: ['get', 'patch', 'update'] },
      ],
    }),
  'GET /apis/nowhere.io/v1': (res) => json(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }),
  'POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews': (res, body) => {
    const review = body as { spec: { resourceAttributes: { resource: string } } };
    const allowed = review.spec.resourceAttributes.resource !== 'secrets';
    json(res, 201, { ...review, status: allowed ? { allowed: true } : { allowed: false, reason: 'RBAC: no rule' } });
  },
  'GET /apis/snapshot.storage.k8s.io/v1/volumesnapshotclasses': (res) =>
    json(res, 200, {
      apiVersion: 'snapshot.storage.k8s.io/v1',
      kind: 'VolumeSnapshotClassList',
      items: [
        { apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshotClass', metadata: { name: 'a' }, driver: 'd.csi', deletionPolicy: 'Delete' },
        {
          apiVersion: 'snapshot.storage.k8s.io/v1',
          kind: 'VolumeSnapshotClass',
          metadata: { name: 'b', annotations: { 'snapshot.storage.kubernetes.io/is-default-class': 'true' } },
          driver: 'e.csi',
          deletionPolicy: 'Delete',
        },
      ],
    }),
  'GET /apis/storage.k8s.io/v1/storageclasses': (res) => forbidden(res, 'storageclasses.storage.k8s.io'),
  'GET /apis/kubevirt.io/v1/kubevirts': (res) =>
    json(res, 200, {
      apiVersion: 'kubevirt.io/v1',
      kind: 'KubeVirtList',
      items: [
        {
          apiVersion: 'kubevirt.io/v1',
          kind: 'KubeVirt',
          metadata: { name: 'kubevirt', namespace: 'kubevirt' },
          spec: { configuration: { developerConfiguration: { useEmulation: true, featureGates: ['VMExport'] } } },
          status: { observedKubeVirtVersion: 'v1.8.4' },
        },
      ],
    }),
  'GET /api/v1/nodes': (res) =>
    json(res, 200, {
      apiVersion: 'v1',
      kind: 'NodeList',
      metadata: {},
      items: [
        { metadata: { name: 'n1' }, status: { allocatable: { cpu: '2', 'devices.kubevirt.io/kvm': '1k' } } },
        { metadata: { name: 'n2' }, status: { allocatable: { cpu: '2', 'devices.kubevirt.io/kvm': '0' } } },
        { metadata: { name: 'n3' }, status: { allocatable: { cpu: '2' } } },
      ],
    }),
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString()) as unknown) : undefined;
      seen.push({ method: req.method ?? '', url: url.pathname, auth: req.headers.authorization, body });
      const route = routes[`${req.method} ${url.pathname}`];
      if (route) route(res, body);
      else json(res, 404, { kind: 'Status', code: 404 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function clientFor(server: string): KubeDiscoveryClient {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server, skipTLSVerify: true }],
    users: [{ name: 'builder', token: 'test-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'builder' }],
    currentContext: 'fake',
  });
  return new KubeDiscoveryClient(kc);
}

describe('KubeDiscoveryClient against a fake API server', () => {
  it('lists served groups and versions, core first, with our credentials', async () => {
    const groups = await clientFor(base).servedGroups();
    expect(groups).toEqual([
      { name: '', versions: ['v1'] },
      { name: 'kubevirt.io', versions: ['v1'] },
      { name: 'export.kubevirt.io', versions: ['v1', 'v1beta1'] },
    ]);
    expect(seen.find((s) => s.url === '/apis')?.auth).toBe('Bearer test-token');
  });

  it('lists resources of a group version, undefined when not served', async () => {
    const client = clientFor(base);
    expect(await client.servedResources('kubeovn.io', 'v1')).toEqual(['vpcs', 'vpc-egress-gateways', 'vpc-egress-gateways/scale']);
    expect(await client.servedResources('nowhere.io', 'v1')).toBeUndefined();
  });

  it('sends SelfSubjectAccessReviews with the resource attributes', async () => {
    const client = clientFor(base);
    const answer = await client.reviewAccess({ namespace: 'ns', verb: 'get', group: 'subresources.kubevirt.io', resource: 'virtualmachineinstances', subresource: 'vnc' });
    expect(answer).toEqual({ allowed: true });
    const request = seen.filter((s) => s.url.endsWith('/selfsubjectaccessreviews')).at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.body).toMatchObject({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { namespace: 'ns', verb: 'get', group: 'subresources.kubevirt.io', resource: 'virtualmachineinstances', subresource: 'vnc' } },
    });
    expect(await client.reviewAccess({ namespace: 'ns', verb: 'get', group: '', resource: 'secrets' })).toEqual({ allowed: false, reason: 'RBAC: no rule' });
  });

  it('reads snapshot classes, the KubeVirt CR (emulation, feature gates, version) and KVM nodes; a 403 means unknown', async () => {
    const client = clientFor(base);
    expect(await client.volumeSnapshotClasses()).toEqual([
      { name: 'a', driver: 'd.csi', isDefault: false },
      { name: 'b', driver: 'e.csi', isDefault: true },
    ]);
    expect(await client.storageClasses()).toBeUndefined();
    expect(await client.kubeVirts()).toEqual([{ namespace: 'kubevirt', name: 'kubevirt', useEmulation: true, featureGates: ['VMExport'], disabledFeatureGates: [], version: 'v1.8.4' }]);
    expect(await client.kvmNodes()).toEqual({ nodes: 3, withKvm: 1 });
  });

  it('reports an unreachable API server as a user error naming it', async () => {
    const closed = http.createServer();
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
