import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { baseName, globToRegExp, hasTrailingSlash, isGlob, planDownload, planUpload, remoteDirName, remoteJoin, stripTrailingSlashes } from '../../../src/core/communicator/transfer-paths.js';

const segment = fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/).filter((s) => s !== '.' && s !== '..');
const absPath = fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => '/' + parts.join('/'));

describe("Packer's upload rules", () => {
  test.each([
    // [local, isDir, remote, expected target]
    ['/src/site', true, '/var/www', '/var/www/site'],
    ['/src/site/', true, '/var/www', '/var/www'],
    ['/src/site/', true, '/var/www/', '/var/www'],
    ['/src/motd', false, '/etc/motd', '/etc/motd'],
    ['/src/motd', false, '/etc/', '/etc/motd'],
    ['C:\\files\\app.conf', false, '/etc/app/', '/etc/app/app.conf'],
  ])('%s (dir: %s) → %s lands at %s', (local, isDir, remote, expected) => {
    expect(planUpload(local, isDir, remote).target).toBe(expected);
  });

  test('property: a directory without a trailing slash always lands as <dest>/<its name>', () => {
    fc.assert(
      fc.property(absPath, absPath, (local, remote) => {
        expect(planUpload(local, true, remote).target).toBe(`${remote}/${baseName(local)}`);
        expect(planUpload(local + '/', true, remote).target).toBe(remote);
      }),
    );
  });

  test('property: a file keeps the destination unless it ends in "/"', () => {
    fc.assert(
      fc.property(absPath, absPath, (local, remote) => {
        expect(planUpload(local, false, remote).target).toBe(remote);
        expect(planUpload(local, false, remote + '/').target).toBe(`${remote}/${baseName(local)}`);
      }),
    );
  });
});

describe("Packer's download rules", () => {
  test.each([
    ['/var/log/app.log', '/out/app.log', false, '/out/app.log'],
    ['/var/log/app.log', '/out/', false, '/out/app.log'],
    ['/var/log/app.log', '/out', true, '/out/app.log'],
    ['/var/log/', '/out/logs', false, '/out/logs'],
    ['/var/log', '/out/logs', false, '/out/logs'],
    ['/var/log', '/out', true, '/out/log'],
  ])('%s → %s (existing dir: %s) gives %s', (remote, local, localIsDir, expected) => {
    expect(planDownload(remote, local, localIsDir)).toBe(expected);
  });

  test('property: a source with a trailing slash never gains its base name', () => {
    fc.assert(
      fc.property(absPath, absPath, fc.boolean(), (remote, local, localIsDir) => {
        expect(planDownload(remote + '/', local, localIsDir)).toBe(local);
      }),
    );
  });
});

describe('path helpers', () => {
  test('property: remoteJoin then baseName/remoteDirName round-trip', () => {
    fc.assert(
      fc.property(absPath, segment, (dir, name) => {
        const joined = remoteJoin(dir, name);
        expect(baseName(joined)).toBe(name);
        expect(remoteDirName(joined)).toBe(dir);
      }),
    );
  });

  test('edge cases', () => {
    expect(remoteJoin('/', 'x')).toBe('/x');
    expect(remoteJoin('.', 'x')).toBe('x');
    expect(remoteDirName('/x')).toBe('/');
    expect(remoteDirName('x')).toBe('.');
    expect(stripTrailingSlashes('/')).toBe('/');
    expect(stripTrailingSlashes('/a//')).toBe('/a');
    expect(hasTrailingSlash('/')).toBe(false);
    expect(hasTrailingSlash('a\\')).toBe(true);
    expect(baseName('/a/b/')).toBe('b');
  });
});

describe('globs', () => {
  test.each([
    ['*.log', 'app.log', true],
    ['*.log', '.hidden.log', false],
    ['.*', '.hidden', true],
    ['file?.txt', 'file1.txt', true],
    ['file?.txt', 'file12.txt', false],
    ['[abc]*', 'beta', true],
    ['[!abc]*', 'beta', false],
    ['[a-c]x', 'bx', true],
    ['a.b', 'axb', false],
    ['(x)+', '(x)+', true],
    ['[', '[', true],
  ])('%s matches %s: %s', (pattern, name, expected) => {
    expect(globToRegExp(pattern).test(name)).toBe(expected);
  });

  test('property: a pattern without metacharacters matches exactly itself', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9._+(){}^$|-]{1,16}$/), fc.stringMatching(/^[A-Za-z0-9._-]{1,16}$/), (pattern, other) => {
        const re = globToRegExp(pattern);
        expect(re.test(pattern)).toBe(true);
        if (other !== pattern) expect(re.test(other)).toBe(false);
      }),
    );
  });

  test('isGlob looks only at the last element', () => {
    expect(isGlob('/var/log/*.log')).toBe(true);
    expect(isGlob('/var/l?g/app.log')).toBe(false);
    expect(isGlob('/var/log/')).toBe(false);
  });
});
