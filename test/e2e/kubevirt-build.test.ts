/**
 * The kubevirt engine end to end: the bundled CLI builds the quickstart with --engine kubevirt
 * against the kube harness (a Kubernetes API server whose KubeVirt/CDI controllers boot a real
 * QEMU guest), with the fault switch on (500s and 409s on first tries, watches cut short):
 * upload of the local disk through CDI's upload proxy → VM → boot command over KubeVirt's VNC
 * websocket → seed fetched from the file-server pod → SSH over KubeVirt's port-forward →
 * provisioners → shutdown → output kept → export → download → compressed qcow2. The image is then
 * verified on KubeVirt too (ruddervirt verify --engine kubevirt: uploaded again, booted as a new VM,
 * its checks read over SSH what the build left), and the harness must hold no object of either run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureGuestImage } from '../fixtures/guest.js';
import { node24, repoRoot } from '../helpers/node24.js';
import { freshBundle } from '../helpers/fresh-bundle.js';
import { e2eCluster, type E2eCluster } from './helpers/e2e-cluster.js';
import { quickstartVariant } from './helpers/cli-build.js';
import { unmappedRequests } from '../helpers/api-call-coverage.js';
import type { LoggedRequest } from '../kube-harness/request-log.js';

const BUILD_TIMEOUT = 12 * 60_000;
const FAULTS = { serverErrors: 1, conflicts: 1, conflictVerbs: ['create', 'delete'] as ('create' | 'delete')[], dropWatchesAfterEvents: 3 };

let guestImage = '';
let bundleDir = '';
let cacheDir = '';
let cluster: E2eCluster;
let namespace = '';
const cleanupDirs: string[] = [];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** What the harness recorded during the run (undefined on a real cluster). */
  requests?: LoggedRequest[];
}

/** Starts the bundled CLI; `until` lets a test act when the log shows something (SIGINT). */
function startCli(args: string[], until?: { pattern: RegExp; then: (child: ChildProcess) => void }): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(node24, [path.join(bundleDir, 'cli', 'index.js'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, RUDDERVIRT_CACHE_DIR: cacheDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run: Run = { code: -1, stdout: '', stderr: '' };
    let acted = false;
    child.stdout.on('data', (c: Buffer) => (run.stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      run.stderr += c.toString();
      if (until && !acted && until.pattern.test(run.stderr)) {
        acted = true;
        until.then(child);
      }
    });
    child.on('exit', (code, signal) => resolve({ ...run, code: code ?? (signal ? 128 : 1) }));
  });
}

/**
 * Runs the CLI, keeping the requests it made (the harness records them; the test's own calls,
 * namespaces and leftovers, come before and after this window).
 */
async function runCli(args: string[], until?: Parameters<typeof startCli>[1]): Promise<Run> {
  cluster.harness?.clearRequests();
  const run = await startCli(args, until);
  return { ...run, ...(cluster.harness ? { requests: cluster.harness.requests() } : {}) };
}

/**
 * Every request of the run is a row of the table of calls (api-calls.ts), which docs/rbac.yaml is
 * generated from: a call missing there is one the shipped least-privilege roles would refuse on a
 * real cluster.
 */
function expectOnlyTableCalls(run: Run): void {
  if (!run.requests) return;
  expect(run.requests.length, 'the harness recorded the run').toBeGreaterThan(0);
  expect(unmappedRequests(run.requests), 'requests outside src/engines/kubevirt/api-calls.ts (docs/rbac.yaml would refuse them)').toEqual([]);
}

function kubevirtArgs(file: string, out: string): string[] {
  return ['build', file, '--engine', 'kubevirt', '--kubeconfig', cluster.kubeconfigPath, '--namespace', namespace, '--output', out, '--no-layer-cache'];
}

/**
 * Nothing the build made is left in the cluster: not in its namespace, not cluster-wide. Events
 * are the cluster's own record of what happened (controllers write them; they expire with the
 * API server's event TTL), not objects of the build.
 */
async function expectNothingLeft(): Promise<void> {
  expect(await cluster.leftovers(namespace)).toEqual([]);
}

describe('ruddervirt build --engine kubevirt (kube harness, real QEMU guest, faults on)', () => {
  beforeAll(async () => {
    guestImage = await ensureGuestImage();
    bundleDir = freshBundle().dir;
    cacheDir = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-kv-cache-'));
    cleanupDirs.push(cacheDir);
    // A real cluster when RUDDERVIRT_E2E_KUBECONFIG names one (the kubevirt-e2e workflow), else the harness with faults on.
    cluster = await e2eCluster({ faults: FAULTS });
    namespace = await cluster.createNamespace('rv-e2e');
  }, 15 * 60_000);

  afterAll(async () => {
    if (cluster && namespace) await cluster.deleteNamespace(namespace).catch(() => undefined);
    await cluster?.close();
    for (const d of cleanupDirs) rmSync(d, { recursive: true, force: true });
  });

  it(
    'builds the quickstart on KubeVirt; the image holds the seed and the provisioners’ changes; nothing is left in the cluster',
    async () => {
      const { file, dir } = quickstartVariant('kv-e2e', guestImage, (vm) => {
        // The password the build's seed set is on the disk: the verify boot needs no seed.
        // The verify boot also waits on the serial console after typing, so that text can only
        // have come through the `console` subresource websocket (the recorder reads the launcher's
        // console log once, when the stream opens, before the guest was told to boot).
        vm.verify = {
          bootCommand: ["<waitSerial 'boot:'>", 'guest<enter>', "<waitSerial 'guest: ssh ready'>"],
          checks: ['echo "seeded-at: $(cat /etc/ruddervirt-seeded)"', 'sed "s/^/provisioned: /" /root/provisioned.txt', { name: 'motd', run: 'sed "s/^/motd: /" /etc/motd' }],
        };
      });
      cleanupDirs.push(dir);
      const out = path.join(dir, 'out');
      const run = await runCli([...kubevirtArgs(file, out), '--verbose']);
      expect(run.code, run.stderr).toBe(0);
      expectOnlyTableCalls(run);
      // The websockets (VNC, port-forward, console) are in what was checked.
      if (run.requests) expect(run.requests.filter((r) => r.upgrade).length).toBeGreaterThan(0);

      const image = run.stdout.trim().split('\n').at(-1)!;
      expect(image).toBe(path.join(out, 'base-guest.qcow2'));
      const [sum] = readFileSync(`${image}.sha256`, 'utf8').trim().split(/\s+/);
      const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
      expect(manifest.status).toBe('succeeded');
      expect(manifest.build.engine).toBe('kubevirt');
      expect(manifest.outputs[0].sha256).toBe(sum);
      const info = JSON.parse(spawnSync('qemu-img', ['info', '--output=json', image], { encoding: 'utf8' }).stdout) as { format: string };
      expect(info.format).toBe('qcow2');

      // Each step of the issue, as the log tells it.
      expect(run.stderr).toMatch(/kubevirt: cluster https:\/\/127\.0\.0\.1:\d+ \(kubeconfig /);
      expect(run.stderr).toMatch(/upload: .*guest\.qcow2 \(\d+ bytes\) → DataVolume kv-e2e-base-guest-\w+-root/);
      expect(run.stderr).toMatch(/root disk of base\/guest .*\(Succeeded\)/);
      expect(run.stderr).toMatch(/http: files of base\/guest served by pod kv-e2e-base-guest-\w+-http at [\d.]+:8080/);
      expect(run.stderr).toMatch(/vm base\/guest: running/);
      expect(run.stderr).toMatch(/boot command: element 2\/2 typed/);
      expect(run.stderr).toMatch(/ssh: 127\.0\.0\.1:\d+ forwards to port 22 of base\/guest \(KubeVirt port-forward\)/);
      // No Ingress for virt-exportproxy (as on kind): KubeVirt publishes no external links
      // (kubevirt/kubevirt pkg/storage/export/export/links.go, v1.9.0), so the disk comes through a port-forward.
      expect(run.stderr).toMatch(/export: downloading (gzip|raw) from virt-export-[\w-]+\.[\w-]+\.svc through a port-forward to pod [\w-]+\/virt-export-/);
      expect(run.stderr).toMatch(/kubevirt: removed the \d+ objects of run \w+/);
      expect(run.stderr).not.toContain('rv-quickstart-pw');
      // The fault switch (the harness only) really hit the build, and it carried on.
      if (cluster.harness) {
        expect(cluster.harness.injectedFaults().length).toBeGreaterThan(10);
        expect(cluster.harness.injectedFaults().some((f) => f.status === 409)).toBe(true);
      }

      await expectNothingLeft();

      // The proof comes from the image itself: verify boots it as a new VM on KubeVirt and its checks read what the build left.
      cluster.harness?.setFaults({});
      const proof = await runCli(['verify', file, '--engine', 'kubevirt', '--kubeconfig', cluster.kubeconfigPath, '--namespace', namespace, '--output', out]);
      expect(proof.code, proof.stderr).toBe(0);
      expectOnlyTableCalls(proof);
      expect(proof.stderr).toMatch(/upload: .*base-guest\.qcow2 \(\d+ bytes\) → DataVolume kv-e2e-base-guest-\w+-root/);
      expect(proof.stderr).toMatch(/seeded-at: \d{4}-\d\d-\d\dT/);
      expect(proof.stderr).toMatch(/provisioned: provisioned by ruddervirt on 6\./);
      expect(proof.stderr).toContain('provisioned: BUILD_NAME=quickstart');
      expect(proof.stderr).toContain('motd: Built by RudderVirt quickstart');
      expect(proof.stderr).toMatch(/^verify base\/guest: passed$/m);
      // <waitSerial 'TEXT'> through the kubevirt engine: both waits logged as met, and the second
      // one's text went through a console websocket of the verify VMI (the harness records what
      // each console stream sent; on a real cluster the log lines are the proof).
      expect(proof.stderr).toMatch(/boot command: serial console text \/boot:\/ appeared after /);
      expect(proof.stderr).toMatch(/boot command: serial console text \/guest: ssh ready\/ appeared after /);
      if (cluster.harness) {
        const consoles = cluster.harness.consoleStreams().filter((c) => c.namespace === namespace);
        expect(consoles.length, 'console websockets opened').toBeGreaterThan(0);
        expect(consoles.some((c) => c.sent.includes('guest: ssh ready'))).toBe(true);
      }
      expect(proof.stderr).not.toContain('rv-quickstart-pw');
      await expectNothingLeft();
    },
    2 * BUILD_TIMEOUT,
  );

  it(
    'a failing provisioner fails the build with the screen and the serial console, and removes everything',
    async () => {
      cluster.harness?.setFaults(FAULTS);
      const { file, dir } = quickstartVariant('kv-e2e-fail', guestImage, (vm) => {
        vm.provisioners = [{ type: 'shell', inline: ['echo about to fail', 'exit 3'] }];
      });
      cleanupDirs.push(dir);
      const run = await runCli(kubevirtArgs(file, path.join(dir, 'out')));
      expect(run.code, run.stderr).toBe(1);
      expectOnlyTableCalls(run);
      expect(run.stderr).toMatch(/about to fail/);
      expect(run.stderr).toMatch(/exit status:? 3/);
      expect(run.stderr).toMatch(/last screen: \S+failure\.png/);
      // From the virt-launcher pod's guest-console-log container.
      expect(run.stderr).toMatch(/last serial console lines:\n.*\| /);
      expect(run.stderr).toMatch(/kubevirt: removed the \d+ objects of run \w+/);
      await expectNothingLeft();
    },
    BUILD_TIMEOUT,
  );

  it(
    'SIGINT once the VM runs cancels with exit 130 and removes everything',
    async () => {
      cluster.harness?.setFaults(FAULTS);
      const { file, dir } = quickstartVariant('kv-e2e-sigint', guestImage);
      cleanupDirs.push(dir);
      const run = await runCli(kubevirtArgs(file, path.join(dir, 'out')), { pattern: /==> boot command/, then: (child) => child.kill('SIGINT') });
      expect(run.code, run.stderr).toBe(130);
      expectOnlyTableCalls(run);
      expect(run.stderr).toMatch(/cancelled/i);
      expect(run.stderr).toMatch(/kubevirt: removed the \d+ objects of run \w+/);
      await expectNothingLeft();
    },
    BUILD_TIMEOUT,
  );
});
