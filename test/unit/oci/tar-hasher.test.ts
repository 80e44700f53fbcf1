/**
 * The layer's tar and disk digests match node:crypto over the same bytes, however the tar is cut
 * into blocks; a produced stream of pieces skipped to any offset gives the same bytes, and hands back
 * every piece it skips.
 */
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { piecesFrom } from '../../../src/core/oci/registry/streamed-upload.js';
import { TarHasher } from '../../../src/core/oci/tar-hasher.js';

const hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('property: the hasher gives the digests of the tar and of its disk bytes, whatever the blocks', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 40_000 }), { minLength: 1, maxLength: 6 }), fc.nat(), (lengths, seed) => {
      const blocks = lengths.map((n) => randomBytes(n));
      const tar = Buffer.concat(blocks);
      // The disk is everything but the first 3 and the last 5 or 6 bytes of the tar (when there is room).
      const diskStart = Math.min(3, tar.length);
      const diskEnd = Math.max(diskStart, tar.length - 5 - (seed % 2));
      const hasher = new TarHasher();
      let at = 0;
      for (const b of blocks) {
        hasher.update(b, Math.min(Math.max(diskStart - at, 0), b.length), Math.min(Math.max(diskEnd - at, 0), b.length));
        at += b.length;
      }
      expect(hasher.digests()).toEqual({ tar: hex(tar), disk: hex(tar.subarray(diskStart, diskEnd)) });
    }),
    { numRuns: 30 },
  );
});

test('property: pieces skipped to any offset are the same bytes as the joined pieces from there', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.uint8Array({ minLength: 0, maxLength: 50 }), { maxLength: 8 }), fc.nat(), async (arrays, n) => {
      const pieces = arrays.map((a) => Buffer.from(a));
      const all = Buffer.concat(pieces);
      const offset = all.length === 0 ? 0 : n % (all.length + 1);
      async function* source() {
        yield* pieces;
      }
      const released: Buffer[] = [];
      const parts: Buffer[] = [];
      let lastEnd = offset;
      for await (const { piece, part, end } of piecesFrom(source(), offset, (p) => released.push(p))) {
        parts.push(part);
        expect(end - part.length).toBe(lastEnd);
        lastEnd = end;
        released.push(piece);
      }
      expect(Buffer.concat(parts).equals(all.subarray(offset))).toBe(true);
      // Every piece comes back exactly once, skipped or used.
      expect(released).toEqual(pieces);
      expect(released.every((p, i) => p === pieces[i])).toBe(true);
    }),
  );
});
