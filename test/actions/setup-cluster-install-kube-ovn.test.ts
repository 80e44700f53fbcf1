/**
 * setup-cluster with `install-kube-ovn: true` (the kubevirt-e2e workflow's module case), run from
 * its bundle as the runner runs it, on a cluster made without a CNI.
 *
 * What cannot run here is mocked and named so: the Kubernetes API server, kube-ovn-controller,
 * kube-ovn-cni, the DaemonSet controller and KubeVirt's and CDI's operators (the kube harness
 * started with `installed: false, cni: false`, through helpers/install-cluster.ts, which plays
 * them: its node NotReady until Kube-OVN's types are served, Subnet ovn-default Ready a moment
 * after kube-ovn-controller made it, DaemonSets rolled out a moment after they were created —
 * test/kube-harness/controllers/addon-operators.ts); and Helm with the Kube-OVN chart (no chart
 * repository is reachable): a mock `helm` on PATH that records its arguments and applies the
 * chart's Vpc and Subnet CRDs (test/fixtures/kubevirt-release/kube-ovn/crds.yaml) the way the
 * chart would. Multus's release file comes from a local mirror of
 * test/fixtures/kubevirt-release (the multus-release-url input), as install-kubevirt's do.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { node24, repoRoot } from '../helpers/node24.js';
import { bundleActions, type Bundle } from './helpers/bundle.js';
import type { OperatorTimings } from '../kube-harness/controllers/addon-operators.js';
import { NODE_NAME } from '../kube-harness/controllers/pod-runtime.js';
import { startInstallCluster, type InstallCluster } from './helpers/install-cluster.js';
import { RunnerJob } from './helpers/runner.js';

const RELEASES = path.join(repoRoot, 'test', 'fixtures', 'kubevirt-release');
const CHART_REPO = 'https://charts.mirror.example/kube-ovn/';

/** A static file server over test/fixtures/kubevirt-release, as a release mirror would be. */
async function startMirror(): Promise<{ url: string; served: string[]; close(): Promise<void> }> {
  const served: string[] = [];
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://mirror').pathname).replace(/^\/+/, '');
    served.push(rel);
    const file = path.join(RELEASES, rel);
    const ok = file.startsWith(RELEASES + path.sep) && existsSync(file);
    res.writeHead(ok ? 200 : 404, { 'content-type': ok ? 'application/yaml' : 'text/plain' });
    res.end(ok ? readFileSync(file, 'utf8') : 'Not Found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, served, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * The mock helm: appends its arguments to calls.jsonl; on `upgrade --install` applies the chart's
 * CRDs server-side (field manager helm) to the API server of the kubeconfig it was given, unless
 * MOCK_HELM_FAIL says to fail as Helm does when --wait runs out.
 */
function writeMockHelm(binDir: string, cluster: InstallCluster): string {
  mkdirSync(binDir, { recursive: true });
  const calls = path.join(binDir, 'calls.jsonl');
  const script = `#!${node24}
// Mock helm (test/actions/setup-cluster-install-kube-ovn.test.ts): no chart repository is reachable here.
const fs = require('node:fs');
const https = require('node:https');
const { parseAllDocuments } = require(${JSON.stringify(path.join(repoRoot, 'node_modules', 'yaml'))});
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(calls)}, JSON.stringify(args) + '\\n');
(async () => {
  if (process.env.MOCK_HELM_FAIL) {
    process.stderr.write('Error: INSTALLATION FAILED: context deadline exceeded\\n');
    process.exit(1);
  }
  const docs = parseAllDocuments(fs.readFileSync(${JSON.stringify(path.join(RELEASES, 'kube-ovn', 'crds.yaml'))}, 'utf8')).map((d) => d.toJS()).filter(Boolean);
  const apply = (crd) => new Promise((resolve, reject) => {
    const req = https.request(${JSON.stringify(cluster.harness.url)} + '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/' + crd.metadata.name + '?fieldManager=helm', {
      method: 'PATCH',
      ca: ${JSON.stringify(cluster.harness.caCert)},
      headers: { authorization: 'Bearer ${cluster.harness.token}', 'content-type': 'application/apply-patch+yaml' },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', reject);
    req.end(JSON.stringify(crd));
  });
  for (const crd of docs) {
    const status = await apply(crd);
    if (status >= 300) { process.stderr.write('apply ' + crd.metadata.name + ': ' + status + '\\n'); process.exit(1); }
  }
  process.stdout.write('Release "kubeovn" does not exist. Installing it now.\\nSTATUS: deployed\\n');
})();
`;
  const helm = path.join(binDir, 'helm');
  writeFileSync(helm, script);
  chmodSync(helm, 0o755);
  return calls;
}

const helmCalls = (file: string): string[][] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as string[])
    : [];

describe('setup-cluster install-kube-ovn on a cluster without a CNI (kube harness without add-ons playing kube-ovn-controller, kube-ovn-cni, the DaemonSet controller and the operators; mock helm: none can run here)', () => {
  let bundle: Bundle;
  let mirror: Awaited<ReturnType<typeof startMirror>>;
  let dir: string;
  const clusters: InstallCluster[] = [];

  beforeAll(async () => {
    bundle = bundleActions();
    mirror = await startMirror();
    dir = mkdtempSync(path.join(os.tmpdir(), 'rvtest-kube-ovn-'));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clusters.map((c) => c.close()));
    await mirror?.close();
    bundle?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function freshCluster(name: string, operators: OperatorTimings = {}): Promise<{ cluster: InstallCluster; kubeconfig: string; bin: string; calls: string }> {
    const cluster = await startInstallCluster({ cni: false, operators });
    clusters.push(cluster);
    const bin = path.join(dir, `${name}-bin`);
    return { cluster, kubeconfig: cluster.kubeconfig, bin, calls: writeMockHelm(bin, cluster) };
  }

  const inputs = (kubeconfig: string, extra: Record<string, string> = {}) => ({
    engine: 'kubevirt',
    kubeconfig,
    namespace: 'rv-module',
    'install-kube-ovn': 'true',
    'kube-ovn-chart-repo': CHART_REPO,
    'multus-release-url': `${mirror.url}/multus/{version}`,
    'install-kubevirt': 'true',
    'kubevirt-release-url': `${mirror.url}/kubevirt/{version}`,
    'cdi-release-url': `${mirror.url}/cdi/{version}`,
    'install-timeout': '30s',
    ...extra,
  });
  const withHelm = (bin: string, extra: Record<string, string> = {}) => ({ env: { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, RUDDERVIRT_ACCEL: 'kvm', ...extra } });

  it('labels the control plane, installs the pinned chart with helm and Multus with pinned images, waits until ready, then KubeVirt and CDI; a re-run installs nothing', async () => {
    const { cluster, kubeconfig, bin, calls } = await freshCluster('fresh');
    const job = new RunnerJob(bundle.dir, dir);
    try {
      const r = await job.run('setup-cluster', inputs(kubeconfig), withHelm(bin));
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);

      // The node for OVN's central database is labelled before the chart (whose templates look it up) is installed.
      const label = cluster.mergePatches().find((p) => p.path === `/api/v1/nodes/${NODE_NAME}`);
      expect(label?.body).toEqual({ metadata: { labels: { 'kube-ovn/role': 'master' } } });
      const chartApplies = cluster.applies().filter((a) => a.query.fieldManager === 'helm');
      expect(chartApplies.map((a) => a.name)).toEqual(['vpcs.kubeovn.io', 'subnets.kubeovn.io']);
      expect(label!.seq).toBeLessThan(chartApplies[0]!.seq);

      // Helm: the pinned chart from the given repository, upgrade --install (re-runnable), --wait within install-timeout, our kubeconfig.
      expect(helmCalls(calls)).toEqual([
        ['upgrade', '--install', 'kubeovn', 'kube-ovn', '--repo', CHART_REPO, '--version', 'v1.16.2', '--namespace', 'kube-system', '--wait', '--timeout', '30s', '--kubeconfig', kubeconfig],
      ]);

      // Multus: its release file from the mirror, applied in file order, images pinned to the release.
      expect(mirror.served).toContain('multus/v4.2.4/multus-daemonset-thick.yml');
      const multus = cluster.applies().filter((a) => a.query.fieldManager === 'ruddervirt' && ['network-attachment-definitions.k8s.cni.cncf.io', 'multus', 'multus-daemon-config', 'kube-multus-ds'].includes(a.name));
      expect(multus.map((a) => `${a.kind} ${a.name}`)).toEqual([
        'CustomResourceDefinition network-attachment-definitions.k8s.cni.cncf.io',
        'ClusterRole multus',
        'ClusterRoleBinding multus',
        'ServiceAccount multus',
        'ConfigMap multus-daemon-config',
        'DaemonSet kube-multus-ds',
      ]);
      const ds = multus.at(-1)!.body as { spec: { template: { spec: { containers: { image: string }[]; initContainers: { image: string }[] } } } };
      expect([...ds.spec.template.spec.initContainers, ...ds.spec.template.spec.containers].map((c) => c.image)).toEqual([
        'ghcr.io/k8snetworkplumbingwg/multus-cni:v4.2.4-thick',
        'ghcr.io/k8snetworkplumbingwg/multus-cni:v4.2.4-thick',
      ]);

      // It waited for readiness (the default subnet and the DaemonSet came up after a few reads), and only then installed KubeVirt.
      expect(r.stdout).toMatch(/waiting: .*(Subnet ovn-default is not Ready|DaemonSet kube-system\/kube-multus-ds: 0 of 1 pods available)/);
      expect(r.stdout).toContain('Kube-OVN and Multus ready (Subnet ovn-default Ready, kube-multus-ds rolled out, nodes Ready)');
      // The node it started NotReady (no CNI) is Ready now: kube-ovn-cni's part, played.
      const node = cluster.harness.getObject({ apiVersion: 'v1', kind: 'Node', name: NODE_NAME }) as unknown as { status: { conditions: { type: string; status: string }[] } };
      expect(node.status.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }));
      const kubevirtOperator = cluster.applies().find((a) => a.kind === 'Namespace' && a.name === 'kubevirt')!;
      expect(kubevirtOperator.seq).toBeGreaterThan(multus.at(-1)!.seq);
      expect(r.stdout).toContain('installed: KubeVirt phase Deployed, CDI available');
      expect(r.stdout).toContain('Kube-OVN VPCs: yes');

      // Again on the same cluster: nothing installed, helm not run.
      const writes = cluster.applies().length + cluster.mergePatches().length;
      const again = await job.run('setup-cluster', inputs(kubeconfig), withHelm(bin));
      expect(again.exitCode, again.stdout + again.stderr).toBe(0);
      expect(helmCalls(calls)).toHaveLength(1);
      expect(cluster.applies().length + cluster.mergePatches().length).toBe(writes);
      expect(again.stdout).toContain('Kube-OVN: installed already (kubeovn.io is served); not installing it');
      expect(again.stdout).toContain('Multus: installed already (k8s.cni.cncf.io is served); not installing it');
    } finally {
      await job.finish();
    }
  });

  it('without helm on PATH: fails saying so, before changing the cluster', async () => {
    const { cluster, kubeconfig } = await freshCluster('no-helm');
    const job = new RunnerJob(bundle.dir, dir);
    try {
      const r = await job.run('setup-cluster', inputs(kubeconfig), { env: { RUDDERVIRT_ACCEL: 'kvm' } });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toContain('::error::install-kube-ovn needs helm on PATH to install the Kube-OVN chart');
      expect(cluster.applies()).toEqual([]);
      expect(cluster.mergePatches()).toEqual([]);
      // Nothing written at all (reads and access reviews only).
      expect(cluster.harness.requests().filter((q) => q.method !== 'GET' && !q.path.endsWith('/selfsubjectaccessreviews'))).toEqual([]);
    } finally {
      await job.finish();
    }
  });

  it('helm failing: fails with what helm said, installs neither Multus nor KubeVirt', async () => {
    const { cluster, kubeconfig, bin } = await freshCluster('helm-fails');
    const job = new RunnerJob(bundle.dir, dir);
    try {
      const r = await job.run('setup-cluster', inputs(kubeconfig), withHelm(bin, { MOCK_HELM_FAIL: '1' }));
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/^::error::installing Kube-OVN v1\.16\.2 with helm failed \(exit 1\): Error: INSTALLATION FAILED: context deadline exceeded$/m);
      expect(cluster.applies()).toEqual([]);
    } finally {
      await job.finish();
    }
  });

  it('a default subnet that never gets Ready: fails at the install timeout saying what it waited for', async () => {
    const { cluster, kubeconfig, bin } = await freshCluster('stuck', { subnetReadyMs: Infinity });
    const job = new RunnerJob(bundle.dir, dir);
    try {
      const r = await job.run('setup-cluster', inputs(kubeconfig, { 'install-timeout': '3s' }), withHelm(bin));
      expect(r.exitCode).toBe(1);
      // The DaemonSet may not have come up yet either when the time is up (a slow machine): named too then.
      expect(r.stdout).toMatch(
        /^::error::Kube-OVN and Multus were not ready within the install timeout \(3s\): Subnet ovn-default is not Ready(; DaemonSet kube-system\/kube-multus-ds: 0 of 1 pods available)?; raise install-timeout/m,
      );
      expect(cluster.applies().some((a) => a.kind === 'KubeVirt')).toBe(false);
    } finally {
      await job.finish();
    }
  });
});
