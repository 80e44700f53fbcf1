/**
 * A VNC screen made ready for Tesseract: grey levels (ITU-R BT.601 weights), dark-on-light (text
 * consoles and firmware screens are light-on-dark; Tesseract reads dark text far better and
 * otherwise retries each line inverted), as a binary PGM, which Leptonica reads without the
 * decompression a PNG costs.
 */
import { createHash } from 'node:crypto';

export interface RgbaImage {
  width: number;
  height: number;
  /** 4 bytes per pixel, row by row. */
  rgba: Uint8Array;
}

/** A screen in grey, dark-on-light, one byte per pixel, and its most common grey (the background). */
export interface GreyScreen {
  width: number;
  height: number;
  grey: Uint8Array;
  background: number;
}

export function screenToGrey({ width, height, rgba }: RgbaImage): GreyScreen {
  const grey = new Uint8Array(width * height);
  let sum = 0;
  for (let i = 0, p = 0; i < grey.length; i++, p += 4) {
    grey[i] = (rgba[p]! * 299 + rgba[p + 1]! * 587 + rgba[p + 2]! * 114 + 500) / 1000;
    sum += grey[i]!;
  }
  if (grey.length > 0 && sum / grey.length < 128) for (let i = 0; i < grey.length; i++) grey[i] = 255 - grey[i]!;
  invertLightInk(grey, width, height);
  const histogram = new Uint32Array(256);
  for (let i = 0; i < grey.length; i++) histogram[grey[i]!]!++;
  return { width, height, grey, background: histogram.indexOf(Math.max(...histogram)) };
}

/** A text cell of the VGA and framebuffer consoles' 8×16 fonts (9×16 in VGA text mode). */
const TILE_W = 8;
const TILE_H = 16;

/** Greys counted in bins of 8 for a tile's background, so a graded background has one. */
const MODE_SHIFT = 3;
/** How far from a tile's background a pixel must be to count as ink. */
export const INK_CONTRAST = 48;

/** At most this share of a tile may be ink for it to count as text on one background. */
const INK_MAX_SHARE = 0.4;
/** Blank tiles this close to an inverted tile's background are the same bar. */
const SAME_BACKGROUND = 24;

/**
 * After the whole screen is made mostly light, some text is still light on dark: a highlighted
 * menu entry, a title or status bar. A tile (a text cell's size) on one background whose ink
 * (pixels far from that background) is lighter than the background is inverted, so that text is
 * read too without Tesseract's second, inverted pass; so are the blank tiles of the same bar next
 * to it (spaces between words, the bar's ends), or the bar would come out as dark boxes around
 * light words. A tile across two backgrounds (a bar's edge off the tile grid) has too much "ink"
 * to count and is left as it is.
 */
function invertLightInk(grey: Uint8Array, width: number, height: number): void {
  const cols = Math.ceil(width / TILE_W);
  const rows = Math.ceil(height / TILE_H);
  const modes = new Int16Array(cols * rows);
  // 0 blank, 1 dark ink (keep), 2 light ink (invert)
  const kinds = new Uint8Array(cols * rows);
  const counts = new Uint16Array(256 >> MODE_SHIFT);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const { x0, x1, y0, y1 } = tileBox(c, r, width, height);
      counts.fill(0);
      let bin = 0;
      for (let y = y0; y < y1; y++) {
        for (let i = y * width + x0, end = y * width + x1; i < end; i++) {
          const b = grey[i]! >> MODE_SHIFT;
          if (++counts[b]! > counts[bin]!) bin = b;
        }
      }
      const mode = (bin << MODE_SHIFT) + (1 << (MODE_SHIFT - 1));
      let ink = 0;
      let inkSum = 0;
      for (let y = y0; y < y1; y++) {
        for (let i = y * width + x0, end = y * width + x1; i < end; i++) {
          const g = grey[i]!;
          if (Math.abs(g - mode) > INK_CONTRAST) {
            ink++;
            inkSum += g;
          }
        }
      }
      const t = r * cols + c;
      modes[t] = mode;
      kinds[t] = ink === 0 ? 0 : ink <= INK_MAX_SHARE * (x1 - x0) * (y1 - y0) && inkSum / ink > mode ? 2 : 1;
    }
  }
  // Spread the inversion from light-ink tiles through blank tiles of the same background.
  const invert = kinds.map((k) => (k === 2 ? 1 : 0));
  const queue: number[] = [];
  invert.forEach((v, t) => v && queue.push(t));
  while (queue.length > 0) {
    const t = queue.pop()!;
    const r = Math.floor(t / cols);
    const c = t % cols;
    for (const [nc, nr] of [
      [c - 1, r],
      [c + 1, r],
      [c, r - 1],
      [c, r + 1],
    ] as const) {
      if (nc < 0 || nr < 0 || nc >= cols || nr >= rows) continue;
      const n = nr * cols + nc;
      if (invert[n] || kinds[n] !== 0 || Math.abs(modes[n]! - modes[t]!) > SAME_BACKGROUND) continue;
      invert[n] = 1;
      queue.push(n);
    }
  }
  for (let t = 0; t < invert.length; t++) {
    if (!invert[t]) continue;
    const { x0, x1, y0, y1 } = tileBox(t % cols, Math.floor(t / cols), width, height);
    for (let y = y0; y < y1; y++) for (let i = y * width + x0, end = y * width + x1; i < end; i++) grey[i] = 255 - grey[i]!;
  }
}

function tileBox(c: number, r: number, width: number, height: number): { x0: number; x1: number; y0: number; y1: number } {
  return { x0: c * TILE_W, x1: Math.min(width, (c + 1) * TILE_W), y0: r * TILE_H, y1: Math.min(height, (r + 1) * TILE_H) };
}

/** A grey screen as binary PGM (P5) bytes. */
export function greyToPgm({ width, height, grey }: GreyScreen): Uint8Array {
  const header = Buffer.from(`P5\n${width} ${height}\n255\n`, 'latin1');
  const out = new Uint8Array(header.length + grey.length);
  out.set(header);
  out.set(grey, header.length);
  return out;
}

/** Identifies a screen's contents: equal digests, equal pixels (and no new OCR needed). */
export function screenDigest({ width, height, rgba }: RgbaImage): string {
  return createHash('sha1').update(`${width}x${height}:`).update(rgba).digest('hex');
}
