/**
 * Which parts of a screen must be read again after it changed. Screens change by rows: a
 * highlighted menu entry moves, a progress line advances, a prompt appears below the last line.
 * The changed pixel rows, widened to every text line they touch and a margin, form bands; the
 * bands are stacked into one small image for Tesseract (one recognition, not one per band) and the
 * lines it finds are put back where their band came from. Everything outside the bands keeps the
 * text it had.
 */
import { INK_CONTRAST } from './screen-image.js';
import type { ScreenLine } from './screen-lines.js';

/** A run of pixel rows, [start, end). */
export interface Band {
  start: number;
  end: number;
}

/** Blank rows kept around a band, so Tesseract sees a line's ascenders and descenders whole. */
export const BAND_MARGIN = 4;
/** Bands closer than this are read as one (two images' worth of layout analysis costs more). */
const BAND_JOIN_GAP = 24;
/** Blank rows between stacked bands: more than a text line's leading, so no line spans two bands. */
export const STACK_GAP = 24;

/** Runs of rows whose pixels differ between two screens of the same size (4 bytes per pixel). */
export function changedRows(before: Uint8Array, after: Uint8Array, width: number, height: number): Band[] {
  const stride = width * 4;
  const a = Buffer.from(before.buffer, before.byteOffset, before.byteLength);
  const b = Buffer.from(after.buffer, after.byteOffset, after.byteLength);
  const runs: Band[] = [];
  let open: Band | undefined;
  for (let y = 0; y < height; y++) {
    const from = y * stride;
    const same = a.compare(b, from, from + stride, from, from + stride) === 0;
    if (!same && open) open.end = y + 1;
    else if (!same) runs.push((open = { start: y, end: y + 1 }));
    else open = undefined;
  }
  return runs;
}

/**
 * The bands to read again: each changed run grown by the margin and by every known line it touches
 * (a line half inside a band would be read half), repeated until no band touches a line it does
 * not hold whole; then bands that overlap or nearly touch are joined.
 */
export function bandsToRead(changed: readonly Band[], lines: readonly ScreenLine[], height: number): Band[] {
  let bands = changed.map((r) => ({ start: Math.max(0, r.start - BAND_MARGIN), end: Math.min(height, r.end + BAND_MARGIN) }));
  for (let grew = true; grew;) {
    grew = false;
    for (const band of bands) {
      for (const line of lines) {
        if (line.bottom <= band.start || line.top >= band.end) continue;
        const start = Math.max(0, Math.min(band.start, line.top - BAND_MARGIN));
        const end = Math.min(height, Math.max(band.end, line.bottom + BAND_MARGIN));
        if (start !== band.start || end !== band.end) {
          band.start = start;
          band.end = end;
          grew = true;
        }
      }
    }
    bands = joinBands(bands);
  }
  return bands;
}

function joinBands(bands: Band[]): Band[] {
  const sorted = [...bands].sort((a, b) => a.start - b.start);
  const out: Band[] = [];
  for (const band of sorted) {
    const last = out.at(-1);
    if (last && band.start - last.end < BAND_JOIN_GAP) last.end = Math.max(last.end, band.end);
    else out.push({ ...band });
  }
  return out;
}

/** Whether a line lies in any of the bands (it was read again there). */
export function inBands(line: ScreenLine, bands: readonly Band[]): boolean {
  return bands.some((b) => line.bottom > b.start && line.top < b.end);
}

export interface StackedBands {
  /** PGM (P5) of the bands one below the other. */
  image: Uint8Array;
  /** Where each band starts in the stacked image, in band order. */
  offsets: number[];
}

/**
 * The bands of a grey screen (width × height bytes), one below the other with STACK_GAP rows of
 * `background` between them. Ink that reaches a band's top or bottom row belongs to something
 * that crosses the band's edge (a box's side, a scroll bar) — text never does, the band holds its
 * lines whole with a margin — and is wiped from the band: cut short, a rule reads as "|" or "l".
 */
export function stackBands(grey: Uint8Array, width: number, bands: readonly Band[], background: number): StackedBands {
  const rows = bands.reduce((sum, b) => sum + (b.end - b.start), 0) + STACK_GAP * Math.max(0, bands.length - 1);
  const header = Buffer.from(`P5\n${width} ${rows}\n255\n`, 'latin1');
  const image = new Uint8Array(header.length + width * rows).fill(background);
  image.set(header);
  const offsets: number[] = [];
  let y = 0;
  for (const band of bands) {
    offsets.push(y);
    const copy = image.subarray(header.length + y * width, header.length + (y + band.end - band.start) * width);
    copy.set(grey.subarray(band.start * width, band.end * width));
    wipeEdgeInk(copy, width, background);
    y += band.end - band.start + STACK_GAP;
  }
  return { image, offsets };
}

/** Wipes every ink pixel 8-connected to the band's top or bottom row (a checkerboard scroll bar is connected only diagonally). */
function wipeEdgeInk(band: Uint8Array, width: number, background: number): void {
  const rows = band.length / width;
  const ink = (i: number) => Math.abs(band[i]! - background) > INK_CONTRAST;
  const stack: number[] = [];
  for (let x = 0; x < width; x++) for (const i of [x, (rows - 1) * width + x]) if (ink(i)) stack.push(i);
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (!ink(i)) continue;
    band[i] = background;
    const x = i % width;
    const y = (i - x) / width;
    for (let dy = -1; dy <= 1; dy++) {
      const ny = y + dy;
      if (ny < 0 || ny >= rows) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx;
        if (nx < 0 || nx >= width || (dx === 0 && dy === 0)) continue;
        if (ink(ny * width + nx)) stack.push(ny * width + nx);
      }
    }
  }
}

/** Lines found in a stacked image, moved back to the screen rows their band came from. */
export function unstackLines(found: readonly ScreenLine[], bands: readonly Band[], offsets: readonly number[]): ScreenLine[] {
  const out: ScreenLine[] = [];
  for (const line of found) {
    // The band whose stacked rows hold most of the line (a line cannot span the gap between two).
    const i = offsets.findLastIndex((o) => o <= line.top + (line.bottom - line.top) / 2);
    if (i < 0) continue;
    const shift = bands[i]!.start - offsets[i]!;
    out.push({ ...line, top: line.top + shift, bottom: line.bottom + shift });
  }
  return out;
}
