import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import tarStream from 'tar-stream';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { inspectDisk } from '../../../src/core/oci/disk-format.js';
import { diskLayerTarSize, streamDiskLayer } from '../../../src/core/oci/disk-layer.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-layer-test-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const hex = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function layerOf(file: string, blockSize: number, concurrency: number) {
  const info = await inspectDisk(file);
  const stream = streamDiskLayer({ path: file, disk: info, compression: 'gzip', level: 1, concurrency, blockSize });
  const parts: Buffer[] = [];
  for await (const c of stream.chunks) parts.push(Buffer.from(c));
  return { blob: Buffer.concat(parts), digests: stream.digests(), info };
}

async function untar(tar: Buffer): Promise<{ header: tarStream.Header; data: Buffer }[]> {
  const extract = tarStream.extract();
  const entries: { header: tarStream.Header; data: Buffer }[] = [];
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (d: unknown) => void chunks.push(d as Buffer));
      stream.on('end', () => {
        entries.push({ header, data: Buffer.concat(chunks) });
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  extract.end(tar);
  await done;
  return entries;
}

test('property: the layer is a tar of disk/ and the disk, and every digest describes what it claims', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 200_000 }),
      fc.integer({ min: 0, max: 300_000 }),
      fc.integer({ min: 1000, max: 70_000 }),
      fc.integer({ min: 1, max: 3 }),
      async (randomLength, zeroLength, blockSize, concurrency) => {
        const file = path.join(work, `d-${randomBytes(4).toString('hex')}.img`);
        const content = Buffer.concat([randomBytes(randomLength), Buffer.alloc(zeroLength)]);
        await writeFile(file, content);
        const { blob, digests, info } = await layerOf(file, blockSize, concurrency);
        const tar = zlib.gunzipSync(blob);
        expect(tar.length).toBe(diskLayerTarSize(info));
        expect(digests.digest).toBe(hex(blob));
        expect(digests.size).toBe(blob.length);
        expect(digests.diffId).toBe(hex(tar));
        expect(digests.diskDigest).toBe(hex(content));
        const entries = await untar(tar);
        expect(entries.map((e) => [e.header.name, e.header.type, e.header.mode, e.header.uid, e.header.gid])).toEqual([
          ['disk/', 'directory', 0o555, 107, 107],
          ['disk/disk.img', 'file', 0o444, 107, 107],
        ]);
        expect(entries[1]!.data.equals(content)).toBe(true);
        await rm(file);
      },
    ),
    { numRuns: 25 },
  );
});

test('same disk, same layer digest: independent of block scheduling and of the file’s name and time', async () => {
  const a = path.join(work, 'a.img');
  const b = path.join(work, 'b.img');
  const content = Buffer.concat([randomBytes(600_000), Buffer.alloc(2_000_000)]);
  await writeFile(a, content);
  await writeFile(b, content);
  await truncate(b, content.length); // new mtime
  const one = await layerOf(a, 256 * 1024, 1);
  const two = await layerOf(b, 256 * 1024, 3);
  expect(two.digests).toEqual(one.digests);
});

test('a disk that shrinks while it is read fails clearly', async () => {
  const file = path.join(work, 'shrink.img');
  await writeFile(file, randomBytes(100_000));
  const info = await inspectDisk(file);
  await truncate(file, 10_000);
  const stream = streamDiskLayer({ path: file, disk: info, compression: 'gzip', level: 1, concurrency: 1, blockSize: 16384 });
  await expect(
    (async () => {
      for await (const _ of stream.chunks);
    })(),
  ).rejects.toThrow(/shrank while it was being read/);
});
