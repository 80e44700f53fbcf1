/**
 * The stage actions as a real chain, run from a fresh bundle the way the runner
 * runs them (node <bundle>/<action>/index.js, INPUT_*, GITHUB_OUTPUT/STATE/ENV/STEP_SUMMARY files,
 * post steps with their state): setup-cluster → import-source → build-vm → provision → snapshot →
 * publish-containerdisk, on the local engine with the real test guest (one TCG boot), a real
 * registry checked with skopeo, and the Actions cache through a fake of GitHub's cache service.
 * Then the VM's life across steps: it outlives build-vm's process, and the post step stops it when
 * build-vm was killed or cancelled.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processMatches } from '../../src/engines/local/attach.js';
import { ensureGuestImage } from '../fixtures/guest.js';
import { requireTool, skopeo, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { bundleActions, type Bundle } from './helpers/bundle.js';
import { startFakeCacheService, type FakeCacheService } from './helpers/fake-cache-service.js';
import { RunnerJob, type StepResult } from './helpers/runner.js';
import { quickstartWorkspace } from './helpers/workspace.js';

const STEP_TIMEOUT = 6 * 60_000;

function expectOk(step: StepResult): void {
  expect(step.exitCode, `${step.action} failed:\n${step.stdout}\n${step.stderr}`).toBe(0);
}

function processesWith(marker: string): string[] {
  const out: string[] = [];
  for (const pid of readdirProc()) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmd.includes(marker)) out.push(`${pid}: ${cmd.slice(0, 160)}`);
    } catch {
      // gone
    }
  }
  return out;
}

function readdirProc(): string[] {
  return (spawnSync('ls', ['/proc'], { encoding: 'utf8' }).stdout ?? '').split('\n').filter((p) => /^\d+$/.test(p));
}

/** Serves one file over HTTP and counts the requests for it (a download source for import-source). */
async function serveFile(file: string): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    res.writeHead(200, { 'content-length': statSync(file).size });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/guest.qcow2`,
    hits: () => hits,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

async function sha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(file)) h.update(c as Buffer);
  return h.digest('hex');
}

/** Reads a file from the ext4 root partition (partition 2) of a disk image, without booting it. */
function readFromImage(image: string, dir: string, guestPath: string): string {
  const raw = path.join(dir, 'check.raw');
  const conv = spawnSync('qemu-img', ['convert', '-O', 'raw', image, raw], { encoding: 'utf8' });
  if (conv.status !== 0) throw new Error(conv.stderr);
  const table = JSON.parse(spawnSync('sfdisk', ['-J', raw], { encoding: 'utf8' }).stdout) as { partitiontable: { sectorsize?: number; partitions: { start: number }[] } };
  const start = table.partitiontable.partitions[1]!.start * (table.partitiontable.sectorsize ?? 512);
  const r = spawnSync('debugfs', ['-R', `cat ${guestPath}`, `${raw}?offset=${start}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

describe('the stage actions as a chain on the local engine (real guest, registry, bundles)', () => {
  let bundle: Bundle;
  let registry: TestRegistry;
  let cache: FakeCacheService;
  let files: Awaited<ReturnType<typeof serveFile>>;
  let guestSha: string;
  let guestImage: string;
  let sourceCache: string;
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    for (const [tool, pkg] of [
      ['qemu-system-x86_64', 'qemu-system-x86'],
      ['qemu-img', 'qemu-utils'],
      ['debugfs', 'e2fsprogs'],
      ['sfdisk', 'fdisk'],
    ] as const)
      requireTool(tool, pkg);
    bundle = bundleActions();
    cleanups.push(() => bundle.remove());
    guestImage = await ensureGuestImage();
    guestSha = await sha256(guestImage);
    files = await serveFile(guestImage);
    cleanups.push(() => files.close());
    registry = await startRegistry();
    cleanups.push(() => registry.stop());
    cache = await startFakeCacheService();
    cleanups.push(() => cache.close());
    sourceCache = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-source-cache-'));
    cleanups.push(() => rmSync(sourceCache, { recursive: true, force: true }));
  }, 15 * 60_000);

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it(
    'setup-cluster → import-source → build-vm → provision → snapshot → publish-containerdisk, then the post steps',
    async () => {
      const ws = quickstartWorkspace(`chain-${process.pid}`, (vm) => {
        vm.source = { url: files.url, checksum: `sha256:${guestSha}` };
      });
      cleanups.push(() => ws.remove());
      const job = new RunnerJob(bundle.dir, ws.dir, { ACTIONS_CACHE_URL: cache.url, ACTIONS_RUNTIME_TOKEN: 'test-token' });
      cleanups.push(() => job.finish());
      job.env('RUDDERVIRT_CACHE_DIR', sourceCache);

      const setup = await job.run('setup-cluster');
      expectOk(setup);
      expect(setup.outputs.engine).toBe('local');
      expect(['kvm', 'tcg']).toContain(setup.outputs.accelerator);
      expect(setup.summary).toContain('local engine ready');

      const imp = await job.run('import-source', { 'build-file': ws.buildFile });
      expectOk(imp);
      expect(imp.outputs.digest).toBe(`sha256:${guestSha}`);
      expect(imp.outputs['cache-hit']).toBe('false');
      expect(files.hits()).toBe(1);
      expect(cache.committedKeys()).toHaveLength(1);
      expect(imp.summary).toContain('downloaded');

      const boot = await job.run('build-vm', { 'build-file': ws.buildFile }, { timeoutMs: STEP_TIMEOUT });
      expectOk(boot);
      expect(boot.outputs['ssh-endpoint']).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(boot.outputs['vm-name']).toBe('guest');
      // One log group per phase; the boot command typed; the password masked everywhere.
      expect(boot.stdout).toMatch(/^::group::boot command$/m);
      expect(boot.stdout).toMatch(/^http: serving .*quickstart\/http on 127\.0\.0\.1:\d+$/m);
      if (!/http: GET \/seed\.sh → 200/.test(boot.stdout)) {
        // Seen once under heavy load: SSH (so the seed) worked but no request was logged. Keep the evidence.
        const serial = path.join(boot.outputs['log-dir']!, 'serial.log');
        console.warn(`build-vm logged no seed request; guest serial console:\n${existsSync(serial) ? readFileSync(serial, 'utf8').slice(-4000) : '(none)'}`);
      }
      expect(boot.masks).toContain('rv-quickstart-pw');
      expect(boot.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain('rv-quickstart-pw');
      expect(boot.summary).toMatch(/\| base\/guest \| wait for ssh \| ✅ ok \|/);
      // The VM outlived build-vm's process.
      const vm = job.handoff().vms['base/guest']!;
      expect(vm.state).toBe('running');
      expect(processMatches(vm.detached!.state.qemuPid as number, vm.workDir)).toBe(true);
      const handoffText = readFileSync(path.join(job.runnerTemp, 'ruddervirt', 'handoff.json'), 'utf8');
      expect(handoffText).not.toContain('rv-quickstart-pw');

      const prov = await job.run('provision', {}, { timeoutMs: STEP_TIMEOUT });
      expectOk(prov);
      expect(prov.outputs.provisioners).toBe('2');
      expect(prov.stdout).toMatch(/^::group::provision 1\/2: shell$/m);

      const snap = await job.run('snapshot', {}, { timeoutMs: STEP_TIMEOUT });
      expectOk(snap);
      const image = snap.outputs.path!;
      expect(image).toBe(path.join(ws.dir, 'output', ws.buildName, 'base-guest.qcow2'));
      expect(snap.outputs.sha256).toBe(await sha256(image));
      expect(snap.outputs['disk-reference']).toBe(`file://${image}`);
      expect(readFileSync(`${image}.sha256`, 'utf8')).toBe(`${snap.outputs.sha256}  base-guest.qcow2\n`);
      expect(processesWith(vm.workDir)).toEqual([]);
      expect(existsSync(vm.workDir)).toBe(false);
      // The whole VM in one table: every stage's phases, the output with its checksum.
      for (const phase of ['start vm', 'boot command', 'wait for ssh', 'provision 2/2: file', 'shutdown', 'export disk']) expect(snap.summary).toContain(`| ${phase} |`);
      expect(snap.summary).toContain(snap.outputs.sha256);
      // What the provisioners wrote is in the image.
      expect(readFromImage(image, job.temp, '/root/provisioned.txt')).toMatch(/^provisioned by ruddervirt on 6\.[\s\S]*BUILD_NAME=quickstart/);
      // …and so is what the seed (fetched from build-vm's HTTP server at boot) did.
      expect(readFromImage(image, job.temp, '/etc/ruddervirt-seeded')).toMatch(/^\d{4}-\d\d-\d\dT/);

      const repo = `${registry.host}/ruddervirt/chain`;
      const pub = await job.run('publish-containerdisk', { image: repo, tags: 'v1, latest' }, { timeoutMs: STEP_TIMEOUT });
      expectOk(pub);
      expect(pub.outputs.image).toBe(repo);
      expect(pub.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(pub.outputs['image-ref']).toBe(`${repo}@${pub.outputs.digest}`);
      for (const tag of ['v1', 'latest']) {
        const inspected = JSON.parse(skopeo(['inspect', '--tls-verify=false', `docker://${repo}:${tag}`]).stdout) as { Digest: string };
        expect(inspected.Digest).toBe(pub.outputs.digest);
      }
      expect(pub.summary).toContain(pub.outputs.digest!);

      const posts = await job.runPosts();
      expect(posts.map((p) => p.action)).toEqual(['build-vm/post.js', 'setup-cluster/post.js']);
      for (const p of posts) expectOk(p);
      expect(processesWith(ws.buildName)).toEqual([]);
    },
    20 * 60_000,
  );

  it(
    'a restored Actions cache skips the download, and the summary says so',
    async () => {
      const ws = quickstartWorkspace(`cache-${process.pid}`, (vm) => {
        vm.source = { url: files.url, checksum: `sha256:${guestSha}` };
      });
      cleanups.push(() => ws.remove());
      // A new job on a fresh runner: the same cache folder path (the cache entry is tied to it, as
      // ~/.cache/ruddervirt on hosted runners), but empty; the same Actions cache service.
      rmSync(sourceCache, { recursive: true, force: true });
      const job = new RunnerJob(bundle.dir, ws.dir, { ACTIONS_CACHE_URL: cache.url, ACTIONS_RUNTIME_TOKEN: 'test-token' });
      cleanups.push(() => job.finish());
      job.env('RUDDERVIRT_CACHE_DIR', sourceCache);
      const before = files.hits();
      const imp = await job.run('import-source', { 'build-file': ws.buildFile });
      expectOk(imp);
      expect(imp.outputs['cache-hit']).toBe('true');
      expect(files.hits()).toBe(before);
      expect(imp.summary).toContain('restored from the Actions cache (no download)');
      expect(imp.outputs.digest).toBe(`sha256:${guestSha}`);
      expect(existsSync(imp.outputs['source-reference']!)).toBe(true);
    },
    5 * 60_000,
  );

  for (const how of ['SIGKILL', 'SIGINT'] as const) {
    it(
      `build-vm ${how === 'SIGKILL' ? 'killed outright' : 'cancelled (SIGINT)'} while booting: ${how === 'SIGKILL' ? 'the VM survives the step and the post step stops it' : 'main stops the VM; the post step finds nothing left'}`,
      async () => {
        const ws = quickstartWorkspace(`${how.toLowerCase()}-${process.pid}`, (vm) => {
          vm.source = { path: guestImage };
          vm.bootWait = '30s';
        });
        cleanups.push(() => ws.remove());
        const job = new RunnerJob(bundle.dir, ws.dir, { RUDDERVIRT_ACCEL: 'tcg' });
        cleanups.push(() => job.finish());
        const boot = await job.run('build-vm', { 'build-file': ws.buildFile }, { cancelWhen: /^==> boot wait$/m, cancelSignal: how, timeoutMs: STEP_TIMEOUT });
        expect(boot.exitCode).not.toBe(0);
        const vm = job.handoff().vms['base/guest']!;
        if (how === 'SIGKILL') {
          // Killed before the VM was handed over: no record of it yet, but its processes name its work folder.
          expect(vm.detached).toBeUndefined();
          expect(processesWith(vm.workDir).length, 'the VM keeps running without the step').toBeGreaterThan(0);
        } else {
          expect(boot.stdout).toMatch(/received SIGINT: cancelling/);
          expect(processesWith(vm.workDir)).toEqual([]);
        }
        const [post] = await job.runPosts();
        expectOk(post!);
        if (how === 'SIGKILL') expect(post!.stdout).toMatch(/stopped \d+ leftover process\(es\) of vm base\/guest/);
        expect(processesWith(vm.workDir)).toEqual([]);
        expect(existsSync(vm.workDir)).toBe(false);
        const ssh = vm.detached?.sshEndpoint;
        if (ssh) expect(await isListening(ssh.port), `ssh port ${ssh.port} still open`).toBe(false);
      },
      5 * 60_000,
    );
  }
});
