/**
 * A build file that `ruddervirt validate` accepts builds on the engine it
 * validates for — never "validate ok, build fails at once". Every source kind (url, path, iso,
 * containerDisk, from) through every local entry point: the CLI bundle's `build`, the whole-build
 * action and the stage actions (import-source → build-vm → snapshot), each run as its users run it.
 * The VM is a blank disk with no communicator, powered off after 1 s, so each run is one short
 * QEMU boot (TCG) and a real export; the registry is Debian's docker-registry on loopback.
 * The kubevirt engine is checked only as far as `ruddervirt render` (its manifests for every
 * kind): its builds need the cluster harness, covered by the kubevirt e2e tests.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/core/log.js';
import { publishContainerDisk } from '../../src/core/oci/publish.js';
import { runCli } from '../e2e/helpers/cli-build.js';
import { requireTool, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { bundleActions, type Bundle } from './helpers/bundle.js';
import { RunnerJob, type StepResult } from './helpers/runner.js';

const STEP_TIMEOUT = 4 * 60_000;
const KINDS = ['url', 'path', 'iso', 'containerDisk', 'from'] as const;
type Kind = (typeof KINDS)[number];

const cleanups: (() => unknown)[] = [];
let bundle: Bundle;
let registry: TestRegistry;
let work: string;
let server: http.Server;
let sources: Record<Exclude<Kind, 'from'>, string>;

function vmYaml(name: string, source: string): string[] {
  return [
    `      - name: ${name}`,
    `        source: ${source}`,
    '        memory: 64Mi',
    '        disks: [{ name: root, size: 64Mi }]',
    '        bootWait: 1ms',
    '        communicator: { type: none }',
    '        shutdownTimeout: 1s',
    '        output: { format: qcow2 }',
  ];
}

/** One build file per kind; `from` starts layer app from layer base's output. */
function buildFile(kind: Kind, dir: string): string {
  const lines = [`name: matrix-${kind.toLowerCase()}`, 'layers:', '  - name: base', '    vms:'];
  lines.push(...vmYaml('box', kind === 'from' ? sources.path : sources[kind]));
  if (kind === 'from') lines.push('  - name: app', '    vms:', ...vmYaml('top', '{ from: base/box }'));
  const file = path.join(dir, 'build.yaml');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

beforeAll(async () => {
  for (const [tool, pkg] of [
    ['qemu-system-x86_64', 'qemu-system-x86'],
    ['qemu-img', 'qemu-utils'],
  ] as const)
    requireTool(tool, pkg);
  work = mkdtempSync(path.join(os.tmpdir(), 'rvtest-matrix-'));
  cleanups.push(() => rmSync(work, { recursive: true, force: true }));
  const blank = path.join(work, 'blank.qcow2');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', blank, '64M']);
  const iso = path.join(work, 'install.iso');
  writeFileSync(iso, randomBytes(64 * 1024));
  const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
  server = http.createServer((req, res) => {
    if (req.url !== '/blank.qcow2') return res.writeHead(404).end();
    res.writeHead(200).end(readFileSync(blank));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => server.close(r)));
  registry = await startRegistry();
  cleanups.push(() => registry.stop());
  const image = `${registry.host}/matrix/blank:v1`;
  await publishContainerDisk({ disk: blank, refs: [image], logger: memoryLogger().logger });
  sources = {
    url: `{ url: "http://127.0.0.1:${(server.address() as AddressInfo).port}/blank.qcow2", checksum: "sha256:${sha(blank)}" }`,
    path: `{ path: "${blank}" }`,
    iso: `{ iso: { url: "file://${iso}", checksum: "sha256:${sha(iso)}" } }`,
    containerDisk: `{ containerDisk: "${image}" }`,
  };
  bundle = bundleActions();
  cleanups.push(() => bundle.remove());
}, 10 * 60_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

function expectOk(step: StepResult): void {
  expect(step.exitCode, `${step.action} failed:\n${step.stdout}\n${step.stderr}`).toBe(0);
}

describe('every source kind that validates builds through every local entry point', () => {
  for (const kind of KINDS) {
    it(
      `${kind}: validate ok, then CLI build, build action and stage actions all build`,
      async () => {
        const dir = mkdtempSync(path.join(work, `${kind}-`));
        const file = buildFile(kind, dir);
        const vms = kind === 'from' ? ['base/box', 'app/top'] : ['base/box'];
        const env = { RUDDERVIRT_CACHE_DIR: path.join(dir, 'cache'), RUDDERVIRT_ACCEL: 'tcg' };

        const validate = runCli(['validate', file], { env });
        expect(await validate.done, validate.stderr).toBe(0);
        const render = runCli(['render', file], { env });
        expect(await render.done, `kubevirt render of a ${kind} source: ${render.stderr}`).toBe(0);

        const cli = runCli(['build', file, '--output', path.join(dir, 'cli-out'), '--no-layer-cache'], { env });
        expect(await cli.done, `CLI build of a ${kind} source:\n${cli.stderr}`).toBe(0);

        const action = new RunnerJob(bundle.dir, dir, env);
        cleanups.push(() => action.finish());
        const whole = await action.run('build', { 'build-file': 'build.yaml', cache: 'false' }, { timeoutMs: STEP_TIMEOUT });
        expectOk(whole);
        expect((JSON.parse(whole.outputs.images!) as unknown[]).length).toBe(vms.length);

        const stages = new RunnerJob(bundle.dir, dir, env);
        cleanups.push(() => stages.finish());
        for (const vm of vms) {
          expectOk(await stages.run('import-source', { 'build-file': 'build.yaml', vm, cache: 'false' }, { timeoutMs: STEP_TIMEOUT }));
          expectOk(await stages.run('build-vm', { 'build-file': 'build.yaml', vm }, { timeoutMs: STEP_TIMEOUT }));
          const snap = await stages.run('snapshot', { vm }, { timeoutMs: STEP_TIMEOUT });
          expectOk(snap);
          expect(snap.outputs.sha256).toMatch(/^[0-9a-f]{64}$/);
        }
        await stages.runPosts();
      },
      4 * STEP_TIMEOUT,
    );
  }
});
