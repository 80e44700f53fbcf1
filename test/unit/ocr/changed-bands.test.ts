/** Finding the rows of a screen to read again, and stacking them into one image and back. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BAND_MARGIN, bandsToRead, changedRows, inBands, stackBands, STACK_GAP, unstackLines, type Band } from '../../../src/core/ocr/changed-bands.js';
import type { ScreenLine } from '../../../src/core/ocr/screen-lines.js';

function screen(width: number, height: number, fill = 0): Uint8Array {
  return new Uint8Array(width * height * 4).fill(fill);
}

describe('changedRows', () => {
  it('finds the runs of rows that differ', () => {
    const a = screen(8, 10);
    const b = Uint8Array.from(a);
    b[(2 * 8 + 7) * 4 + 3] = 1; // row 2, last pixel, alpha byte
    b[3 * 8 * 4] = 9; // row 3, first pixel
    b[(9 * 8 + 4) * 4] = 9; // row 9
    expect(changedRows(a, b, 8, 10)).toEqual([
      { start: 2, end: 4 },
      { start: 9, end: 10 },
    ]);
    expect(changedRows(a, Uint8Array.from(a), 8, 10)).toEqual([]);
  });

  it('reports exactly the rows with a changed byte (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 30 }), fc.array(fc.nat(), { maxLength: 20 }), (width, height, spots) => {
        const a = screen(width, height);
        const b = Uint8Array.from(a);
        const changed = new Set<number>();
        for (const spot of spots) {
          const at = spot % b.length;
          b[at] = 1;
          changed.add(Math.floor(at / (width * 4)));
        }
        const rows = changedRows(a, b, width, height).flatMap((r) => Array.from({ length: r.end - r.start }, (_, i) => r.start + i));
        expect(rows).toEqual([...changed].sort((x, y) => x - y));
      }),
    );
  });
});

describe('bandsToRead', () => {
  const line = (top: number, bottom: number): ScreenLine => ({ top, bottom, left: 0, text: 'x' });

  it('grows a change to the whole line it touches, with a margin', () => {
    expect(bandsToRead([{ start: 110, end: 111 }], [line(100, 116), line(140, 156)], 400)).toEqual([{ start: 100 - BAND_MARGIN, end: 116 + BAND_MARGIN }]);
  });

  it('reads a change far from any line on its own, and joins changes that nearly touch', () => {
    expect(bandsToRead([{ start: 0, end: 1 }], [line(100, 116)], 400)).toEqual([{ start: 0, end: 1 + BAND_MARGIN }]);
    expect(
      bandsToRead(
        [
          { start: 100, end: 101 },
          { start: 110, end: 111 },
          { start: 300, end: 301 },
        ],
        [],
        400,
      ),
    ).toEqual([
      { start: 96, end: 115 },
      { start: 296, end: 305 },
    ]);
  });

  it('gives sorted, separate bands that cover every change and cut through no line (property)', () => {
    const height = 600;
    const runs = fc.array(
      fc.record({ start: fc.nat(height - 1), length: fc.integer({ min: 1, max: 40 }) }).map(({ start, length }) => ({ start, end: Math.min(height, start + length) })),
      { maxLength: 8 },
    );
    const lines = fc.array(
      fc.record({ top: fc.nat(height - 1), height: fc.integer({ min: 1, max: 50 }) }).map(({ top, height: h }) => line(top, Math.min(height, top + h))),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(runs, lines, (changed, known) => {
        const bands = bandsToRead(changed, known, height);
        bands.forEach((b, i) => {
          expect(b.start).toBeGreaterThanOrEqual(0);
          expect(b.end).toBeLessThanOrEqual(height);
          expect(b.start).toBeLessThan(b.end);
          if (i > 0) expect(b.start).toBeGreaterThan(bands[i - 1]!.end);
        });
        for (const r of changed) expect(bands.some((b) => b.start <= r.start && r.end <= b.end)).toBe(true);
        for (const l of known) {
          const holder = bands.find((b) => l.bottom > b.start && l.top < b.end);
          if (holder) expect(holder.start <= l.top && l.bottom <= holder.end).toBe(true);
        }
      }),
    );
  });
});

describe('stackBands and unstackLines', () => {
  it('copies each band below the last, the gap filled with the background', () => {
    const width = 3;
    const grey = Uint8Array.from({ length: width * 10 }, (_, i) => Math.floor(i / width)); // row y holds y
    const bands: Band[] = [
      { start: 2, end: 4 },
      { start: 7, end: 8 },
    ];
    const { image, offsets } = stackBands(grey, width, bands, 0);
    const header = `P5\n3 ${2 + 1 + STACK_GAP}\n255\n`;
    expect(Buffer.from(image.subarray(0, header.length)).toString('latin1')).toBe(header);
    const rows = Array.from({ length: 3 + STACK_GAP }, (_, y) => image[header.length + y * width]);
    expect(rows).toEqual([2, 3, ...Array(STACK_GAP).fill(0), 7]);
    expect(offsets).toEqual([0, 2 + STACK_GAP]);
  });

  it('wipes what crosses a band edge (a box side, a checkerboard scroll bar) and keeps the text inside', () => {
    const width = 12;
    const rows = 9;
    const grey = new Uint8Array(width * rows).fill(255);
    const set = (x: number, y: number) => (grey[y * width + x] = 0);
    for (let y = 0; y < rows; y++) set(0, y); // a box's side
    for (let y = 0; y < rows; y++) set(10 + (y % 2), y); // a scroll bar, connected only diagonally
    for (let y = 3; y < 6; y++) set(5, y); // a glyph's stem, clear of both edges
    const { image } = stackBands(grey, width, [{ start: 0, end: rows }], 255);
    const body = image.subarray(image.length - width * rows);
    const inked = [...body.keys()].filter((i) => body[i] === 0).map((i) => [i % width, Math.floor(i / width)]);
    expect(inked).toEqual([
      [5, 3],
      [5, 4],
      [5, 5],
    ]);
  });

  it('puts every line found in a band back where the band came from (property)', () => {
    const height = 800;
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat(height / 20 - 1), { minLength: 1, maxLength: 10 }).map((starts) => starts.sort((a, b) => a - b).map((s) => ({ start: s * 20, end: s * 20 + 16 }))),
        fc.nat(),
        (bands, pick) => {
          const { offsets } = stackBands(new Uint8Array(4 * height), 4, bands, 255);
          const i = pick % bands.length;
          const band = bands[i]!;
          const found: ScreenLine = { top: offsets[i]! + 2, bottom: offsets[i]! + 14, left: 5, text: 'seen' };
          expect(unstackLines([found], bands, offsets)).toEqual([{ top: band.start + 2, bottom: band.start + 14, left: 5, text: 'seen' }]);
          expect(inBands({ ...found, top: band.start + 2, bottom: band.start + 14 }, bands)).toBe(true);
        },
      ),
    );
  });
});
