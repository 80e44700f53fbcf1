/**
 * Watches (resume from a resourceVersion, initial state, bookmarks, selector transitions, 410
 * Gone after compaction), owner-reference garbage collection (background, foreground, orphan,
 * several owners), namespace deletion, and the fault switch — through client-node's Watch and
 * typed clients.
 */
import { ApiException, CoreV1Api, PatchStrategy, Watch, setHeaderOptions, type KubeConfig, type V1ConfigMap, type V1OwnerReference } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';

let harness: KubeHarness;
let kc: KubeConfig;
let core: CoreV1Api;

beforeAll(async () => {
  harness = await startKubeHarness({ accelerator: 'tcg', bookmarkIntervalMs: 100 });
  kc = harness.kubeConfig();
  core = kc.makeApiClient(CoreV1Api);
});

afterAll(async () => {
  await harness?.close();
});

interface Seen {
  type: string;
  name?: string;
  object: { metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string> }; code?: number; reason?: string };
}

/** A watch that records its events; `until` resolves once `predicate` holds. */
async function record(path: string, query: Record<string, string | boolean>) {
  const events: Seen[] = [];
  let ended: unknown = 'open';
  const waiters: { predicate: () => boolean; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) if (w.predicate()) w.resolve();
  };
  const controller = await new Watch(kc).watch(
    path,
    query,
    (type, object: Seen['object']) => {
      events.push({ type, name: object?.metadata?.name, object });
      check();
    },
    (err) => {
      ended = err ?? null;
      check();
    },
  );
  return {
    events,
    get ended() {
      return ended;
    },
    until(predicate: () => boolean, ms = 10_000): Promise<void> {
      if (predicate()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`watch: condition not met in ${ms} ms; events: ${JSON.stringify(events.map((e) => [e.type, e.name]))}`)), ms);
        waiters.push({
          predicate,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    stop: () => controller.abort(),
  };
}

const owner = (o: V1ConfigMap): V1OwnerReference => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata!.name!, uid: o.metadata!.uid! });

async function eventually(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await harness.settled();
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function exists(ns: string, name: string): Promise<boolean> {
  try {
    await core.readNamespacedConfigMap({ namespace: ns, name });
    return true;
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) return false;
    throw err;
  }
}

describe('kube harness watches', () => {
  it('resumes after a resourceVersion and streams ADDED, MODIFIED, DELETED and bookmarks', async () => {
    const ns = await harness.createNamespace();
    const first = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'before' } } });
    const w = await record(`/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: first.metadata!.resourceVersion!, allowWatchBookmarks: true });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'b' } } });
    await core.patchNamespacedConfigMap({ namespace: ns, name: 'b', body: { data: { x: '1' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'b' });
    // Bookmarks come every 100 ms, so one may come before the changes too: wait for one after them.
    const deletedAt = () => w.events.findIndex((e) => e.type === 'DELETED');
    await w.until(() => deletedAt() >= 0 && w.events.slice(deletedAt()).some((e) => e.type === 'BOOKMARK'));
    w.stop();
    const changes = w.events.filter((e) => e.type !== 'BOOKMARK').map((e) => [e.type, e.name]);
    expect(changes).toEqual([
      ['ADDED', 'b'],
      ['MODIFIED', 'b'],
      ['DELETED', 'b'],
    ]);
    const rv = (e: (typeof w.events)[number]) => Number(e.object.metadata?.resourceVersion);
    const bookmarks = w.events.filter((e) => e.type === 'BOOKMARK').map(rv);
    // A bookmark carries the version the watch has reached: never behind where it started, never going back.
    expect(bookmarks[0]).toBeGreaterThanOrEqual(Number(first.metadata!.resourceVersion));
    expect(bookmarks).toEqual([...bookmarks].sort((a, b) => a - b));
    const after = w.events.slice(deletedAt()).find((e) => e.type === 'BOOKMARK')!;
    expect(rv(after)).toBeGreaterThanOrEqual(rv(w.events[deletedAt()]!));
    expect(rv(after)).toBeGreaterThan(Number(first.metadata!.resourceVersion));
  });

  it('starts with the current objects when no resourceVersion is given, and ends initial events with a bookmark when asked', async () => {
    const ns = await harness.createNamespace();
    for (const n of ['x', 'y']) await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: n } } });
    const plain = await record(`/api/v1/namespaces/${ns}/configmaps`, {});
    await plain.until(() => plain.events.length >= 2);
    plain.stop();
    expect(plain.events.map((e) => [e.type, e.name])).toEqual([
      ['ADDED', 'x'],
      ['ADDED', 'y'],
    ]);
    const streaming = await record(`/api/v1/namespaces/${ns}/configmaps`, { sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true });
    await streaming.until(() => streaming.events.some((e) => e.type === 'BOOKMARK'));
    streaming.stop();
    expect(streaming.events[2]?.type).toBe('BOOKMARK');
    expect(streaming.events[2]?.object.metadata?.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
  });

  it('turns changes across a label selector into ADDED and DELETED', async () => {
    const ns = await harness.createNamespace();
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'm', labels: { tier: 'a' } } } });
    const w = await record(`/api/v1/namespaces/${ns}/configmaps`, { labelSelector: 'tier=b', resourceVersion: '' });
    const relabel = (tier: string) => core.patchNamespacedConfigMap({ namespace: ns, name: 'm', body: { metadata: { labels: { tier } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await relabel('b');
    await relabel('a');
    await w.until(() => w.events.length >= 2);
    w.stop();
    expect(w.events.map((e) => e.type)).toEqual(['ADDED', 'DELETED']);
  });

  it('answers a compacted resourceVersion with an ERROR event carrying 410 Expired', async () => {
    const ns = await harness.createNamespace();
    const made = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'old' } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'newer' } } });
    harness.compact();
    const w = await record(`/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: made.metadata!.resourceVersion! });
    await w.until(() => w.ended !== 'open');
    expect(w.events).toHaveLength(1);
    expect(w.events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  });
});

describe('kube harness garbage collection', () => {
  it('deletes dependents in the background once their only owner is gone, and keeps those with another owner', async () => {
    const ns = await harness.createNamespace();
    const a = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'owner-a' } } });
    const b = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'owner-b' } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'only-a', ownerReferences: [owner(a)] } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'both', ownerReferences: [owner(a), owner(b)] } } });
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'owner-a' });
    await eventually(async () => !(await exists(ns, 'only-a')));
    const both = await core.readNamespacedConfigMap({ namespace: ns, name: 'both' });
    expect(both.metadata?.ownerReferences?.map((r) => r.name)).toEqual(['owner-b']);
  });

  it('keeps a foreground-deleted owner until its dependents are gone', async () => {
    const ns = await harness.createNamespace();
    const parent = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'parent' } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'held', finalizers: ['test.ruddervirt.io/hold'], ownerReferences: [owner(parent)] } } });
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'parent', propagationPolicy: 'Foreground' });
    await harness.settled();
    const waiting = await core.readNamespacedConfigMap({ namespace: ns, name: 'parent' });
    expect(waiting.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    expect(waiting.metadata?.finalizers).toEqual(['foregroundDeletion']);
    const held = await core.readNamespacedConfigMap({ namespace: ns, name: 'held' });
    expect(held.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    await core.patchNamespacedConfigMap({ namespace: ns, name: 'held', body: { metadata: { finalizers: null } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await eventually(async () => !(await exists(ns, 'parent')));
    expect(await exists(ns, 'held')).toBe(false);
  });

  it('orphans dependents when asked', async () => {
    const ns = await harness.createNamespace();
    const parent = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'parent' } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'child', ownerReferences: [owner(parent)] } } });
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'parent', propagationPolicy: 'Orphan' });
    await eventually(async () => !(await exists(ns, 'parent')));
    const child = await core.readNamespacedConfigMap({ namespace: ns, name: 'child' });
    expect(child.metadata?.ownerReferences).toBeUndefined();
  });

  it('empties a deleted namespace, refusing new objects while it terminates', async () => {
    const ns = await harness.createNamespace();
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'held', finalizers: ['test.ruddervirt.io/hold'] } } });
    await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'secret' } } });
    await harness.deleteNamespace(ns, { wait: false });
    await harness.settled();
    expect((await core.readNamespace({ name: ns })).status?.phase).toBe('Terminating');
    const refused = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'late' } } }).catch((err: ApiException<string>) => err);
    expect(refused).toBeInstanceOf(ApiException);
    expect((refused as ApiException<string>).code).toBe(403);
    expect(JSON.parse((refused as ApiException<string>).body).message).toContain('because it is being terminated');
    await core.patchNamespacedConfigMap({ namespace: ns, name: 'held', body: { metadata: { finalizers: null } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await harness.deleteNamespace(ns, { timeoutMs: 10_000 });
    expect(harness.leftovers(ns)).toEqual([]);
  });
});

describe('kube harness fault switch', () => {
  it('answers 409 and 500 on the first tries of each request, then serves it', async () => {
    const ns = await harness.createNamespace();
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'c' } } });
    harness.setFaults({ conflicts: 1, serverErrors: 1, serverErrorVerbs: ['get'], pathIncludes: `/namespaces/${ns}/` });
    try {
      const patch = () => core.patchNamespacedConfigMap({ namespace: ns, name: 'c', body: { data: { a: '1' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      expect(await patch().catch((e: ApiException<string>) => e.code)).toBe(409);
      expect((await patch()).data).toEqual({ a: '1' });
      const read = () => core.readNamespacedConfigMap({ namespace: ns, name: 'c' });
      const first = await read().catch((e: ApiException<string>) => e);
      expect((first as ApiException<string>).code).toBe(500);
      expect(JSON.parse((first as ApiException<string>).body)).toMatchObject({ reason: 'InternalError' });
      expect((await read()).metadata?.name).toBe('c');
      expect(harness.injectedFaults().map((f) => [f.status, f.verb])).toEqual([
        [409, 'patch'],
        [500, 'get'],
      ]);
    } finally {
      harness.setFaults({});
    }
  });

  it('drops watches mid-way', async () => {
    const ns = await harness.createNamespace();
    harness.setFaults({ dropWatchesAfterEvents: 2, pathIncludes: `/namespaces/${ns}/` });
    try {
      const w = await record(`/api/v1/namespaces/${ns}/configmaps`, {});
      for (const n of ['a', 'b', 'c']) await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: n } } });
      await w.until(() => w.ended !== 'open');
      expect(w.events.map((e) => e.name)).toEqual(['a', 'b']);
    } finally {
      harness.setFaults({});
    }
    const live = await record(`/api/v1/namespaces/${ns}/configmaps`, {});
    await live.until(() => live.events.length === 3);
    harness.dropWatches();
    await live.until(() => live.ended !== 'open');
  });
});
