/**
 * Every action bundle, run as the runner runs it (node <bundle>/<name>/index.js on Node 24, post
 * steps too), on paths that need no guest: each main and post loads and reports a missing input
 * or an empty state cleanly; a handoff from another version is refused; build-file mistakes become
 * annotations on their lines; and the whole-build action runs a quick build end to end (QEMU with
 * a blank disk that is forced off), publishes to a real registry and reports on a pull request
 * through a fake of GitHub's REST API (GitHub itself cannot run here).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOL_VERSION } from '../../src/actions/toolkit/handoff.js';
import { processStartTime } from '../../src/core/process-liveness.js';
import { requireTool, skopeo, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { bundleActions, type Bundle } from './helpers/bundle.js';
import { actionMetadata, RunnerJob } from './helpers/runner.js';
import { noSshBuild } from './helpers/workspace.js';

const ACTIONS = ['setup-cluster', 'import-source', 'build-vm', 'provision', 'snapshot', 'publish-containerdisk', 'build'];

interface FakeGitHub {
  url: string;
  requests: { method: string; path: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

/** Just the REST calls the build report makes: list/create comments, create a check run. */
async function startFakeGitHubApi(): Promise<FakeGitHub> {
  const requests: FakeGitHub['requests'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      requests.push({ method: req.method ?? '', path: url.pathname, body: body ? (JSON.parse(body) as Record<string, unknown>) : {} });
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.method === 'GET' && url.pathname === '/repos/acme/images/issues/7/comments') return send(200, []);
      if (req.method === 'POST' && url.pathname === '/repos/acme/images/issues/7/comments') return send(201, { id: 1, html_url: 'https://github.com/acme/images/pull/7#issuecomment-1' });
      if (req.method === 'POST' && url.pathname === '/repos/acme/images/check-runs') return send(201, { id: 2, html_url: 'https://github.com/acme/images/runs/2' });
      send(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}

function leftoverProcesses(marker: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmd.includes(marker)) out.push(`${pid}: ${cmd.slice(0, 120)}`);
    } catch {
      // gone
    }
  }
  return out;
}

describe('the action bundles, run as the runner runs them', () => {
  let bundle: Bundle;
  let workspace: string;
  const cleanups: (() => unknown)[] = [];

  beforeAll(() => {
    requireTool('qemu-system-x86_64', 'qemu-system-x86');
    requireTool('qemu-img', 'qemu-utils');
    bundle = bundleActions();
    cleanups.push(() => bundle.remove());
    workspace = mkdtempSync(path.join(os.tmpdir(), 'rvtest-bundles-'));
    cleanups.push(() => rmSync(workspace, { recursive: true, force: true }));
    const blank = spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', path.join(workspace, 'blank.qcow2'), '64M'], { encoding: 'utf8' });
    if (blank.status !== 0) throw new Error(`qemu-img (Debian package qemu-utils) is needed: ${blank.stderr}`);
  }, 120_000);

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  function job(env: Record<string, string> = {}): RunnerJob {
    const j = new RunnerJob(bundle.dir, workspace, { RUDDERVIRT_ACCEL: 'tcg', ...env });
    cleanups.push(() => j.finish());
    return j;
  }

  it('every action has a main bundle, and a post bundle where action.yml declares one', () => {
    for (const name of ACTIONS) {
      const meta = actionMetadata(name);
      expect(existsSync(path.join(bundle.dir, name, 'index.js')), `${name}/index.js`).toBe(true);
      expect(existsSync(path.join(bundle.dir, name, 'post.js')), `${name}/post.js`).toBe(meta.runs.post !== undefined);
    }
  });

  it('each main fails cleanly, naming what is missing, without a stack trace', async () => {
    const expected: Record<string, RegExp> = {
      'import-source': /input 'build-file': missing/,
      'build-vm': /input 'build-file': missing/,
      provision: /no handoff file at .*run build-vm earlier in the same job/,
      snapshot: /no handoff file at .*run build-vm earlier in the same job/,
      'publish-containerdisk': /input 'image': missing/,
      build: /input 'build-file': missing/,
    };
    const j = job();
    for (const [name, message] of Object.entries(expected)) {
      const r = await j.run(name);
      expect(r.exitCode, `${name}: ${r.stdout}${r.stderr}`).toBe(1);
      const error = r.stdout.match(/^::error::(.*)$/m)?.[1];
      expect(error, `${name}: ${r.stdout}`).toMatch(message);
      expect(r.stdout + r.stderr, name).not.toMatch(/\n\s+at .*\.js:\d+/);
    }
  });

  it('each post step runs with an empty state and does nothing', async () => {
    const j = job();
    for (const name of ACTIONS.filter((n) => actionMetadata(n).runs.post)) {
      await j.run(name);
    }
    const posts = await j.runPosts();
    expect(posts.map((p) => p.action).sort()).toEqual(['build-vm/post.js', 'build/post.js', 'setup-cluster/post.js']);
    for (const p of posts) expect(p.exitCode, `${p.action}: ${p.stdout}${p.stderr}`).toBe(0);
  });

  it('a handoff written by another version is refused with a clear message', async () => {
    const j = job();
    const file = path.join(j.runnerTemp, 'ruddervirt', 'handoff.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ handoffVersion: 1, toolVersion: '0.0.1-old', engine: 'local', sources: {}, vms: {}, snapshots: {}, publications: {} }));
    const r = await j.run('provision');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(`::error::${file} was written by RudderVirt 0.0.1-old (handoff format 1), but this action is RudderVirt ${TOOL_VERSION}`);
    expect(r.stdout).toContain('Use the same version (the same @ref) for every RudderVirt action in a job.');
  });

  it('build-file mistakes become error annotations on their file, line and column', async () => {
    writeFileSync(
      path.join(workspace, 'bad.yaml'),
      ['name: bad', 'layers:', '  - name: base', '    vms:', '      - name: web', '        source: { path: /dev/null }', '        bootComand: ["<enter>"]', '        memory: lots', ''].join('\n'),
    );
    const r = await job().run('build', { 'build-file': 'bad.yaml' });
    expect(r.exitCode).toBe(1);
    const located = r.annotations.filter((a) => a.properties.file === 'bad.yaml');
    expect(located.map((a) => [a.properties.line, a.properties.col])).toEqual([
      ['7', '9'],
      ['8', '17'],
    ]);
    expect(located[0]!.message).toMatch(/^layers\[0\]\.vms\[0\]\.bootComand: unknown key 'bootComand'; did you mean 'bootCommand'\?/);
    expect(located[1]!.message).toMatch(/^layers\[0\]\.vms\[0\]\.memory: /);
    expect(r.stdout).toMatch(/^::error::bad\.yaml:7:9: /m);
  });

  it('keep-layers is checked on the local engine too: a wrong value fails before any VM starts', async () => {
    writeFileSync(
      path.join(workspace, 'keep.yaml'),
      ['name: keep', 'layers:', '  - name: base', '    vms:', '      - name: box', '        source: { path: /dev/null }', '        communicator: { type: none }', ''].join('\n'),
    );
    const r = await job().run('build', { 'build-file': 'keep.yaml', cache: 'false', 'keep-layers': '0' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^::error::input 'keep-layers' must be a whole number of at least 1 \(how many kept outputs per layer and VM\), got '0'$/m);
    expect(r.stdout).not.toMatch(/start vm/);
  });

  it('build and snapshot refuse an output-directory another build holds, and one that is a file, before any VM', async () => {
    writeFileSync(path.join(workspace, 'locked.yaml'), noSshBuild('locked'));
    const busy = path.join(workspace, 'busy-output');
    mkdirSync(busy, { recursive: true });
    // Another live build's lock (this test process plays it).
    writeFileSync(path.join(busy, '.ruddervirt-build.lock'), JSON.stringify({ pid: process.pid, startTime: processStartTime(process.pid), host: os.hostname(), startedAt: 'earlier' }));
    const j = job();
    const built = await j.run('build', { 'build-file': 'locked.yaml', 'output-directory': 'busy-output' });
    expect(built.exitCode, built.stdout).toBe(1);
    expect(built.stdout).toMatch(
      new RegExp(`^::error::input 'output-directory' \\(${busy}\\): another build \\(pid ${process.pid}, started earlier\\) is writing to this folder; wait for it, or choose another 'output-directory'`, 'm'),
    );
    expect(built.stdout + built.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
    // Refused before the build log was started in the folder, and the other build's lock is untouched.
    expect(existsSync(path.join(busy, 'logs'))).toBe(false);
    expect(JSON.parse(readFileSync(path.join(busy, '.ruddervirt-build.lock'), 'utf8')).pid).toBe(process.pid);
    // snapshot: a handoff naming the build file, and no VM needed to be refused.
    const handoff = path.join(j.runnerTemp, 'ruddervirt', 'handoff.json');
    mkdirSync(path.dirname(handoff), { recursive: true });
    writeFileSync(
      handoff,
      JSON.stringify({ handoffVersion: 2, toolVersion: TOOL_VERSION, engine: 'local', build: { file: 'locked.yaml', cwd: workspace, name: 'locked', vars: {} }, sources: {}, vms: {}, snapshots: {}, publications: {} }),
    );
    const snap = await j.run('snapshot', { 'output-directory': 'busy-output' });
    expect(snap.exitCode, snap.stdout).toBe(1);
    expect(snap.stdout).toMatch(/^::error::input 'output-directory' \(.*busy-output\): another build \(pid \d+, started earlier\) is writing to this folder/m);
    // A file as the output folder.
    writeFileSync(path.join(workspace, 'a-file'), 'x');
    const onFile = await j.run('build', { 'build-file': 'locked.yaml', 'output-directory': 'a-file' });
    expect(onFile.exitCode).toBe(1);
    expect(onFile.stdout).toContain(`::error::input 'output-directory' (${path.join(workspace, 'a-file')}): it is a file; expected a folder`);
  }, 120_000);

  describe('the whole-build action, end to end without a guest', () => {
    let registry: TestRegistry;
    let github: FakeGitHub;

    beforeAll(async () => {
      registry = await startRegistry();
      cleanups.push(() => registry.stop());
      github = await startFakeGitHubApi();
      cleanups.push(() => github.close());
    });

    it(
      'builds, publishes to the registry, writes the summary, reports on the pull request; post leaves nothing',
      async () => {
        // A VM with nothing to boot and no communicator: QEMU starts, is forced off after
        // shutdownTimeout, and its (blank) disk is exported — every phase of the pipeline but the guest.
        writeFileSync(
          path.join(workspace, 'quick.yaml'),
          [
            'name: quick',
            'variables: { flavour: plain, token: "", dbPass: "" }',
            'layers:',
            '  - name: base',
            '    vms:',
            '      - name: box',
            '        source: { path: blank.qcow2 }',
            '        memory: 64Mi',
            '        disks: [{ name: root, size: 64Mi }]',
            '        bootWait: 1ms',
            '        communicator: { type: none }',
            '        shutdownTimeout: 1s',
            '        output: { format: qcow2, compress: true }',
            '',
          ].join('\n'),
        );
        // A secret declared by the sensitive-variables input, its value in a var file.
        writeFileSync(path.join(workspace, 'quick.vars.json'), JSON.stringify({ dbPass: 'rv-dbpass-91x7q' }));
        const event = path.join(workspace, 'event.json');
        writeFileSync(event, JSON.stringify({ pull_request: { number: 7, head: { sha: 'feedface'.repeat(5) } }, repository: { name: 'images', owner: { login: 'acme' } } }));
        const j = job({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event, GITHUB_API_URL: github.url });
        const repo = `${registry.host}/ruddervirt/quick`;
        const r = await j.run(
          'build',
          {
            'build-file': 'quick.yaml',
            vars: 'flavour=spicy',
            'var-file': 'quick.vars.json',
            'sensitive-variables': 'dbPass',
            image: repo,
            tags: 'v1',
            'github-token': 'ghs_faketoken1234567890',
            'pr-comment': 'true',
            'check-run': 'true',
            // kubevirt only: the local engine says it ignores it (its layer cache keeps layers already).
            'keep-layers': '2',
          },
          { timeoutMs: 5 * 60_000 },
        );
        expect(r.exitCode, r.stdout + r.stderr).toBe(0);
        expect(r.outputs.status).toBe('succeeded');
        expect(r.stdout).toMatch(/^::warning::input 'keep-layers' is for engine kubevirt .*the local engine ignores it: it keeps every built layer in its layer cache already/m);
        const images = JSON.parse(r.outputs.images!) as { path: string; sha256: string }[];
        expect(images).toHaveLength(1);
        expect(r.outputs.path).toBe(path.join(workspace, 'output', 'quick', 'base-box.qcow2'));
        expect(readFileSync(`${r.outputs.path}.sha256`, 'utf8')).toBe(`${r.outputs.sha256}  base-box.qcow2\n`);
        expect(r.outputs['image-ref']).toBe(`${repo}@${r.outputs.digest}`);
        expect((JSON.parse(skopeo(['inspect', '--tls-verify=false', `docker://${repo}:v1`]).stdout) as { Digest: string }).Digest).toBe(r.outputs.digest);
        // Secrets: masked as soon as read, never in the log.
        expect(r.masks).toContain('ghs_faketoken1234567890');
        expect(r.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain('ghs_faketoken1234567890');
        expect(r.masks).toContain('rv-dbpass-91x7q');
        const manifest = JSON.parse(readFileSync(path.join(workspace, 'output', 'quick', 'manifest.json'), 'utf8')) as { build: { variables: Record<string, string> } };
        expect(manifest.build.variables).toEqual({ flavour: 'spicy', token: '', dbPass: '***' });
        const reports = [r.stdout.replace(/^::add-mask::.*$/gm, ''), r.stderr, r.summary, ...github.requests.map((q) => JSON.stringify(q.body))];
        for (const text of reports) expect(text).not.toContain('rv-dbpass-91x7q');
        // The summary says why each layer was built.
        expect(r.summary).toMatch(/\| base \| `[0-9a-f]{12}` \| built \| not built before \| /);
        // One group per phase; the summary has the phases, the output and the image.
        for (const phase of ['start vm', 'shutdown', 'export disk']) expect(r.stdout).toMatch(new RegExp(`^::group::\\[box\\] ${phase}$`, 'm'));
        expect(r.stdout).toMatch(/^\[box\] ==> boot command: skipped \(none given\)\n(?!::endgroup::)/m);
        expect(r.summary).toMatch(/\| base\/box \| shutdown \| ✅ ok \|/);
        expect(r.summary).toContain(r.outputs.sha256);
        expect(r.summary).toContain(r.outputs.digest);
        // The pull-request comment (with its marker) and the check run, on the PR's head commit.
        const comment = github.requests.find((q) => q.method === 'POST' && q.path.endsWith('/issues/7/comments'));
        expect(comment?.body.body).toMatch(/^<!-- ruddervirt-build-report:quick -->\n## RudderVirt build quick: succeeded/);
        const check = github.requests.find((q) => q.path === '/repos/acme/images/check-runs');
        expect(check?.body).toMatchObject({ name: 'RudderVirt: quick', head_sha: 'feedface'.repeat(5), conclusion: 'success', status: 'completed' });

        const [post] = await j.runPosts();
        expect(post!.exitCode, post!.stdout).toBe(0);
        expect(existsSync(r.state.buildTemp!)).toBe(false);
      },
      6 * 60_000,
    );

    it(
      'a failed build: exit 1, the last screen in log-dir and the summary, a failure check run, nothing left running',
      async () => {
        writeFileSync(path.join(workspace, 'nossh.yaml'), noSshBuild('nossh'));
        const j = job({ GITHUB_EVENT_NAME: 'push', GITHUB_API_URL: github.url });
        const r = await j.run('build', { 'build-file': 'nossh.yaml', 'github-token': 'ghs_faketoken1234567890', 'check-run': 'true' }, { timeoutMs: 5 * 60_000 });
        expect(r.exitCode).toBe(1);
        expect(r.stdout).toMatch(/^::error::/m);
        expect(r.summary).toMatch(/### RudderVirt build `nossh`: failed/);
        expect(r.summary).toMatch(/\| base\/box \| wait for ssh \| ❌ failed \|/);
        expect(r.summary).toMatch(/Screenshots \(log-dir .*\): `failure\.png`/);
        expect(existsSync(path.join(workspace, 'output', 'nossh', 'logs', 'base-box', 'failure.png'))).toBe(true);
        const check = github.requests.filter((q) => q.path === '/repos/acme/images/check-runs').at(-1);
        expect(check?.body).toMatchObject({ name: 'RudderVirt: nossh', conclusion: 'failure' });
        await j.runPosts();
        expect(leftoverProcesses(r.state.buildTemp!)).toEqual([]);
      },
      6 * 60_000,
    );
  });

  it(
    'build-vm failing to reach SSH: the summary shows the last screen, the VM is stopped, post has nothing left to do',
    async () => {
      writeFileSync(path.join(workspace, 'nossh-stage.yaml'), noSshBuild('nossh-stage'));
      const j = job();
      const r = await j.run('build-vm', { 'build-file': 'nossh-stage.yaml' }, { timeoutMs: 5 * 60_000 });
      expect(r.exitCode).toBe(1);
      expect(r.summary).toMatch(/### RudderVirt: base\/box failed to boot/);
      expect(r.summary).toMatch(/\| base\/box \| wait for ssh \| ❌ failed \|/);
      expect(r.summary).toMatch(/Screenshots \(log-dir .*\): `failure\.png`/);
      expect(existsSync(path.join(r.outputs['log-dir']!, 'failure.png'))).toBe(true);
      const vm = j.handoff().vms['base/box']!;
      expect(vm.state).toBe('failed');
      expect(leftoverProcesses(vm.workDir)).toEqual([]);
      const [post] = await j.runPosts();
      expect(post!.exitCode).toBe(0);
      expect(post!.stdout).not.toMatch(/stopping it/);
      expect(existsSync(vm.workDir)).toBe(false);
    },
    6 * 60_000,
  );
});
