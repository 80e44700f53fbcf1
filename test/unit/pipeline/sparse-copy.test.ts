/**
 * Raw images keep their holes from the export through the layer cache to a reused layer's output,
 * measured as the filesystem's allocated blocks (stat's st_blocks, 512-byte units) — no VM booted:
 * the raw disk is made by the real `qemu-img convert` the export runs, from a qcow2 with a few MiB
 * of data in a 1 GiB disk.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync, closeSync, truncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { convertDisk } from '../../../src/core/disk/convert.js';
import { copySkippingZeros, copySparse } from '../../../src/core/disk/sparse-copy.js';
import { memoryLogger } from '../../../src/core/log.js';
import { LayerCache } from '../../../src/core/pipeline/layer-cache.js';
import type { VmOutput } from '../../../src/core/pipeline/manifest.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-sparse-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const allocated = (file: string) => statSync(file).blocks * 512;
/** The real `qemu-img compare`: byte equality that skips holes on both sides (block status), so a sparse GiB compares in milliseconds. */
const same = (a: string, b: string) => {
  execFileSync('qemu-img', ['compare', '-q', '-f', 'raw', '-F', 'raw', a, b]);
  return true;
};

/** Writes `chunks` (offset → bytes) into a file of `size` bytes; everything else is a hole. */
function sparseFile(file: string, size: number, chunks: [number, Buffer][]): void {
  const fd = openSync(file, 'w');
  for (const [at, bytes] of chunks) writeSync(fd, bytes, 0, bytes.length, at);
  closeSync(fd);
  truncateSync(file, size);
}

describe('raw images stay sparse', () => {
  it('an exported raw disk, its layer-cache entry and the reused output each allocate about their data, not their size', async () => {
    // 4 MiB of random data and 4 MiB of written zeros in a 1 GiB disk, through qemu-img as a guest disk would be.
    const rawIn = path.join(tmp, 'guest.img');
    sparseFile(rawIn, GiB, [
      [100 * MiB, randomBytes(4 * MiB)],
      [600 * MiB, Buffer.alloc(4 * MiB)],
    ]);
    const qcow2 = path.join(tmp, 'guest.qcow2');
    execFileSync('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', rawIn, qcow2]);
    const out1 = path.join(tmp, 'out1');
    mkdirSync(out1);
    const image = path.join(out1, 'base-a.img');
    await convertDisk({ source: qcow2, destination: image, format: 'raw', compress: false, logger: memoryLogger().logger, signal: new AbortController().signal });
    expect(statSync(image).size).toBe(GiB);
    const data = 4 * MiB;
    expect(allocated(image)).toBeLessThan(2 * data);

    const cache = new LayerCache(path.join(tmp, 'cache'));
    const digest = 'd'.repeat(64);
    const output: VmOutput = { layer: 'base', vm: 'a', image, format: 'raw', compressed: false, bytes: GiB, sha256: digest, checksumFile: `${image}.sha256` };
    await cache.store('k-raw', 'base', [output]);
    const cached = path.join(cache.entryDir('k-raw'), 'base-a.img');
    expect(statSync(cached).size).toBe(GiB);
    expect(allocated(cached)).toBeLessThan(2 * data);

    const out2 = path.join(tmp, 'out2');
    mkdirSync(out2);
    const [restored] = await cache.restore((await cache.lookup('k-raw'))!, out2);
    expect(statSync(restored!.image).size).toBe(GiB);
    expect(allocated(restored!.image)).toBeLessThan(2 * data);
    expect(same(restored!.image, image)).toBe(true);
    expect(readFileSync(restored!.checksumFile, 'utf8')).toBe(`${digest}  base-a.img\n`);
  });

  it('copySparse turns written zeros into holes and keeps the bytes', async () => {
    const from = path.join(tmp, 'zeros-written.img');
    // A dense file: 8 MiB of zeros actually written, then 1 MiB of data.
    sparseFile(from, 9 * MiB, [
      [0, Buffer.alloc(8 * MiB)],
      [8 * MiB, randomBytes(MiB)],
    ]);
    expect(allocated(from)).toBeGreaterThanOrEqual(9 * MiB);
    const to = path.join(tmp, 'zeros-written.copy');
    const method = await copySparse(from, to);
    // This machine's filesystem decides between a reflink (shares blocks) and a sparse copy.
    if (method !== 'reflink') expect(allocated(to)).toBeLessThan(2 * MiB);
    expect(same(to, from)).toBe(true);
  });

  it('the portable fallback writes the same bytes, sparse, for any layout of data and holes', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3 * MiB }), fc.array(fc.tuple(fc.integer({ min: 0, max: 3 * MiB }), fc.integer({ min: 1, max: 200_000 }), fc.boolean()), { maxLength: 6 }), async (size, chunks) => {
        const from = path.join(tmp, `prop-${n}.src`);
        const to = path.join(tmp, `prop-${n++}.dst`);
        sparseFile(
          from,
          size,
          chunks.filter(([at, len]) => at + len <= size).map(([at, len, zeros]) => [at, zeros ? Buffer.alloc(len) : randomBytes(len).fill(1, 0, 1)]),
        );
        await copySkippingZeros(from, to);
        expect(statSync(to).size).toBe(size);
        expect(readFileSync(to).equals(readFileSync(from))).toBe(true);
        // Never more allocated than the source's data rounded to the 64 KiB zero-test blocks.
        expect(allocated(to)).toBeLessThanOrEqual(allocated(from) + 2 * 64 * 1024 * (chunks.length + 1));
        rmSync(from);
        rmSync(to);
      }),
      { numRuns: 40 },
    );
  });

  it('copySkippingZeros leaves a 256 MiB file with 1 MiB of data at about 1 MiB', async () => {
    const from = path.join(tmp, 'mostly-hole.img');
    sparseFile(from, 256 * MiB, [[128 * MiB + 123, randomBytes(MiB)]]);
    const to = path.join(tmp, 'mostly-hole.copy');
    await copySkippingZeros(from, to);
    expect(statSync(to).size).toBe(256 * MiB);
    expect(allocated(to)).toBeLessThan(2 * MiB);
    expect(same(to, from)).toBe(true);
  });
});
