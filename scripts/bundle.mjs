#!/usr/bin/env node
// Bundles the CLI and every action into dist/ with esbuild: ESM output with code splitting, so the
// shared library lives once in dist/shared/ and each entry (dist/<name>/index.js, post.js) is a
// small file importing it — the codeql-action layout, instead of ncc's one full copy per entry.
// Usage: node scripts/bundle.mjs [--outdir DIR]   (the stale-dist test bundles into a temp dir)
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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
      for (const [file, out] of [
        ['main-entry.ts', 'index'],
        ['post-entry.ts', 'post'],
      ]) {
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
const banner = ["import { createRequire as __rvCreateRequire } from 'node:module';", 'const require = __rvCreateRequire(import.meta.url);'].join('\n');

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
  const header = `Third-party packages bundled into dist/ (${parts.length}):\n${[...packages.keys()]
    .sort()
    .map((n) => `  ${n}`)
    .join('\n')}\n`;
  return [header, ...parts].join('\n' + '-'.repeat(72) + '\n\n');
}

/**
 * The OCR files (src/core/ocr/ocr-assets.ts looks for them in dist/ocr/): the worker thread's
 * script bundled with tesseract.js's worker code as CommonJS, the LSTM cores' .wasm and the
 * English model, so a bundle reads screens without node_modules and without downloading.
 */
export async function bundleOcr(outdir) {
  const dir = path.join(outdir, 'ocr');
  mkdirSync(dir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['src/core/ocr/ocr-worker.cjs'],
    outfile: path.join(dir, 'ocr-worker.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node24',
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  const require = createRequire(path.join(root, 'package.json'));
  const packageDir = (name) => path.dirname(require.resolve(`${name}/package.json`));
  for (const wasm of ['tesseract-core-relaxedsimd-lstm.wasm', 'tesseract-core-simd-lstm.wasm']) {
    copyFileSync(path.join(packageDir('tesseract.js-core'), wasm), path.join(dir, wasm));
  }
  copyFileSync(path.join(packageDir('@tesseract.js-data/eng'), '4.0.0_best_int', 'eng.traineddata.gz'), path.join(dir, 'eng.traineddata.gz'));
  return result;
}

/**
 * node:http and node:https as CommonJS requires rather than ESM imports. Node builds the ESM face
 * of a built-in by reading every export, and node:http's exports include lazy getters (WebSocket,
 * EventSource …) that load Node's internal undici: ~100 ms at every action's start for classes we
 * never use. A require() reads nothing until asked (measured with --cpu-prof on Node 24.21:
 * lazyUndici ← node:http get ← getESMFacade). esbuild turns the named imports into property reads.
 */
const builtinsWithoutEsmFacade = {
  name: 'builtins-without-esm-facade',
  setup(build) {
    build.onResolve({ filter: /^(node:)?https?$/ }, (args) =>
      args.namespace === 'cjs-builtin' ? { path: `node:${args.path.replace(/^node:/, '')}`, external: true } : { path: args.path.replace(/^node:/, ''), namespace: 'cjs-builtin' },
    );
    build.onLoad({ filter: /.*/, namespace: 'cjs-builtin' }, (args) => ({ contents: `module.exports = require('node:${args.path}');`, loader: 'js' }));
  },
};

/**
 * @actions/core imports its OIDC client, and with it @actions/http-client and all of undici (~0.8 MB,
 * ~40 ms to compile and run at every action's start, measured with --cpu-prof on Node 24.21), for
 * core.getIDToken, which no RudderVirt action calls at start. core.js gets a stand-in that loads
 * the real module on the first call (actions/toolkit packages/core/src/core.ts: getIDToken is its
 * only use of OidcClient).
 */
const lazyOidcClient = {
  name: 'lazy-oidc-client',
  setup(build) {
    build.onResolve({ filter: /^\.\/oidc-utils\.js$/ }, (args) =>
      /[\\/]@actions[\\/]core[\\/]lib[\\/]core\.js$/.test(args.importer) ? { path: path.join(path.dirname(args.importer), 'oidc-utils.js'), namespace: 'lazy-oidc' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-oidc' }, (args) => ({
      contents: `export class OidcClient {
  static async getIDToken(audience) {
    const { OidcClient: real } = await import(${JSON.stringify(args.path)});
    return real.getIDToken(audience);
  }
}`,
      loader: 'js',
      resolveDir: path.dirname(args.path),
    }));
  },
};

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
    // 'performance' is @cdktf/hcl2json's fallback for Node without globalThis.performance (never taken on 24).
    external: ['*.node', 'cpu-features', 'performance'],
    plugins: [builtinsWithoutEsmFacade, lazyOidcClient],
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  const ocr = await bundleOcr(outdir);
  // The OCR data ships files, not code: name its package among the bundled ones.
  const dataPackage = 'node_modules/@tesseract.js-data/eng/index.js';
  const inputs = { ...result.metafile.inputs, ...ocr.metafile.inputs, [dataPackage]: { bytes: 0, imports: [] } };
  writeFileSync(path.join(outdir, 'licenses.txt'), licenses({ inputs }));
  // @cdktf/hcl2json (import-packer) loads its HCL parser from <its module dir>/../main.wasm.gz;
  // bundled, its module dir is dist/cli or dist/shared, so the file goes to dist/.
  writeFileSync(path.join(outdir, 'main.wasm.gz'), readFileSync(fileURLToPath(import.meta.resolve('@cdktf/hcl2json/main.wasm.gz'))));
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
