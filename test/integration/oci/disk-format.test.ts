import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DiskFormatError, inspectDisk } from '../../../src/core/oci/disk-format.js';
import { requireTool } from '../../helpers/registry.js';

let work: string;
beforeAll(async () => {
  requireTool('qemu-img', 'qemu-utils');
  work = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-diskfmt-test-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

test('qcow2 made by qemu-img → disk.qcow2; anything else → disk.img (raw)', async () => {
  const q = path.join(work, 'a.qcow2');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', q, '64M']);
  expect(await inspectDisk(q)).toMatchObject({ format: 'qcow2', fileName: 'disk.qcow2' });
  const r = path.join(work, 'a.raw');
  await writeFile(r, Buffer.alloc(4096));
  expect(await inspectDisk(r)).toMatchObject({ format: 'raw', fileName: 'disk.img', size: 4096 });
});

test('a qcow2 with a backing file is refused with the command that flattens it', async () => {
  const base = path.join(work, 'base.qcow2');
  const overlay = path.join(work, 'overlay.qcow2');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', base, '16M']);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', base, overlay]);
  await expect(inspectDisk(overlay)).rejects.toThrow(/has a backing file.*qemu-img convert -O qcow2/);
});

test.each([
  ['gzip', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0])],
  ['xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0])],
  ['zstd', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0])],
])('a %s-compressed file is refused: a containerDisk holds qcow2 or raw', async (name, magic) => {
  const f = path.join(work, `c.${name}`);
  await writeFile(f, Buffer.concat([magic, Buffer.alloc(100)]));
  await expect(inspectDisk(f)).rejects.toThrow(new RegExp(`${name}-compressed file`));
});

test('missing, empty and non-regular files', async () => {
  await expect(inspectDisk(path.join(work, 'nope'))).rejects.toThrow(/no such disk file/);
  const empty = path.join(work, 'empty');
  await writeFile(empty, '');
  await expect(inspectDisk(empty)).rejects.toThrow(/empty/);
  await expect(inspectDisk(work)).rejects.toBeInstanceOf(DiskFormatError);
});
