/**
 * The runtime guard, checked on fresh bundles: the CLI and every action bundle, started on a Node
 * older than 24, print one line naming the need and the fix and exit 2 — no stack trace from a
 * bundled dependency (on Node 20, undici inside @kubernetes/client-node dies at load because
 * zlib.createZstdDecompress is missing). On Node 24 the same files run.
 *
 * "Older Node" is a real one when this machine has it (Debian and Ubuntu ship Node 20 as
 * /usr/bin/node; RUDDERVIRT_OLD_NODE=<binary> names another), which is the case the guard exists
 * for. The check itself is also run on Node 24 with process.versions.node set to 20.20.0 before
 * the bundle loads, so it is exercised on machines without an old Node too — that variant proves
 * the check and its message, not the load failure, and says so in its name. Independently of any
 * Node, the entries' static import graph must stay tiny: that is what lets the check run first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { node24, repoRoot } from '../helpers/node24.js';
import { freshBundle } from '../helpers/fresh-bundle.js';
import { staticImportClosure } from '../helpers/bundle-imports.js';

const MIN_MAJOR = 24;

/** A Node binary older than 24 on this machine, if any. */
function findOldNode(): string | undefined {
  const candidates = [process.env.RUDDERVIRT_OLD_NODE, '/usr/bin/node', '/usr/local/bin/node'].filter((c): c is string => !!c && existsSync(c));
  for (const c of candidates) {
    const r = spawnSync(c, ['-p', 'process.versions.node'], { encoding: 'utf8' });
    if (r.status === 0 && Number(r.stdout.trim().split('.')[0]) < MIN_MAJOR) return c;
  }
  return undefined;
}

const oldNode = findOldNode();
/** Node 24 told it is Node 20 before the entry loads (--import runs ahead of the entry's graph). */
const SIMULATE_NODE_20 = `--import=data:text/javascript,Object.defineProperty(process.versions,'node',{value:'20.20.0'})`;

let dist: string;
let entries: string[];

beforeAll(() => {
  dist = freshBundle().dir;
  const metafileEntries = spawnSync(
    node24,
    ['--input-type=module', '-e', `import { entryPoints } from ${JSON.stringify(path.join(repoRoot, 'scripts', 'bundle.mjs'))}; console.log(JSON.stringify(Object.keys(entryPoints())))`],
    {
      encoding: 'utf8',
    },
  );
  entries = (JSON.parse(metafileEntries.stdout) as string[]).map((e) => `${e}.js`);
}, 180_000);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runEntry(node: string, nodeArgs: string[], entry: string, args: string[] = []): Run {
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-guard-cwd-'));
  try {
    // An empty step environment: no GITHUB_* files, so nothing an action does could succeed quietly.
    const r = spawnSync(node, [...nodeArgs, path.join(dist, entry), ...args], { encoding: 'utf8', cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd }, timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** Exit 2 and exactly one line naming the need and a fix; nothing that looks like a stack. */
function expectRefused(r: Run, entry: string, version: RegExp): void {
  const text = (r.stdout + r.stderr).trimEnd();
  expect(r.status, `${entry}: ${text}`).toBe(2);
  expect(text.split('\n'), `${entry} printed more than one line`).toHaveLength(1);
  expect(text).toMatch(/needs Node 24 or newer/);
  expect(text).toMatch(version);
  expect(text).not.toMatch(/\n\s+at |Error:|node:internal/);
  if (entry === 'cli/index.js') {
    // The CLI's fix is the same command line on Node 24, ready to paste.
    expect(r.stderr).toContain(`npx -y node@24 ${path.join(dist, entry)}`);
  } else {
    // An action's line is an error workflow command, so it is also the step's annotation.
    expect(r.stdout).toMatch(/^::error::RudderVirt needs Node 24 or newer/);
    expect(r.stdout).toContain('node24');
  }
}

describe('runtime guard', () => {
  it('there is a CLI bundle and a bundle for every action main and post', () => {
    expect(entries).toContain('cli/index.js');
    expect(entries.filter((e) => e.endsWith('/index.js')).length).toBeGreaterThanOrEqual(8);
    expect(entries.filter((e) => e.endsWith('/post.js')).length).toBeGreaterThanOrEqual(3);
    for (const e of entries) expect(existsSync(path.join(dist, e)), e).toBe(true);
  });

  it("every entry's static import graph is only the version check (a few KiB, no dependency), so it runs before anything can fail", () => {
    for (const entry of entries) {
      const files = [...staticImportClosure(path.join(dist, entry))];
      const bytes = files.reduce((n, f) => n + readFileSync(f).length, 0);
      expect(bytes, `${entry} statically loads ${files.map((f) => path.relative(dist, f)).join(', ')}`).toBeLessThan(8 * 1024);
      for (const f of files) expect(readFileSync(f, 'utf8'), `${path.relative(dist, f)} bundles a dependency`).not.toMatch(/^\/\/ node_modules\//m);
    }
  });

  it.skipIf(!oldNode)(
    `on a real older Node (${oldNode ?? 'none on this machine'}): every bundle prints one line and exits 2`,
    () => {
      const version = spawnSync(oldNode!, ['-p', 'process.version'], { encoding: 'utf8' }).stdout.trim();
      for (const entry of entries) expectRefused(runEntry(oldNode!, [], entry, entry === 'cli/index.js' ? ['--help'] : []), entry, new RegExp(`Node ${version.replace(/\./g, '\\.')} `));
    },
    120_000,
  );

  it('on Node 24 told it is Node 20.20.0 (version simulated): every bundle prints one line and exits 2', () => {
    for (const entry of entries) expectRefused(runEntry(node24, [SIMULATE_NODE_20], entry, entry === 'cli/index.js' ? ['build', 'a file.yml'] : []), entry, /Node v20\.20\.0 /);
    // Arguments with spaces come back quoted for the shell.
    expect(runEntry(node24, [SIMULATE_NODE_20], 'cli/index.js', ['build', 'a file.yml']).stderr).toContain(`index.js build 'a file.yml'`);
  }, 120_000);

  it('on Node 24 the bundles run past the guard: the CLI answers --version, an action fails on its own missing input, a post with no state does nothing', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const v = runEntry(node24, [], 'cli/index.js', ['--version']);
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout.trim()).toBe(`ruddervirt ${pkg.version}`);
    const main = runEntry(node24, [], 'import-source/index.js');
    expect(main.status, main.stdout + main.stderr).toBe(1);
    expect(main.stdout).toMatch(/^::error::input 'build-file'/m);
    expect(main.stdout + main.stderr).not.toMatch(/needs Node/);
    const post = runEntry(node24, [], 'build-vm/post.js');
    expect(post.status, post.stdout + post.stderr).toBe(0);
  }, 120_000);
});
