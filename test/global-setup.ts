/**
 * Run-wide setup:
 * - a folder for the one fresh bundle of the sources that the test files share
 *   (test/helpers/fresh-bundle.ts fills it on first use). Bundling takes several CPU-seconds; a
 *   dozen files each making their own cost the 2-core CI machine a minute.
 * - a check that the run left nothing in the temp folder: whatever is new there under one of our
 *   names when the run ends (a temp file, a socket folder, a layer cache) was left behind by a test
 *   or by the product. The run names it, removes it, and fails.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the run's shared fresh bundle goes (made by the first file that asks for it). */
    freshBundleRoot: string;
  }
}

/** The prefixes the product (ruddervirt-) and the tests (rvtest-, rv-) give their temp entries. */
const OURS = /^(ruddervirt-|rvtest-|rv-)/;

/**
 * Not leaks:
 * - ruddervirt-ports: the local engine's port lock folder, shared by every build on the machine
 *   like Packer's; it stays, empty once every lease is released.
 * - the test guests' build folders: scripts/test.mjs builds them beside the tests, and each build
 *   script removes its own folder when it ends.
 */
function isLeft(tmp: string, name: string): boolean {
  if (name === 'ruddervirt-ports') return readdirSync(path.join(tmp, name)).length > 0;
  return !/^ruddervirt-(debian|d-i|guest)-/.test(name);
}

export default function setup(project: TestProject): () => void {
  const tmp = os.tmpdir();
  const before = new Set(readdirSync(tmp));
  const bundleRoot = mkdtempSync(path.join(tmp, 'ruddervirt-test-bundle-'));
  project.provide('freshBundleRoot', bundleRoot);
  return () => {
    rmSync(bundleRoot, { recursive: true, force: true });
    const left = readdirSync(tmp).filter((name) => !before.has(name) && OURS.test(name) && isLeft(tmp, name));
    for (const name of left) rmSync(path.join(tmp, name), { recursive: true, force: true });
    if (left.length > 0) {
      throw new Error(`the tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in ${tmp} (removed now): ${left.join(', ')}`);
    }
  };
}
