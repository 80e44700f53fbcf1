/**
 * waitFor against the kube harness (no controllers: the test sets the phases): it follows an object by watch (one list, then watch events;
 * no polling), resumes a watch that was cut, lists again after 410 Gone, and fails with the last
 * state and the object's events when the time is up or the object fails.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../src/core/log.js';
import { waitForDataVolumes } from '../../../src/engines/kubevirt/cluster/data-volume-wait.js';
import type { LiveObject, ObjectClient } from '../../../src/engines/kubevirt/cluster/objects.js';
import { waitFor, WaitFailedError, WaitTimeoutError, type Verdict } from '../../../src/engines/kubevirt/cluster/wait.js';
import { startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';
import { DV_COLLECTION, clientFor } from './fakes/client.js';

let harness: KubeHarness;
let objects: ObjectClient;
let counter = 0;

const dvRef = (name: string) => ({ apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', namespace: 'ns', name });
const judge = (dv: (LiveObject & { status?: { phase?: string } }) | undefined): Verdict<string> => {
  const phase = dv?.status?.phase;
  if (phase === 'Succeeded') return { done: 'ok' };
  if (phase === 'Failed') return { failed: 'the import failed' };
  return { waiting: phase ?? (dv ? 'no phase' : 'absent') };
};
const setPhase = (name: string, phase: string) =>
  harness.updateObject(dvRef(name), (o) => {
    o.status = { phase };
  })!;
/** A DataVolume as a client would create it; CDI's controller is off, so `status` is the test's. */
const dataVolume = (name: string, status?: { phase: string }) => ({
  apiVersion: 'cdi.kubevirt.io/v1beta1',
  kind: 'DataVolume',
  metadata: { name, namespace: 'ns' },
  spec: { source: { blank: {} }, storage: { resources: { requests: { storage: '1Gi' } } } },
  ...(status ? { status } : {}),
});
const requests = () => harness.requests();
const tick = (ms = 50) => new Promise((r) => setTimeout(r, ms));
async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await tick(10);
  }
}
/** Until a watch on `name` is open on the server (events from then on reach it). */
const watching = (name: string) => until(() => requests().some((r) => r.query.get('watch') === 'true' && r.query.get('fieldSelector') === `metadata.name=${name}`));

describe('waitFor (kube harness)', () => {
  beforeAll(async () => {
    // Bookmarks would count as watch events for dropWatchesAfterEvents: none within a test.
    harness = await startKubeHarness({ controllers: [], accelerator: 'tcg', bookmarkIntervalMs: 600_000 });
    await harness.createNamespace('ns');
    ({ objects } = clientFor(harness));
  });
  afterAll(() => harness?.close());
  beforeEach(() => {
    harness.clearRequests();
    harness.setFaults({});
  });

  const newDv = (phase?: string) => {
    const name = `dv${++counter}`;
    harness.putObject(dataVolume(name, phase ? { phase } : undefined));
    return name;
  };

  it('follows the object by one list and one watch, and reports each state once', async () => {
    const name = newDv('Pending');
    const states: string[] = [];
    const done = waitFor(objects, { ref: dvRef(name), what: 'the import', timeoutMs: 10_000, signal: AbortSignal.timeout(10_000), judge, onState: (_o, v) => states.push(JSON.stringify(v)) });
    await watching(name);
    setPhase(name, 'ImportInProgress');
    setPhase(name, 'ImportInProgress');
    await tick();
    setPhase(name, 'Succeeded');
    await expect(done).resolves.toBe('ok');
    expect(states).toEqual(['{"waiting":"Pending"}', '{"waiting":"ImportInProgress"}', '{"done":"ok"}']);
    const reads = requests().filter((r) => r.path === DV_COLLECTION);
    expect(reads.filter((r) => r.query.get('watch') !== 'true').length).toBe(1);
    expect(reads.filter((r) => r.query.get('watch') === 'true').length).toBe(1);
    expect(reads[1]?.query.get('fieldSelector')).toBe(`metadata.name=${name}`);
    expect(reads[1]?.query.get('allowWatchBookmarks')).toBe('true');
  });

  it('answers at once when the object is already there in the wanted state', async () => {
    const name = newDv('Succeeded');
    await expect(waitFor(objects, { ref: dvRef(name), what: 'x', timeoutMs: 5_000, signal: AbortSignal.timeout(5_000), judge })).resolves.toBe('ok');
    expect(requests().some((r) => r.query.get('watch') === 'true')).toBe(false);
  });

  it('waits for an object that does not exist yet', async () => {
    const name = `dv${++counter}`;
    const done = waitFor(objects, { ref: dvRef(name), what: 'x', timeoutMs: 10_000, signal: AbortSignal.timeout(10_000), judge });
    await tick();
    harness.putObject(dataVolume(name, { phase: 'Succeeded' }));
    await expect(done).resolves.toBe('ok');
  });

  it('resumes from the last resourceVersion when the watch is cut, without listing again', async () => {
    const name = newDv('Pending');
    harness.setFaults({ dropWatchesAfterEvents: 1 });
    const done = waitFor(objects, { ref: dvRef(name), what: 'x', timeoutMs: 10_000, signal: AbortSignal.timeout(10_000), judge });
    await watching(name);
    const rvAfterFirst = setPhase(name, 'ImportInProgress').metadata.resourceVersion;
    await tick(100);
    setPhase(name, 'Succeeded');
    await expect(done).resolves.toBe('ok');
    const watches = requests().filter((r) => r.query.get('watch') === 'true');
    expect(watches.length).toBeGreaterThanOrEqual(2);
    expect(watches[1]?.query.get('resourceVersion')).toBe(rvAfterFirst);
    expect(requests().filter((r) => r.path === DV_COLLECTION && r.query.get('watch') !== 'true').length).toBe(1);
  });

  it('lists again after 410 Gone and still sees the change it missed', async () => {
    const name = newDv('Pending');
    harness.setFaults({ dropWatchesAfterEvents: 1 });
    const done = waitFor(objects, { ref: dvRef(name), what: 'x', timeoutMs: 10_000, signal: AbortSignal.timeout(10_000), judge });
    await watching(name);
    setPhase(name, 'ImportInProgress');
    // Everything up to a change after that one is compacted away: the resumed watch gets 410 and must relist.
    harness.putObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-later`, namespace: 'ns' } });
    harness.compact();
    setPhase(name, 'Succeeded');
    await expect(done).resolves.toBe('ok');
    expect(requests().filter((r) => r.path === DV_COLLECTION && r.query.get('watch') !== 'true').length).toBeGreaterThanOrEqual(2);
  });

  it('survives watch requests answered 500', async () => {
    const name = newDv('Pending');
    harness.injectResponse({ path: /datavolumes$/, status: 500, times: 2 });
    const done = waitFor(objects, { ref: dvRef(name), what: 'x', timeoutMs: 15_000, signal: AbortSignal.timeout(15_000), judge });
    await tick(300);
    setPhase(name, 'Succeeded');
    await expect(done).resolves.toBe('ok');
  });

  it('fails with the reason and the recent events when the object fails', async () => {
    const name = newDv('ImportInProgress');
    harness.putObject({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${name}.1`, namespace: 'ns' },
      involvedObject: { kind: 'DataVolume', name },
      type: 'Warning',
      reason: 'ErrImportFailed',
      message: 'checksum mismatch',
      count: 3,
      lastTimestamp: '2026-01-01T00:00:00Z',
    });
    const done = waitFor(objects, { ref: dvRef(name), what: 'the root disk import', timeoutMs: 10_000, signal: AbortSignal.timeout(10_000), judge });
    await watching(name);
    setPhase(name, 'Failed');
    const err = await done.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitFailedError);
    expect((err as Error).message).toBe(`the root disk import failed: the import failed\nrecent events:\n  - DataVolume ${name}: Warning ErrImportFailed (x3): checksum mismatch`);
  });

  it('times out with the last state it saw', async () => {
    const name = newDv('ImportInProgress');
    const err = await waitFor(objects, { ref: dvRef(name), what: 'the root disk import', timeoutMs: 400, signal: AbortSignal.timeout(10_000), judge }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect((err as Error).message).toBe(`the root disk import: not done after 400ms (DataVolume ns/${name}: ImportInProgress)`);
    await until(() => harness.openWatches() === 0);
  });

  it('stops at once when the build is cancelled, with the cancel reason, closing its watch', async () => {
    const name = newDv('Pending');
    const cancel = new AbortController();
    const done = waitFor(objects, { ref: dvRef(name), what: 'x', timeoutMs: 60_000, signal: cancel.signal, judge });
    await watching(name);
    cancel.abort(new Error('Build was cancelled.'));
    await expect(done).rejects.toThrow('Build was cancelled.');
    await until(() => harness.openWatches() === 0);
  });
});

describe('waitForDataVolumes: a claim CDI cannot render (kube harness with CDI)', () => {
  // kubevirt/containerized-data-importer pkg/controller/datavolume/util.go
  // renderPvcSpecVolumeModeAndAccessModesAndStorageClass@v1.66.0: no modes in the spec and none in the
  // StorageProfile (pkg/storagecapabilities: rancher.io/local-path is unknown) → ErrClaimNotValid, no phase, retried only on a profile change.
  it('fails at once, suggesting accessMode/volumeMode and the flags, instead of waiting out the timeout', async () => {
    const cdi = await startKubeHarness({ controllers: ['datavolumes'], accelerator: 'tcg' });
    try {
      await cdi.createNamespace('ns');
      cdi.putObject({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local-path' }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'Immediate' });
      cdi.putObject({ ...dataVolume('root'), spec: { source: { blank: {} }, storage: { storageClassName: 'local-path', resources: { requests: { storage: '1Gi' } } } } });
      const started = Date.now();
      const { logger } = memoryLogger();
      const err = await waitForDataVolumes({
        objects: clientFor(cdi).objects,
        namespace: 'ns',
        dataVolumes: [{ name: 'root', label: 'root disk' }],
        logger,
        signal: new AbortController().signal,
        timeoutMs: 60_000,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WaitFailedError);
      expect((err as Error).message).toContain('no accessMode specified in StorageProfile local-path');
      expect((err as Error).message).toMatch(/accessMode and volumeMode in the build file's kubevirt: block \(or --access-mode \/ --volume-mode\)/);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      await cdi.close();
    }
  });
});
