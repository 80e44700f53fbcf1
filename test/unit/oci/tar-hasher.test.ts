/**
 * The layer's tar and disk digests match node:crypto over the same bytes, however the tar is cut
 * into blocks; an upload chunk's pieces cut at any offset give the same bytes.
 */
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { Chunk } from '../../../src/core/oci/registry/chunked-upload.js';
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

test('property: a chunk of pieces read from any offset is the same bytes as the joined pieces from there', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 50 }), { maxLength: 8 }), fc.nat(), (arrays, n) => {
      const chunk = new Chunk();
      for (const a of arrays) chunk.add(Buffer.from(a));
      const all = Buffer.concat(chunk.pieces);
      expect(chunk.length).toBe(all.length);
      const offset = all.length === 0 ? 0 : n % (all.length + 1);
      expect(Buffer.concat(chunk.from(offset)).equals(all.subarray(offset))).toBe(true);
    }),
  );
});
