/**
 * A fixed-cell screen's text lines read from its glyphs alone (the glyph table), in the shape
 * Tesseract's lines have (screen-lines.ts): a row is cut into lines where LINE_GAP or more blank
 * cells part its text, as Tesseract splits a two-column list, and the blanks inside a line become
 * one space each run, as Tesseract's words are joined; a glyph Tesseract reads as no letter (a
 * frame, CJK) is a blank. A row holding any glyph the table does not know gives no line: it is
 * left for Tesseract (its number is returned).
 */
import type { CellGrid } from './cell-grid.js';
import { LINE_GAP, UNREADABLE, type GlyphTable } from './glyph-table.js';
import type { ScreenLine } from './screen-lines.js';

export interface GlyphReading {
  /** The lines of the rows whose glyphs are all known. */
  lines: ScreenLine[];
  /** Rows (cell rows, top first) with a glyph the table does not know. */
  unknownRows: number[];
  /** Of those rows, each one's glyphs (the cells' keys, blank cells undefined) and the columns of its text: cells with a glyph that is not unreadable. */
  unknown: Map<number, { glyphs: (string | undefined)[]; first: number; last: number }>;
  /** Non-blank cells whose glyph is known, and all non-blank cells. */
  knownCells: number;
  inkCells: number;
}

export function readGlyphs(grid: CellGrid, table: GlyphTable): GlyphReading {
  const { cell, cols, rows, glyphs } = grid;
  const lines: ScreenLine[] = [];
  const unknownRows: number[] = [];
  const unknown: GlyphReading['unknown'] = new Map();
  let knownCells = 0;
  let inkCells = 0;
  for (let r = 0; r < rows; r++) {
    const chars: (string | undefined)[] = [];
    let unknownGlyph = false;
    let first = cols;
    let last = -1;
    for (let c = 0; c < cols; c++) {
      const key = glyphs[r * cols + c];
      if (key === undefined) {
        chars.push(undefined);
        continue;
      }
      inkCells++;
      const char = table.char(key);
      if (char === undefined) unknownGlyph = true;
      else knownCells++;
      if (char !== UNREADABLE) {
        first = Math.min(first, c);
        last = c;
      }
      chars.push(char === UNREADABLE ? undefined : (char ?? '?'));
    }
    if (unknownGlyph) {
      unknownRows.push(r);
      unknown.set(r, { glyphs: glyphs.slice(r * cols, (r + 1) * cols), first, last });
      continue;
    }
    const top = r * cell.height;
    for (const { start, text } of rowLines(chars)) lines.push({ top, bottom: top + cell.height, left: start * cell.width, text });
  }
  return { lines, unknownRows, unknown, knownCells, inkCells };
}

/** A row's runs of text (blank cells are undefined) parted by LINE_GAP or more blanks. */
function rowLines(chars: readonly (string | undefined)[]): { start: number; text: string }[] {
  const out: { start: number; text: string }[] = [];
  let open: { start: number; text: string } | undefined;
  let blanks = 0;
  chars.forEach((char, c) => {
    if (char === undefined) {
      blanks++;
      return;
    }
    if (open && blanks >= LINE_GAP) open = undefined;
    if (!open) out.push((open = { start: c, text: char }));
    else open.text += (blanks > 0 ? ' ' : '') + char;
    blanks = 0;
  });
  return out;
}
