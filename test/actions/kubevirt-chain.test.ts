/**
 * The stage actions on the kubevirt engine: the bundled actions run the way the runner runs them (node
 * <bundle>/<action>/index.js, INPUT_*, GITHUB_OUTPUT/STATE/ENV/STEP_SUMMARY files, post steps with
 * their state) against the kube harness — an HTTPS Kubernetes API whose KubeVirt/CDI controllers
 * boot real QEMU guests. Nothing of ours is mocked; what cannot run here (a real cluster) is the
 * harness.
 *
 * - the stage chain, each step its own process, the VM kept by the cluster between them:
 *   setup-cluster → import-source → build-vm → provision → snapshot → publish-containerdisk (a real
 *   docker-registry, read back with skopeo); the snapshot is then booted locally and read over
 *   SSH, and the harness must hold nothing of the build after the post steps;
 * - the whole-build action with engine kubevirt and an inline kubeconfig (a secret), and killed
 *   outright (SIGKILL, the runner giving up) while its VM runs: the post step removes the run by its
 *   label;
 * - a failing provisioner in the chain: the post steps leave no object behind.
 * The last three run side by side (each in its own namespace) to keep the file's time down.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type ExpectStatic } from 'vitest';
import { ensureGuestImage } from '../fixtures/guest.js';
import { node24 } from '../helpers/node24.js';
import { requireTool, skopeo, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { KubeApi } from '../../src/engines/kubevirt/cluster/kube-api.js';
import { startKubeHarness, type KubeHarness } from '../kube-harness/index.js';
import { unmappedRequests } from '../helpers/api-call-coverage.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;
import { bundleActions, type Bundle } from './helpers/bundle.js';
import { RunnerJob, type StepResult } from './helpers/runner.js';
import { quickstartWorkspace, type Workspace } from './helpers/workspace.js';

const STEP_TIMEOUT = 8 * 60_000;

let bundle: Bundle;
let harness: KubeHarness;
let registry: TestRegistry;
let guestImage = '';
const cleanups: (() => unknown)[] = [];

function expectOk(step: StepResult, expectIn: ExpectStatic = expect): void {
  expectIn(step.exitCode, `${step.action} failed:\n${step.stdout}\n${step.stderr}`).toBe(0);
}

async function sha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(file)) h.update(c as Buffer);
  return h.digest('hex');
}

/**
 * Objects a test made still in the harness: everywhere, or in one namespace (the namespace itself
 * too when `withNamespace`). Events are the cluster's own record, not ours.
 */
async function leftovers(namespace?: string, withNamespace = false): Promise<string[]> {
  await harness.settled();
  return harness
    .leftovers()
    .filter((o) => namespace === undefined || o.namespace === namespace || (withNamespace && o.kind === 'Namespace' && o.name === namespace))
    .filter((o) => o.kind !== 'Event' && (withNamespace || !(o.kind === 'Namespace' && o.name === namespace)))
    .map((o) => `${o.kind} ${o.namespace ?? ''}/${o.name}`);
}

function workspace(name: string, edit: (vm: Record<string, unknown>) => void = () => {}): Workspace {
  const ws = quickstartWorkspace(`${name}-${process.pid}`, (vm) => {
    vm.source = { path: guestImage };
    edit(vm);
  });
  cleanups.push(() => ws.remove());
  return ws;
}

/** The objects of a kind in a namespace, as the API serves them. */
async function objectsOf(namespace: string, kind: string): Promise<Loose[]> {
  const api = new KubeApi(harness.kubeConfig());
  const path = kind === 'DataSource' ? `/apis/cdi.kubevirt.io/v1beta1/namespaces/${namespace}/datasources` : '';
  return (await api.json<{ items: Loose[] }>('GET', path, { signal: AbortSignal.timeout(10_000) })).items;
}

function job(ws: Workspace): RunnerJob {
  const j = new RunnerJob(bundle.dir, ws.dir);
  cleanups.push(() => j.finish());
  return j;
}

/** Boots a disk with the local engine (the bundled CLI) and prints what the build left in it. */
async function readBack(image: string): Promise<string> {
  const check = workspace('kv-proof', (vm) => {
    vm.source = { path: image };
    vm.bootCommand = ['<wait>', 'guest<enter>'];
    vm.provisioners = [{ type: 'shell', inline: ['sed "s/^/provisioned: /" /root/provisioned.txt', 'sed "s/^/motd: /" /etc/motd', 'echo "seeded-at: $(cat /etc/ruddervirt-seeded)"'] }];
    vm.output = { format: 'raw', compress: false };
  });
  const args = [path.join(bundle.dir, 'cli', 'index.js'), 'build', path.join(check.dir, check.buildFile), '--output', path.join(check.dir, 'out'), '--no-layer-cache'];
  const child = spawn(node24, args, { cwd: check.dir, env: { ...process.env, RUDDERVIRT_CACHE_DIR: path.join(check.dir, 'cache') }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.resume();
  const code = await new Promise<number>((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 128 : 1))));
  expect(code, stderr).toBe(0);
  return stderr;
}

beforeAll(async () => {
  for (const [tool, pkg] of [
    ['qemu-system-x86_64', 'qemu-system-x86'],
    ['qemu-img', 'qemu-utils'],
    ['skopeo', 'skopeo'],
  ] as const)
    requireTool(tool, pkg);
  bundle = bundleActions();
  guestImage = await ensureGuestImage();
  harness = await startKubeHarness();
  registry = await startRegistry();
}, 15 * 60_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await registry?.stop();
  await harness?.close();
  bundle?.remove();
});

describe('the stage actions on the kubevirt engine (kube harness, real QEMU guest, bundles run as the runner does)', () => {
  it(
    'setup-cluster → import-source → build-vm → provision → snapshot → publish-containerdisk; the image boots with the changes; nothing is left in the cluster',
    async () => {
      const ws = workspace('kvchain');
      const runner = job(ws);
      const namespace = `rv-chain-${process.pid}`;
      // The kubeconfig as a secret holds it: its content, not a path.
      const kubeconfig = readFileSync(harness.kubeconfigPath, 'utf8');

      const setup = await runner.run('setup-cluster', { engine: 'kubevirt', kubeconfig, namespace });
      expectOk(setup);
      expect(setup.outputs).toMatchObject({ engine: 'kubevirt', namespace });
      expect(setup.summary).toContain(`Namespace: \`${namespace}\` (created)`);
      // Masked the moment it was read, and only a 0600 file's path is handed on.
      expect(setup.masks).toContain(harness.token);
      const handedOn = runner.handoff() as { kubeconfig?: string };
      expect(handedOn.kubeconfig).toMatch(/ruddervirt\/secrets\/kubeconfig-[0-9a-f]{16}$/);
      expect(statSync(handedOn.kubeconfig!).mode & 0o777).toBe(0o600);
      // setup-cluster is the cluster admin's step; from here on the builder's (docs/rbac.yaml).
      harness.clearRequests();

      const imp = await runner.run('import-source', { 'build-file': ws.buildFile }, { timeoutMs: STEP_TIMEOUT });
      expectOk(imp);
      const run = (runner.handoff() as { kubevirtRun?: { id: string; namespace: string } }).kubevirtRun!;
      expect(run.namespace).toBe(namespace);
      expect(imp.outputs['source-reference']).toBe(`${namespace}/${ws.buildName}-base-guest-${run.id}-root`);
      expect(imp.outputs.digest).toBe(`sha256:${await sha256(guestImage)}`);
      expect(imp.stdout).toMatch(/upload: .*guest\.qcow2 \(\d+ bytes\) → DataVolume /);
      expect(imp.summary).toContain('uploaded into the cluster through CDI');
      // The source waits in the cluster for build-vm, in the run's root.
      expect(
        harness
          .objects()
          .filter((o) => o.namespace === namespace && o.kind === 'DataVolume')
          .map((o) => o.name),
      ).toEqual([`${ws.buildName}-base-guest-${run.id}-root`]);

      const boot = await runner.run('build-vm', { 'build-file': ws.buildFile }, { timeoutMs: STEP_TIMEOUT });
      expectOk(boot);
      const vmName = `${ws.buildName}-base-guest-${run.id}`;
      expect(boot.outputs['ssh-endpoint']).toBe(`vmi/${vmName}.${namespace}:22`);
      expect(boot.stdout).toMatch(/^::group::boot command$/m);
      expect(boot.stdout).toMatch(/http: files of base\/guest served by pod \S+ at [\d.]+:8080/);
      expect(boot.stdout).toMatch(/ssh: 127\.0\.0\.1:\d+ forwards to port 22 of base\/guest \(KubeVirt port-forward\)/);
      expect(boot.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain('rv-quickstart-pw');
      expect(boot.summary).toMatch(/\| base\/guest \| wait for ssh \| ✅ ok \|/);
      // build-vm's process is gone; the cluster keeps the VM running for the next steps.
      expect(harness.objects().some((o) => o.kind === 'VirtualMachineInstance' && o.name === vmName && !o.deleting)).toBe(true);
      expect(runner.handoff().vms['base/guest']!.state).toBe('running');

      const prov = await runner.run('provision', {}, { timeoutMs: STEP_TIMEOUT });
      expectOk(prov);
      expect(prov.stdout).toContain(`attached to VirtualMachine ${namespace}/${vmName} (running)`);
      expect(prov.outputs.provisioners).toBe('2');
      expect(prov.stdout).toMatch(/^::group::provision 1\/2: shell$/m);

      const snap = await runner.run('snapshot', {}, { timeoutMs: STEP_TIMEOUT });
      expectOk(snap);
      const image = snap.outputs.path!;
      expect(image).toBe(path.join(ws.dir, 'output', ws.buildName, 'base-guest.qcow2'));
      expect(snap.outputs.sha256).toBe(await sha256(image));
      expect(snap.outputs['disk-reference']).toBe(`file://${image}`);
      expect(snap.stdout).toMatch(/export: downloading (gzip|raw) from/);
      for (const phase of ['start vm', 'boot command', 'wait for ssh', 'provision 2/2: file', 'shutdown', 'export disk']) expect(snap.summary).toContain(`| ${phase} |`);
      // The disk left the cluster, so the run went with it.
      expect(snap.stdout).toMatch(new RegExp(`kubevirt: removed run ${run.id} from namespace ${namespace}`));
      // Every request of the stage actions is a row of the table of calls (api-calls.ts) that
      // docs/rbac.yaml is generated from: one missing there would be refused on a real cluster.
      expect(harness.requests().filter((r) => r.upgrade).length, 'websockets (VNC, port-forward) among the checked requests').toBeGreaterThan(0);
      expect(unmappedRequests(harness.requests()), 'requests outside src/engines/kubevirt/api-calls.ts (docs/rbac.yaml would refuse them)').toEqual([]);
      expect(await leftovers(namespace)).toEqual([]);

      const repo = `${registry.host}/ruddervirt/kvchain`;
      const pub = await runner.run('publish-containerdisk', { image: repo, tags: 'v1' }, { timeoutMs: STEP_TIMEOUT });
      expectOk(pub);
      expect(pub.outputs['image-ref']).toBe(`${repo}@${pub.outputs.digest}`);
      const inspected = JSON.parse(skopeo(['inspect', '--tls-verify=false', `docker://${repo}:v1`]).stdout) as { Digest: string };
      expect(inspected.Digest).toBe(pub.outputs.digest);

      const posts = await runner.runPosts();
      expect(posts.map((p) => p.action)).toEqual(['build-vm/post.js', 'setup-cluster/post.js']);
      for (const p of posts) expectOk(p);
      expect(posts[1]!.stdout).toContain(`deleted namespace ${namespace}`);
      expect(await leftovers()).toEqual([]);
      expect(existsSync(handedOn.kubeconfig!), 'the kubeconfig file written from the secret').toBe(false);
      // No step wrote the credential anywhere a person reads.
      for (const step of runner.steps) {
        expect(step.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain(harness.token);
        expect(step.summary).not.toContain(harness.token);
        expect(JSON.stringify(step.state)).not.toContain(harness.token);
      }

      // The proof is in the image: booted again on this machine, it shows the seed and the provisioners' changes.
      const proof = await readBack(image);
      expect(proof).toMatch(/provisioned: provisioned by ruddervirt on 6\./);
      expect(proof).toContain('provisioned: BUILD_NAME=quickstart');
      expect(proof).toContain('motd: Built by RudderVirt quickstart');
      expect(proof).toMatch(/seeded-at: \d{4}-\d\d-\d\dT/);
    },
    25 * 60_000,
  );
});

describe.concurrent('failures, and the whole-build action, side by side', () => {
  it(
    'a failing provisioner fails provision with the console in the summary; the post steps leave no object behind',
    async ({ expect }) => {
      const ws = workspace('kvfail', (vm) => {
        vm.provisioners = [{ type: 'shell', inline: ['echo about to fail', 'exit 3'] }];
      });
      const runner = job(ws);
      const namespace = `rv-fail-${process.pid}`;
      expectOk(await runner.run('setup-cluster', { engine: 'kubevirt', kubeconfig: harness.kubeconfigPath, namespace }), expect);
      // No import-source: build-vm starts the run itself.
      expectOk(await runner.run('build-vm', { 'build-file': ws.buildFile }, { timeoutMs: STEP_TIMEOUT }), expect);
      const prov = await runner.run('provision', {}, { timeoutMs: STEP_TIMEOUT });
      expect(prov.exitCode).toBe(1);
      expect(prov.stdout).toMatch(/about to fail/);
      expect(prov.stdout).toMatch(/^::error::.*exit status:? 3/m);
      expect(prov.summary).toContain('provisioning base/guest failed');
      expect(runner.handoff().vms['base/guest']!.state).toBe('failed');

      const posts = await runner.runPosts();
      for (const p of posts) expectOk(p, expect);
      expect(posts[0]!.stdout).toMatch(/kubevirt: removed run \w+ from namespace/);
      expect(await leftovers(namespace, true)).toEqual([]);
    },
    15 * 60_000,
  );

  it(
    'builds the quickstart in one step with an inline kubeconfig, keep-layers and a data-source; another runner with an empty cache reuses the kept layer; the post steps leave only the golden image',
    async ({ expect }) => {
      const ws = workspace('kvwhole');
      const runner = job(ws);
      const namespace = await harness.createNamespace(`rv-whole-${process.pid}`);
      const golden = 'kvwhole-golden,instancetype=u1.small,preference=alpine';
      const inputs = { 'build-file': ws.buildFile, engine: 'kubevirt', kubeconfig: readFileSync(harness.kubeconfigPath, 'utf8'), namespace, 'keep-layers': '1', 'data-source': golden };
      const r = await runner.run('build', inputs, { timeoutMs: STEP_TIMEOUT });
      expectOk(r, expect);
      expect(r.outputs.status).toBe('succeeded');
      const image = r.outputs.path!;
      expect(r.outputs.sha256).toBe(await sha256(image));
      expect(JSON.parse(readFileSync(r.outputs.manifest!, 'utf8')).build.engine).toBe('kubevirt');
      expect(r.summary).toMatch(/### RudderVirt build `kvwhole-\d+`: succeeded/);
      expect(r.summary).toContain(r.outputs.sha256);
      expect(r.stdout).toMatch(/kubevirt: removed the \d+ objects of run \w+/);
      expect(r.masks).toContain(harness.token);
      expect(r.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain(harness.token);
      expect(r.state.runId).toMatch(/^\w+$/);
      // keep-layers: the layer's output stays in the namespace; data-source: a DataSource points at it.
      expect(r.stdout).toMatch(/layer base: outputs kept in the cluster for later builds \(key [0-9a-f]{12}\)/);
      const goldenLine = new RegExp(`golden image: DataSource ${namespace}/kvwhole-golden → (VolumeSnapshot|DataVolume) ${namespace}/(\\S+) \\(Ready\\)`);
      const [, kind, source] = goldenLine.exec(r.stdout) ?? [];
      expect(kind, r.stdout).toBeDefined();

      const [post] = await runner.runPosts();
      expectOk(post!, expect);
      const expectGolden = async () => {
        const dataSource = harness.objects().find((o) => o.kind === 'DataSource' && o.namespace === namespace)!;
        expect(dataSource.name).toBe('kvwhole-golden');
        const full = await objectsOf(namespace, 'DataSource');
        expect(full[0]?.metadata.labels).toMatchObject({ 'instancetype.kubevirt.io/default-instancetype': 'u1.small', 'instancetype.kubevirt.io/default-preference': 'alpine' });
        expect(full[0]?.spec.source).toEqual(kind === 'VolumeSnapshot' ? { snapshot: { namespace, name: source } } : { pvc: { namespace, name: source } });
        expect(full[0]?.status.conditions[0]).toMatchObject({ type: 'Ready', status: 'True' });
      };
      await expectGolden();
      const kept = kind === 'VolumeSnapshot' ? [`VolumeSnapshot ${namespace}/${source}`] : [`DataVolume ${namespace}/${source}`, `PersistentVolumeClaim ${namespace}/${source}`];
      expect((await leftovers(namespace)).sort(), `${r.stdout}\n${post!.stdout}`).toEqual([`DataSource ${namespace}/kvwhole-golden`, ...kept].sort());

      // Another runner (a fresh job: empty layer cache, no Actions cache) builds the same file: the
      // kept layer is reused from the cluster, no VM boots, and the image comes out the same.
      const again = new RunnerJob(bundle.dir, ws.dir);
      cleanups.push(() => again.finish());
      const r2 = await again.run('build', inputs, { timeoutMs: STEP_TIMEOUT });
      expectOk(r2, expect);
      expect(r2.stdout).toMatch(/layer base: reused \(unchanged, key [0-9a-f]{12}\) from (VolumeSnapshot|DataVolume) /);
      expect(r2.stdout).toContain('layer base: fetching the kept output of guest from');
      expect(r2.stdout).not.toMatch(/vm base\/guest: running/);
      expect(r2.outputs.sha256).toBe(r.outputs.sha256);
      expect(r2.stdout).toContain(`golden image: still DataSource ${namespace}/kvwhole-golden → ${kind} ${namespace}/${source} (Ready)`);
      const [post2] = await again.runPosts();
      expectOk(post2!, expect);
      await expectGolden();
      expect((await leftovers(namespace)).sort()).toEqual([`DataSource ${namespace}/kvwhole-golden`, ...kept].sort());
      await harness.deleteNamespace(namespace);
    },
    20 * 60_000,
  );

  it(
    'the whole-build action killed outright while its VM runs: the post step removes the run by its label',
    async ({ expect }) => {
      const ws = workspace('kvkill', (vm) => {
        vm.bootWait = '30s';
      });
      const runner = job(ws);
      const namespace = await harness.createNamespace(`rv-kill-${process.pid}`);
      const r = await runner.run(
        'build',
        { 'build-file': ws.buildFile, engine: 'kubevirt', kubeconfig: harness.kubeconfigPath, namespace },
        { cancelWhen: /^\[guest\] ==> boot wait$/m, cancelSignal: 'SIGKILL', timeoutMs: STEP_TIMEOUT },
      );
      expect(r.exitCode).not.toBe(0);
      // Killed: no cleanup of its own ran, the VM is still there.
      expect(harness.objects().some((o) => o.namespace === namespace && o.kind === 'VirtualMachine')).toBe(true);
      const [post] = await runner.runPosts();
      expectOk(post!, expect);
      expect(post!.stdout).toMatch(new RegExp(`kubevirt: removed run ${r.state.runId} from namespace ${namespace}`));
      expect(await leftovers(namespace)).toEqual([]);
      await harness.deleteNamespace(namespace);
    },
    15 * 60_000,
  );
});
