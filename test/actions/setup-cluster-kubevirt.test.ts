/**
 * setup-cluster with engine: kubevirt, run from its bundle against a fake Kubernetes API server
 * (no API server can run on this machine; the project's kube harness is the fuller stand-in). The
 * fake answers what the action asks — /version, API discovery, the KubeVirt resource, namespaces — and
 * records the calls, so the test sees the real @kubernetes/client-node requests the bundle makes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleActions, type Bundle } from './helpers/bundle.js';
import { RunnerJob } from './helpers/runner.js';

interface FakeCluster {
  url: string;
  /** API groups served (what discovery at /apis lists). */
  groups: Set<string>;
  kubevirtPhase: string | undefined;
  namespaces: Set<string>;
  calls: string[];
  close(): Promise<void>;
}

async function startFakeKubeApi(): Promise<FakeCluster> {
  const cluster: Omit<FakeCluster, 'url' | 'close'> = {
    groups: new Set(['kubevirt.io', 'cdi.kubevirt.io', 'export.kubevirt.io']),
    kubevirtPhase: 'Deployed',
    namespaces: new Set(['default']),
    calls: [],
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      cluster.calls.push(`${req.method} ${url.pathname}`);
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      const notFound = () => send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
      if (req.headers.authorization !== 'Bearer test-token') return send(401, { kind: 'Status', code: 401, reason: 'Unauthorized' });
      if (url.pathname === '/version') return send(200, { major: '1', minor: '34', gitVersion: 'v1.34.1' });
      if (url.pathname === '/api') return send(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
      if (url.pathname === '/apis') {
        const version = (g: string) => ({ groupVersion: `${g}/${g === 'cdi.kubevirt.io' ? 'v1beta1' : 'v1'}`, version: g === 'cdi.kubevirt.io' ? 'v1beta1' : 'v1' });
        return send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [...cluster.groups].map((g) => ({ name: g, versions: [version(g)], preferredVersion: version(g) })) });
      }
      if (url.pathname === '/apis/kubevirt.io/v1/kubevirts') {
        const items = cluster.kubevirtPhase
          ? [
              {
                apiVersion: 'kubevirt.io/v1',
                kind: 'KubeVirt',
                metadata: { name: 'kubevirt', namespace: 'kubevirt' },
                spec: { configuration: { developerConfiguration: { useEmulation: true } } },
                status: { phase: cluster.kubevirtPhase },
              },
            ]
          : [];
        return send(200, { apiVersion: 'kubevirt.io/v1', kind: 'KubeVirtList', metadata: {}, items });
      }
      if (req.method === 'POST' && url.pathname === '/api/v1/namespaces') {
        const name = (JSON.parse(body) as { metadata: { name: string } }).metadata.name;
        if (cluster.namespaces.has(name)) return send(409, { kind: 'Status', code: 409, reason: 'AlreadyExists' });
        cluster.namespaces.add(name);
        return send(201, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      }
      const ns = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'DELETE' && ns) {
        if (!cluster.namespaces.delete(ns[1]!)) return notFound();
        return send(200, { kind: 'Status', status: 'Success' });
      }
      notFound();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return Object.assign(cluster, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
}

describe('setup-cluster on the kubevirt engine (fake Kubernetes API)', () => {
  let bundle: Bundle;
  let cluster: FakeCluster;
  let dir: string;
  let kubeconfig: string;

  beforeAll(async () => {
    bundle = bundleActions();
    cluster = await startFakeKubeApi();
    dir = mkdtempSync(path.join(os.tmpdir(), 'rvtest-kube-'));
    kubeconfig = path.join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{ name: fake, cluster: { server: "' + cluster.url + '", insecure-skip-tls-verify: true } }]',
        'users: [{ name: ci, user: { token: test-token } }]',
        'contexts: [{ name: fake, context: { cluster: fake, user: ci } }]',
        'current-context: fake',
        '',
      ].join('\n'),
    );
  }, 120_000);

  afterAll(async () => {
    await cluster.close();
    bundle.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('checks the cluster, creates the namespace, hands over, and the post step deletes it', async () => {
    const job = new RunnerJob(bundle.dir, dir);
    try {
      const r = await job.run('setup-cluster', { engine: 'kubevirt', kubeconfig, namespace: 'rv-build-1' });
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(r.outputs).toMatchObject({ engine: 'kubevirt', namespace: 'rv-build-1', accelerator: 'tcg' });
      expect(cluster.namespaces.has('rv-build-1')).toBe(true);
      expect(r.stdout).toContain('KubeVirt: Deployed (software emulation)');
      expect(r.stdout).toContain('VolumeSnapshots: no (snapshots fall back to PVC clones)');
      expect(r.summary).toContain('Namespace: `rv-build-1` (created)');
      expect(job.handoff()).toMatchObject({ engine: 'kubevirt', namespace: 'rv-build-1', kubeconfig });
      const [post] = await job.runPosts();
      expect(post!.exitCode, post!.stdout).toBe(0);
      expect(cluster.namespaces.has('rv-build-1')).toBe(false);
      expect(cluster.calls).toContain('DELETE /api/v1/namespaces/rv-build-1');
    } finally {
      await job.finish();
    }
  });

  it('keeps a namespace it did not create, and fails clearly on a cluster without KubeVirt', async () => {
    const job = new RunnerJob(bundle.dir, dir);
    try {
      const r = await job.run('setup-cluster', { engine: 'kubevirt', kubeconfig, namespace: 'default' });
      expect(r.exitCode, r.stdout).toBe(0);
      const [post] = await job.runPosts();
      expect(post!.exitCode).toBe(0);
      expect(cluster.namespaces.has('default')).toBe(true);

      cluster.groups.delete('kubevirt.io');
      cluster.groups.delete('cdi.kubevirt.io');
      const bad = await job.run('setup-cluster', { engine: 'kubevirt', kubeconfig });
      expect(bad.exitCode).toBe(1);
      expect(bad.stdout).toMatch(/^::error::this cluster cannot run builds yet: KubeVirt is not installed \(set install-kubevirt: true, or install it first\); CDI .* is not installed$/m);
    } finally {
      cluster.groups.add('kubevirt.io');
      cluster.groups.add('cdi.kubevirt.io');
      await job.finish();
    }
  });
});
