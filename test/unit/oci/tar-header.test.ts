import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import tarStream from 'tar-stream';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BLOCK, encodeTarHeader, paxRecord, TAR_TRAILER_SIZE, tarPadding, type TarEntry } from '../../../src/core/oci/tar-header.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-tar-test-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const owner = { uid: 107, gid: 107, uname: 'qemu', gname: 'qemu', mtime: 0 };

function archive(entries: { entry: TarEntry; data?: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  for (const { entry, data } of entries) {
    parts.push(encodeTarHeader(entry));
    if (data) parts.push(data, Buffer.alloc(tarPadding(data.length)));
  }
  parts.push(Buffer.alloc(TAR_TRAILER_SIZE));
  return Buffer.concat(parts);
}

/** Headers only, as tar-stream sees them (bodies skipped). */
async function readHeaders(tar: Buffer): Promise<tarStream.Header[]> {
  const extract = tarStream.extract();
  const headers: tarStream.Header[] = [];
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      headers.push(header);
      stream.on('end', next);
      stream.resume();
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  extract.end(tar);
  await done;
  return headers;
}

test('GNU tar lists our headers as written: owner 107/107, modes, sizes, epoch mtime', async () => {
  const data = Buffer.from('hello disk\n');
  const file = path.join(work, 'a.tar');
  await writeFile(file, archive([{ entry: { name: 'disk/', type: 'directory', mode: 0o555, size: 0, ...owner } }, { entry: { name: 'disk/disk.img', type: 'file', mode: 0o444, size: data.length, ...owner }, data }]));
  const listing = execFileSync('tar', ['--numeric-owner', '--full-time', '-tvf', file], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  expect(listing.split('\n').map((l) => l.replace(/\s+/g, ' '))).toEqual(['dr-xr-xr-x 107/107 0 1970-01-01 00:00:00 disk/', '-r--r--r-- 107/107 11 1970-01-01 00:00:00 disk/disk.img', '']);
  const names = execFileSync('tar', ['-tvf', file], { encoding: 'utf8' });
  expect(names).toMatch(/qemu\/qemu/);
});

test('a size past ustar’s 8 GiB limit goes into a PAX header that readers honour', async () => {
  const size = 9 * 1024 * 1024 * 1024 + 123;
  const header = encodeTarHeader({ name: 'disk/disk.img', type: 'file', mode: 0o444, size, ...owner });
  expect(header.length % BLOCK).toBe(0);
  // tar-stream reads headers without needing the 9 GiB body when we end the stream early.
  const extract = tarStream.extract();
  const seen = new Promise<tarStream.Header>((resolve) => extract.on('entry', (h) => resolve(h)));
  extract.write(header);
  const h = await seen;
  expect(h.size).toBe(size);
  expect(h.name).toBe('disk/disk.img');
  extract.destroy();
});

test('paxRecord counts its own length', () => {
  for (const value of ['1', '12345678901', 'x'.repeat(90), 'y'.repeat(995)]) {
    const record = paxRecord('size', value);
    expect(Number(record.split(' ')[0])).toBe(Buffer.byteLength(record));
  }
});

test('property: any entry tar-stream can read back with the same fields', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.stringMatching(/^[a-z0-9._-]{1,40}(\/[a-z0-9._-]{1,40}){0,3}$/),
      fc.integer({ min: 0, max: 4096 }),
      fc.integer({ min: 0, max: 0o7777 }),
      fc.integer({ min: 0, max: 65535 }),
      fc.integer({ min: 0, max: 2 ** 32 }),
      async (name, size, mode, uid, mtime) => {
        const data = Buffer.alloc(size, 7);
        const tar = archive([{ entry: { name, type: 'file', mode, uid, gid: uid, uname: 'u', gname: 'g', size, mtime }, data }]);
        const [h] = await readHeaders(tar);
        expect(h).toMatchObject({ name, size, mode, uid, gid: uid, uname: 'u', gname: 'g', type: 'file' });
        expect(h!.mtime!.getTime()).toBe(mtime * 1000);
      },
    ),
    { numRuns: 60 },
  );
});

test('names longer than 100 bytes use the ustar prefix field', async () => {
  const name = `${'d'.repeat(120)}/disk.img`;
  const [h] = await readHeaders(archive([{ entry: { name, type: 'file', mode: 0o444, size: 0, ...owner }, data: Buffer.alloc(0) }]));
  expect(h!.name).toBe(name);
});
