/**
 * Capability discovery survives an API server that answers 500 or 429 now and then: each
 * question is asked again (the kube harness, with answers injected), while refusals still stop it.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoveryRetryable, RetryingDiscoveryClient } from '../../../src/engines/kubevirt/cluster/retrying-discovery-client.js';
import { KubeDiscoveryClient } from '../../../src/engines/kubevirt/kube-discovery-client.js';
import { startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';
import { servedGroups } from '../../kube-harness/resources.js';

let harness: KubeHarness;
let client: RetryingDiscoveryClient;

describe('RetryingDiscoveryClient (kube harness)', () => {
  beforeAll(async () => {
    harness = await startKubeHarness({ controllers: [], accelerator: 'tcg' });
    const kc = new KubeConfig();
    kc.loadFromFile(harness.kubeconfigPath);
    client = new RetryingDiscoveryClient(new KubeDiscoveryClient(kc), AbortSignal.timeout(30_000));
  });
  afterAll(() => harness?.close());

  it('asks again after 500 and 429', async () => {
    harness.injectResponse({ path: /^\/apis$/, status: 500 });
    harness.injectResponse({ path: /selfsubjectaccessreviews$/, status: 429, reason: 'TooManyRequests' });
    expect((await client.servedGroups()).map((g) => g.name)).toEqual(['', ...servedGroups().map((g) => g.name)]);
    expect(await client.reviewAccess({ namespace: 'ns', verb: 'create', group: 'kubevirt.io', resource: 'virtualmachines' })).toEqual({ allowed: true, reason: 'RBAC: allowed by the kube harness' });
    expect(harness.requests().filter((r) => r.path === '/apis').length).toBe(2);
    expect(harness.requests().filter((r) => r.path.endsWith('/selfsubjectaccessreviews')).length).toBe(2);
  });

  it('does not retry a refusal', async () => {
    harness.clearRequests();
    harness.injectResponse({ path: /^\/apis$/, status: 401, reason: 'Unauthorized' });
    await expect(client.servedGroups()).rejects.toThrow(/unauthorized \(401\)/);
    expect(harness.requests().filter((r) => r.path === '/apis').length).toBe(1);
  });

  it('knows transient messages from final ones', () => {
    expect(discoveryRetryable(new Error('Kubernetes API: listing API groups at x failed: HTTP 503'))).toBe(true);
    expect(discoveryRetryable(new Error('Kubernetes API: x failed: fetch failed'))).toBe(true);
    expect(discoveryRetryable(new Error('Kubernetes API: x failed: HTTP 403'))).toBe(false);
  });
});
