/**
 * ClusterRun against the kube harness (KubeVirt's and CDI's controllers off, the garbage collector
 * on; the test plays the VMI and the claim they would make): the root first and every namespaced object owned by it;
 * cleanup deletes the VMs first and the root last, and watches until the objects — and the VMIs
 * and PVCs hanging off them — are gone; what does not go is reported with the command to remove it.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../src/core/log.js';
import { ClusterRun } from '../../../src/engines/kubevirt/cluster/cluster-run.js';
import type { ObjectClient } from '../../../src/engines/kubevirt/cluster/objects.js';
import type { RenderedBuild } from '../../../src/engines/kubevirt/manifests/rendered.js';
import { renderYaml } from '../../unit/kubevirt/helpers.js';
import { startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';
import { clientFor } from './fakes/client.js';
import { HOLD, NS, REFS, hold, putClaim, putVmi, releaseAfterDeletion } from './harness-objects.js';

let harness: KubeHarness;
let objects: ObjectClient;
let rendered: RenderedBuild;
const requests = () => harness.requests();
/** What the test runs left in the namespace. */
const left = () => harness.leftovers(NS).filter((o) => o.kind !== 'Namespace');

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

describe('ClusterRun (kube harness)', () => {
  beforeAll(async () => {
    harness = await startKubeHarness({ controllers: ['garbage-collector'], accelerator: 'tcg' });
    ({ objects } = clientFor(harness));
    rendered = renderYaml(BUILD, {}, { namespace: NS, runId: 'r1' });
  });
  afterAll(() => harness?.close());
  beforeEach(async () => {
    await harness.createNamespace(NS);
    harness.clearRequests();
  });
  afterEach(async () => {
    harness.setFaults({});
    for (const o of left()) harness.updateObject({ apiVersion: o.apiVersion, kind: o.kind, namespace: NS, name: o.name }, (x) => void (x.metadata.finalizers = (x.metadata.finalizers ?? []).filter((f) => f !== HOLD)));
    await harness.deleteNamespace(NS, { timeoutMs: 10_000 });
  });

  it('creates the root first and owns every object by it; cleanup removes it all, VMs first and root last', async () => {
    const { logger, lines } = memoryLogger();
    const run = new ClusterRun(objects, rendered, logger);
    await run.begin(AbortSignal.timeout(10_000));
    const root = harness.getObject(REFS.cm('b-r1'))!;
    expect(root.metadata.labels?.['ruddervirt.io/run']).toBe('r1');
    for (const o of rendered.objects.filter((r) => r.step === 'prepare' || r.step === 'start')) await run.create(o, AbortSignal.timeout(10_000));
    const dv = harness.getObject(REFS.dv('b-base-web-r1-root'))!;
    expect(dv.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', name: 'b-r1', uid: root.metadata.uid }]);
    expect(harness.getObject(REFS.vm('b-base-web-r1'))?.metadata.ownerReferences?.[0]?.uid).toBe(root.metadata.uid);
    // What KubeVirt and CDI would add: the VMI and the PVC; the DataVolume takes a while to go.
    putVmi(harness, 'b-base-web-r1', 'Running');
    putClaim(harness, 'b-base-web-r1-root');
    hold(harness, REFS.dv('b-base-web-r1-root'));
    const stopReleasing = releaseAfterDeletion(harness, REFS.dv('b-base-web-r1-root'), 200);

    harness.clearRequests();
    expect(await run.cleanup(10_000)).toEqual([]);
    stopReleasing();
    const deletes = requests()
      .filter((r) => r.method === 'DELETE')
      .map((r) => r.path.split('/').slice(-2).join('/'));
    expect(deletes[0]).toBe('virtualmachines/b-base-web-r1');
    expect(deletes.at(-1)).toBe('configmaps/b-r1');
    expect(deletes).toEqual(expect.arrayContaining(['secrets/b-base-web-r1-http-files', 'pods/b-base-web-r1-http', 'datavolumes/b-base-web-r1-root']));
    expect(left()).toEqual([]);
    expect(lines.join('\n')).toContain('kubevirt: removed the 5 objects of run r1');
    // Secrets are deleted but never read or watched.
    expect(requests().some((r) => r.method === 'GET' && r.path.includes('/secrets'))).toBe(false);
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
    harness.injectResponse({ method: 'POST', path: /\/datavolumes$/, lostAnswer: true });
    const cancel = new AbortController();
    const creating = run.create(dvObject, cancel.signal);
    await new Promise((r) => setTimeout(r, 200));
    cancel.abort(new Error('Build was cancelled.'));
    await expect(creating).rejects.toThrow('cancelled');
    expect(harness.getObject(REFS.dv('b-base-web-r1-root'))).toBeDefined();
    // It never goes away (a stuck finalizer).
    hold(harness, REFS.dv('b-base-web-r1-root'));
    const left = await run.cleanup(1_000);
    expect(left).toEqual(['DataVolume ns/b-base-web-r1-root (being deleted after 1s)']);
    expect(lines.join('\n')).toContain('kubectl delete all,cm,dv,vmexport -n ns -l ruddervirt.io/run=r1');
  });
});
