/**
 * Temp folders for one test file: `rvtest-NAME-…` under the OS temp folder, all removed after the
 * file's tests. Call at the top level of the file (it registers an afterAll hook).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

export function tempDirsForFile(): (name: string) => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return (name) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), `rvtest-${name}-`));
    dirs.push(dir);
    return dir;
  };
}
