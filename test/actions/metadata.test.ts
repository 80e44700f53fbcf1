/**
 * The action metadata and example workflows, checked as GitHub would read them: each action.yml
 * and workflow passes a real validator (@action-validator/core, the engine of
 * @action-validator/cli); every input is described with its default; every runs.main/post points
 * at a bundle the bundler makes; the example workflows use only inputs and outputs the actions
 * declare; and the generated docs are current.
 *
 * The validator's bundled schema predates two things GitHub accepts today: `runs.using: node24`
 * and the `attestations` permission. Those two are checked here by hand and neutralised before
 * validation; everything else goes through the validator unchanged.
 */
import * as validator from '@action-validator/core';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { node24, repoRoot } from '../helpers/node24.js';

const actionFiles = ['action.yml', ...readdirSync(path.join(repoRoot, 'actions')).map((d) => path.join('actions', d, 'action.yml'))].filter((f) => existsSync(path.join(repoRoot, f)));
const workflowDir = path.join(repoRoot, 'examples', 'workflows');
const workflowFiles = readdirSync(workflowDir).filter((f) => f.endsWith('.yml'));

interface ActionMeta {
  name: string;
  description: string;
  branding?: { icon: string; color: string };
  inputs?: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description?: string }>;
  runs: { using: string; main: string; post?: string };
}

const read = (f: string) => readFileSync(path.join(repoRoot, f), 'utf8');
const meta = (f: string) => parse(read(f)) as ActionMeta;

/** Permissions GitHub has and the validator's schema lacks (checked by name, then removed). */
const NEWER_PERMISSIONS = ['attestations'];

function validatorErrors(kind: 'action' | 'workflow', text: string): unknown[] {
  let src = text;
  if (kind === 'action') src = src.replace(/^(\s*using:\s*)node24\s*$/m, '$1node20');
  else for (const p of NEWER_PERMISSIONS) src = src.replace(new RegExp(`^\\s*${p}: (read|write|none)\\s*(#.*)?$`, 'gm'), '');
  const state = kind === 'action' ? validator.validateAction(src) : validator.validateWorkflow(src);
  return state.errors;
}

/** The entry file the bundler turns into dist/<name>/<entry>.js. */
function sourceOf(bundlePath: string): string {
  const m = /dist\/([^/]+)\/(index|post)\.js$/.exec(bundlePath);
  if (!m) throw new Error(`not a dist bundle path: ${bundlePath}`);
  return path.join('src', 'actions', m[1]!, m[2] === 'index' ? 'main-entry.ts' : 'post-entry.ts');
}

describe('action.yml files', () => {
  it.each(actionFiles)('%s passes the validator and runs on node24', (file) => {
    expect(meta(file).runs.using).toBe('node24');
    expect(validatorErrors('action', read(file))).toEqual([]);
  });

  it.each(actionFiles)('%s: main/post point at bundles of existing entry points, relative to the file', (file) => {
    const m = meta(file);
    for (const entry of [m.runs.main, m.runs.post].filter((e): e is string => e !== undefined)) {
      const resolved = path.relative(repoRoot, path.resolve(path.dirname(path.join(repoRoot, file)), entry));
      expect(resolved).toMatch(/^dist\/[^/]+\/(index|post)\.js$/);
      expect(existsSync(path.join(repoRoot, sourceOf(resolved))), `${sourceOf(resolved)} for ${entry}`).toBe(true);
    }
  });

  it.each(actionFiles)('%s: branding, every input described with a default (booleans true/false), every output described', (file) => {
    const m = meta(file);
    expect(m.branding?.icon).toBeTruthy();
    expect(m.branding?.color).toBeTruthy();
    for (const [name, input] of Object.entries(m.inputs ?? {})) {
      expect(input.description?.length, `${file}: input ${name} has no description`).toBeGreaterThan(10);
      if (!input.required) expect(input.default, `${file}: input ${name} needs a default`).toBeDefined();
      if (/^(true|false)$/.test(String(input.default))) expect(typeof input.default, `${file}: ${name}: quote boolean defaults`).toBe('string');
      expect(name).toMatch(/^[a-z][a-z0-9-]*$/);
    }
    for (const [name, output] of Object.entries(m.outputs ?? {})) expect(output.description?.length, `${file}: output ${name}`).toBeGreaterThan(5);
  });

  it('posts exist where something must be cleaned up: setup-cluster, build-vm, the whole build, verify', () => {
    const withPost = actionFiles.filter((f) => meta(f).runs.post).sort();
    expect(withPost).toEqual(['action.yml', 'actions/build-vm/action.yml', 'actions/setup-cluster/action.yml', 'actions/verify/action.yml']);
  });
});

describe('example workflows', () => {
  it.each(workflowFiles)('%s passes the validator', (file) => {
    expect(validatorErrors('workflow', readFileSync(path.join(workflowDir, file), 'utf8'))).toEqual([]);
  });

  it('our own CI workflow (.github/workflows/ci.yml) passes the validator too', () => {
    expect(validatorErrors('workflow', readFileSync(path.join(repoRoot, '.github', 'workflows', 'ci.yml'), 'utf8'))).toEqual([]);
  });

  it('the validator does reject a broken workflow and a broken action (it is really checking)', () => {
    expect(validatorErrors('workflow', 'on: push\njobs:\n  a:\n    runs-on: x\n    stepz: []\n').length).toBeGreaterThan(0);
    expect(validatorErrors('action', 'name: x\ndescription: y\nruns:\n  using: node24\n').length).toBeGreaterThan(0);
  });

  it.each(workflowFiles)('%s uses only inputs and outputs the RudderVirt actions declare', (file) => {
    const wf = parse(readFileSync(path.join(workflowDir, file), 'utf8')) as { jobs: Record<string, { steps: { id?: string; uses?: string; with?: Record<string, unknown> }[] }> };
    for (const job of Object.values(wf.jobs)) {
      const outputsById = new Map<string, Set<string>>();
      for (const step of job.steps) {
        const m = /^ruddervirt\/ruddervirt(?:\/actions\/([a-z-]+))?@v1$/.exec(step.uses ?? '');
        if (!m) continue;
        const actionFile = m[1] ? path.join('actions', m[1], 'action.yml') : 'action.yml';
        expect(existsSync(path.join(repoRoot, actionFile)), `${file}: ${step.uses}`).toBe(true);
        const a = meta(actionFile);
        for (const input of Object.keys(step.with ?? {})) expect(Object.keys(a.inputs ?? {}), `${file}: ${step.uses} has no input ${input}`).toContain(input);
        for (const [name, input] of Object.entries(a.inputs ?? {})) if (input.required) expect(Object.keys(step.with ?? {}), `${file}: ${step.uses} needs ${name}`).toContain(name);
        if (step.id) outputsById.set(step.id, new Set(Object.keys(a.outputs ?? {})));
      }
      const text = JSON.stringify(job);
      for (const [, id, output] of text.matchAll(/steps\.([a-z0-9_-]+)\.outputs\.([a-z0-9_-]+)/g)) {
        const outputs = outputsById.get(id!);
        if (outputs) expect([...outputs], `${file}: steps.${id}.outputs.${output}`).toContain(output);
      }
    }
  });
});

describe('generated docs', () => {
  it('the READMEs and docs/actions.md match the action.yml files (npm run generate rewrites them)', () => {
    const r = spawnSync(node24, [path.join(repoRoot, 'scripts', 'gen-action-docs.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });

  it('each action README has its inputs and outputs tables', () => {
    for (const file of actionFiles.filter((f) => f !== 'action.yml')) {
      const readme = read(path.join(path.dirname(file), 'README.md'));
      for (const name of Object.keys(meta(file).inputs ?? {})) expect(readme, `${file}: ${name}`).toContain(`| \`${name}\` |`);
      for (const name of Object.keys(meta(file).outputs ?? {})) expect(readme, `${file}: ${name}`).toContain(`| \`${name}\` |`);
    }
  });
});
