/**
 * Block-compressed layers read back by the command-line decompressors (gzip, zstd from Debian):
 * the concatenated members must decompress whole, as containerd's decoders read them. Node's own
 * zstd decoder stops after the first frame, so the zstd tool is the judge here (the parts that
 * need no tool: test/unit/oci/block-compressor.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { blockCompressor, compressInOrder } from '../../../src/core/oci/block-compressor.js';
import type { Compression } from '../../../src/core/oci/media-types.js';
import { requireTool } from '../../helpers/registry.js';

async function* blocksOf(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield Buffer.from(data.subarray(i, i + size));
}

async function compressAll(data: Buffer, compression: Compression, blockSize: number, concurrency: number): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of compressInOrder(blocksOf(data, blockSize), blockCompressor(compression, compression === 'gzip' ? 6 : 3, blockSize), concurrency)) out.push(c);
  return Buffer.concat(out);
}

/** Mixed content: random runs, zero runs, text. Disks look like this. */
const diskLike = fc
  .array(
    fc.oneof(
      fc.integer({ min: 1, max: 5000 }).map((n) => randomBytes(n)),
      fc.integer({ min: 1, max: 9000 }).map((n) => Buffer.alloc(n)),
      fc.string({ maxLength: 2000 }).map((s) => Buffer.from(s.repeat(3))),
    ),
    { maxLength: 12 },
  )
  .map((parts) => Buffer.concat(parts))
  // A layer is never empty (a tar has at least its end-of-archive blocks), and zero members are no gzip stream.
  .filter((data) => data.length > 0);

describe.each(['gzip', 'zstd'] as const)('%s members', (compression) => {
  // Node's zstd decoder stops after the first frame; the zstd tool, like containerd's decoder, reads them all.
  const decompress = (b: Buffer) => (compression === 'gzip' ? zlib.gunzipSync(b) : execFileSync('zstd', ['-dc'], { input: b, maxBuffer: 1 << 26 }));

  test('property: the concatenated members decompress to the input, for any block size and concurrency', async () => {
    await fc.assert(
      fc.asyncProperty(diskLike, fc.integer({ min: 200, max: 8192 }), fc.integer({ min: 1, max: 4 }), async (data, blockSize, concurrency) => {
        const compressed = await compressAll(data, compression, blockSize, concurrency);
        expect(decompress(compressed).equals(data)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  test('the command-line decompressor reads the concatenation too', async () => {
    const tool = compression === 'gzip' ? 'gzip' : 'zstd';
    requireTool(tool, tool);
    const data = Buffer.concat([randomBytes(300_000), Buffer.alloc(500_000), Buffer.from('tail'.repeat(1000))]);
    const compressed = await compressAll(data, compression, 65536, 3);
    expect(execFileSync(tool, ['-dc'], { input: compressed, maxBuffer: 16 * 1024 * 1024 }).equals(data)).toBe(true);
  });
});
