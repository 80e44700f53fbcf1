#!/usr/bin/env node
// Learns the screen reader's glyph table (src/core/ocr/learned-glyphs.json) from the committed
// screenshots (test/fixtures/screens) with the reader's own Tesseract: see scripts/learn-glyphs.ts.
// Run it again after adding a screenshot of a new console, and commit the table it writes.
// Usage: node scripts/node24.mjs scripts/learn-glyphs.mjs [--verbose]   (--verbose draws each glyph)
import * as esbuild from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const work = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-learn-glyphs-'));
try {
  const outfile = path.join(work, 'learn-glyphs.mjs');
  await esbuild.build({
    entryPoints: [path.join(root, 'scripts', 'learn-glyphs.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'warning',
    banner: { js: "import { createRequire as __rvCreateRequire } from 'node:module'; const require = __rvCreateRequire(import.meta.url);" },
  });
  process.argv = [process.argv[0], outfile, root, path.join(root, 'src', 'core', 'ocr', 'learned-glyphs.json'), process.argv.includes('--verbose') ? 'verbose' : ''];
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(work, { recursive: true, force: true });
}
