/**
 * setup-cluster with engine: kubevirt, run from its bundle as the runner runs it. No Kubernetes API
 * server can run on this machine: the kube harness stands in for it, as every test name says —
 * with KubeVirt and CDI installed (its default), without them (`installed: false`), and with
 * them applied from the release files but a role that may not list the CDI resource (its access
 * policy answers 403 as RBAC would). The harness records every request, so the tests see the real
 * @kubernetes/client-node calls the bundle makes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKubeConfig } from '../../src/actions/toolkit/kubevirt-cluster.js';
import { ManifestApplier, parseManifest } from '../../src/actions/toolkit/release-manifest.js';
import { repoRoot } from '../helpers/node24.js';
import { startKubeHarness, type KubeHarness } from '../kube-harness/index.js';
import { bundleActions, type Bundle } from './helpers/bundle.js';
import { RunnerJob } from './helpers/runner.js';

const RELEASES = path.join(repoRoot, 'test', 'fixtures', 'kubevirt-release');
const FILES = ['kubevirt/v1.9.0/kubevirt-operator.yaml', 'kubevirt/v1.9.0/kubevirt-cr.yaml', 'cdi/v1.66.0/cdi-operator.yaml', 'cdi/v1.66.0/cdi-cr.yaml'];

describe('setup-cluster on the kubevirt engine (kube harness standing in for the API server)', () => {
  let bundle: Bundle;
  let dir: string;
  const harnesses: KubeHarness[] = [];

  /** Only kube-controller-manager's part runs: setup-cluster reads and writes, nothing boots. */
  async function cluster(options: Parameters<typeof startKubeHarness>[0] = {}): Promise<KubeHarness> {
    const h = await startKubeHarness({ accelerator: 'tcg', controllers: ['garbage-collector'], ...options });
    harnesses.push(h);
    return h;
  }

  const namespaceState = (h: KubeHarness, name: string) => {
    const o = h.objects().find((x) => x.kind === 'Namespace' && x.name === name);
    return o === undefined ? 'absent' : o.deleting ? 'deleting' : 'present';
  };

  beforeAll(() => {
    bundle = bundleActions();
    dir = mkdtempSync(path.join(os.tmpdir(), 'rvtest-kube-'));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(harnesses.map((h) => h.close()));
    bundle?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('checks the cluster, creates the namespace, hands over, and the post step deletes it (harness with KubeVirt and CDI)', async () => {
    const h = await cluster();
    const kubeconfig = h.kubeconfigPath;
    const job = new RunnerJob(bundle.dir, dir);
    try {
      const r = await job.run('setup-cluster', { engine: 'kubevirt', kubeconfig, namespace: 'rv-build-1' });
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      // The harness's node has no KVM (accelerator tcg): its KubeVirt resource has useEmulation.
      expect(r.outputs).toMatchObject({ engine: 'kubevirt', namespace: 'rv-build-1', accelerator: 'tcg' });
      expect(namespaceState(h, 'rv-build-1')).toBe('present');
      expect(r.stdout).toContain('KubeVirt: Deployed (software emulation)');
      expect(r.stdout).toContain('VolumeSnapshots: yes');
      expect(r.summary).toContain('Namespace: `rv-build-1` (created)');
      expect(job.handoff()).toMatchObject({ engine: 'kubevirt', namespace: 'rv-build-1', kubeconfig });
      const [post] = await job.runPosts();
      expect(post!.exitCode, post!.stdout).toBe(0);
      await expect.poll(() => namespaceState(h, 'rv-build-1')).not.toBe('present');
      expect(h.requests().some((q) => q.method === 'DELETE' && q.path === '/api/v1/namespaces/rv-build-1')).toBe(true);
    } finally {
      await job.finish();
    }
  });

  it('keeps a namespace it did not create (harness with KubeVirt and CDI), and fails clearly on a cluster without KubeVirt (harness, installed: false)', async () => {
    const h = await cluster();
    const job = new RunnerJob(bundle.dir, dir);
    try {
      const r = await job.run('setup-cluster', { engine: 'kubevirt', kubeconfig: h.kubeconfigPath, namespace: 'default' });
      expect(r.exitCode, r.stdout).toBe(0);
      const [post] = await job.runPosts();
      expect(post!.exitCode).toBe(0);
      expect(namespaceState(h, 'default')).toBe('present');
      expect(h.requests().some((q) => q.method === 'DELETE' && q.path.startsWith('/api/v1/namespaces/'))).toBe(false);

      const bare = await cluster({ installed: false });
      const bad = await job.run('setup-cluster', { engine: 'kubevirt', kubeconfig: bare.kubeconfigPath });
      expect(bad.exitCode).toBe(1);
      expect(bad.stdout).toMatch(/^::error::this cluster cannot run builds yet: KubeVirt is not installed \(set install-kubevirt: true, or install it first\); CDI .* is not installed$/m);
    } finally {
      await job.finish();
    }
  });

  it('warns when CDI readiness cannot be read (harness with the release files applied; its access policy denies list cdis with a 403)', async () => {
    const h = await cluster({ installed: false, controllers: ['garbage-collector', 'operators'], operators: { kubevirtDeployMs: 0, cdiDeployMs: 0 } });
    const kc = loadKubeConfig(h.kubeconfigPath);
    const applier = new ManifestApplier(kc, AbortSignal.timeout(30_000));
    for (const f of FILES) await applier.apply(f, parseManifest(f, readFileSync(path.join(RELEASES, f), 'utf8')), Date.now() + 30_000);
    await expect.poll(() => (h.getObject({ apiVersion: 'kubevirt.io/v1', kind: 'KubeVirt', namespace: 'kubevirt', name: 'kubevirt' })?.status as { phase?: string } | undefined)?.phase).toBe('Deployed');
    h.setDenials([{ verb: 'list', group: 'cdi.kubevirt.io', resource: 'cdis' }]);
    const job = new RunnerJob(bundle.dir, dir);
    try {
      const r = await job.run('setup-cluster', { engine: 'kubevirt', kubeconfig: h.kubeconfigPath, namespace: 'rv-least' });
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('CDI: installed (its readiness could not be read)');
      const warnings = r.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
      expect(warnings.some((w) => w.includes('CDI readiness cannot be read (list cdis.cdi.kubevirt.io is forbidden (403) for this kubeconfig)'))).toBe(true);
      expect(h.requests().some((q) => q.method === 'GET' && q.path === '/apis/cdi.kubevirt.io/v1beta1/cdis')).toBe(true);
    } finally {
      await job.finish();
    }
  });
});
