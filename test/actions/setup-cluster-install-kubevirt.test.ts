/**
 * setup-cluster with `install-kubevirt: true`, run from its bundle as the runner runs it, installing
 * KubeVirt and CDI from release manifests served by a local HTTP server (a mirror, through the
 * kubevirt-release-url / cdi-release-url inputs: this machine has no network to reach GitHub's
 * release downloads). The manifests (test/fixtures/kubevirt-release) have the real files' shape.
 *
 * The Kubernetes API server and the KubeVirt/CDI operators cannot run here: the kube harness
 * started without KubeVirt and CDI (`installed: false`, through helpers/install-cluster.ts) stands
 * in for both, as every test name says: it serves a custom resource only once its CRD is
 * Established, records each request, and plays virt-operator and cdi-operator (Deploying, then
 * Deployed/Available: test/kube-harness/controllers/addon-operators.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/node24.js';
import { bundleActions, type Bundle } from './helpers/bundle.js';
import type { OperatorTimings } from '../kube-harness/controllers/addon-operators.js';
import { startInstallCluster, type InstallCluster } from './helpers/install-cluster.js';
import { RunnerJob } from './helpers/runner.js';

const RELEASES = path.join(repoRoot, 'test', 'fixtures', 'kubevirt-release');
const KUBEVIRT = { apiVersion: 'kubevirt.io/v1', kind: 'KubeVirt', namespace: 'kubevirt', name: 'kubevirt' };
const FILES = ['kubevirt/v1.9.0/kubevirt-operator.yaml', 'kubevirt/v1.9.0/kubevirt-cr.yaml', 'cdi/v1.66.0/cdi-operator.yaml', 'cdi/v1.66.0/cdi-cr.yaml'];

/** Every object of the four release files, in file order: what must be applied, once each. */
function releaseObjects(): Record<string, unknown>[] {
  return FILES.flatMap((f) =>
    parseAllDocuments(readFileSync(path.join(RELEASES, f), 'utf8'))
      .map((d) => d.toJS() as Record<string, unknown> | null)
      .filter((o): o is Record<string, unknown> => o !== null),
  );
}

interface Mirror {
  url: string;
  served: string[];
  close(): Promise<void>;
}

/** A static file server over test/fixtures/kubevirt-release, as a release mirror would be. */
async function startMirror(): Promise<Mirror> {
  const served: string[] = [];
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://mirror').pathname).replace(/^\/+/, '');
    served.push(rel);
    const file = path.join(RELEASES, rel);
    let text: string | undefined;
    try {
      text = file.startsWith(RELEASES + path.sep) ? readFileSync(file, 'utf8') : undefined;
    } catch {
      text = undefined;
    }
    res.writeHead(text === undefined ? 404 : 200, { 'content-type': text === undefined ? 'text/plain' : 'application/yaml' });
    res.end(text ?? 'Not Found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('setup-cluster install-kubevirt from a release mirror (kube harness without KubeVirt, playing the API server and operators: none can run here)', () => {
  let bundle: Bundle;
  let mirror: Mirror;
  let dir: string;
  const clusters: InstallCluster[] = [];

  beforeAll(async () => {
    bundle = bundleActions();
    mirror = await startMirror();
    dir = mkdtempSync(path.join(os.tmpdir(), 'rvtest-install-'));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clusters.map((c) => c.close()));
    await mirror?.close();
    bundle?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh cluster without KubeVirt, and a kubeconfig for it. */
  async function freshCluster(operators: OperatorTimings = {}): Promise<{ cluster: InstallCluster; kubeconfig: string }> {
    const cluster = await startInstallCluster({ operators });
    clusters.push(cluster);
    return { cluster, kubeconfig: cluster.kubeconfig };
  }

  const installInputs = (kubeconfig: string, extra: Record<string, string> = {}) => ({
    engine: 'kubevirt',
    kubeconfig,
    namespace: 'rv-install',
    'install-kubevirt': 'true',
    'kubevirt-release-url': `${mirror.url}/kubevirt/{version}`,
    'cdi-release-url': `${mirror.url}/cdi/{version}/`,
    // 30 s: progress is then checked every second.
    'install-timeout': '30s',
    ...extra,
  });

  it('node without KVM (harness): applies every document once in order, turns on useEmulation, waits until Deployed; a re-run installs nothing', async () => {
    const { cluster, kubeconfig } = await freshCluster();
    const job = new RunnerJob(bundle.dir, dir);
    try {
      const r = await job.run('setup-cluster', installInputs(kubeconfig), { env: { RUDDERVIRT_ACCEL: 'tcg' } });
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(r.outputs).toMatchObject({ engine: 'kubevirt', namespace: 'rv-install', accelerator: 'tcg' });

      // Downloaded from the mirror, {version} filled with the pinned releases.
      expect(mirror.served.slice(-4)).toEqual(FILES);

      // Each document applied once, in file order, server-side, with its body unchanged (a CRD
      // schema's x-kubernetes-* fields included).
      const expected = releaseObjects();
      expect(cluster.applies().map((a) => `${a.kind} ${a.name}`)).toEqual(expected.map((o) => `${String(o.kind)} ${String((o.metadata as { name: string }).name)}`));
      expect(cluster.applies().map((a) => a.body)).toEqual(expected);
      for (const a of cluster.applies()) {
        expect(a.method).toBe('PATCH');
        expect(a.contentType).toBe('application/apply-patch+yaml');
        expect(a.query).toMatchObject({ fieldManager: 'ruddervirt', force: 'true' });
      }
      expect(cluster.applies().find((a) => a.kind === 'ServiceAccount')?.namespace).toBe('kubevirt');
      expect(cluster.applies().find((a) => a.kind === 'CDI')?.path).toBe('/apis/cdi.kubevirt.io/v1beta1/cdis/cdi');

      // Each custom resource only after its CRD was Established.
      const seqOf = (kind: string) => cluster.applies().find((a) => a.kind === kind)!.seq;
      expect(seqOf('KubeVirt')).toBeGreaterThanOrEqual(cluster.establishedAt.get('kubevirts.kubevirt.io')!);
      expect(seqOf('CDI')).toBeGreaterThanOrEqual(cluster.establishedAt.get('cdis.cdi.kubevirt.io')!);

      // useEmulation merge-patched once, on the KubeVirt resource the CR file created.
      expect(cluster.mergePatches()).toHaveLength(1);
      expect(cluster.mergePatches()[0]).toMatchObject({
        path: '/apis/kubevirt.io/v1/namespaces/kubevirt/kubevirts/kubevirt',
        body: { spec: { configuration: { developerConfiguration: { useEmulation: true } } } },
      });
      expect(cluster.mergePatches()[0]!.seq).toBeGreaterThan(seqOf('KubeVirt'));
      expect(cluster.harness.getObject(KUBEVIRT)).toMatchObject({
        spec: { imagePullPolicy: 'IfNotPresent', configuration: { developerConfiguration: { useEmulation: true } } },
        status: { phase: 'Deployed' },
      });

      // It waited through Deploying until Deployed, then checked and created the namespace.
      expect(cluster.kubevirtPhases).toContain('Deploying');
      expect(r.stdout).toMatch(/KubeVirt phase Deploying/);
      expect(r.stdout).toContain('installed: KubeVirt phase Deployed, CDI available');
      expect(r.stdout).toContain('KubeVirt: Deployed (software emulation)');
      expect(cluster.namespaces()).toContain('rv-install');
      expect(r.summary).toContain('Namespace: `rv-install` (created)');

      // A second run on the cluster that now has KubeVirt and CDI installs nothing.
      const downloads = mirror.served.length;
      const writes = cluster.applies().length + cluster.mergePatches().length;
      const again = await job.run('setup-cluster', installInputs(kubeconfig), { env: { RUDDERVIRT_ACCEL: 'tcg' } });
      expect(again.exitCode, again.stdout + again.stderr).toBe(0);
      expect(again.outputs).toMatchObject({ engine: 'kubevirt', namespace: 'rv-install' });
      expect(mirror.served.length).toBe(downloads);
      expect(cluster.applies().length + cluster.mergePatches().length).toBe(writes);
      expect(again.stdout).not.toContain('applied ');

      const posts = await job.runPosts();
      expect(
        posts.every((p) => p.exitCode === 0),
        posts.map((p) => p.stdout).join('\n'),
      ).toBe(true);
      await expect.poll(() => cluster.namespaces()).not.toContain('rv-install');
    } finally {
      await job.finish();
    }
  });

  it('node with KVM (harness): installs without useEmulation', async () => {
    const { cluster, kubeconfig } = await freshCluster();
    const job = new RunnerJob(bundle.dir, dir);
    try {
      const r = await job.run('setup-cluster', installInputs(kubeconfig), { env: { RUDDERVIRT_ACCEL: 'kvm' } });
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(r.outputs).toMatchObject({ engine: 'kubevirt', namespace: 'rv-install', accelerator: 'kvm' });
      expect(cluster.applies()).toHaveLength(releaseObjects().length);
      expect(cluster.mergePatches()).toEqual([]);
      const kv = cluster.harness.getObject(KUBEVIRT) as unknown as { spec: { configuration: { developerConfiguration: Record<string, unknown> } } };
      expect(kv.spec.configuration.developerConfiguration).not.toHaveProperty('useEmulation');
      expect(r.stdout).toContain('KubeVirt: Deployed\n');
    } finally {
      await job.finish();
    }
  });

  it('a release file the mirror does not have (harness): fails with an error naming the URL', async () => {
    const { cluster, kubeconfig } = await freshCluster();
    const job = new RunnerJob(bundle.dir, dir);
    try {
      const r = await job.run('setup-cluster', installInputs(kubeconfig, { 'cdi-version': 'v9.9.9' }), { env: { RUDDERVIRT_ACCEL: 'kvm' } });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toContain(`::error::downloading ${mirror.url}/cdi/v9.9.9/cdi-operator.yaml failed: HTTP 404 Not Found`);
      expect(cluster.applies().some((a) => a.kind === 'CDI' || a.name === 'cdi')).toBe(false);
      expect(r.outputs).toEqual({});
    } finally {
      await job.finish();
    }
  });

  it('operators that never finish (harness): fails at the install timeout saying where they got', async () => {
    const { cluster, kubeconfig } = await freshCluster({ kubevirtDeployMs: Infinity });
    const job = new RunnerJob(bundle.dir, dir);
    try {
      const r = await job.run('setup-cluster', installInputs(kubeconfig, { 'install-timeout': '3s' }), { env: { RUDDERVIRT_ACCEL: 'kvm' } });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/^::error::KubeVirt and CDI were not ready within the install timeout \(3s\): KubeVirt phase Deploying, CDI available; raise install-timeout/m);
      // virt-operator took the resource and never got further, and the install kept reading it.
      expect(cluster.kubevirtPhases.filter((p) => p !== '')).toEqual(['Deploying']);
      expect(cluster.harness.getObject(KUBEVIRT)?.status).toMatchObject({ phase: 'Deploying' });
      expect(cluster.harness.requests().filter((q) => q.method === 'GET' && q.path === '/apis/kubevirt.io/v1/namespaces/kubevirt/kubevirts/kubevirt').length).toBeGreaterThan(3);
    } finally {
      await job.finish();
    }
  });

  it('a release URL that is not http(s) (harness, never called): fails naming the input before touching the cluster', async () => {
    const { cluster, kubeconfig } = await freshCluster();
    const job = new RunnerJob(bundle.dir, dir);
    try {
      const r = await job.run('setup-cluster', installInputs(kubeconfig, { 'kubevirt-release-url': 'ftp://mirror.example/kubevirt/{version}' }));
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toContain("::error::input 'kubevirt-release-url': expected an http:// or https:// URL, got 'ftp://mirror.example/kubevirt/{version}'");
      expect(cluster.harness.requests()).toEqual([]);
    } finally {
      await job.finish();
    }
  });
});
