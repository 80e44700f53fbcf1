/**
 * The release workflow (.github/workflows/release.yml) passes the same real validator as ci.yml
 * (@action-validator/core), and does what docs/releasing.md promises, in that order: refuse a bad
 * version, check dist/ against the sources, then tag vX.Y.Z, move the major tag and release.
 */
import * as validator from '@action-validator/core';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/node24.js';

const text = readFileSync(path.join(repoRoot, '.github', 'workflows', 'release.yml'), 'utf8');
interface Step {
  name?: string;
  run?: string;
  uses?: string;
}
const workflow = parse(text) as { on: Record<string, { inputs?: Record<string, unknown> }>; jobs: Record<string, { steps: Step[]; permissions?: Record<string, string> }> };
const steps = workflow.jobs.release!.steps;
const indexOf = (pattern: RegExp) => steps.findIndex((s) => pattern.test(`${s.name ?? ''}\n${s.run ?? ''}`));

describe('.github/workflows/release.yml', () => {
  it('passes the workflow validator', () => {
    expect(validator.validateWorkflow(text).errors).toEqual([]);
  });

  it('is run by hand with a version, and only the release job may write', () => {
    expect(Object.keys(workflow.on)).toEqual(['workflow_dispatch']);
    expect(workflow.on.workflow_dispatch!.inputs).toHaveProperty('version');
    expect(workflow.jobs.release!.permissions).toEqual({ contents: 'write' });
  });

  it('checks the version and dist/ before it tags, and tags before it releases', () => {
    const version = indexOf(/package\.json.*version/s);
    const dist = indexOf(/npm run bundle[\s\S]*git status --porcelain dist/);
    const tag = indexOf(/git tag -a "v\$VERSION"/);
    const release = indexOf(/gh release create/);
    expect(version).toBeGreaterThanOrEqual(0);
    expect(dist).toBeGreaterThan(version);
    expect(tag).toBeGreaterThan(dist);
    expect(release).toBeGreaterThan(tag);
    expect(steps[tag]!.run).toMatch(/major="v\$\{VERSION%%\.\*\}"/);
    expect(steps[tag]!.run).toMatch(/git push --force origin "refs\/tags\/\$major"/);
  });

  it('takes its notes from the CHANGELOG section the docs describe', () => {
    const changelog = readFileSync(path.join(repoRoot, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(/^## \[Unreleased\]$/m);
    expect(readFileSync(path.join(repoRoot, 'docs', 'releasing.md'), 'utf8')).toContain('.github/workflows/release.yml');
  });
});

describe('LICENSE', () => {
  it('is the Apache License 2.0 that package.json names', () => {
    const license = readFileSync(path.join(repoRoot, 'LICENSE'), 'utf8');
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { license: string };
    expect(pkg.license).toBe('Apache-2.0');
    expect(license).toMatch(/^\s+Apache License\n\s+Version 2\.0, January 2004\n\s+http:\/\/www\.apache\.org\/licenses\/\n/);
    expect(license).toContain('END OF TERMS AND CONDITIONS');
  });
});
