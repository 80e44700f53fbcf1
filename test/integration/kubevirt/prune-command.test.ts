/**
 * `ruddervirt prune` against the kube harness (a real API server for these calls; no VM is
 * needed: the kept outputs are created directly, labelled as a build keeps them): keeps the newest
 * used per layer and VM, leaves other builds and outputs that belong to a run, waits until the
 * pruned ones are gone.
 */
import { CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneCommand } from '../../../src/cli/commands/prune.js';
import { runCli } from '../../../src/cli/run.js';
import { ANNOTATION_LAST_USED, ANNOTATION_LAYER_KEY, layerKeyLabel } from '../../../src/engines/kubevirt/manifests/kept-layer-labels.js';
import { memoryIo } from '../../helpers/cli-io.js';
import { repoRoot } from '../../helpers/node24.js';
import { startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';

let harness: KubeHarness;
let custom: CustomObjectsApi;
let namespace = '';
const KEY = 'ab'.repeat(32);

/** A blank DataVolume labelled as a kept output (or, without `lastUsed`, as a run's own output). */
async function output(name: string, build: string, vm: string, lastUsed?: string): Promise<void> {
  const labels: Record<string, string> = {
    'app.kubernetes.io/managed-by': 'ruddervirt',
    'ruddervirt.io/build': build,
    'ruddervirt.io/layer': 'base',
    'ruddervirt.io/vm': vm,
    'ruddervirt.io/component': 'output',
    ...(lastUsed ? { 'ruddervirt.io/layer-key': layerKeyLabel(KEY) } : { 'ruddervirt.io/run': 'r1' }),
  };
  await custom.createNamespacedCustomObject({
    group: 'cdi.kubevirt.io',
    version: 'v1beta1',
    namespace,
    plural: 'datavolumes',
    body: {
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataVolume',
      metadata: { name, labels, ...(lastUsed ? { annotations: { [ANNOTATION_LAYER_KEY]: KEY, [ANNOTATION_LAST_USED]: lastUsed } } : {}) },
      spec: { source: { blank: {} }, storage: { resources: { requests: { storage: '1Mi' } } } },
    },
  });
}

function dataVolumes(): string[] {
  return harness
    .leftovers(namespace)
    .filter((o) => o.kind === 'DataVolume')
    .map((o) => o.name)
    .sort();
}

async function prune(...args: string[]): Promise<{ code: number; err: string }> {
  const io = memoryIo(repoRoot, {});
  const code = await runCli(['prune', ...args, '--kubeconfig', harness.kubeconfigPath, '--namespace', namespace], [pruneCommand], io);
  return { code, err: io.err() };
}

beforeAll(async () => {
  harness = await startKubeHarness({ accelerator: 'tcg' });
  custom = harness.kubeConfig().makeApiClient(CustomObjectsApi);
  namespace = await harness.createNamespace();
});

afterAll(async () => {
  await harness?.close();
});

describe('ruddervirt prune (kube harness)', () => {
  it('keeps the newest used per layer and VM with --keep, removes all of the build without; other builds and run outputs stay', async () => {
    await output('web-a-old', 'web', 'a', '2026-01-01T00:00:00Z');
    await output('web-a-new', 'web', 'a', '2026-01-03T00:00:00Z');
    await output('web-a-mid', 'web', 'a', '2026-01-02T00:00:00Z');
    await output('web-b-only', 'web', 'b', '2026-01-01T00:00:00Z');
    await output('other-a', 'other', 'a', '2026-01-01T00:00:00Z');
    await output('web-a-run', 'web', 'a');

    const kept = await prune('--build', 'web', '--keep', '1');
    expect(kept.code, kept.err).toBe(0);
    expect(kept.err).toContain(`removed 2 kept layer outputs of build web in namespace ${namespace} (kept the newest 1 per VM)`);
    expect(dataVolumes()).toEqual(['other-a', 'web-a-new', 'web-a-run', 'web-b-only']);

    const all = await prune('--build', 'web');
    expect(all.code, all.err).toBe(0);
    expect(dataVolumes()).toEqual(['other-a', 'web-a-run']);

    const none = await prune('--build', 'web', '--layer', 'base');
    expect(none.code, none.err).toBe(0);
    expect(none.err).toContain('no kept layer outputs of build web, layer base');
  });

  it('asks for a build file or --build, and a whole --keep', async () => {
    expect((await prune()).code).toBe(2);
    expect((await prune('--build', 'web', 'file.yaml')).code).toBe(2);
    const bad = await prune('--build', 'web', '--keep', 'two');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--keep must be a whole number, got 'two'");
  });
});
