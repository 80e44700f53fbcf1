/**
 * What Tesseract read on rows of a text console that the glyph table cannot read alone (a glyph it
 * reads two ways, a letter it has not seen yet), remembered by the row's glyphs: the same row seen
 * again (the next screen of the same dialog, the same list scrolled) is not read again. Lines are
 * kept with their top and bottom relative to the row, so a row that moved up or down is found
 * too.
 */
import { createHash } from 'node:crypto';
import type { CellSize } from './cell-grid.js';
import type { ScreenLine } from './screen-lines.js';

/** Rows remembered (a few screens' worth; the oldest go first). */
const REMEMBERED_ROWS = 512;

export class RememberedRows {
  private readonly rows = new Map<string, ScreenLine[]>();

  /** The lines read before on a row with these glyphs, moved to row `row`; undefined when not seen. */
  find(cell: CellSize, glyphs: readonly (string | undefined)[], row: number): ScreenLine[] | undefined {
    const lines = this.rows.get(rowKey(cell, glyphs));
    const top = row * cell.height;
    return lines?.map((l) => ({ ...l, top: l.top + top, bottom: l.bottom + top }));
  }

  remember(cell: CellSize, glyphs: readonly (string | undefined)[], row: number, lines: readonly ScreenLine[]): void {
    const key = rowKey(cell, glyphs);
    const top = row * cell.height;
    this.rows.delete(key);
    this.rows.set(
      key,
      lines.map((l) => ({ ...l, top: l.top - top, bottom: l.bottom - top })),
    );
    if (this.rows.size > REMEMBERED_ROWS) this.rows.delete(this.rows.keys().next().value!);
  }
}

function rowKey(cell: CellSize, glyphs: readonly (string | undefined)[]): string {
  const hash = createHash('sha1').update(`${cell.width}x${cell.height}`);
  for (let c = 0; c < glyphs.length; c++) hash.update(`|${glyphs[c] ?? ''}`);
  return hash.digest('hex');
}
