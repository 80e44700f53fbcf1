/**
 * The npm package: `npm pack` (the real npm) makes a tarball whose `ruddervirt` bin validates a
 * build file on Node 24 outside any checkout, and tells an older Node what it needs in one line.
 *
 * The install step lays the tarball out the way `npm i -g` does (lib/node_modules/ruddervirt plus a
 * bin symlink), so the bin runs with no node_modules beside it (dist/ is self-contained); a second
 * test runs the real `npm i -g --offline`, which works because the package has no runtime
 * dependencies to fetch (everything the bundles use is a devDependency, bundled into dist/).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { node24, repoRoot } from '../../helpers/node24.js';

const npm = ['/usr/bin/npm', '/usr/local/bin/npm'].find((p) => existsSync(p));
const olderNode = ['/usr/bin/node', '/usr/bin/nodejs'].find((p) => existsSync(p) && !/^v2[4-9]|^v[3-9]\d/.test(spawnSync(p, ['--version'], { encoding: 'utf8' }).stdout));
const work = mkdtempSync(path.join(tmpdir(), 'rv-npm-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** PATH with Node 24 first, so npm and the bin's `#!/usr/bin/env node` run on it. */
const node24Path = `${path.dirname(node24)}:${process.env.PATH ?? ''}`;

describe.skipIf(!npm)('npm pack + install (real npm; registry fetch replaced by the npm i -g layout)', () => {
  let tarball = '';
  let bin = '';
  let files: string[] = [];

  beforeAll(() => {
    const packed = spawnSync(npm!, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, PATH: node24Path }, timeout: 120_000 });
    expect(packed.status, packed.stderr).toBe(0);
    const info = (JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>)[0]!;
    tarball = path.join(work, info.filename);
    files = info.files.map((f) => f.path);
    const pkgDir = path.join(work, 'prefix', 'lib', 'node_modules', 'ruddervirt');
    mkdirSync(pkgDir, { recursive: true });
    const untar = spawnSync('tar', ['-xzf', tarball, '-C', pkgDir, '--strip-components=1'], { encoding: 'utf8' });
    expect(untar.status, untar.stderr).toBe(0);
    // RUDDERVIRT_DIST (a private bundle folder of the current sources, as the e2e tests take it) stands in
    // for the committed dist/ when that has not been rebuilt yet.
    const dist = process.env.RUDDERVIRT_DIST;
    if (dist) {
      rmSync(path.join(pkgDir, 'dist'), { recursive: true, force: true });
      cpSync(path.resolve(repoRoot, dist), path.join(pkgDir, 'dist'), { recursive: true });
    }
    const manifest = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    mkdirSync(path.join(work, 'prefix', 'bin'));
    bin = path.join(work, 'prefix', 'bin', 'ruddervirt');
    symlinkSync(path.join('..', 'lib', 'node_modules', 'ruddervirt', manifest.bin.ruddervirt!), bin);
  }, 180_000);

  it('ships the bundles, LICENSE and README, not the sources or tests', () => {
    expect(files).toEqual(expect.arrayContaining(['package.json', 'LICENSE', 'README.md', 'CHANGELOG.md', 'dist/cli/index.js']));
    expect(files.filter((f) => /^(src|test|scripts|examples)\//.test(f))).toEqual([]);
  });

  it('the bin is executable and starts with a node shebang', () => {
    expect(statSync(bin).mode & 0o111).not.toBe(0);
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('`ruddervirt validate FILE` works on Node 24 with no node_modules in reach', () => {
    const dir = path.join(work, 'project');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'build.yaml'), 'name: demo\nlayers:\n  - name: base\n    vms:\n      - name: web\n        source: { containerDisk: quay.io/containerdisks/debian:12 }\n');
    writeFileSync(path.join(dir, 'bad.yaml'), 'name: demo\nlayers:\n  - name: base\n    vms:\n      - name: web\n        source: { containerDisk: quay.io/containerdisks/debian:12 }\n        vm_name: x\n');
    const ok = spawnSync(bin, ['validate', 'build.yaml'], { cwd: dir, encoding: 'utf8', env: { PATH: node24Path, HOME: work } });
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe('build.yaml: ok\n');
    expect(ok.status).toBe(0);
    const bad = spawnSync(bin, ['validate', 'bad.yaml'], { cwd: dir, encoding: 'utf8', env: { PATH: node24Path, HOME: work } });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^bad\.yaml:7:9: layers\[0\]\.vms\[0\]\.vm_name: unknown key 'vm_name'/m);
  });

  it('the real `npm i -g --offline` installs it with no dependencies, and its bin runs', () => {
    const prefix = path.join(work, 'npm-prefix');
    const installed = spawnSync(npm!, ['i', '-g', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', prefix, tarball], {
      encoding: 'utf8',
      env: { ...process.env, PATH: node24Path },
      timeout: 120_000,
    });
    expect(installed.status, installed.stderr).toBe(0);
    const pkgDir = path.join(prefix, 'lib', 'node_modules', 'ruddervirt');
    // Only the optional Node 24 package could land here, and offline it cannot.
    const deps = existsSync(path.join(pkgDir, 'node_modules')) ? readdirSync(path.join(pkgDir, 'node_modules')).filter((d) => !d.startsWith('.')) : [];
    expect(deps).toEqual([]);
    if (process.env.RUDDERVIRT_DIST) {
      rmSync(path.join(pkgDir, 'dist'), { recursive: true, force: true });
      cpSync(path.resolve(repoRoot, process.env.RUDDERVIRT_DIST), path.join(pkgDir, 'dist'), { recursive: true });
    }
    const r = spawnSync(path.join(prefix, 'bin', 'ruddervirt'), ['--version'], { encoding: 'utf8', env: { PATH: node24Path, HOME: work } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^ruddervirt \d+\.\d+\.\d+\n$/);
  });

  it.skipIf(!olderNode)('on an older Node it says what it needs, in one line, without a stack trace', () => {
    const shim = path.join(work, 'old-node-bin');
    mkdirSync(shim, { recursive: true });
    const link = path.join(shim, 'node');
    if (!existsSync(link)) symlinkSync(olderNode!, link);
    chmodSync(link, 0o755);
    const r = spawnSync(bin, ['validate', 'x.yaml'], { encoding: 'utf8', env: { PATH: `${shim}:/usr/bin:/bin`, HOME: work } });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/Node(\.js)? 24/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
