/** Shared by the build-file tests: load text, get its problems as "LINE:COL: path: message". */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadBuildText, type LoadOptions } from '../../../src/core/config/load.js';
import { BuildFileError } from '../../../src/core/config/problems.js';
import type { Build } from '../../../src/core/config/model.js';

/** A folder for build files and the files they name; remove it with `cleanup`. */
export function tempBuildDir(files: Record<string, string> = {}): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-config-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export type LoadResult = { build: Build; problems?: undefined } | { build?: undefined; problems: string[] };

/** Loads `text` as `<dir>/build.yaml`; problems come back as "LINE:COL: path: message". */
export function load(text: string, options: LoadOptions & { dir?: string } = {}): LoadResult {
  const file = path.join(options.dir ?? os.tmpdir(), 'build.yaml');
  try {
    return { build: loadBuildText(text, file, { env: {}, ...options }) };
  } catch (err) {
    if (!(err instanceof BuildFileError)) throw err;
    return { problems: err.problems.map((p) => `${p.line}:${p.column}: ${p.path ? p.path + ': ' : ''}${p.message}`) };
  }
}

export function problemsOf(text: string, options: LoadOptions & { dir?: string } = {}): string[] {
  const r = load(text, options);
  if (!r.problems) throw new Error('expected problems, but the build file loaded');
  return r.problems;
}

export function buildOf(text: string, options: LoadOptions & { dir?: string } = {}): Build {
  const r = load(text, options);
  if (r.problems) throw new Error(`expected the build file to load, got:\n${r.problems.join('\n')}`);
  return r.build;
}

/** A valid one-VM build file; `vm` lines are inserted under the VM (indented 8 spaces). */
export function oneVm(vm: string, top = ''): string {
  const vmLines = vm
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => '        ' + l)
    .join('\n');
  return `name: demo
${top}layers:
  - name: base
    vms:
      - name: web
${vmLines}
`;
}
