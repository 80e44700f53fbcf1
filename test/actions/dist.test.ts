import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dynamicImports, staticImportClosure } from '../helpers/bundle-imports.js';
import { freshBundle } from '../helpers/fresh-bundle.js';
import { node24, repoRoot } from '../helpers/node24.js';

const dist = path.join(repoRoot, 'dist');

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? listFiles(p, base) : [path.relative(base, p)];
  });
}

describe('dist/', () => {
  it('is what `npm run bundle` makes from the current sources (rebuild and commit dist/ if this fails)', () => {
    // The run's fresh bundle of the sources (test/helpers/fresh-bundle.ts).
    const fresh = freshBundle().dir;
    const want = listFiles(fresh).sort();
    expect(listFiles(dist).sort()).toEqual(want);
    for (const f of want) {
      expect(readFileSync(path.join(dist, f)).equals(readFileSync(path.join(fresh, f))), `dist/${f} is stale`).toBe(true);
    }
  }, 120_000);

  it('ships a license file naming every bundled package', () => {
    const licenses = readFileSync(path.join(dist, 'licenses.txt'), 'utf8');
    // esbuild marks each bundled module with a `// node_modules/<package>/…` comment.
    const bundled = new Set<string>();
    for (const f of listFiles(dist).filter((f) => f.endsWith('.js'))) {
      for (const m of readFileSync(path.join(dist, f), 'utf8').matchAll(/^\/\/ (?:.*\/)?node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)) {
        bundled.add(m[1]!);
      }
    }
    // The header counts every package the bundler read (some leave no module comment, e.g. JSON).
    const counted = Number(licenses.match(/^Third-party packages bundled into dist\/ \((\d+)\):/)?.[1]);
    expect(bundled.size).toBeGreaterThan(0);
    expect(counted).toBeGreaterThanOrEqual(bundled.size);
    for (const name of bundled) expect(licenses, `licenses.txt misses ${name}`).toMatch(new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}@\\S+$`, 'm'));
  });

  it('no bundle loads undici or ssh2 before its first line: they are imported when first used', () => {
    // What a bundle loads at start: its entry file, the step the entry imports (`import("…")` there
    // runs at once), and what they import statically. undici (under @actions/core's OIDC client:
    // see lazyOidcClient in scripts/bundle.mjs) and ssh2 cost ~40 and ~25 ms of every start.
    const staticClosure = (entry: string) => staticImportClosure(entry, ...dynamicImports(entry));
    const entries = listFiles(dist).filter((f) => /^[^/]+\/(index|post)\.js$/.test(f));
    expect(entries.length).toBeGreaterThan(10);
    for (const entry of entries) {
      const closure = staticClosure(path.join(dist, entry));
      // The entry, its step and their chunks (a step is never one file).
      expect(closure.size, entry).toBeGreaterThan(3);
      for (const file of closure) {
        const source = readFileSync(file, 'utf8');
        expect(/^\/\/ node_modules\/(undici|ssh2)\//m.test(source), `${entry} loads ${path.relative(dist, file)}, which holds undici or ssh2`).toBe(false);
      }
    }
  });

  it('the CLI bundle loads and answers --version and --help on Node 24', () => {
    const cli = path.join(dist, 'cli', 'index.js');
    expect(existsSync(cli)).toBe(true);
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    const v = spawnSync(node24, [cli, '--version'], { encoding: 'utf8' });
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout.trim()).toBe(`ruddervirt ${pkg.version}`);
    const h = spawnSync(node24, [cli, '--help'], { encoding: 'utf8' });
    expect(h.status, h.stderr).toBe(0);
    expect(h.stdout).toContain('Usage: ruddervirt');
    const bad = spawnSync(node24, [cli, 'no-such-command'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("unknown command 'no-such-command'");
  });
});
