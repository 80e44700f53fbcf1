#!/usr/bin/env node
// `npm run generate`: rewrites every generated file from the sources, in one go —
//   schema/build.schema.json and the field reference in docs/build-file.md (the build-file spec),
//   docs/rbac.yaml (the kubevirt engine's table of API calls), test/golden/kubevirt/*.yaml (the
//   rendered examples), the action READMEs and docs/actions.md (the action.yml files).
// The contents come from scripts/generated-files.ts and scripts/gen-action-docs.mjs, which the
// "is it up to date" tests use too. `--check` writes nothing and exits 1 naming the stale files.
// Usage: node scripts/generate.mjs [--check]
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { expectedFiles as actionDocs } from './gen-action-docs.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const check = process.argv.includes('--check');

// generated-files.ts imports the TypeScript sources: esbuild turns it into one module, written
// beside it for a moment, so its package imports and import.meta.url resolve as the source's do.
const outfile = path.join(root, 'scripts', `.generated-files-${process.pid}.mjs`);
let generated;
try {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['scripts/generated-files.ts'],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    packages: 'external',
    logLevel: 'warning',
  });
  generated = await import(pathToFileURL(outfile).href);
} finally {
  rmSync(outfile, { force: true });
}

const files = [...generated.generatedFiles().map((g) => [g.file, g.content]), ...actionDocs()];
// A golden whose example is gone is stale too.
const goldens = new Set(files.map(([f]) => f).filter((f) => path.dirname(f) === generated.KUBEVIRT_GOLDEN_DIR));
const orphans = existsSync(generated.KUBEVIRT_GOLDEN_DIR)
  ? readdirSync(generated.KUBEVIRT_GOLDEN_DIR)
      .map((f) => path.join(generated.KUBEVIRT_GOLDEN_DIR, f))
      .filter((f) => !goldens.has(f))
  : [];

const stale = [];
for (const [file, content] of files) {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (current === content) continue;
  stale.push(path.relative(root, file));
  if (!check) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}
for (const file of orphans) {
  stale.push(`${path.relative(root, file)} (no such example)`);
  if (!check) rmSync(file);
}

if (check) {
  if (stale.length > 0) {
    console.error(`stale generated files (run npm run generate): ${stale.join(', ')}`);
    process.exit(1);
  }
  console.log(`generated files are current (${files.length})`);
} else {
  console.log(stale.length > 0 ? `generate: wrote ${stale.join(', ')}` : `generate: all ${files.length} generated files were current`);
}
