import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readSync, closeSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { buildCdromIso, validateCdLabel } from '../../../src/engines/local/cdrom.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-cdrom-test-'));

beforeAll(() => {
  if (spawnSync('xorriso', ['-version']).status !== 0) throw new Error('xorriso is missing: apt-get install -y xorriso (scripts/setup.mjs installs it)');
  mkdirSync(path.join(tmp, 'http', 'nested'), { recursive: true });
  writeFileSync(path.join(tmp, 'http', 'ks.cfg'), 'text\nreboot\n');
  writeFileSync(path.join(tmp, 'http', 'nested', 'deep.txt'), 'deep');
  writeFileSync(path.join(tmp, 'user-data'), '#cloud-config\n');
  writeFileSync(path.join(tmp, 'meta-data'), 'instance-id: x\n');
  writeFileSync(path.join(tmp, 'odd=name.txt'), 'odd');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The volume identifier from the ISO 9660 primary volume descriptor (sector 16, bytes 40–71). */
function volumeId(iso: string): string {
  const fd = openSync(iso, 'r');
  const buf = Buffer.alloc(2048);
  readSync(fd, buf, 0, 2048, 16 * 2048);
  closeSync(fd);
  expect(buf.subarray(1, 6).toString('latin1')).toBe('CD001');
  return buf.subarray(40, 72).toString('latin1').trimEnd();
}

/** Every path in the ISO (Rock Ridge names), listed by xorriso itself. */
function listing(iso: string): string[] {
  const r = spawnSync('xorriso', ['-indev', iso, '-find', '/', '-exec', 'lsdl', '--'], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((l) => /'(\/[^']*)'$/.exec(l)?.[1])
    .filter((p): p is string => !!p && p !== '/')
    .sort();
}

describe('cdrom ISO from files (real xorriso)', () => {
  it('builds an OEMDRV-labelled ISO with the files at the root', async () => {
    const iso = path.join(tmp, 'oemdrv.iso');
    await buildCdromIso({ files: ['http/ks.cfg'], baseDir: tmp, label: 'OEMDRV', destination: iso, what: 'vm web: cdroms.ks' });
    expect(volumeId(iso)).toBe('OEMDRV');
    expect(listing(iso)).toEqual(['/ks.cfg']);
  });

  it('keeps a lower-case label like cidata exactly, for cloud-init NoCloud', async () => {
    const iso = path.join(tmp, 'cidata.iso');
    await buildCdromIso({ files: [path.join(tmp, 'user-data'), 'meta-data'], baseDir: tmp, label: 'cidata', destination: iso, what: 'seed' });
    expect(volumeId(iso)).toBe('cidata');
    expect(listing(iso)).toEqual(['/meta-data', '/user-data']);
  });

  it('a directory lands as itself; with a trailing slash its contents land at the root; default label is packer', async () => {
    const asDir = path.join(tmp, 'dir.iso');
    await buildCdromIso({ files: ['http', 'odd=name.txt'], baseDir: tmp, destination: asDir, what: 'x' });
    expect(volumeId(asDir)).toBe('packer');
    expect(listing(asDir)).toEqual(['/http', '/http/ks.cfg', '/http/nested', '/http/nested/deep.txt', '/odd=name.txt']);
    const contents = path.join(tmp, 'contents.iso');
    await buildCdromIso({ files: ['http/'], baseDir: tmp, label: 'X', destination: contents, what: 'x' });
    expect(listing(contents)).toEqual(['/ks.cfg', '/nested', '/nested/deep.txt']);
  });

  it('a missing file is a user error naming the cdrom and the path it looked for', async () => {
    const iso = path.join(tmp, 'missing.iso');
    await expect(buildCdromIso({ files: ['http/nope.xml'], baseDir: tmp, destination: iso, what: 'vm win: cdroms.answers' })).rejects.toThrow(
      new UserError(`vm win: cdroms.answers: file 'http/nope.xml' does not exist (looked for ${path.join(tmp, 'http/nope.xml')})`),
    );
    expect(existsSync(iso)).toBe(false);
  });

  it('labels: printable ASCII up to 32 characters', () => {
    expect(() => validateCdLabel('x'.repeat(33), 'cd')).toThrow(/cd: label 'x{33}' must be 1 to 32 characters/);
    expect(() => validateCdLabel('', 'cd')).toThrow(UserError);
    expect(() => validateCdLabel('ÉTÉ', 'cd')).toThrow(/printable ASCII/);
    fc.assert(
      fc.property(fc.stringMatching(/^[\x20-\x7e]{1,32}$/), (label) => {
        expect(() => validateCdLabel(label, 'cd')).not.toThrow();
      }),
    );
  });
});
