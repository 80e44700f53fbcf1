import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_SIZE, compressedEntry, refcountClusters, writeCompressedQcow2 } from '../../../src/core/disk/compressed-qcow2.js';
import { convertDisk } from '../../../src/core/disk/convert.js';
import { guestDataMap, type GuestDataMap } from '../../../src/core/disk/guest-data-map.js';
import { memoryLogger } from '../../../src/core/log.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-cqcow2-test-'));
const MiB = 1024 * 1024;

beforeAll(() => {
  if (spawnSync('qemu-img', ['--version']).status !== 0) throw new Error('qemu-img is missing: apt-get install -y qemu-utils (scripts/setup.mjs installs it)');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function qemuImg(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync('qemu-img', args, { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** A sparse raw image: only the given pieces are written, the rest is a hole. */
function rawImage(file: string, size: number, pieces: { at: number; bytes: Buffer }[]): void {
  const fd = openSync(file, 'w');
  try {
    for (const p of pieces) writeSync(fd, p.bytes, 0, p.bytes.length, p.at);
  } finally {
    closeSync(fd);
  }
  spawnSync('truncate', ['-s', String(size), file]);
}

async function mapOf(source: string): Promise<GuestDataMap> {
  const found = await guestDataMap(source);
  if (!('map' in found)) throw new Error(`expected a readable map: ${found.unreadable}`);
  return found.map;
}

/** What each kind of piece holds: text-like (compresses), random (does not), zeros inside data. */
const piece = fc.record({
  at: fc.integer({ min: 0, max: 12 * MiB }).map((n) => n - (n % 512)),
  length: fc.integer({ min: 1, max: 200 * 1024 }),
  kind: fc.constantFrom('pattern', 'random', 'zeros'),
  seed: fc.integer({ min: 1, max: 250 }),
});

function pieceBytes(p: { length: number; kind: string; seed: number }): Buffer {
  const b = Buffer.alloc(p.length);
  if (p.kind === 'pattern') for (let i = 0; i < b.length; i++) b[i] = (i % 97) * p.seed;
  // SHA-256 of a counter: bytes no compressor shrinks, the same for the same seed.
  if (p.kind === 'random') for (let i = 0; i < b.length; i += 32) createHash('sha256').update(`${p.seed}/${i}`).digest().copy(b, i);
  return b;
}

describe('compressed qcow2 writer (real qemu-img checks every image)', () => {
  it('writes images that qemu-img checks clean and reads back as the source, the same bytes every time', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 12 }), fc.integer({ min: 0, max: 64 }), async (pieces, tailSectors) => {
        // Sizes that end mid-cluster too: QEMU zero-pads the last cluster.
        const size = 13 * MiB + tailSectors * 512;
        const source = path.join(tmp, 'prop.raw');
        rawImage(
          source,
          size,
          pieces.map((p) => ({ at: p.at, bytes: pieceBytes(p) })),
        );
        const map = await mapOf(source);
        const a = path.join(tmp, 'prop-a.qcow2');
        const b = path.join(tmp, 'prop-b.qcow2');
        await writeCompressedQcow2({ map, destination: a, signal: AbortSignal.timeout(60_000) });
        await writeCompressedQcow2({ map, destination: b, signal: AbortSignal.timeout(60_000) });
        const check = qemuImg('check', a);
        expect(check.out).toContain('No errors were found on the image.');
        expect(check.status).toBe(0);
        expect(qemuImg('compare', '-f', 'raw', '-F', 'qcow2', source, a).out).toContain('Images are identical.');
        expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
      }),
      { numRuns: 12 },
    );
  });

  it('stores a cluster that does not shrink whole, and compresses the rest with zstd', async () => {
    const source = path.join(tmp, 'mixed.raw');
    const random = pieceBytes({ length: 4 * CLUSTER_SIZE, kind: 'random', seed: 7 });
    const text = pieceBytes({ length: 4 * CLUSTER_SIZE, kind: 'pattern', seed: 3 });
    rawImage(source, 8 * MiB, [
      { at: 0, bytes: text },
      { at: 2 * MiB, bytes: random },
    ]);
    const out = path.join(tmp, 'mixed.qcow2');
    await writeCompressedQcow2({ map: await mapOf(source), destination: out, signal: AbortSignal.timeout(60_000) });
    const check = qemuImg('check', '--output=json', out);
    expect(check.status).toBe(0);
    const report = JSON.parse(check.out) as { 'allocated-clusters': number; 'compressed-clusters': number };
    expect(report['allocated-clusters']).toBe(8);
    expect(report['compressed-clusters']).toBe(4);
    expect(qemuImg('info', out).out).toMatch(/compression type: zstd/);
    expect(qemuImg('compare', '-f', 'raw', '-F', 'qcow2', source, out).out).toContain('Images are identical.');
  });

  it('an abort part way stops the export and ends its compression threads', async () => {
    const source = path.join(tmp, 'abort.raw');
    rawImage(source, 64 * MiB, [{ at: 0, bytes: pieceBytes({ length: 48 * MiB, kind: 'pattern', seed: 11 }) }]);
    const map = await mapOf(source);
    // Threads of this process (the thread pool is started by the reads above already).
    const threads = () => readdirSync('/proc/self/task').length;
    const before = threads();
    const controller = new AbortController();
    let seenThreads = 0;
    const out = path.join(tmp, 'abort.qcow2');
    const run = writeCompressedQcow2({
      map,
      destination: out,
      signal: controller.signal,
      onProgress: (at) => {
        seenThreads = Math.max(seenThreads, threads());
        if (at >= 8 * MiB) controller.abort(new Error('stopped by the test'));
      },
    });
    await expect(run).rejects.toThrow(/stopped by the test/);
    // The workers were running (the count rose), and are gone once the export has returned.
    expect(seenThreads).toBeGreaterThan(before);
    await expect.poll(threads, { timeout: 5_000 }).toBeLessThanOrEqual(before);
  });

  it('spans several L2 tables on a large sparse disk', async () => {
    const source = path.join(tmp, 'large.raw');
    const text = pieceBytes({ length: 3 * CLUSTER_SIZE, kind: 'pattern', seed: 5 });
    rawImage(source, 1536 * MiB, [
      { at: 0, bytes: text },
      { at: 600 * MiB, bytes: text },
      { at: 1536 * MiB - CLUSTER_SIZE, bytes: text.subarray(0, CLUSTER_SIZE) },
    ]);
    const out = path.join(tmp, 'large.qcow2');
    await writeCompressedQcow2({ map: await mapOf(source), destination: out, signal: AbortSignal.timeout(60_000) });
    expect(qemuImg('check', out).status).toBe(0);
    expect(qemuImg('compare', '-f', 'raw', '-F', 'qcow2', source, out).out).toContain('Images are identical.');
  });

  it('reads an overlay through its backing chain, and leaves a compressed base to qemu-img', async () => {
    const base = path.join(tmp, 'base.raw');
    rawImage(base, 16 * MiB, [{ at: MiB, bytes: pieceBytes({ length: 2 * MiB, kind: 'pattern', seed: 9 }) }]);
    const overlay = path.join(tmp, 'top.qcow2');
    expect(qemuImg('create', '-q', '-f', 'qcow2', '-F', 'raw', '-b', base, overlay).status).toBe(0);
    expect(spawnSync('qemu-io', ['-f', 'qcow2', '-c', `write -P 0x42 ${2 * MiB} ${MiB}`, overlay]).status).toBe(0);
    const map = await mapOf(overlay);
    expect(new Set(map.extents.map((e) => e.file))).toEqual(new Set([overlay, base]));
    const out = path.join(tmp, 'top-export.qcow2');
    await convertDisk({ source: overlay, destination: out, format: 'qcow2', compress: true, logger: memoryLogger().logger, signal: AbortSignal.timeout(60_000) });
    expect(qemuImg('check', out).status).toBe(0);
    expect(qemuImg('compare', overlay, out).out).toContain('Images are identical.');

    // A base made of compressed clusters has no plain bytes to read: qemu-img converts it.
    const packed = path.join(tmp, 'packed.qcow2');
    expect(qemuImg('convert', '-c', '-O', 'qcow2', base, packed).status).toBe(0);
    const found = await guestDataMap(packed);
    expect(found).toMatchObject({ unreadable: expect.stringMatching(/not stored as plain bytes/) });
    const { logger, lines } = memoryLogger();
    const fromPacked = path.join(tmp, 'packed-export.qcow2');
    await convertDisk({ source: packed, destination: fromPacked, format: 'qcow2', compress: true, logger, signal: AbortSignal.timeout(60_000) });
    expect(lines.some((l) => l.includes('qemu-img compresses this disk'))).toBe(true);
    expect(qemuImg('compare', base, fromPacked).out).toContain('Images are identical.');
  });
});

describe('compressed qcow2 layout', () => {
  it('sizes the refcount structures to cover the file they end, themselves included, and no more', () => {
    const perBlock = (CLUSTER_SIZE * 8) / 16;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 34 }), (clusters) => {
        const { blocks, table } = refcountClusters(clusters);
        const total = clusters + blocks + table;
        expect(blocks * perBlock).toBeGreaterThanOrEqual(total);
        expect(table * (CLUSTER_SIZE / 8)).toBeGreaterThanOrEqual(blocks);
        expect((blocks - 1) * perBlock).toBeLessThan(total);
      }),
      { numRuns: 500 },
    );
  });

  it("encodes a compressed cluster's offset and the sectors it touches after its first", () => {
    const decode = (entry: bigint) => ({ offset: Number(entry & ((1n << 54n) - 1n)), extra: Number((entry >> 54n) & 0xffn), compressed: (entry >> 62n) & 1n });
    expect(decode(compressedEntry(65536, 512))).toEqual({ offset: 65536, extra: 0, compressed: 1n });
    expect(decode(compressedEntry(65536 + 500, 20))).toEqual({ offset: 65536 + 500, extra: 1, compressed: 1n });
    fc.assert(
      fc.property(fc.integer({ min: CLUSTER_SIZE, max: 2 ** 40 }), fc.integer({ min: 1, max: CLUSTER_SIZE - 1 }), (offset, length) => {
        const { offset: o, extra } = decode(compressedEntry(offset, length));
        expect(o).toBe(offset);
        // QEMU reads (extra + 1) sectors from the sector holding the first byte: exactly the data's sectors.
        expect(Math.floor(offset / 512) + extra).toBe(Math.floor((offset + length - 1) / 512));
      }),
    );
  });
});
