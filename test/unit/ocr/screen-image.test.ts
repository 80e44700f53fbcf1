/** Screens made dark-on-light for Tesseract, as a whole and in parts (highlighted bars). */
import { describe, expect, it } from 'vitest';
import { greyToPgm, screenToGrey, type RgbaImage } from '../../../src/core/ocr/screen-image.js';

function image(width: number, height: number, paint: (x: number, y: number) => number): RgbaImage {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const g = paint(x, y);
      rgba.set([g, g, g, 255], (y * width + x) * 4);
    }
  return { width, height, rgba };
}

/** A few "ink" pixels in every 8×16 cell, as glyphs would be. */
const inked = (x: number, y: number) => x % 8 === 2 && y % 16 >= 4 && y % 16 < 12;

describe('screenToGrey', () => {
  it('inverts a screen that is mostly dark (a text console)', () => {
    const g = screenToGrey(image(32, 32, (x, y) => (inked(x, y) ? 200 : 0)));
    expect(g.grey[0]).toBe(255);
    expect(g.grey[4 * 32 + 2]).toBe(55);
    expect(g.background).toBe(255);
  });

  it('leaves a light screen with dark text as it is', () => {
    const g = screenToGrey(image(32, 32, (x, y) => (inked(x, y) ? 0 : 170)));
    expect(g.grey[0]).toBe(170);
    expect(g.grey[4 * 32 + 2]).toBe(0);
  });

  it('inverts a highlighted bar (light text on dark) on a light screen, blank cells of the bar too', () => {
    // Bar over cells 1..4 of row 1 (x 8..40, y 16..32); ink only in cells 1 and 3.
    const inBar = (x: number, y: number) => y >= 16 && y < 32 && x >= 8 && x < 40;
    const g = screenToGrey(image(64, 48, (x, y) => (inBar(x, y) ? (inked(x, y) && (x < 16 || (x >= 24 && x < 32)) ? 255 : 40) : inked(x, y) ? 0 : 170)));
    const at = (x: number, y: number) => g.grey[y * 64 + x]!;
    expect(at(10, 20)).toBe(0); // ink in the bar: now dark
    for (const x of [8, 12, 18, 30, 36, 39]) expect(at(x, 17), `x=${x}`).toBe(215); // the bar's background: now light
    expect(at(2, 20)).toBe(0); // ink outside: unchanged
    expect(at(45, 20)).toBe(170); // background outside: unchanged
    expect(g.background).toBe(170);
  });

  it('leaves a cell across two backgrounds alone', () => {
    // The cell at x 8..16 is half light, half dark, with light ink on the dark half.
    const g = screenToGrey(image(32, 16, (x, y) => (x < 12 ? 170 : x < 16 && y === 8 ? 255 : x < 16 ? 40 : 170)));
    expect(g.grey[8 * 32 + 13]).toBe(255);
    expect(g.grey[8 * 32 + 9]).toBe(170);
  });
});

describe('greyToPgm', () => {
  it('is a binary PGM of the grey screen', () => {
    const pgm = greyToPgm(screenToGrey(image(3, 2, () => 170)));
    const header = 'P5\n3 2\n255\n';
    expect(Buffer.from(pgm.subarray(0, header.length)).toString('latin1')).toBe(header);
    expect([...pgm.subarray(header.length)]).toEqual([170, 170, 170, 170, 170, 170]);
  });
});
