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

/** PGM (P5) bytes of the screen in grey, inverted when most of it is dark. */
export function screenToPgm({ width, height, rgba }: RgbaImage): Uint8Array {
  const header = Buffer.from(`P5\n${width} ${height}\n255\n`, 'latin1');
  const out = new Uint8Array(header.length + width * height);
  out.set(header);
  const grey = out.subarray(header.length);
  let sum = 0;
  for (let i = 0, p = 0; i < grey.length; i++, p += 4) {
    const g = (rgba[p]! * 299 + rgba[p + 1]! * 587 + rgba[p + 2]! * 114 + 500) / 1000;
    grey[i] = g;
    sum += g;
  }
  if (grey.length > 0 && sum / grey.length < 128) {
    for (let i = 0; i < grey.length; i++) grey[i] = 255 - grey[i]!;
  }
  return out;
}

/** Identifies a screen's contents: equal digests, equal pixels (and no new OCR needed). */
export function screenDigest({ width, height, rgba }: RgbaImage): string {
  return createHash('sha1').update(`${width}x${height}:`).update(rgba).digest('hex');
}
