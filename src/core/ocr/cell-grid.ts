/**
 * A text console's screen cut into its character cells, each cell reduced to a one-bit glyph.
 * Boot-time screens are mostly fixed-cell text: VGA text mode draws 9×16 cells at 720×400 (the
 * ninth column is blank or repeats the eighth for line graphics), the Linux framebuffer console
 * draws its 8×16 font (torvalds/linux lib/fonts/font_8x16.c@v6.1) from the screen's top left
 * corner, syslinux in text mode uses the VGA one. Such a cell holds two colours; its most common
 * colour is the background and every other pixel ink, so light-on-dark, dark-on-light and a
 * highlighted (inverted) menu entry give the same glyph for the same letter.
 */
import type { RgbaImage } from './screen-image.js';

export interface CellSize {
  width: number;
  height: number;
}

/**
 * The cell sizes tried, most specific first: VGA text mode (9×16), the framebuffer console and
 * VGA's 8-wide modes (8×16), EGA-height text (8×14). 8×8 (80×50 text) is left out: its rows
 * divide every 16-row screen too, and half a 16-row letter must never pass for a letter.
 */
export const CELL_SIZES: readonly CellSize[] = [
  { width: 9, height: 16 },
  { width: 8, height: 16 },
  { width: 8, height: 14 },
];

export interface CellGrid {
  cell: CellSize;
  cols: number;
  rows: number;
  /** Row by row, each cell's glyph key; undefined for a blank cell (one colour). */
  glyphs: (string | undefined)[];
}

/** The cell sizes whose grid, from the top left corner, covers the screen exactly. */
export function fittingCellSizes(width: number, height: number): CellSize[] {
  return CELL_SIZES.filter((c) => width > 0 && height > 0 && width % c.width === 0 && height % c.height === 0);
}

/** The screen cut into cells of one size; undefined when that size does not divide it. */
export function cellGrid(screen: RgbaImage, cell: CellSize): CellGrid | undefined {
  const { width, height } = screen;
  if (width <= 0 || height <= 0 || width % cell.width !== 0 || height % cell.height !== 0) return undefined;
  const pixels = rgbPixels(screen);
  const cols = width / cell.width;
  const rows = height / cell.height;
  const glyphs: (string | undefined)[] = new Array(cols * rows);
  const bits = new Uint8Array(Math.ceil((cell.width * cell.height) / 8));
  const prefix = `${cell.width}x${cell.height}:`;
  // Cells hold one or two colours, rarely a few: a short list beats a map.
  const colours: number[] = [];
  const counts: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x0 = c * cell.width;
      const y0 = r * cell.height;
      colours.length = 0;
      counts.length = 0;
      for (let y = y0; y < y0 + cell.height; y++) {
        for (let i = y * width + x0, end = i + cell.width; i < end; i++) {
          const p = pixels[i]!;
          const k = colours.indexOf(p);
          if (k >= 0) counts[k]!++;
          else {
            colours.push(p);
            counts.push(1);
          }
        }
      }
      if (colours.length === 1) continue;
      let background = 0;
      for (let k = 1; k < counts.length; k++) if (counts[k]! > counts[background]!) background = k;
      const bg = colours[background]!;
      bits.fill(0);
      let bit = 0;
      for (let y = y0; y < y0 + cell.height; y++) {
        for (let i = y * width + x0, end = i + cell.width; i < end; i++, bit++) if (pixels[i] !== bg) bits[bit >> 3]! |= 0x80 >> (bit & 7);
      }
      glyphs[r * cols + c] = prefix + Buffer.from(bits).toString('base64');
    }
  }
  return { cell, cols, rows, glyphs };
}

/** The glyph of one cell as rows of '#' (ink) and '.', for tests and for reading a table by eye. */
export function glyphPicture(key: string): string[] {
  const m = /^(\d+)x(\d+):(.*)$/.exec(key);
  if (!m) throw new Error(`not a glyph key: ${key}`);
  const [w, h] = [Number(m[1]), Number(m[2])];
  const bits = Buffer.from(m[3]!, 'base64');
  const out: string[] = [];
  for (let y = 0, bit = 0; y < h; y++) {
    let row = '';
    for (let x = 0; x < w; x++, bit++) row += bits[bit >> 3]! & (0x80 >> (bit & 7)) ? '#' : '.';
    out.push(row);
  }
  return out;
}

/** Each pixel's red, green and blue as one number; alpha is ignored (VNC servers leave it 0 or 255). */
function rgbPixels({ width, height, rgba }: RgbaImage): Uint32Array {
  const aligned = rgba.byteOffset % 4 === 0 ? rgba : Uint8Array.from(rgba);
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, width * height);
  const out = new Uint32Array(words.length);
  for (let i = 0; i < words.length; i++) out[i] = words[i]! & 0x00ffffff;
  return out;
}
