/**
 * A fresh bundle of the actions for a test file, made with the project's own bundler into a temp
 * folder (dist/ is regenerated separately). Bundling takes a few seconds; each test file that runs
 * actions makes its own. RUDDERVIRT_ACTIONS_DIST=<dir> runs the tests against an existing bundle
 * instead — `dist` to check the committed one.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { node24, repoRoot } from '../../helpers/node24.js';

export interface Bundle {
  dir: string;
  remove(): void;
}

export function bundleActions(): Bundle {
  const given = process.env.RUDDERVIRT_ACTIONS_DIST;
  if (given) return { dir: path.resolve(repoRoot, given), remove: () => {} };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-actions-dist-'));
  const r = spawnSync(node24, [path.join(repoRoot, 'scripts', 'bundle.mjs'), '--outdir', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bundling failed:\n${r.stderr}${r.stdout}`);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
