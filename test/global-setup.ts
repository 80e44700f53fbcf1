/**
 * Run-wide setup: a folder for the one fresh bundle of the sources that the test files share
 * (test/helpers/fresh-bundle.ts fills it on first use), removed when the run ends. Bundling takes
 * several CPU-seconds; a dozen files each making their own cost the 2-core CI machine a minute.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the run's shared fresh bundle goes (made by the first file that asks for it). */
    freshBundleRoot: string;
  }
}

export default function setup(project: TestProject): () => void {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-test-bundle-'));
  project.provide('freshBundleRoot', root);
  return () => rmSync(root, { recursive: true, force: true });
}
