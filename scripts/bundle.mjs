#!/usr/bin/env node
// Bundles the CLI and every action into dist/ with esbuild: ESM output with code splitting, so the
// shared library lives once in dist/shared/ and each entry (dist/<name>/index.js, post.js) is a
// small file importing it — the codeql-action layout, instead of ncc's one full copy per entry.
// Usage: node scripts/bundle.mjs [--outdir DIR]   (the stale-dist test bundles into a temp dir)
import * as esbuild from 'esbuild';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** The entry points: dist-relative name (without .js) → source file. */
export function entryPoints() {
  const entries = { 'cli/index': 'src/cli/entry.ts' };
  const actionsDir = path.join(root, 'src', 'actions');
  if (existsSync(actionsDir)) {
    for (const name of readdirSync(actionsDir).sort()) {
      // The entry files check the Node version and run main.ts/post.ts's run() (toolkit/entry.ts).
      for (const [file, out] of [['main-entry.ts', 'index'], ['post-entry.ts', 'post']]) {
        const src = path.join('src', 'actions', name, file);
        if (existsSync(path.join(root, src))) entries[`${name}/${out}`] = src;
      }
    }
  }
  return entries;
}

// ESM has no require/__dirname; bundled CommonJS dependencies (ssh2 …) and lazily loaded chunks
// expect them. `require` comes from a banner; __filename/__dirname are *defined* as Node 24's
// import.meta.filename/dirname instead, because some bundled modules (@azure/storage-common, via
// @actions/cache) declare their own top-level __filename and a banner const would clash with it.
const banner = [
  "import { createRequire as __rvCreateRequire } from 'node:module';",
  'const require = __rvCreateRequire(import.meta.url);',
].join('\n');

function licenses(metafile) {
  const packages = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const m = input.match(/^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//);
    if (m) packages.set(m[2], m[1]);
  }
  const parts = [];
  for (const [name, dir] of [...packages].sort(([a], [b]) => a.localeCompare(b))) {
    const pkg = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
    const licenseFile = readdirSync(path.join(root, dir)).find((f) => /^(licen[sc]e|copying)(\.|$)/i.test(f));
    const text = licenseFile ? readFileSync(path.join(root, dir, licenseFile), 'utf8').trim() : '(no license file shipped)';
    parts.push(`${name}@${pkg.version}\n${pkg.license ?? 'UNKNOWN'}\n${text}\n`);
  }
  const header = `Third-party packages bundled into dist/ (${parts.length}):\n${[...packages.keys()].sort().map((n) => `  ${n}`).join('\n')}\n`;
  return [header, ...parts].join('\n' + '-'.repeat(72) + '\n\n');
}

export async function bundle(outdir) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: entryPoints(),
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    chunkNames: 'shared/[name]-[hash]',
    banner: { js: banner },
    define: { __filename: 'import.meta.filename', __dirname: 'import.meta.dirname' },
    // Optional native add-ons that ssh2 and cpu-features try inside try/catch: pure-JS fallbacks apply.
    external: ['*.node', 'cpu-features'],
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  writeFileSync(path.join(outdir, 'licenses.txt'), licenses(result.metafile));
  // `bin` points at the CLI bundle; npm links it as an executable only if the file says so.
  chmodSync(path.join(outdir, 'cli', 'index.js'), 0o755);
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--outdir');
  const outdir = i > 0 ? path.resolve(process.argv[i + 1]) : path.join(root, 'dist');
  const result = await bundle(outdir);
  const sizes = Object.entries(result.metafile.outputs).map(([f, o]) => `${path.relative(root, f)} ${(o.bytes / 1024).toFixed(0)} KiB`);
  console.log(`bundled ${Object.keys(entryPoints()).length} entries into ${path.relative(root, outdir) || outdir}:\n  ${sizes.join('\n  ')}`);
}
