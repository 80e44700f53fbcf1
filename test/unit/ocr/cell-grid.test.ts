/**
 * Cutting a console screen into glyphs and reading it back from the learned table, on synthetic
 * screens drawn with the table's own glyphs (no Tesseract here: glyph-reader.test.ts has it).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellGrid, fittingCellSizes, glyphPicture, type CellSize } from '../../../src/core/ocr/cell-grid.js';
import { readGlyphs } from '../../../src/core/ocr/glyph-lines.js';
import { GlyphTable } from '../../../src/core/ocr/glyph-table.js';
import learned from '../../../src/core/ocr/learned-glyphs.json' with { type: 'json' };
import type { RgbaImage } from '../../../src/core/ocr/screen-image.js';
import { composeScreenText } from '../../../src/core/ocr/screen-lines.js';

const table = new GlyphTable(learned);

/** One learned glyph per character of a cell size, drawn with less ink than background (as letters are). */
function alphabet(cell: CellSize): Map<string, boolean[]> {
  const out = new Map<string, boolean[]>();
  for (const key of Object.keys(learned.readings)) {
    if (!key.startsWith(`${cell.width}x${cell.height}:`)) continue;
    const char = table.char(key);
    if (!char || out.has(char)) continue;
    const bits = glyphPicture(key)
      .join('')
      .split('')
      .map((p) => p === '#');
    if (bits.filter(Boolean).length * 2 < bits.length) out.set(char, bits);
  }
  return out;
}

type Rgb = [number, number, number];

/** Rows of text drawn cell by cell, each row in its own colours. */
function draw(cell: CellSize, cols: number, rows: { text: string; fg: Rgb; bg: Rgb }[], glyphs: Map<string, boolean[]>): RgbaImage {
  const width = cols * cell.width;
  const height = rows.length * cell.height;
  const rgba = new Uint8Array(width * height * 4);
  rows.forEach(({ text, fg, bg }, r) => {
    for (let c = 0; c < cols; c++) {
      const bits = glyphs.get(text[c] ?? ' ');
      for (let y = 0; y < cell.height; y++) {
        for (let x = 0; x < cell.width; x++) {
          const p = ((r * cell.height + y) * width + c * cell.width + x) * 4;
          rgba.set([...(bits?.[y * cell.width + x] ? fg : bg), 255], p);
        }
      }
    }
  });
  return { width, height, rgba };
}

describe('fittingCellSizes', () => {
  it('finds the cell sizes that divide a screen from its corner', () => {
    expect(fittingCellSizes(720, 400)).toEqual([
      { width: 9, height: 16 },
      { width: 8, height: 16 },
    ]);
    expect(fittingCellSizes(1024, 768)).toEqual([{ width: 8, height: 16 }]);
    expect(fittingCellSizes(640, 350)).toEqual([{ width: 8, height: 14 }]);
    expect(fittingCellSizes(1366, 768)).toEqual([]);
  });
});

describe('cellGrid', () => {
  const cell = { width: 9, height: 16 };
  const glyphs = alphabet(cell);

  it('gives a blank cell no glyph, and a letter the same glyph on any colours', () => {
    const screen = draw(
      cell,
      4,
      [
        { text: 'b b', fg: [170, 170, 170], bg: [0, 0, 0] },
        { text: ' b', fg: [0, 0, 0], bg: [170, 170, 170] },
      ],
      glyphs,
    );
    const grid = cellGrid(screen, cell)!;
    expect([grid.cols, grid.rows]).toEqual([4, 2]);
    const b = grid.glyphs[0];
    expect(table.char(b!)).toBe('b');
    expect([grid.glyphs[1], grid.glyphs[2], grid.glyphs[3], grid.glyphs[4], grid.glyphs[5]]).toEqual([undefined, b, undefined, undefined, b]);
    expect(cellGrid(screen, { width: 8, height: 16 })).toBeUndefined();
  });

  for (const size of [
    { width: 9, height: 16 },
    { width: 8, height: 16 },
  ]) {
    it(`reads back any text drawn in learned ${size.width}×${size.height} glyphs, in any colours (property)`, () => {
      const letters = [...alphabet(size).keys()];
      expect(letters.length).toBeGreaterThan(40);
      const glyphs = alphabet(size);
      const colour = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255));
      const row = fc.record({ text: fc.array(fc.constantFrom(...letters, ' ', ' ', ' '), { maxLength: 12 }).map((cs) => cs.join('')), fg: colour, bg: colour }).filter(({ fg, bg }) => fg.join() !== bg.join());
      fc.assert(
        fc.property(fc.array(row, { minLength: 1, maxLength: 5 }), (rows) => {
          const grid = cellGrid(draw(size, 12, rows, glyphs), size)!;
          const reading = readGlyphs(grid, table);
          expect(reading.unknownRows).toEqual([]);
          const expected = rows
            .map((r) => r.text.trim().replace(/ +/g, ' '))
            .filter((t) => t !== '')
            .join('\n');
          expect(composeScreenText(reading.lines)).toBe(expected);
        }),
      );
    });
  }
});
