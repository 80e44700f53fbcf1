/**
 * `ruddervirt render --kubeconfig`: what a build would detect (the served export version, the
 * capture method) is asked of the cluster, the kube harness here (no real API server can run on
 * this machine), instead of assumed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderCommand } from '../../../src/cli/commands/render.js';
import type { AnyManifest } from '../../../src/engines/kubevirt/manifests/types.js';
import { startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';
import { memoryIo } from '../../helpers/cli-io.js';
import { repoRoot } from '../../helpers/node24.js';

let harness: KubeHarness;
beforeAll(async () => {
  harness = await startKubeHarness({ accelerator: 'tcg' });
}, 60_000);
afterAll(async () => {
  await harness?.close();
});

async function render(args: string[]): Promise<{ objects: AnyManifest[]; err: string }> {
  const io = memoryIo(repoRoot);
  expect(await renderCommand.run(['examples/debian-cloud.yaml', '--run-id', 'k1', ...args], io), io.err()).toBe(0);
  return { objects: parseAllDocuments(io.out()).map((d) => d.toJS() as AnyManifest), err: io.err() };
}

describe('render --kubeconfig (kube harness: no real cluster here)', () => {
  it('detects the capture method and the export API version as a build does', async () => {
    const offline = await render([]);
    expect(offline.objects.find((o) => o.kind === 'DataVolume' && o.metadata.name.endsWith('-output'))).toBeDefined(); // assumed: clone
    const online = await render(['--kubeconfig', harness.kubeconfigPath]);
    // The harness serves a VolumeSnapshotClass for its storage class: outputs become CSI snapshots.
    const snapshot = online.objects.find((o) => o.kind === 'VolumeSnapshot') as (AnyManifest & { spec: { volumeSnapshotClassName: string } }) | undefined;
    expect(snapshot?.spec.volumeSnapshotClassName).toBe('harness-snapclass');
    expect(online.objects.find((o) => o.kind === 'VirtualMachineExport')?.apiVersion).toBe('export.kubevirt.io/v1');
  });

  it('renders export.kubevirt.io/v1beta1 against KubeVirt v1.8, whose export CRD has no v1 (kubevirt/kubevirt pkg/virt-operator/resource/generate/components/crds.go@v1.8.0)', async () => {
    // v1.8 gates VMExport and Snapshot (Beta, off unless listed): list them as a v1.8 cluster that exports would.
    const old = await startKubeHarness({ accelerator: 'tcg', kubevirtVersion: 'v1.8.4', featureGates: ['VMExport', 'Snapshot'], controllers: [] });
    try {
      const online = await render(['--kubeconfig', old.kubeconfigPath]);
      expect(online.objects.find((o) => o.kind === 'VirtualMachineExport')?.apiVersion).toBe('export.kubevirt.io/v1beta1');
    } finally {
      await old.close();
    }
  });

  it('keeps an explicit --capture, and refuses --export-api with --kubeconfig', async () => {
    const clone = await render(['--kubeconfig', harness.kubeconfigPath, '--capture', 'clone']);
    expect(clone.objects.some((o) => o.kind === 'VolumeSnapshot')).toBe(false);
    const io = memoryIo(repoRoot);
    await expect(renderCommand.run(['examples/debian-cloud.yaml', '--kubeconfig', harness.kubeconfigPath, '--export-api', 'v1'], io)).rejects.toThrow(/--export-api is what --kubeconfig detects/);
  });
});
