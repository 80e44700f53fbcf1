/**
 * ClusterRun against a fake API server: the root first and every namespaced object owned by it;
 * cleanup deletes the VMs first and the root last, and watches until the objects — and the VMIs
 * and PVCs hanging off them — are gone; what does not go is reported with the command to remove it.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../src/core/log.js';
import { ClusterRun } from '../../../src/engines/kubevirt/cluster/cluster-run.js';
import type { ObjectClient } from '../../../src/engines/kubevirt/cluster/objects.js';
import type { RenderedBuild } from '../../../src/engines/kubevirt/manifests/rendered.js';
import { renderYaml } from '../../unit/kubevirt/helpers.js';
import { clientFor } from './fakes/client.js';
import { COLLECTIONS, NS, garbageCollect, putVmi } from './fakes/fake-controllers.js';
import { startFakeApiServer, type FakeApiServer } from './fakes/fake-api-server.js';

let fake: FakeApiServer;
let objects: ObjectClient;
let stopGc: () => void;
let rendered: RenderedBuild;

const BUILD = `name: b
layers:
  - name: base
    vms:
      - name: web
        source: { url: https://example.org/disk.qcow2, checksum: "sha256:${'a'.repeat(64)}" }
        disks: [{ name: root, size: 1Gi }]
        httpContent: { /seed.sh: "echo seeded" }
        communicator: { type: none }
`;

describe('ClusterRun (fake API server)', () => {
  beforeAll(async () => {
    fake = await startFakeApiServer();
    ({ objects } = clientFor(fake));
    rendered = renderYaml(BUILD, {}, { namespace: NS, runId: 'r1' });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    stopGc = garbageCollect(fake, 150);
  });
  afterEach(() => {
    stopGc();
    fake.store.objects.clear();
    fake.store.deleteDelays.clear();
  });

  it('creates the root first and owns every object by it; cleanup removes it all, VMs first and root last', async () => {
    const { logger, lines } = memoryLogger();
    const run = new ClusterRun(objects, rendered, logger);
    await run.begin(AbortSignal.timeout(10_000));
    const root = fake.store.get(COLLECTIONS.cm, 'b-r1')!;
    expect(root.metadata.labels?.['ruddervirt.io/run']).toBe('r1');
    for (const o of rendered.objects.filter((r) => r.step === 'prepare' || r.step === 'start')) await run.create(o, AbortSignal.timeout(10_000));
    const dv = fake.store.get(COLLECTIONS.dv, 'b-base-web-r1-root')!;
    expect(dv.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', name: 'b-r1', uid: root.metadata.uid }]);
    expect(fake.store.get(COLLECTIONS.vm, 'b-base-web-r1')?.metadata.ownerReferences?.[0]?.uid).toBe(root.metadata.uid);
    // What KubeVirt and CDI would add: the VMI and the PVC; the DataVolume takes a while to go.
    putVmi(fake, 'b-base-web-r1', 'Running');
    fake.store.put(COLLECTIONS.pvc, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'b-base-web-r1-root', namespace: NS } });
    fake.store.deleteDelays.set('datavolumes', 200);

    fake.requests.length = 0;
    expect(await run.cleanup(10_000)).toEqual([]);
    const deletes = fake.requests.filter((r) => r.method === 'DELETE').map((r) => r.path.split('/').slice(-2).join('/'));
    expect(deletes[0]).toBe('virtualmachines/b-base-web-r1');
    expect(deletes.at(-1)).toBe('configmaps/b-r1');
    expect(deletes).toEqual(expect.arrayContaining(['secrets/b-base-web-r1-http-files', 'pods/b-base-web-r1-http', 'datavolumes/b-base-web-r1-root']));
    expect([...fake.store.objects.keys()]).toEqual([]);
    expect(lines.join('\n')).toContain('kubevirt: removed the 5 objects of run r1');
    // Secrets are deleted but never read or watched.
    expect(fake.requests.some((r) => r.method === 'GET' && r.path.includes('/secrets'))).toBe(false);
    // Cleanup is idempotent.
    expect(await run.cleanup(10_000)).toEqual([]);
  });

  it('a build with urls: mirrors logs, as the run begins, that CDI tries only the first', async () => {
    const mirrored = renderYaml(
      BUILD.replace('source: { url: https://example.org/disk.qcow2,', 'source: { urls: [https://example.org/disk.qcow2, https://mirror.example.org/disk.qcow2],'),
      {},
      { namespace: NS, runId: 'r2' },
    );
    expect(mirrored.warnings).toHaveLength(1);
    expect(rendered.warnings).toBeUndefined();
    const { logger, lines } = memoryLogger();
    const run = new ClusterRun(objects, mirrored, logger);
    await run.begin(AbortSignal.timeout(10_000));
    expect(lines.join('\n')).toMatch(/source\.urls\[1\]: kubevirt engine: CDI imports from one URL, so only https:\/\/example\.org\/disk\.qcow2 is used/);
    expect(await run.cleanup(10_000)).toEqual([]);
  });

  it('deletes an object whose create was cut short, and reports what would not go', async () => {
    const { logger, lines } = memoryLogger();
    const run = new ClusterRun(objects, rendered, logger);
    await run.begin(AbortSignal.timeout(10_000));
    const dvObject = rendered.objects.find((o) => o.object.kind === 'DataVolume')!;
    // The create is sent but its answer never arrives (the build was cancelled meanwhile).
    fake.route('POST', /\/datavolumes$/, (_req, _res, _url, body) => {
      fake.store.put(COLLECTIONS.dv, JSON.parse(body.toString()));
    });
    const cancel = new AbortController();
    const creating = run.create(dvObject, cancel.signal);
    await new Promise((r) => setTimeout(r, 200));
    cancel.abort(new Error('Build was cancelled.'));
    await expect(creating).rejects.toThrow('cancelled');
    expect(fake.store.get(COLLECTIONS.dv, 'b-base-web-r1-root')).toBeDefined();
    // It never goes away (a stuck finalizer).
    fake.store.deleteDelays.set('datavolumes', 60_000);
    const left = await run.cleanup(1_000);
    expect(left).toEqual(['DataVolume ns/b-base-web-r1-root (being deleted after 1s)']);
    expect(lines.join('\n')).toContain('kubectl delete all,cm,dv,vmexport -n ns -l ruddervirt.io/run=r1');
  });
});
