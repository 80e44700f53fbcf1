/**
 * The body of scripts/learn-glyphs.mjs. Two passes over the committed screenshots:
 * 1. Tesseract reads each whole screen, as the build does on a first sight; its lines are laid
 *    over each cell grid that fits the screen and the glyphs its readings agree on are kept
 *    (glyph-table.ts). On the grids whose cells lined up with the reading, glyphs never read as a
 *    letter are marked unreadable (see LearnedGlyphs.unreadable).
 * 2. The build's reader reads each screen with that table: the rows it cannot read from their
 *    glyphs go to Tesseract on their own, which reads a row next to CJK ("Chinese (Simplified)")
 *    or under a scroll arrow better than the whole screen, and teaches the table what it reads,
 *    as a build's reader learns. Glyphs still never read as a letter are then unreadable.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { cellGrid, fittingCellSizes, glyphPicture, type CellGrid } from '../src/core/ocr/cell-grid.js';
import { readGlyphs } from '../src/core/ocr/glyph-lines.js';
import { alignLines, GlyphTable, type Alignment } from '../src/core/ocr/glyph-table.js';
import type { RgbaImage } from '../src/core/ocr/screen-image.js';
import { closeSharedOcr, configureSharedOcr, resetGlyphTable, ScreenReader } from '../src/core/ocr/screen-reader.js';

const [root = '', out = '', verbose = ''] = process.argv.slice(2);
const screensDir = path.join(root, 'test', 'fixtures', 'screens');
const assets = {
  workerPath: path.join(root, 'src', 'core', 'ocr', 'ocr-worker.cjs'),
  corePath: path.join(root, 'node_modules', 'tesseract.js-core'),
  langPath: path.join(root, 'node_modules', '@tesseract.js-data', 'eng', '4.0.0_best_int'),
};
configureSharedOcr({ assets });
const table = resetGlyphTable(new GlyphTable());
const learnedFrom: [string, CellGrid, Alignment][] = [];
const screens: [string, RgbaImage][] = readdirSync(screensDir)
  .filter((f) => f.endsWith('.png'))
  .sort()
  .map((file) => {
    const png = PNG.sync.read(readFileSync(path.join(screensDir, file)));
    return [file, { width: png.width, height: png.height, rgba: png.data }];
  });
const tesseract = await ScreenReader.open({ glyphs: false });
const reader = await ScreenReader.open();
try {
  for (const [file, screen] of screens) {
    const { lines } = await tesseract.read(screen);
    for (const size of fittingCellSizes(screen.width, screen.height)) {
      const grid = cellGrid(screen, size)!;
      const alignment = table.learn(grid, lines);
      if (alignment) learnedFrom.push([file, grid, alignment]);
      const { pairs, chars, placedChars } = alignment ?? alignLines(grid, lines);
      console.log(`${file} ${size.width}x${size.height}: ${pairs.length} of ${chars} characters read lined up with cells, ${placedChars} on lines within a cell row${alignment ? '' : ': not learned from'}`);
    }
  }
  markUnreadable(true);
  for (const [file, screen] of screens) {
    const read = await reader.read(screen);
    console.log(`${file}: read by ${read.source}${read.rowsRead !== undefined ? `, ${read.rowsRead} pixel rows by Tesseract` : ''}`);
  }
  markUnreadable(false);
} finally {
  tesseract.close();
  reader.close();
  await closeSharedOcr();
}
/**
 * Marks the glyphs never read as a letter on the grids learned from. After the first pass, not in
 * rows a taller line crossed: there Latin letters sit next to CJK ("Chinese (Simplified)"), read on
 * a line that lined up with nothing. After the second, everywhere: the reader read each row that
 * still held such a glyph on its own.
 */
function markUnreadable(skipCrossedRows: boolean): void {
  for (const [, grid, { crossedRows }] of learnedFrom) {
    grid.glyphs.forEach((key, i) => key !== undefined && !(skipCrossedRows && crossedRows.has(Math.floor(i / grid.cols))) && !table.wasRead(key) && table.markUnreadable(key));
  }
}
for (const [file, grid] of learnedFrom) {
  const reading = readGlyphs(grid, table);
  console.log(`${file} ${grid.cell.width}x${grid.cell.height}: ${reading.knownCells}/${reading.inkCells} cells known, rows left to Tesseract: ${reading.unknownRows.join(' ') || 'none'}`);
}
const learned = table.toJSON();
const disputed = Object.keys(learned.readings).filter((key) => table.char(key) === undefined);
console.log(`${table.size} glyphs known, ${disputed.length} read too many ways, ${learned.unreadable.length} unreadable`);
if (verbose) {
  for (const [key, readings] of Object.entries(learned.readings)) console.log(`${JSON.stringify(table.char(key) ?? null)} read as ${JSON.stringify(readings)}\n${glyphPicture(key).join('\n')}`);
  for (const key of learned.unreadable) console.log(`unreadable\n${glyphPicture(key).join('\n')}`);
}
if (out) writeFileSync(out, JSON.stringify(learned, null, 1) + '\n');
