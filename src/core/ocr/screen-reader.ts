/**
 * Reads the text on VM screens. One OCR worker serves the whole build process: VMs of a layer
 * booting together share it (their screens are read in turn), it starts on first use and ends a
 * little after the last user lets go, so a build that never reads a screen never starts one.
 * A screen whose pixels did not change since it was last read is not read again, and of a screen
 * that changed in a few rows only those rows are (changed-bands.ts).
 *
 * A text console's screen (VGA text mode, the Linux framebuffer console) is read from its glyphs
 * where it can be (cell-grid.ts, glyph-table.ts): in a few milliseconds instead of the hundreds
 * Tesseract takes. The rule: the screen is cut into the cell grid whose glyphs the table knows
 * most of (a glyph known to be unreadable, such as a dialog's frame, counts as known and blank);
 * when every non-blank cell is known the screen is read from its glyphs alone; when at least
 * GLYPH_MIN_SHARE of them are, the rows holding an unknown glyph are read by Tesseract, each on
 * its own, and remembered by their glyphs (remembered-rows.ts), the rest from the glyphs;
 * otherwise (a graphical screen: firmware logos, a boot loader's background picture, text off the
 * grid) Tesseract reads it as before. What Tesseract reads of a gridded screen teaches the table,
 * for the rest of the build process.
 */
import { OcrWorker, type OcrWorkerOptions } from './ocr-worker.js';
import { BAND_MARGIN, bandsToRead, changedRows, inBands, stackBands, unstackLines, type Band } from './changed-bands.js';
import { greyToPgm, screenDigest, screenToGrey, type GreyScreen, type RgbaImage } from './screen-image.js';
import { composeScreenText, type ScreenLine } from './screen-lines.js';
import { cellGrid, fittingCellSizes, type CellGrid } from './cell-grid.js';
import { readGlyphs, type GlyphReading } from './glyph-lines.js';
import { GlyphTable } from './glyph-table.js';
import { RememberedRows } from './remembered-rows.js';
import learnedGlyphs from './learned-glyphs.json' with { type: 'json' };

/** How long an unused worker is kept for the next VM or screenshot. */
const IDLE_CLOSE_MS = 15_000;
/** Screens remembered per reader (the last few of a VM are what repeats). */
const REMEMBERED = 8;

let shared: { worker: Promise<OcrWorker>; users: number; idle?: NodeJS.Timeout } | undefined;
let workerOptions: OcrWorkerOptions = {};

/** For tests and the bench: options of the next worker started (assets, parameters). */
export function configureSharedOcr(options: OcrWorkerOptions): void {
  workerOptions = options;
}

function acquire(): Promise<OcrWorker> {
  if (!shared) {
    const worker = OcrWorker.start(workerOptions);
    shared = { worker, users: 0 };
    const mine = shared;
    // A worker that failed to start is forgotten, so the next user tries again.
    worker.catch(() => {
      if (shared === mine) shared = undefined;
    });
  }
  if (shared.idle) clearTimeout(shared.idle);
  delete shared.idle;
  shared.users++;
  return shared.worker;
}

function release(): void {
  const current = shared;
  if (!current) return;
  current.users--;
  if (current.users > 0) return;
  current.idle = setTimeout(() => {
    if (shared !== current || current.users > 0) return;
    shared = undefined;
    void current.worker.then((w) => w.close()).catch(() => {});
  }, IDLE_CLOSE_MS);
  current.idle.unref();
}

/** The glyph table of the whole build process: the committed one, and what Tesseract taught it since. */
let sharedGlyphs = new GlyphTable(learnedGlyphs);

/** Rows of text consoles Tesseract read because the table could not, for the rest of the build process. */
let sharedRows = new RememberedRows();

/** For tests and the bench: starts the process's glyph table again from the committed one (or from `table`), with no row remembered. */
export function resetGlyphTable(table: GlyphTable = new GlyphTable(learnedGlyphs)): GlyphTable {
  sharedGlyphs = table;
  sharedRows = new RememberedRows();
  return table;
}

/** Ends the shared worker now (at the end of a build, and in tests). */
export async function closeSharedOcr(): Promise<void> {
  const current = shared;
  shared = undefined;
  if (!current) return;
  if (current.idle) clearTimeout(current.idle);
  await current.worker.then((w) => w.close()).catch(() => {});
}

/**
 * What read a screen: its glyphs alone, Tesseract alone, or Tesseract for the rows with a glyph
 * the table does not know and the glyphs for the rest.
 */
export type ReadSource = 'glyphs' | 'tesseract' | 'mixed';

export interface ScreenText {
  text: string;
  /** What read the text (for a cached one, what read it first). */
  source: ReadSource;
  /** Whether the text came from an earlier read of the same pixels. */
  cached: boolean;
  /** Time spent recognising, ms (0 when cached). */
  ms: number;
  /** The text lines and where they are on the screen. */
  lines: ScreenLine[];
  /** Pixel rows read again when only part of the screen changed since the last read; absent when the whole screen was read. */
  rowsRead?: number;
}

/**
 * When the changed bands cover more than this share of the screen, the whole screen is read: its
 * layout analysis then sees everything at once, for about the same time.
 */
const PARTIAL_READ_MAX_SHARE = 0.5;

/**
 * The share of a gridded screen's non-blank cells whose glyph must be known for the screen to be
 * read from its glyphs, the rest of its rows by Tesseract. A text console whose table lacks a few
 * letters is well above it; a graphical screen cut into cells is far below (its cells hold parts
 * of pictures and of text drawn off the grid, which the table does not know).
 */
const GLYPH_MIN_SHARE = 0.9;

export interface ScreenReaderOptions {
  /** Whether to read text consoles from their glyphs (default true); false leaves every screen to Tesseract, for the bench. */
  glyphs?: boolean;
}

interface ReadScreen {
  digest: string;
  width: number;
  height: number;
  rgba: Uint8Array;
  lines: ScreenLine[];
}

interface KnownScreen {
  lines: ScreenLine[];
  source: ReadSource;
}

export class ScreenReader {
  private readonly known = new Map<string, KnownScreen>();
  /** The last screen read, to find what changed since. */
  private last?: ReadScreen;
  private closed = false;

  private constructor(
    private readonly worker: OcrWorker,
    private readonly useGlyphs: boolean,
  ) {}

  /** A reader on the shared worker; close() lets go of it. */
  static async open(options: ScreenReaderOptions = {}): Promise<ScreenReader> {
    try {
      return new ScreenReader(await acquire(), options.glyphs ?? true);
    } catch (err) {
      release();
      throw err;
    }
  }

  async read(screen: RgbaImage): Promise<ScreenText> {
    const digest = screenDigest(screen);
    const known = this.known.get(digest);
    if (known !== undefined) {
      this.remember(digest, screen, known.lines);
      return { text: composeScreenText(known.lines), source: known.source, lines: known.lines, cached: true, ms: 0 };
    }
    const started = performance.now();
    const grids: CellGrid[] = [];
    const best = this.useGlyphs ? bestReading(screen, sharedGlyphs, grids) : undefined;
    let read: { lines: ScreenLine[]; source: ReadSource; rowsRead?: number };
    if (best && best.reading.unknownRows.length === 0) {
      read = { lines: best.reading.lines, source: 'glyphs' };
    } else if (best && best.reading.knownCells >= GLYPH_MIN_SHARE * best.reading.inkCells) {
      read = await this.readMixed(screen, best.grid, best.reading);
    } else {
      read = { ...(await this.readWithTesseract(screen)), source: 'tesseract' };
      // Every grid that fits (bestReading cut them all, as none was read whole): which one the
      // text is drawn on shows in how Tesseract's lines line up with it (GlyphTable.learn).
      for (const grid of grids) sharedGlyphs.learn(grid, read.lines);
    }
    const { lines, source, rowsRead } = read;
    this.known.set(digest, { lines, source });
    if (this.known.size > REMEMBERED) this.known.delete(this.known.keys().next().value!);
    this.remember(digest, screen, lines);
    return { text: composeScreenText(lines), source, lines, cached: false, ms: performance.now() - started, ...(rowsRead !== undefined ? { rowsRead } : {}) };
  }

  /** Forgets every screen read, so the next is read whole (as a first sight is). */
  forget(): void {
    this.known.clear();
    this.last = undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.last = undefined;
    release();
  }

  /** The whole screen, or only its changed rows when few changed since the last read (by Tesseract). */
  private async readWithTesseract(screen: RgbaImage): Promise<{ lines: ScreenLine[]; rowsRead?: number }> {
    const grey = screenToGrey(screen);
    const last = this.last;
    const bands = last && last.width === screen.width && last.height === screen.height ? bandsToRead(changedRows(last.rgba, screen.rgba, screen.width, screen.height), last.lines, screen.height) : undefined;
    const bandRows = bands?.reduce((sum, b) => sum + b.end - b.start, 0) ?? Infinity;
    if (last && bands && bandRows <= screen.height * PARTIAL_READ_MAX_SHARE) {
      const found = bands.length === 0 ? [] : await this.readBands(grey, bands);
      return { lines: [...last.lines.filter((line) => !inBands(line, bands)), ...found], rowsRead: bandRows };
    }
    return { lines: await this.worker.recognizeLines(greyToPgm(grey)) };
  }

  /**
   * The rows with an unknown glyph by Tesseract (which teaches the table their glyphs), unless the
   * same row was read before; the rest from the glyphs. Tesseract is shown only the columns those
   * rows have text in: its layout analysis costs by the pixel.
   */
  private async readMixed(screen: RgbaImage, grid: CellGrid, reading: GlyphReading): Promise<{ lines: ScreenLine[]; source: ReadSource; rowsRead: number }> {
    const { cell } = grid;
    const lines = [...reading.lines];
    const toRead: number[] = [];
    for (const [row, { glyphs }] of reading.unknown) {
      const before = sharedRows.find(cell, glyphs, row);
      if (before) lines.push(...before);
      else toRead.push(row);
    }
    if (toRead.length === 0) return { lines, source: 'mixed', rowsRead: 0 };
    // One band per row, not joined as changed rows are: rows read together make one line of a
    // CJK glyph and the one below it, or of a scroll arrow and the row it reaches into.
    const bands = toRead.map((r) => ({ start: Math.max(0, r * cell.height - BAND_MARGIN), end: Math.min(screen.height, (r + 1) * cell.height + BAND_MARGIN) }));
    const first = Math.min(...toRead.map((r) => reading.unknown.get(r)!.first));
    const last = Math.max(...toRead.map((r) => reading.unknown.get(r)!.last));
    const x0 = Math.max(0, (first - 1) * cell.width);
    const x1 = Math.min(screen.width, (last + 2) * cell.width);
    // A band's margin holds the edges of the rows around it, which the glyphs read already.
    const found = (await this.readBands(cropGrey(screenToGrey(screen), x0, x1), bands)).map((l) => ({ ...l, left: l.left + x0 }));
    for (const row of toRead) {
      const inRow = found.filter((l) => Math.floor((l.top + l.bottom) / 2 / cell.height) === row);
      sharedRows.remember(cell, reading.unknown.get(row)!.glyphs, row, inRow);
      lines.push(...inRow);
    }
    sharedGlyphs.learn(grid, found);
    return { lines, source: 'mixed', rowsRead: bands.reduce((sum, b) => sum + b.end - b.start, 0) };
  }

  private async readBands(grey: GreyScreen, bands: Band[]): Promise<ScreenLine[]> {
    const { image, offsets } = stackBands(grey.grey, grey.width, bands, grey.background);
    return unstackLines(await this.worker.recognizeLines(image), bands, offsets);
  }

  private remember(digest: string, screen: RgbaImage, lines: ScreenLine[]): void {
    // A wait polls an unchanged screen again and again: those pixels are already kept.
    if (this.last?.digest === digest) return;
    // A copy: the caller's buffer may be the VNC client's framebuffer, drawn over by the next update.
    const rgba = this.last && this.last.rgba.length === screen.rgba.length ? this.last.rgba : new Uint8Array(screen.rgba.length);
    rgba.set(screen.rgba);
    this.last = { digest, width: screen.width, height: screen.height, rgba, lines };
  }
}

/** Columns [x0, x1) of a grey screen. */
function cropGrey(grey: GreyScreen, x0: number, x1: number): GreyScreen {
  const width = x1 - x0;
  const out = new Uint8Array(width * grey.height);
  for (let y = 0; y < grey.height; y++) out.set(grey.grey.subarray(y * grey.width + x0, y * grey.width + x1), y * width);
  return { ...grey, width, grey: out };
}

/**
 * The first grid that fits the screen whose glyphs are all known, else the one the table knows
 * most glyphs of, read; undefined when no grid fits. The grids cut are added to `grids`.
 */
function bestReading(screen: RgbaImage, table: GlyphTable, grids: CellGrid[]): { grid: CellGrid; reading: GlyphReading } | undefined {
  let best: { grid: CellGrid; reading: GlyphReading } | undefined;
  for (const size of fittingCellSizes(screen.width, screen.height)) {
    const grid = cellGrid(screen, size)!;
    grids.push(grid);
    const reading = readGlyphs(grid, table);
    if (reading.unknownRows.length === 0) return { grid, reading };
    if (!best || reading.knownCells > best.reading.knownCells) best = { grid, reading };
  }
  return best;
}
