/**
 * Capability discovery survives an API server that answers 500 or 429 now and then: each
 * question is asked again (fake API server answering discovery), while refusals still stop it.
 */
import type { ServerResponse } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoveryRetryable, RetryingDiscoveryClient } from '../../../src/engines/kubevirt/cluster/retrying-discovery-client.js';
import { KubeDiscoveryClient } from '../../../src/engines/kubevirt/kube-discovery-client.js';
import { startFakeApiServer, type FakeApiServer } from './fakes/fake-api-server.js';

let fake: FakeApiServer;
let client: RetryingDiscoveryClient;

describe('RetryingDiscoveryClient (fake API server)', () => {
  beforeAll(async () => {
    fake = await startFakeApiServer();
    const json = (body: unknown) => (_req: unknown, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    fake.route('GET', /^\/api$/, json({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] }));
    fake.route(
      'GET',
      /^\/apis$/,
      json({
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [{ name: 'kubevirt.io', versions: [{ groupVersion: 'kubevirt.io/v1', version: 'v1' }], preferredVersion: { groupVersion: 'kubevirt.io/v1', version: 'v1' } }],
      }),
    );
    fake.route('POST', /selfsubjectaccessreviews$/, (_req, res, _url, body) => {
      const review = JSON.parse(body.toString()) as object;
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ ...review, status: { allowed: true } }));
    });
    const kc = new KubeConfig();
    kc.loadFromFile(fake.kubeconfigPath);
    client = new RetryingDiscoveryClient(new KubeDiscoveryClient(kc), AbortSignal.timeout(30_000));
  });
  afterAll(() => fake.close());

  it('asks again after 500 and 429', async () => {
    fake.fail({ path: /^\/apis$/, status: 500 });
    fake.fail({ path: /selfsubjectaccessreviews$/, status: 429, reason: 'TooManyRequests' });
    expect((await client.servedGroups()).map((g) => g.name)).toEqual(['', 'kubevirt.io']);
    expect(await client.reviewAccess({ namespace: 'ns', verb: 'create', group: 'kubevirt.io', resource: 'virtualmachines' })).toEqual({ allowed: true });
    expect(fake.requests.filter((r) => r.path === '/apis').length).toBe(2);
  });

  it('does not retry a refusal', async () => {
    fake.requests.length = 0;
    fake.fail({ path: /^\/apis$/, status: 401, reason: 'Unauthorized' });
    await expect(client.servedGroups()).rejects.toThrow(/unauthorized \(401\)/);
    expect(fake.requests.filter((r) => r.path === '/apis').length).toBe(1);
  });

  it('knows transient messages from final ones', () => {
    expect(discoveryRetryable(new Error('Kubernetes API: listing API groups at x failed: HTTP 503'))).toBe(true);
    expect(discoveryRetryable(new Error('Kubernetes API: x failed: fetch failed'))).toBe(true);
    expect(discoveryRetryable(new Error('Kubernetes API: x failed: HTTP 403'))).toBe(false);
  });
});
