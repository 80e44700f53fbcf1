/**
 * ObjectClient against the kube harness (HTTPS, bearer token, Status errors; no controllers, and
 * answers injected where a test needs a failure): create-or-adopt
 * when a create is answered AlreadyExists, retries of transient failures, and the messages users
 * get for what they must fix (permissions, a missing namespace, someone else's object).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import type { LiveObject, ObjectClient } from '../../../src/engines/kubevirt/cluster/objects.js';
import { startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';
import { clientFor } from './fakes/client.js';

let harness: KubeHarness;
let objects: ObjectClient;
const signal = () => AbortSignal.timeout(20_000);

const configMap = (name: string, run = 'run1') => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns', labels: { 'ruddervirt.io/run': run } },
  data: { a: 'b' },
});

const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name });
const requests = () => harness.requests();

describe('ObjectClient (kube harness)', () => {
  beforeAll(async () => {
    harness = await startKubeHarness({ controllers: ['garbage-collector'], accelerator: 'tcg' });
    await harness.createNamespace('ns');
    ({ objects } = clientFor(harness));
  });
  afterAll(() => harness?.close());
  beforeEach(() => {
    harness.clearRequests();
  });

  it('creates with the bearer token and returns the stored object with its uid', async () => {
    const made = await objects.create<LiveObject>(configMap('plain'), signal());
    expect(made.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(harness.getObject(cm('plain'))?.metadata.uid).toBe(made.metadata.uid);
  });

  it('retries a create answered 500 and 429 until it goes through', async () => {
    harness.injectResponse({ method: 'POST', path: /configmaps$/, status: 500, times: 1 });
    harness.injectResponse({ method: 'POST', path: /configmaps$/, status: 429, reason: 'TooManyRequests', times: 1 });
    const made = await objects.create(configMap('retried'), signal());
    expect(made.metadata.name).toBe('retried');
    expect(requests().filter((r) => r.method === 'POST').length).toBe(3);
  });

  it('adopts an object of the same run when the create says AlreadyExists (an earlier try went through)', async () => {
    const first = harness.putObject(configMap('lost-answer'));
    const made = await objects.create<LiveObject>(configMap('lost-answer'), signal());
    expect(made.metadata.uid).toBe(first.metadata.uid);
  });

  it('tries again when AlreadyExists was wrong (nothing there)', async () => {
    harness.injectResponse({ method: 'POST', path: /configmaps$/, status: 409, reason: 'AlreadyExists', times: 1 });
    const made = await objects.create(configMap('phantom'), signal());
    expect(made.metadata.name).toBe('phantom');
    expect(requests().map((r) => r.method)).toEqual(['POST', 'GET', 'POST']);
  });

  it("refuses to take over another run's object, naming it", async () => {
    harness.putObject(configMap('taken', 'other'));
    const err = await objects.create(configMap('taken'), signal()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/ConfigMap ns\/taken already exists and was not made by this build run \(it is from run other\)/);
  });

  it('replaces a Secret that already exists (Secrets are never read back)', async () => {
    harness.putObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' }, data: { old: 'eA==' } });
    await objects.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' }, data: { new: 'eQ==' } }, signal());
    expect((harness.getObject({ apiVersion: 'v1', kind: 'Secret', namespace: 'ns', name: 's' }) as { data?: unknown } | undefined)?.data).toEqual({ new: 'eQ==' });
    expect(requests().map((r) => r.method)).toEqual(['POST', 'DELETE', 'POST']);
    expect(requests().some((r) => r.method === 'GET')).toBe(false);
  });

  it('says which namespace is missing, and how to create it', async () => {
    const err = await objects.create({ ...configMap('x'), metadata: { name: 'x', namespace: 'nope' } }, signal()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toContain("namespace 'nope' does not exist; create it (kubectl create namespace nope)");
  });

  it('turns 403 into a UserError pointing at the shipped roles, without retrying', async () => {
    harness.injectResponse({ method: 'POST', path: /configmaps$/, status: 403, reason: 'Forbidden', message: 'configmaps is forbidden: User "ci" cannot create resource' });
    const err = await objects.create(configMap('denied'), signal()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/creating ConfigMap ns\/denied: forbidden \(403\): configmaps is forbidden.*docs\/rbac\.yaml/);
    expect(requests().length).toBe(1);
  });

  it('get answers undefined for a missing object; delete answers whether it was there', async () => {
    expect(await objects.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'absent' }, signal())).toBeUndefined();
    harness.putObject(configMap('doomed'));
    harness.injectResponse({ method: 'DELETE', path: /doomed$/, status: 503, reason: 'ServiceUnavailable' });
    expect(await objects.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'doomed' }, signal())).toBe(true);
    expect(await objects.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'doomed' }, signal())).toBe(false);
    const deletes = requests().filter((r) => r.method === 'DELETE');
    expect(deletes[0]?.body).toMatchObject({ kind: 'DeleteOptions', propagationPolicy: 'Background' });
  });

  it('lists by label and puts apiVersion and kind back on the items', async () => {
    harness.putObject({ ...configMap('labelled'), metadata: { name: 'labelled', namespace: 'ns', labels: { pick: 'me' } } });
    const list = await objects.list('v1', 'ConfigMap', 'ns', { labelSelector: 'pick=me' }, signal());
    expect(list.items.map((i) => [i.metadata.name, i.apiVersion, i.kind])).toEqual([['labelled', 'v1', 'ConfigMap']]);
    expect(Number(list.resourceVersion)).toBeGreaterThan(0);
  });

  it('refuses wrong credentials with a clear message', async () => {
    const { KubeConfig } = await import('@kubernetes/client-node');
    const { KubeApi } = await import('../../../src/engines/kubevirt/cluster/kube-api.js');
    const { ObjectClient } = await import('../../../src/engines/kubevirt/cluster/objects.js');
    const { memoryLogger } = await import('../../../src/core/log.js');
    const kc = new KubeConfig();
    kc.loadFromFile(harness.kubeconfigPath);
    kc.loadFromOptions({ clusters: kc.clusters, contexts: kc.contexts, currentContext: kc.currentContext, users: [{ name: kc.getCurrentUser()!.name, token: 'wrong' }] });
    const bad = new ObjectClient(new KubeApi(kc), memoryLogger().logger);
    await expect(bad.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'x' }, signal())).rejects.toThrow(/refused our credentials \(401\)/);
  });
});
