/**
 * The verify gate end to end, with real parts: the test guest (busybox, dropbear) built by the
 * whole-build action from a fresh bundle, a real registry (Debian's docker-registry) read with skopeo,
 * and the verify VM booted by QEMU through the engine. One build, then three verify boots of its
 * image (about 12 s each under TCG):
 *
 *  1. the whole-build action with a check that fails: the image is built, verify fails, nothing is
 *     pushed, the summary says why;
 *  2. actions/verify with the failing check on that output folder: fails the step, names the check;
 *     `ruddervirt build` (the same bundle's CLI, the same layer cache) reuses the layer, runs verify
 *     before naming the image, and fails on that check; with --no-verify it names the image unbooted;
 *  3. the whole-build action with the good checks: the layer is reused (verify blocks are not in the
 *     layer key), verify passes, the image is published.
 *
 * `ruddervirt verify` itself boots in test/e2e/kubevirt-build.test.ts (on the kubevirt engine).
 * The test guest has no package database, so the sbom phase is skipped with a note.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureGuestImage } from '../fixtures/guest.js';
import { node24 } from '../helpers/node24.js';
import { requireTool, skopeo, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { bundleActions, type Bundle } from '../actions/helpers/bundle.js';
import { RunnerJob, type StepResult } from '../actions/helpers/runner.js';
import { quickstartWorkspace, type Workspace } from '../actions/helpers/workspace.js';

const STEP_TIMEOUT = 6 * 60_000;

const GOOD_CHECKS = ['grep -q "provisioned by ruddervirt" /root/provisioned.txt', { name: 'motd', run: 'cat /etc/motd; grep -q RudderVirt /etc/motd' }];
const FAILING_CHECK = { name: 'nginx installed', run: 'echo looking for nginx; command -v nginx', timeout: '30s' };

function processesWith(marker: string): string[] {
  const out: string[] = [];
  for (const pid of (spawnSync('ls', ['/proc'], { encoding: 'utf8' }).stdout ?? '').split('\n').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmd.includes(marker) && cmd.includes('qemu')) out.push(`${pid}: ${cmd.slice(0, 160)}`);
    } catch {
      // gone
    }
  }
  return out;
}

const log = (r: StepResult): string => `${r.action} exit ${r.exitCode}:\n${r.stdout}\n${r.stderr}`;

describe('the verify gate on the local engine (real test guest, registry, bundles)', () => {
  let bundle: Bundle;
  let registry: TestRegistry;
  let ws: Workspace;
  let job: RunnerJob;
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    requireTool('qemu-system-x86_64', 'qemu-system-x86');
    bundle = bundleActions();
    cleanups.push(() => bundle.remove());
    const guestImage = await ensureGuestImage();
    registry = await startRegistry();
    cleanups.push(() => registry.stop());
    ws = quickstartWorkspace(`verify-${process.pid}`, (vm) => {
      vm.source = { path: guestImage };
      // The guest stops at syslinux's prompt; the password the build's seed set is on the disk, so no seed now.
      vm.verify = { bootCommand: ["<waitSerial 'boot:'>", 'guest<enter>'], checks: GOOD_CHECKS, timeout: '5m' };
    });
    cleanups.push(() => ws.remove());
    const doc = parse(readFileSync(path.join(ws.dir, ws.buildFile), 'utf8')) as { layers: { vms: { verify: { checks: unknown[] } }[] }[] };
    doc.layers[0]!.vms[0]!.verify.checks = [...GOOD_CHECKS, FAILING_CHECK];
    writeFileSync(path.join(ws.dir, 'failing.yaml'), stringify(doc));
    job = new RunnerJob(bundle.dir, ws.dir);
    cleanups.push(() => job.finish());
  }, 15 * 60_000);

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it(
    'a failed check blocks publishing; the verify action fails on it too; with the good checks the reused layer is verified and published',
    async () => {
      const repo = `${registry.host}/ruddervirt/verified`;
      const outputDir = path.join(ws.dir, 'output', ws.buildName);

      // 1. Built, then verified: one check fails, so nothing is pushed.
      const failed = await job.run('build', { 'build-file': 'failing.yaml', image: repo, tags: 'v1' }, { timeoutMs: STEP_TIMEOUT });
      expect(failed.exitCode, log(failed)).toBe(1);
      expect(failed.outputs.verify).toBe('failed');
      expect(failed.outputs.status).toBe('failed');
      expect(failed.outputs.digest).toBeUndefined();
      expect(failed.stdout).toMatch(/publish skipped: verify failed; nothing was pushed/);
      expect(failed.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toContainEqual(
        expect.stringMatching(/verify failed, so publishing was skipped: base\/guest: check 'nginx installed' exited 127, expected 0/),
      );
      expect(failed.summary).toContain('#### Verify: ❌ failed');
      expect(failed.summary).toMatch(/\| base\/guest \| `motd` \| ✅ ok \|/);
      expect(failed.summary).toMatch(/\| base\/guest \| `nginx installed` \| ❌ exited 127, expected 0 \|/);
      expect(failed.summary).toContain('looking for nginx');
      expect(failed.summary).toContain('**Publish skipped:**');
      expect(registry.requests().filter((r) => r.method === 'PUT' && r.uri.includes('/manifests/'))).toEqual([]);
      expect(() => skopeo(['inspect', '--tls-verify=false', `docker://${repo}:v1`])).toThrow(/manifest unknown|not found/i);
      // The build itself went through; the test guest has no package database, so no SBOM.
      const manifest = JSON.parse(readFileSync(path.join(outputDir, 'manifest.json'), 'utf8')) as { status: string; phases: { phase: string; status: string; detail?: string }[]; outputs: { sbom?: string }[] };
      expect(manifest.status).toBe('succeeded');
      expect(manifest.phases.find((p) => p.phase === 'sbom')).toMatchObject({ status: 'skipped', detail: expect.stringMatching(/no package database/) });
      expect(manifest.outputs[0]!.sbom).toBeUndefined();
      expect(processesWith(ws.buildName)).toEqual([]);

      // 2. actions/verify, with the failing check.
      const action = await job.run('verify', { 'build-file': 'failing.yaml' }, { timeoutMs: STEP_TIMEOUT });
      expect(action.exitCode, log(action)).toBe(1);
      expect(action.outputs.status).toBe('failed');
      const report = JSON.parse(action.outputs.report!) as { vm: string; status: string; checks: { name: string; passed: boolean; exitCode?: number }[] }[];
      expect(report).toEqual([
        {
          vm: 'base/guest',
          status: 'failed',
          error: "check 'nginx installed' exited 127, expected 0",
          checks: [
            { name: 'grep -q "provisioned by ruddervirt" /root/provisioned.txt', passed: true, exitCode: 0 },
            { name: 'motd', passed: true, exitCode: 0 },
            { name: 'nginx installed', passed: false, exitCode: 127, reason: 'exited 127, expected 0' },
          ],
        },
      ]);
      expect(action.summary).toMatch(/### RudderVirt verify `verify-\d+`/);

      // 2b. The CLI build: the layer comes from the same cache, verify runs before the image is named.
      const cli = (...extra: string[]) =>
        spawnSync(node24, [path.join(bundle.dir, 'cli', 'index.js'), 'build', 'failing.yaml', '--output', outputDir, ...extra], {
          cwd: ws.dir,
          encoding: 'utf8',
          env: { ...process.env, RUDDERVIRT_CACHE_DIR: path.join(job.temp, 'home-cache') },
          timeout: STEP_TIMEOUT,
        });
      const cliFailed = cli();
      expect(cliFailed.status, cliFailed.stderr).toBe(1);
      expect(cliFailed.stderr).toMatch(/layer base: reused/);
      expect(cliFailed.stderr).toMatch(/^ {2}FAIL nginx installed — exited 127, expected 0$/m);
      expect(cliFailed.stderr).toMatch(/verify failed, so the build did not finish: base\/guest: check 'nginx installed' exited 127, expected 0; the images are in /);
      expect(cliFailed.stdout).toBe('');
      expect(processesWith(ws.buildName)).toEqual([]);
      const cliUnverified = cli('--no-verify');
      expect(cliUnverified.status, cliUnverified.stderr).toBe(0);
      expect(cliUnverified.stderr).not.toMatch(/verify: booting|starting qemu/);
      expect(cliUnverified.stdout.trim()).toBe(path.join(outputDir, 'base-guest.qcow2'));

      // 3. The good checks: the layer comes from the cache, verify boots it again, and it is published.
      const passed = await job.run('build', { 'build-file': ws.buildFile, image: repo, tags: 'v1' }, { timeoutMs: STEP_TIMEOUT });
      expect(passed.exitCode, log(passed)).toBe(0);
      expect(passed.stdout).toMatch(/layer base: reused/);
      expect(passed.outputs.verify).toBe('passed');
      expect(passed.summary).toContain('#### Verify: ✅ passed');
      expect((JSON.parse(skopeo(['inspect', '--tls-verify=false', `docker://${repo}:v1`]).stdout) as { Digest: string }).Digest).toBe(passed.outputs.digest);

      for (const post of await job.runPosts()) expect(post.exitCode, log(post)).toBe(0);
      expect(processesWith(ws.buildName)).toEqual([]);
    },
    4 * STEP_TIMEOUT,
  );
});
