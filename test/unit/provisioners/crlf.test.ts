import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { crlfToLf } from '../../../src/core/provisioners/shell.js';

async function convert(chunks: Buffer[]): Promise<string> {
  return (await buffer(Readable.from(chunks).pipe(crlfToLf()))).toString('latin1');
}

test('examples', async () => {
  expect(await convert([Buffer.from('a\r\nb\r\n')])).toBe('a\nb\n');
  expect(await convert([Buffer.from('a\r'), Buffer.from('\nb\r')])).toBe('a\nb\r');
  expect(await convert([Buffer.from('lone\rcr')])).toBe('lone\rcr');
});

test('property: same result as a global CRLF → LF replace, whatever the chunking', async () => {
  await fc.assert(
    fc.asyncProperty(fc.string({ unit: fc.constantFrom('a', '\r', '\n', 'é'), maxLength: 60 }), fc.array(fc.nat(), { maxLength: 6 }), async (text, cuts) => {
      const bytes = Buffer.from(text, 'latin1');
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const chunks: Buffer[] = [];
      let from = 0;
      for (const p of [...points, bytes.length]) {
        chunks.push(bytes.subarray(from, p));
        from = p;
      }
      expect(await convert(chunks.filter((c) => c.length > 0))).toBe(text.replace(/\r\n/g, '\n'));
    }),
  );
});
