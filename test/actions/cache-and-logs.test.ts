/**
 * Layer reuse and build logs in Actions: the whole-build action reuses unchanged layers
 * across jobs through the Actions cache, and the actions upload their log folder (screenshots,
 * serial console, build log) as a workflow artifact themselves. Run as the runner runs them (real
 * bundles, INPUT_*, file commands), with the real test guest under QEMU, against a FAKE of GitHub's
 * results service (cache v2 + artifacts + blob storage; GitHub's cannot run here) that the real
 * @actions/cache and @actions/artifact clients inside the bundles talk to.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processesWithMarker } from '../../src/actions/toolkit/processes.js';
import { ensureGuestImage } from '../fixtures/guest.js';
import { requireTool } from '../helpers/registry.js';
import { bundleActions, type Bundle } from './helpers/bundle.js';
import { readZip } from './helpers/fake-artifact-service.js';
import { startFakeResultsService, type FakeResultsService } from './helpers/fake-results-service.js';
import { RunnerJob, type StepResult } from './helpers/runner.js';
import { noSshBuild, quickstartWorkspace } from './helpers/workspace.js';

const STEP_TIMEOUT = 8 * 60_000;
const PASSWORD = 'rv-quickstart-pw';

function expectOk(step: StepResult): void {
  expect(step.exitCode, `${step.action} failed:\n${step.stdout}\n${step.stderr}`).toBe(0);
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** The summary's "Built or reused" cell of one layer. */
function layerRow(summary: string, layer: string): string {
  return summary.split('\n').find((l) => l.startsWith(`| ${layer} | \``)) ?? `(no row for layer ${layer})`;
}

describe('the actions with a fake GitHub results service (cache v2, artifacts): layer reuse across jobs and log artifacts', () => {
  let bundle: Bundle;
  let service: FakeResultsService;
  let guestImage: string;
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    for (const [tool, pkg] of [
      ['qemu-system-x86_64', 'qemu-system-x86'],
      ['qemu-img', 'qemu-utils'],
      ['zstd', 'zstd'],
    ] as const)
      requireTool(tool, pkg);
    bundle = bundleActions();
    cleanups.push(() => bundle.remove());
    guestImage = await ensureGuestImage();
    service = await startFakeResultsService();
    cleanups.push(() => service.close());
  }, 15 * 60_000);

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  function job(dir: string): RunnerJob {
    const j = new RunnerJob(bundle.dir, dir, { ...service.env(), RUDDERVIRT_ACCEL: 'tcg' });
    cleanups.push(() => j.finish());
    return j;
  }

  it(
    'whole build twice, the second job on an empty runner: both layers come back from the Actions cache, not rebuilt; a third run reuses the local copies',
    async () => {
      // Layer base: the quickstart guest, booted, provisioned, exported. Layer app starts from it
      // (its key depends on base's digest) and is only powered on and off.
      const ws = quickstartWorkspace(`layers-${process.pid}`, (vm, doc) => {
        vm.source = { path: guestImage };
        (doc.layers as unknown[]).push({
          name: 'app',
          vms: [{ name: 'web', source: { from: 'base/guest' }, memory: '256Mi', bootWait: '1ms', communicator: { type: 'none' }, shutdownTimeout: '1s', output: { format: 'qcow2', compress: true } }],
        });
      });
      cleanups.push(() => ws.remove());
      // The runner's cache folder: one path for every job (the Actions cache ties an entry to the path
      // it was saved from, as ~/.cache/ruddervirt is on every hosted runner), emptied between jobs.
      const home = mkdtempSync(path.join(os.tmpdir(), 'rvtest-layer-home-'));
      cleanups.push(() => rmSync(home, { recursive: true, force: true }));
      const runnerJob = () => {
        const j = job(ws.dir);
        j.env('RUDDERVIRT_CACHE_DIR', home);
        return j;
      };

      const first = await runnerJob().run('build', { 'build-file': ws.buildFile }, { timeoutMs: STEP_TIMEOUT });
      expectOk(first);
      expect(layerRow(first.summary, 'base')).toMatch(/\| built \| not built before \| saved \|$/);
      expect(layerRow(first.summary, 'app')).toMatch(/\| built \| not built before \| saved \|$/);
      const keys = service.cache.committedKeys();
      // The layers, then the records of what their keys were made of (why a later run rebuilds one).
      expect(keys.map((k) => k.replace(/[0-9a-f]{64}$/, 'KEY').replace(/-\d{13}$/, '-TIME'))).toEqual([
        'ruddervirt-layer-base-KEY',
        'ruddervirt-layer-app-KEY',
        `ruddervirt-layer-history-${ws.buildName}-base-TIME`,
        `ruddervirt-layer-history-${ws.buildName}-app-TIME`,
      ]);
      const built = JSON.parse(first.outputs.images!) as { layer: string; path: string; sha256: string }[];
      expect(built.map((i) => i.layer)).toEqual(['base', 'app']);
      // Success, and upload-logs defaults to on-failure: no artifact.
      expect(service.artifacts.list()).toEqual([]);
      expect(first.outputs['logs-artifact']).toBeUndefined();
      // The build log is in the log folder anyway, masked.
      const buildLog = readFileSync(path.join(first.outputs['log-dir']!, 'build.log'), 'utf8');
      expect(buildLog).toMatch(/provision 1\/2: shell/);
      expect(buildLog).not.toContain(PASSWORD);

      // A new job on a fresh runner: nothing in its cache folder, no outputs in the workspace.
      rmSync(home, { recursive: true, force: true });
      rmSync(path.join(ws.dir, 'output'), { recursive: true, force: true });
      const fresh = runnerJob();
      const second = await fresh.run('build', { 'build-file': ws.buildFile, 'upload-logs': 'always' }, { timeoutMs: STEP_TIMEOUT });
      expectOk(second);
      expect(layerRow(second.summary, 'base')).toContain('♻️ reused (Actions cache) | reused |');
      expect(layerRow(second.summary, 'app')).toContain('♻️ reused (Actions cache)');
      expect(second.summary).toMatch(/\| base\/guest \| layer \| ♻️ reused \|/);
      expect(second.stdout).toMatch(/layer base: restored from the Actions cache \(key ruddervirt-layer-base-[0-9a-f]{64}\); not rebuilt/);
      // Nothing booted: no VM phase ran.
      expect(second.stdout).not.toMatch(/^::group::.*start vm$/m);
      const reused = JSON.parse(second.outputs.images!) as { layer: string; path: string; sha256: string }[];
      expect(reused.map((i) => [i.layer, i.sha256])).toEqual(built.map((i) => [i.layer, i.sha256]));
      for (const image of reused) expect(sha256(image.path)).toBe(image.sha256);
      expect(service.cache.committedKeys()).toEqual(keys);
      // upload-logs: always — the artifact is there on success too, and the summary links it.
      expect(second.outputs['logs-artifact']).toBe(`ruddervirt-logs-build-${ws.buildName}`);
      const artifact = service.artifacts.list().find((a) => a.name === second.outputs['logs-artifact']);
      expect(second.outputs['logs-artifact-url']).toBe(`https://github.com/acme/images/actions/runs/4242/artifacts/${artifact?.id}`);
      expect(second.summary).toContain(`artifact [\`${second.outputs['logs-artifact']}\`](${second.outputs['logs-artifact-url']})`);
      expect([...readZip(service.artifacts.content(second.outputs['logs-artifact']!)!).keys()]).toContain('build.log');

      // The same runner again: the entries are on its disk now; the Actions cache is not asked.
      const lookups = () => service.requests.filter((r) => r.path.endsWith('/GetCacheEntryDownloadURL')).length;
      const before = lookups();
      const third = await fresh.run('build', { 'build-file': ws.buildFile }, { timeoutMs: STEP_TIMEOUT });
      expectOk(third);
      expect(layerRow(third.summary, 'base')).toContain('♻️ reused (local)');
      expect(layerRow(third.summary, 'app')).toContain('♻️ reused (local)');
      expect(lookups()).toBe(before);
    },
    20 * 60_000,
  );

  it(
    'a failing whole build uploads its log folder: screenshots, serial console and build log, with the secret given as an input masked everywhere',
    async () => {
      const ws = quickstartWorkspace(`logs-${process.pid}`, (vm, doc) => {
        vm.source = { path: guestImage };
        doc.variables = { ssh_password: '' };
        (vm.communicator as Record<string, unknown>).sshPassword = '{{ user `ssh_password` }}';
        // The provisioner shows the password on the serial console and in the step's log, then fails.
        vm.provisioners = [{ type: 'shell', inline: ['echo "serial says: $ROOT_PASSWORD" > /dev/console', 'echo "log says: $ROOT_PASSWORD"', 'exit 3'], environmentVars: ['ROOT_PASSWORD={{ user `ssh_password` }}'] }];
      });
      cleanups.push(() => ws.remove());
      const j = job(ws.dir);
      const r = await j.run('build', { 'build-file': ws.buildFile, vars: `ssh_password=${PASSWORD}` }, { timeoutMs: STEP_TIMEOUT });
      expect(r.exitCode, r.stdout).toBe(1);
      expect(r.outputs.status).toBe('failed');
      const name = `ruddervirt-logs-build-${ws.buildName}`;
      expect(r.outputs['logs-artifact']).toBe(name);
      const zip = readZip(service.artifacts.content(name)!);
      const files = [...zip.keys()].sort();
      expect(files).toEqual(expect.arrayContaining(['build.log', 'base-guest/bootcommand-01.png', 'base-guest/bootcommand-02.png', 'base-guest/failure.png', 'base-guest/serial.log', 'base-guest/serial-tail.txt']));
      for (const png of files.filter((f) => f.endsWith('.png'))) expect(zip.get(png)!.subarray(1, 4).toString(), png).toBe('PNG');
      // What the guest printed is there, the password is not — in no file of the artifact.
      expect(zip.get('base-guest/serial.log')!.toString()).toContain('serial says: ***');
      expect(zip.get('build.log')!.toString()).toMatch(/log says: \*\*\*/);
      for (const [file, data] of zip) expect(data.includes(PASSWORD), `${file} contains the password`).toBe(false);
      // The log folder on the runner is masked as well once the VM has stopped (QEMU writes the
      // serial console itself, unmasked, while it runs).
      const runnerSerial = readFileSync(path.join(r.outputs['log-dir']!, 'base-guest', 'serial.log'), 'utf8');
      expect(runnerSerial).toContain('serial says: ***');
      expect(runnerSerial).not.toContain(PASSWORD);
      // The summary links the artifact, names the screenshots there and still shows the serial tail.
      expect(r.summary).toContain(`Screenshots (artifact ${name}): \`bootcommand-01.png\`, \`bootcommand-02.png\`, \`failure.png\``);
      expect(r.summary).toMatch(/Serial console \(last \d+ lines\)/);
      expect(r.summary).toContain(`artifact [\`${name}\`](https://github.com/acme/images/actions/runs/4242/artifacts/`);
      expect(r.summary + r.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain(PASSWORD);
      await j.runPosts();
      expect(processesWithMarker(r.state.buildTemp!)).toEqual([]);
    },
    10 * 60_000,
  );

  it(
    'build-vm failing to boot uploads the VM log folder in its failure path; a second one in the same run gets a free name',
    async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'rvtest-stage-logs-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const blank = spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', path.join(dir, 'blank.qcow2'), '64M'], { encoding: 'utf8' });
      expect(blank.status, blank.stderr).toBe(0);
      const file = path.join(dir, 'nossh.yaml');
      const yaml = noSshBuild('nossh');
      writeFileSync(file, yaml);
      const names: string[] = [];
      for (let i = 0; i < 2; i++) {
        const j = job(dir);
        const r = await j.run('build-vm', { 'build-file': 'nossh.yaml' }, { timeoutMs: STEP_TIMEOUT });
        expect(r.exitCode).toBe(1);
        expect(r.summary).toMatch(/Screenshots \(artifact ruddervirt-logs-build-nossh-base-box(-2)?\): `failure\.png`/);
        const uploaded = r.stdout.match(/^logs: uploading \d+ file\(s\) from .* as artifact (\S+)$/m)?.[1];
        expect(uploaded, r.stdout).toBeDefined();
        names.push(uploaded!);
        const zip = readZip(service.artifacts.content(uploaded!)!);
        expect([...zip.keys()]).toEqual(expect.arrayContaining(['build-vm.log', 'failure.png', 'serial.log']));
        expect(zip.get('build-vm.log')!.toString()).toMatch(/wait for ssh/);
        for (const [f, data] of zip) expect(data.includes('nope-pw-123'), f).toBe(false);
        const [post] = await j.runPosts();
        expectOk(post!);
        expect(existsSync(j.handoff().vms['base/box']!.workDir)).toBe(false);
      }
      expect(names).toEqual(['ruddervirt-logs-build-nossh-base-box', 'ruddervirt-logs-build-nossh-base-box-2']);
    },
    6 * 60_000,
  );
});
