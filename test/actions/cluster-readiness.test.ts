/**
 * setup-cluster's readiness check (toolkit/kubevirt-cluster.ts): a cluster whose CDI API group is
 * served is not ready until its CDI resource is Available (CDI's install guide: kubectl wait cdi
 * cdi --for condition=Available), nor until KubeVirt is Deployed; waitUntilReady waits for both.
 * The Kubernetes API server and the operators cannot run here: the install fake
 * (helpers/fake-kube-install-api.ts) plays them, the release files applied from
 * test/fixtures/kubevirt-release as setup-cluster applies them.
 */
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/core/log.js';
import { blockingProblems, checkCluster, describeCapabilities, loadKubeConfig, onlyStarting, waitUntilReady } from '../../src/actions/toolkit/kubevirt-cluster.js';
import { ManifestApplier, parseManifest } from '../../src/actions/toolkit/release-manifest.js';
import { repoRoot } from '../helpers/node24.js';
import { startFakeKubeInstallApi, type FakeInstallCluster } from './helpers/fake-kube-install-api.js';

const RELEASES = path.join(repoRoot, 'test', 'fixtures', 'kubevirt-release');
const FILES = ['kubevirt/v1.9.0/kubevirt-operator.yaml', 'kubevirt/v1.9.0/kubevirt-cr.yaml', 'cdi/v1.66.0/cdi-operator.yaml', 'cdi/v1.66.0/cdi-cr.yaml'];

let cluster: FakeInstallCluster | undefined;
let dir: string | undefined;
afterEach(async () => {
  await cluster?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A fake cluster with KubeVirt and CDI applied (their operators then start deploying). */
async function installedCluster(readsUntilDeployed: { kubevirt: number; cdi: number }) {
  cluster = await startFakeKubeInstallApi();
  cluster.readsUntilDeployed.kubevirt = readsUntilDeployed.kubevirt;
  cluster.readsUntilDeployed.cdi = readsUntilDeployed.cdi;
  dir = mkdtempSync(path.join(os.tmpdir(), 'rvtest-ready-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters: [{ name: f, cluster: { server: "${cluster.url}", insecure-skip-tls-verify: true } }]\nusers: [{ name: u, user: { token: ${cluster.token} } }]\ncontexts: [{ name: f, context: { cluster: f, user: u } }]\ncurrent-context: f\n`,
  );
  const kc = loadKubeConfig(kubeconfig);
  const applier = new ManifestApplier(kc, AbortSignal.timeout(30_000));
  for (const f of FILES) await applier.apply(f, parseManifest(f, readFileSync(path.join(RELEASES, f), 'utf8')), Date.now() + 30_000);
  return kc;
}

describe('setup-cluster readiness (fake API server and operators: none can run here)', () => {
  it('a served CDI group is not enough: CDI must be Available, and waitUntilReady waits for it', async () => {
    const kc = await installedCluster({ kubevirt: 1, cdi: 4 });
    const first = await checkCluster(kc);
    expect(first.cdi).toEqual({ installed: true, available: false, phase: 'Deploying' });
    expect(blockingProblems(first)).toContain('CDI is not Available (Deploying)');
    expect(describeCapabilities(first)).toContain('CDI: not available yet (Deploying)');
    expect(onlyStarting(first)).toBe(true);

    const { logger, lines } = memoryLogger();
    const ready = await waitUntilReady(kc, { timeoutMs: 20_000, logger, signal: AbortSignal.timeout(30_000) });
    expect(ready.cdi).toEqual({ installed: true, available: true, phase: 'Deployed' });
    expect(ready.kubevirt.phase).toBe('Deployed');
    expect(blockingProblems(ready)).toEqual([]);
    expect(lines.join('\n')).toMatch(/CDI is not Available \(Deploying\)/);
  });

  it('gives up after the timeout with what still blocks', async () => {
    const kc = await installedCluster({ kubevirt: 0, cdi: Infinity });
    const caps = await waitUntilReady(kc, { timeoutMs: 1500, logger: memoryLogger().logger, signal: AbortSignal.timeout(30_000) });
    expect(blockingProblems(caps)).toEqual(['CDI is not Available (Deploying)']);
  });

  it('does not wait for what is not installed at all', () => {
    const caps = { serverVersion: 'v1', kubevirt: { installed: true, phase: 'Deployed', emulation: false }, cdi: { installed: false }, volumeSnapshots: false, vmExport: false, kubeOvnVpcs: false };
    expect(onlyStarting(caps)).toBe(false);
    expect(blockingProblems(caps)).toEqual(['CDI (Containerized Data Importer) is not installed']);
    expect(onlyStarting({ ...caps, cdi: { installed: true } })).toBe(false); // readiness unreadable (403): not waited for
  });
});
