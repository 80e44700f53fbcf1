/**
 * setup-cluster's readiness check (toolkit/kubevirt-cluster.ts): a cluster whose CDI API group is
 * served is not ready until its CDI resource is Available (CDI's install guide: kubectl wait cdi
 * cdi --for condition=Available), nor until KubeVirt is Deployed; waitUntilReady waits for both.
 * No Kubernetes API server or operator can run here: the kube harness, started without KubeVirt
 * and CDI (`installed: false`), stands in for the API server and plays virt-operator and
 * cdi-operator (controllers/addon-operators.ts); the release files from
 * test/fixtures/kubevirt-release are applied as setup-cluster applies them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/core/log.js';
import { blockingProblems, capabilityWarnings, checkCluster, describeCapabilities, loadKubeConfig, onlyStarting, waitUntilReady } from '../../src/actions/toolkit/kubevirt-cluster.js';
import { ManifestApplier, parseManifest } from '../../src/actions/toolkit/release-manifest.js';
import type { OperatorTimings } from '../kube-harness/controllers/addon-operators.js';
import { startKubeHarness, type KubeHarness } from '../kube-harness/index.js';
import { repoRoot } from '../helpers/node24.js';
import { authorizerFor } from '../unit/kubevirt/rbac-model.js';
import { unmappedRequests } from '../helpers/api-call-coverage.js';
import { RBAC_DOC, RBAC_NAMESPACE, RBAC_SERVICE_ACCOUNT } from '../../scripts/generated-files.js';

const RELEASES = path.join(repoRoot, 'test', 'fixtures', 'kubevirt-release');
const FILES = ['kubevirt/v1.9.0/kubevirt-operator.yaml', 'kubevirt/v1.9.0/kubevirt-cr.yaml', 'cdi/v1.66.0/cdi-operator.yaml', 'cdi/v1.66.0/cdi-cr.yaml'];

let harness: KubeHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const CDI = { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'CDI', name: 'cdi' };

/** A cluster with KubeVirt and CDI applied, once cdi-operator has taken its resource (phase Deploying). */
async function installedCluster(operators: OperatorTimings) {
  harness = await startKubeHarness({ installed: false, operators, accelerator: 'tcg' });
  const kc = loadKubeConfig(harness.kubeconfigPath);
  const applier = new ManifestApplier(kc, AbortSignal.timeout(30_000));
  for (const f of FILES) await applier.apply(f, parseManifest(f, readFileSync(path.join(RELEASES, f), 'utf8')), Date.now() + 30_000);
  const h = harness;
  await expect.poll(() => (h.getObject(CDI)?.status as { phase?: string } | undefined)?.phase).toBe('Deploying');
  return kc;
}

describe('setup-cluster readiness (kube harness without KubeVirt and CDI, playing their operators: none can run here)', () => {
  it('a served CDI group is not enough: CDI must be Available, and waitUntilReady waits for it', async () => {
    const kc = await installedCluster({ kubevirtDeployMs: 0, cdiDeployMs: 1500 });
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
    const kc = await installedCluster({ kubevirtDeployMs: 0, cdiDeployMs: Infinity });
    await expect.poll(() => (harness!.getObject({ apiVersion: 'kubevirt.io/v1', kind: 'KubeVirt', namespace: 'kubevirt', name: 'kubevirt' })?.status as { phase?: string } | undefined)?.phase).toBe('Deployed');
    const caps = await waitUntilReady(kc, { timeoutMs: 1500, logger: memoryLogger().logger, signal: AbortSignal.timeout(30_000) });
    expect(blockingProblems(caps)).toEqual(['CDI is not Available (Deploying)']);
  });

  it('reads CDI readiness with only the calls docs/rbac.yaml grants (list cdis among them)', async () => {
    const kc = await installedCluster({ kubevirtDeployMs: 0, cdiDeployMs: 500 });
    await expect.poll(async () => (await checkCluster(kc)).cdi.available).toBe(true);
    // The release files were applied as a cluster admin; the check itself is the builder's.
    harness!.clearRequests();
    const caps = await checkCluster(kc);
    expect(caps.cdi).toEqual({ installed: true, available: true, phase: 'Deployed' });
    expect(capabilityWarnings(caps)).toEqual([]);
    expect(unmappedRequests(harness!.requests()), 'setup-cluster readiness calls outside api-calls.ts').toEqual([]);
    const authz = authorizerFor(readFileSync(RBAC_DOC, 'utf8'), { name: RBAC_SERVICE_ACCOUNT, namespace: RBAC_NAMESPACE });
    expect(authz.allows({ verb: 'list', group: 'cdi.kubevirt.io', resource: 'cdis' })).toBe(true);
  });

  it('a role without list cdis (access policy of the harness: 403): readiness unknown, not waited for, and a warning says so', async () => {
    const kc = await installedCluster({ kubevirtDeployMs: 0, cdiDeployMs: Infinity });
    harness!.setDenials([{ verb: 'list', group: 'cdi.kubevirt.io', resource: 'cdis' }]);
    const caps = await checkCluster(kc);
    expect(caps.cdi).toEqual({ installed: true, unreadable: 'list cdis.cdi.kubevirt.io is forbidden (403) for this kubeconfig' });
    expect(describeCapabilities(caps)).toContain('CDI: installed (its readiness could not be read)');
    expect(onlyStarting(caps)).toBe(false);
    expect(blockingProblems(caps).filter((p) => p.startsWith('CDI'))).toEqual([]);
    const warnings = capabilityWarnings(caps);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^CDI readiness cannot be read \(list cdis\.cdi\.kubevirt\.io is forbidden \(403\) for this kubeconfig\): only its API group being served was checked/);
    expect(warnings[0]).toContain('Grant list on cdis.cdi.kubevirt.io');
  });

  it('does not wait for what is not installed at all', () => {
    const caps = { serverVersion: 'v1', kubevirt: { installed: true, phase: 'Deployed', emulation: false }, cdi: { installed: false }, volumeSnapshots: false, vmExport: false, kubeOvnVpcs: false };
    expect(onlyStarting(caps)).toBe(false);
    expect(blockingProblems(caps)).toEqual(['CDI (Containerized Data Importer) is not installed']);
    expect(onlyStarting({ ...caps, cdi: { installed: true } })).toBe(false); // readiness unreadable (403): not waited for
  });
});
