/**
 * SBOMs of outputs that stay in the cluster (cluster/kept-sboms.ts), against the kube harness
 * (its API server, DataVolume and DataSource controllers and garbage collector). No guest boots
 * here: the outputs are blank DataVolumes as a build's clone capture leaves them, and the SBOM a
 * real SPDX document of the shape the build writes. The real Debian guest's SBOM through a whole
 * kubevirt build is in test/e2e/kubevirt-real-debian.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../src/core/log.js';
import { publishGolden } from '../../../src/engines/kubevirt/cluster/golden-images.js';
import { findKeptLayer, keepOutput, pruneKept } from '../../../src/engines/kubevirt/cluster/kept-layers.js';
import { keepSbom, readKeptSbom } from '../../../src/engines/kubevirt/cluster/kept-sboms.js';
import { KubeApi } from '../../../src/engines/kubevirt/cluster/kube-api.js';
import { ObjectClient } from '../../../src/engines/kubevirt/cluster/objects.js';
import { LABEL_BUILD, LABEL_COMPONENT, LABEL_LAYER, LABEL_MANAGED_BY, LABEL_RUN, LABEL_VM, MANAGED_BY } from '../../../src/engines/kubevirt/manifests/labels.js';
import { ANNOTATION_SBOM } from '../../../src/engines/kubevirt/manifests/sbom-config-map.js';
import type { Layer } from '../../../src/core/config/model.js';
import { startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';
import { blankDisk, getCustom, type Gvr } from '../kube-harness/helpers.js';

const DS: Gvr = { group: 'cdi.kubevirt.io', version: 'v1beta1', plural: 'datasources' };
const DV = 'cdi.kubevirt.io/v1beta1';
const KEY = 'c'.repeat(64);
const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);
const scope = { build: 'golden', layer: 'base', vm: 'web' };
const layer = { name: 'base', vms: [{ name: 'web' }] } as unknown as Layer;

let harness: KubeHarness;
let objects: ObjectClient;
let dir: string;

beforeAll(async () => {
  harness = await startKubeHarness({ accelerator: 'tcg' });
  objects = new ObjectClient(new KubeApi(harness.kubeConfig()), memoryLogger().logger);
  dir = mkdtempSync(path.join(os.tmpdir(), 'rvtest-kept-sboms-'));
});

afterAll(async () => {
  await harness?.close();
  rmSync(dir, { recursive: true, force: true });
});

function spdx(pkg: string, version: string): string {
  return JSON.stringify({ spdxVersion: 'SPDX-2.3', name: 'golden base/web', packages: [{ SPDXID: `SPDXRef-Package-deb-${pkg}`, name: pkg, versionInfo: version, downloadLocation: 'NOASSERTION' }] }, null, 2) + '\n';
}

function sbomFile(name: string, document: string): string {
  const file = path.join(dir, `${name}.qcow2.spdx.json`);
  writeFileSync(file, document);
  return file;
}

/** A run's output as the clone capture leaves it: a DataVolume with the run's labels. */
async function runOutput(ns: string, name: string): Promise<void> {
  await blankDisk(harness.kubeConfig(), ns, name);
  await objects.mergePatch(
    { apiVersion: DV, kind: 'DataVolume', namespace: ns, name },
    { metadata: { labels: { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_RUN]: 'r1', [LABEL_BUILD]: scope.build, [LABEL_LAYER]: scope.layer, [LABEL_VM]: scope.vm, [LABEL_COMPONENT]: 'output' } } },
    AbortSignal.timeout(10_000),
  );
}

const configMaps = (ns: string) =>
  harness
    .leftovers(ns)
    .filter((o) => o.kind === 'ConfigMap')
    .map((o) => o.name)
    .sort();

describe('SBOMs kept beside outputs in the cluster', () => {
  it('a kept layer output: its SBOM in a ConfigMap it owns, named by its annotation, found and read back by a later build; pruning the output removes the SBOM too', async () => {
    const ns = await harness.createNamespace();
    const signal = AbortSignal.timeout(60_000);
    await runOutput(ns, 'out-1');
    const ref = { apiVersion: DV, kind: 'DataVolume', namespace: ns, name: 'out-1' };
    const document = spdx('openssh-server', '1:9.2p1-2+deb12u3');
    const name = await keepSbom({ objects, output: ref, sbomFile: sbomFile('a', document), sha256: SHA_A, scope, signal });
    expect(name).toBe('out-1-sbom');
    await keepOutput(objects, ref, { key: KEY, runId: 'r1', sha256: SHA_A, bytes: 1, format: 'qcow2', compressed: false, now: new Date(), sbom: name }, signal);

    const dv = await objects.get(ref, signal);
    expect(dv?.metadata.annotations?.[ANNOTATION_SBOM]).toBe('out-1-sbom');
    const cm = (await objects.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name }, signal)) as unknown as {
      metadata: { ownerReferences: unknown[]; labels: Record<string, string> };
      data: Record<string, string>;
    };
    expect(cm.metadata.ownerReferences).toEqual([{ apiVersion: DV, kind: 'DataVolume', name: 'out-1', uid: dv!.metadata.uid }]);
    expect(cm.metadata.labels[LABEL_RUN]).toBeUndefined();
    expect(cm.data['sbom.spdx.json']).toBe(document);

    // A later build finds the kept output with its SBOM, and reads it back.
    const [found] = (await findKeptLayer({ objects, namespace: ns, kind: { apiVersion: DV, kind: 'DataVolume' }, build: scope.build, layer, key: KEY, signal }))!;
    expect(found).toMatchObject({ vm: 'web', sha256: SHA_A, sbom: 'out-1-sbom' });
    expect(await readKeptSbom(objects, ns, found!.sbom!, found!.sha256, signal)).toBe(document);
    // Not for another output, nor when it is gone.
    await expect(readKeptSbom(objects, ns, 'out-1-sbom', SHA_B, signal)).rejects.toThrow(/describes output sha256 a{64}, not b{64}/);
    await expect(readKeptSbom(objects, ns, 'nope-sbom', SHA_A, signal)).rejects.toThrow(`ConfigMap ${ns}/nope-sbom is gone`);

    // Kept again (a golden image of the same output): nothing changes; a new sha256 replaces the document.
    expect(await keepSbom({ objects, output: ref, sbomFile: sbomFile('a', document), sha256: SHA_A, scope, signal })).toBe(name);
    const other = spdx('openssh-server', '1:9.2p1-2+deb12u4');
    await keepSbom({ objects, output: ref, sbomFile: sbomFile('b', other), sha256: SHA_B, scope, signal });
    expect(await readKeptSbom(objects, ns, name, SHA_B, signal)).toBe(other);

    // Pruning the kept output: the garbage collector takes its SBOM with it.
    const pruned = await pruneKept({ objects, namespace: ns, kinds: [{ apiVersion: DV, kind: 'DataVolume' }], scope: { build: scope.build }, keep: 0, signal, timeoutMs: 30_000 });
    expect(pruned.removed).toEqual([`DataVolume ${ns}/out-1`]);
    await harness.settled();
    expect(configMaps(ns)).toEqual([]);
  });

  it('a golden image: the DataSource names the SBOM of the output it points at; a refresh moves it, and the replaced output takes its SBOM along', async () => {
    const ns = await harness.createNamespace();
    const signal = AbortSignal.timeout(60_000);
    const ds = { name: 'web-golden' };
    const publish = async (name: string, sha256: string, document: string) => {
      await runOutput(ns, name);
      const sbom = await keepSbom({ objects, output: { apiVersion: DV, kind: 'DataVolume', namespace: ns, name }, sbomFile: sbomFile(name, document), sha256, scope, signal });
      return publishGolden({ objects, dataSource: ds, source: { kind: 'DataVolume', namespace: ns, name }, scope, sha256, sbom, logger: memoryLogger().logger, signal, timeoutMs: 20_000 });
    };
    await publish('out-1', SHA_A, spdx('nginx', '1.22.1-9'));
    expect((await getCustom(harness.kubeConfig(), DS, ns, 'web-golden')).metadata.annotations[ANNOTATION_SBOM]).toBe('out-1-sbom');
    expect(configMaps(ns)).toEqual(['out-1-sbom']);

    const newer = spdx('nginx', '1.22.1-9+deb12u1');
    const second = await publish('out-2', SHA_B, newer);
    expect(second.replaced).toEqual([`DataVolume ${ns}/out-1`]);
    const dataSource = await getCustom(harness.kubeConfig(), DS, ns, 'web-golden');
    expect(dataSource.metadata.annotations[ANNOTATION_SBOM]).toBe('out-2-sbom');
    expect(await readKeptSbom(objects, ns, dataSource.metadata.annotations[ANNOTATION_SBOM] as string, dataSource.metadata.annotations['ruddervirt.io/output-sha256'] as string, signal)).toBe(newer);
    await harness.settled();
    expect(configMaps(ns)).toEqual(['out-2-sbom']);

    // A golden image published without an SBOM (a guest with no package database) names none.
    await runOutput(ns, 'out-3');
    await publishGolden({ objects, dataSource: ds, source: { kind: 'DataVolume', namespace: ns, name: 'out-3' }, scope, sha256: SHA_A, logger: memoryLogger().logger, signal, timeoutMs: 20_000 });
    expect((await getCustom(harness.kubeConfig(), DS, ns, 'web-golden')).metadata.annotations[ANNOTATION_SBOM]).toBeUndefined();
  });
});
