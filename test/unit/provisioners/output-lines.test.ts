import fc from 'fast-check';
import { expect, test } from 'vitest';
import { LineSplitter } from '../../../src/core/provisioners/output-lines.js';

function split(chunks: Buffer[]): string[] {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  for (const c of chunks) s.push(c);
  s.end();
  return lines;
}

test('examples: CRLF, a last line without newline, UTF-8 split inside a character', () => {
  expect(split([Buffer.from('a\r\nb\nc')])).toEqual(['a', 'b', 'c']);
  const euro = Buffer.from('€\n');
  expect(split([euro.subarray(0, 1), euro.subarray(1)])).toEqual(['€']);
  expect(split([])).toEqual([]);
});

test('property: however the bytes are chunked, the lines are the same', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.array(fc.nat(), { maxLength: 10 }), (text, cuts) => {
      const bytes = Buffer.from(text);
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const chunks: Buffer[] = [];
      let from = 0;
      for (const p of [...points, bytes.length]) {
        chunks.push(bytes.subarray(from, p));
        from = p;
      }
      const expected = text.length === 0 ? [] : text.split('\n').map((l) => l.replace(/\r$/, ''));
      if (text.endsWith('\n')) expected.pop();
      expect(split(chunks)).toEqual(expected);
    }),
  );
});
