/**
 * The bundle of the actions a test file runs: the run's shared fresh bundle of the sources
 * (test/helpers/fresh-bundle.ts; dist/ is regenerated separately). RUDDERVIRT_ACTIONS_DIST=<dir>
 * runs the tests against an existing bundle instead — `dist` to check the committed one.
 */
import path from 'node:path';
import { freshBundle } from '../../helpers/fresh-bundle.js';
import { repoRoot } from '../../helpers/node24.js';

export interface Bundle {
  dir: string;
  remove(): void;
}

export function bundleActions(): Bundle {
  const given = process.env.RUDDERVIRT_ACTIONS_DIST;
  if (given) return { dir: path.resolve(repoRoot, given), remove: () => {} };
  return freshBundle();
}
