/**
 * Which character each console glyph is, learned from Tesseract's own reading of screens (never
 * taken from a font). A line Tesseract read on a fixed-cell screen is laid over the non-blank
 * cells of its row: when the line has exactly as many characters (spaces aside) as the cells it
 * covers, the n-th character is the n-th cell's; otherwise word by word from the left, while a
 * word and its run of cells have the same length. A glyph is known only while its readings agree
 * (AGREEMENT): one read as two different characters about as often is left to Tesseract.
 *
 * The table starts from learned-glyphs.json (scripts/learn-glyphs.mjs made it from the committed
 * screenshots) and keeps learning from every screen Tesseract reads during the build.
 */
import type { CellGrid } from './cell-grid.js';
import type { ScreenLine } from './screen-lines.js';

/** The committed table's shape (learned-glyphs.json). */
export interface LearnedGlyphs {
  /** Glyph key (cell-grid.ts) → how often Tesseract read it as each character. */
  readings: Record<string, Record<string, number>>;
  /**
   * Glyphs Tesseract gives no letter of their own: a dialog's frame and shadow, which it reads as
   * nothing, and CJK, Arabic, Hebrew … on an installer's language list, which the English model
   * reads as noise of another length. Found on screens whose other glyphs lined up with
   * Tesseract's reading, never read as a letter themselves, not even in a row Tesseract read on
   * its own (scripts/learn-glyphs.ts). They count as blank cells, so such a screen is read from
   * its glyphs rather than sent to Tesseract for text no wait can name.
   */
  unreadable: string[];
}

/** What char() gives for an unreadable glyph: no text, as a blank cell. */
export const UNREADABLE = '';

/** Blank cells that end a line of text when the glyphs alone are read (glyph-lines.ts splits rows there). */
export const LINE_GAP = 3;

/**
 * A glyph's character is the reading that outnumbers all others together this many times over.
 * Tesseract misreads a letter now and then ("<Tab>" as "<Tah>"); a glyph it reads two ways about
 * as often ("l" and "1") is left to it. Readings that differ only in case count as one (it cannot
 * tell c, o, s … from their capitals by shape, and waits ignore case, screen-text.ts); the more
 * frequent case is kept.
 */
const AGREEMENT = 2;

/** Pixels by which Tesseract's line box may stand out of its cell row. */
const BOX_SLACK = 2;

/**
 * The share of the characters read that must line up with cells, and that must be on lines
 * within one cell row, before a grid is learned from.
 */
const LEARN_MIN_SHARE = 0.25;
const PLACED_MIN_SHARE = 0.75;

/** Typographic quotes as straight ones: Tesseract reads a console's straight quotes either way, and waits match them as straight (screen-text.ts). */
function straightQuotes(char: string): string {
  return char.replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"').replace(/[\u2018\u2019\u201a\u201b\u2032`]/g, "'");
}

export class GlyphTable {
  private readonly readings = new Map<string, Map<string, number>>();
  private readonly chars = new Map<string, string>();
  private readonly unreadable = new Set<string>();

  constructor(learned?: LearnedGlyphs) {
    if (!learned) return;
    for (const [key, counts] of Object.entries(learned.readings)) {
      this.readings.set(key, new Map(Object.entries(counts)));
      this.decide(key);
    }
    for (const key of learned.unreadable) if (!this.chars.has(key)) this.unreadable.add(key);
  }

  /** Glyphs whose character is known. */
  get size(): number {
    return this.chars.size;
  }

  /** The glyph's character, UNREADABLE for a glyph Tesseract gives no letter, undefined when not known. */
  char(key: string): string | undefined {
    return this.chars.get(key) ?? (this.unreadable.has(key) ? UNREADABLE : undefined);
  }

  /** Whether the glyph was ever read as a letter (known, or read too many ways). */
  wasRead(key: string): boolean {
    return this.readings.has(key);
  }

  /** Records one reading of a glyph. */
  add(key: string, reading: string): void {
    const char = straightQuotes(reading);
    let counts = this.readings.get(key);
    if (!counts) this.readings.set(key, (counts = new Map()));
    counts.set(char, (counts.get(char) ?? 0) + 1);
    this.decide(key);
  }

  /** Marks a glyph Tesseract did not read as a letter of its own (see LearnedGlyphs.unreadable). */
  markUnreadable(key: string): void {
    if (!this.readings.has(key)) this.unreadable.add(key);
  }

  /**
   * Learns from Tesseract's lines of the screen the grid was cut from, when the grid is the one
   * the text is drawn on; returns the alignment then (the learning script marks unreadable glyphs
   * from it), else undefined.
   */
  learn(grid: CellGrid, lines: readonly ScreenLine[]): Alignment | undefined {
    const alignment = alignLines(grid, lines);
    // On a grid the text is not drawn on, a short word now and then covers as many cells as it
    // has letters (8×16 over VGA's 9×16 cells), or a line happens to sit in a cell row (8×16 over
    // OVMF's 8×19 text): a few such lines among many are chance.
    if (alignment.chars === 0 || alignment.pairs.length < LEARN_MIN_SHARE * alignment.chars || alignment.placedChars < PLACED_MIN_SHARE * alignment.chars) return undefined;
    for (const [key, char] of alignment.pairs) this.add(key, char);
    return alignment;
  }

  toJSON(): LearnedGlyphs {
    const sorted = (keys: Iterable<string>) => [...keys].sort();
    return {
      readings: Object.fromEntries(sorted(this.readings.keys()).map((k) => [k, Object.fromEntries([...this.readings.get(k)!].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))])),
      unreadable: sorted(this.unreadable),
    };
  }

  private decide(key: string): void {
    const counts = this.readings.get(key)!;
    const folded = new Map<string, number>();
    let total = 0;
    for (const [char, n] of counts) {
      folded.set(char.toLowerCase(), (folded.get(char.toLowerCase()) ?? 0) + n);
      total += n;
    }
    const [best, n] = [...folded].reduce((a, b) => (b[1] > a[1] ? b : a));
    if (n <= AGREEMENT * (total - n)) {
      this.chars.delete(key);
      return;
    }
    const cased = [...counts].filter(([char]) => char.toLowerCase() === best).reduce((a, b) => (b[1] > a[1] ? b : a));
    this.chars.set(key, cased[0]);
    this.unreadable.delete(key);
  }
}

export interface Alignment {
  /** Glyph → character, one pair per cell lined up with a character read. */
  pairs: [string, string][];
  /** Characters read (spaces aside), and those on lines that sit within one cell row. */
  chars: number;
  placedChars: number;
  /** Cell rows crossed by a line taller than a row (CJK), whose glyphs were read as no line of their own. */
  crossedRows: Set<number>;
}

/** The glyph→character pairs that Tesseract's lines give when laid over the grid's cells. */
export function alignLines(grid: CellGrid, lines: readonly ScreenLine[]): Alignment {
  const { cell, cols, rows, glyphs } = grid;
  const out: Alignment = { pairs: [], chars: 0, placedChars: 0, crossedRows: new Set() };
  for (const line of lines) {
    const words = line.text.split(' ').filter((w) => w !== '');
    const want = words.reduce((n, w) => n + [...w].length, 0);
    out.chars += want;
    const row = Math.floor((line.top + line.bottom) / 2 / cell.height);
    // A line whose ink crosses its cell row is not drawn on this grid (OVMF's 8×19 text on a
    // 1280×800 screen, which 8×16 also divides), or is two rows tall (CJK). Tesseract's box may
    // stand out of the ink by a pixel or two.
    if (row < 0 || row >= rows || line.top < row * cell.height - BOX_SLACK || line.bottom > (row + 1) * cell.height + BOX_SLACK) {
      for (let r = Math.floor(line.top / cell.height); r * cell.height < line.bottom && r < rows; r++) if (r >= 0) out.crossedRows.add(r);
      continue;
    }
    out.placedChars += want;
    // Tesseract's box starts at the first ink, which may lie a pixel or two into its cell.
    const first = Math.max(0, Math.floor(line.left / cell.width));
    const runs = cellRuns(glyphs, row * cols, first, cols, want);
    const cells = runs.flat();
    if (cells.length === want) {
      const chars = words.flatMap((w) => [...w]);
      cells.forEach((key, i) => out.pairs.push([key, chars[i]!]));
    } else {
      // Word by word from the left, up to the first word that does not fit its run: past it, the
      // words and runs no longer pair up (a word split in two, a CJK run read as three words).
      for (let i = 0; i < Math.min(runs.length, words.length); i++) {
        const chars = [...words[i]!];
        if (chars.length !== runs[i]!.length) break;
        runs[i]!.forEach((key, j) => out.pairs.push([key, chars[j]!]));
      }
    }
  }
  return out;
}

/**
 * Runs of non-blank cells (words) of one row from column `first`, whole runs until at least `want`
 * cells are taken. The gaps between runs do not matter: Tesseract makes one line of both columns
 * of a list ("Albanian  -  Shqip").
 */
function cellRuns(glyphs: readonly (string | undefined)[], rowStart: number, first: number, cols: number, want: number): string[][] {
  const runs: string[][] = [];
  let taken = 0;
  let run: string[] | undefined;
  for (let c = first; c < cols; c++) {
    const key = glyphs[rowStart + c];
    if (key === undefined) {
      run = undefined;
      if (taken >= want) break;
      continue;
    }
    if (!run) runs.push((run = []));
    run.push(key);
    taken++;
  }
  return runs;
}
