/**
 * Text lines as Tesseract finds them on a screen, with where they sit, and the screen's text
 * composed from them. Tesseract's TSV output (tesseract-ocr/tesseract src/api/renderer.cpp,
 * TessTsvRenderer; columns level, page_num, block_num, par_num, line_num, word_num, left, top,
 * width, height, conf, text; level 4 is a line, 5 a word) carries the boxes its plain text drops.
 *
 * The text is composed row by row: lines that share a screen row are joined left to right. Tesseract
 * orders its text by layout block, so a two-column list ("English - English" in an installer's
 * language list) comes out as one column after the other; a screen is read by rows, and that is
 * also what lets a few changed rows be read again on their own and put back in place.
 */

export interface ScreenLine {
  top: number;
  /** One past the last pixel row. */
  bottom: number;
  left: number;
  text: string;
}

const LINE_LEVEL = 4;
const WORD_LEVEL = 5;

/** The non-empty lines of a TSV page, in Tesseract's order. */
export function parseTsvLines(tsv: string): ScreenLine[] {
  const lines = new Map<string, ScreenLine & { words: string[] }>();
  for (const row of tsv.split('\n')) {
    const cols = row.split('\t');
    if (cols.length < 12) continue;
    const level = Number(cols[0]);
    if (level !== LINE_LEVEL && level !== WORD_LEVEL) continue;
    const key = `${cols[2]}/${cols[3]}/${cols[4]}`;
    if (level === LINE_LEVEL) {
      const left = Number(cols[6]);
      const top = Number(cols[7]);
      lines.set(key, { top, bottom: top + Number(cols[9]), left, text: '', words: [] });
      continue;
    }
    // Word text is the rest of the row (it holds no tab, but keep whatever follows the 11th tab).
    const word = cols.slice(11).join('\t').trim();
    if (word !== '') lines.get(key)?.words.push(word);
  }
  const out: ScreenLine[] = [];
  for (const { words, ...line } of lines.values()) {
    if (words.length > 0) out.push({ ...line, text: words.join(' ') });
  }
  return out;
}

/**
 * A line joins the row of the first line above it that it overlaps by at least half the taller
 * one's height, and the row keeps its first line's extent: a line two rows tall (CJK glyphs drawn
 * over two text-mode rows) stands on its own rather than merging the two rows it covers. Rows are ordered top to bottom,
 * lines within a row left to right, separated by a space.
 */
export function composeScreenText(lines: readonly ScreenLine[]): string {
  const sorted = [...lines].sort((a, b) => a.top - b.top || byPlace(a, b));
  const rows: { top: number; bottom: number; lines: ScreenLine[] }[] = [];
  for (const line of sorted) {
    const row = rows.find((r) => sharesRow(r, line));
    if (row) row.lines.push(line);
    else rows.push({ top: line.top, bottom: line.bottom, lines: [line] });
  }
  return rows
    .map((r) =>
      r.lines
        .sort(byPlace)
        .map((l) => l.text)
        .join(' '),
    )
    .join('\n');
}

/** Left to right; lines at the same place in a fixed order, so the text does not depend on the input's. */
function byPlace(a: ScreenLine, b: ScreenLine): number {
  return a.left - b.left || a.top - b.top || a.bottom - b.bottom || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
}

function sharesRow(row: { top: number; bottom: number }, line: ScreenLine): boolean {
  const overlap = Math.min(row.bottom, line.bottom) - Math.max(row.top, line.top);
  const taller = Math.max(row.bottom - row.top, line.bottom - line.top);
  return overlap > 0 && overlap * 2 >= taller;
}
