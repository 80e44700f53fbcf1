/**
 * The screen reader on text consoles read from their glyphs, and what it leaves to Tesseract: the
 * committed screenshots (test/fixtures/screens), the real Tesseract worker, the committed table.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cellGrid } from '../../../src/core/ocr/cell-grid.js';
import { readGlyphs } from '../../../src/core/ocr/glyph-lines.js';
import { GlyphTable } from '../../../src/core/ocr/glyph-table.js';
import learned from '../../../src/core/ocr/learned-glyphs.json' with { type: 'json' };
import type { RgbaImage } from '../../../src/core/ocr/screen-image.js';
import { composeScreenText } from '../../../src/core/ocr/screen-lines.js';
import { closeSharedOcr, resetGlyphTable, ScreenReader } from '../../../src/core/ocr/screen-reader.js';
import { screenTextMatches } from '../../../src/core/ocr/screen-text.js';

const SCREENS = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'screens');

function screen(name: string): RgbaImage {
  const png = PNG.sync.read(readFileSync(path.join(SCREENS, name)));
  return { width: png.width, height: png.height, rgba: png.data };
}

/** Each pattern matches the text as a wait would; ^ and $ stand for a line's start and end here. */
function expectText(text: string, patterns: string[]): void {
  for (const pattern of patterns) {
    const inLines = pattern.replace(/^\^/, '(?:^|\n)').replace(/\$$/, '(?:$|\n)');
    expect(screenTextMatches(inLines, text), `/${pattern}/ in:\n${text}`).toBe(true);
  }
}

describe('the committed glyph table alone', () => {
  const table = new GlyphTable(learned);

  it('reads syslinux at boot: in VGA text mode, every cell', () => {
    const reading = readGlyphs(cellGrid(screen('syslinux-boot-720x400.png'), { width: 9, height: 16 })!, table);
    expect(reading.unknownRows).toEqual([]);
    const text = composeScreenText(reading.lines);
    expectText(text, ['^boot: _$', 'SYSLINUX 6\\.04 EDD 20210613', 'ruddervirt test guest: type "guest" or "guest seed=URL", then Enter', 'Booting from Hard Disk\\.\\.\\.', 'SeaBIOS \\(version 1\\.16\\.2']);
  });

  it("reads the installer's framebuffer console, its dialog frame as blanks", () => {
    const reading = readGlyphs(cellGrid(screen('debian-installer-language-1024x768.png'), { width: 8, height: 16 })!, table);
    const text = composeScreenText(reading.lines);
    expectText(text, [
      '^\\[..\\] Select a language$',
      '^Choose the language to be used for the installation process',
      '^Language:$',
      'English - English',
      'Dutch - Nederlands',
      '^<Go Back>$',
      '<Tab> moves[;:] <Space> selects[;:] <Enter> activates buttons',
    ]);
    // A few rows hold a glyph the table leaves to Tesseract (q and л, read two ways when it learned).
    expect(reading.unknownRows.length).toBeLessThan(10);
  });
});

describe('the screen reader on text consoles', () => {
  let reader: ScreenReader;
  let tesseract: ScreenReader;
  beforeAll(async () => {
    reader = await ScreenReader.open();
    tesseract = await ScreenReader.open({ glyphs: false });
  }, 120_000);
  beforeEach(() => {
    resetGlyphTable();
    reader.forget();
  });
  afterAll(async () => {
    reader?.close();
    tesseract?.close();
    resetGlyphTable();
    await closeSharedOcr();
  });

  it('reads a VGA text-mode screen from its glyphs alone', async () => {
    const read = await reader.read(screen('syslinux-boot-720x400.png'));
    expect(read.source).toBe('glyphs');
    expect(read.rowsRead).toBeUndefined();
    expectText(read.text, ['boot:', 'SYSLINUX 6\\.04']);
  });

  it('reads a screen the table did not learn from (real Debian at its login prompt) from its glyphs, tty1 included', async () => {
    // debian-login-720x400.png was added after src/core/ocr/learned-glyphs.json was learned, so the
    // table could only know its glyphs from other screens in the same VGA font. Tesseract alone
    // reads "tty1" as "ttyl".
    const read = await reader.read(screen('debian-login-720x400.png'));
    expect(read.source).toBe('glyphs');
    expectText(read.text, ['^Debian GNU/Linux 12 debian tty1$', '^debian login: _$']);
  });

  it('reads the installer from its glyphs and the few unknown rows with Tesseract, then remembers those rows', async () => {
    const image = screen('debian-installer-language-1024x768.png');
    const first = await reader.read(image);
    expect(first.source).toBe('mixed');
    expect(first.rowsRead).toBeGreaterThan(0);
    expect(first.rowsRead).toBeLessThan(image.height / 2);
    const patterns = ['Select a language', 'Language:', 'English - English', 'Albanian - Sh.ip', 'Belarusian', '<Go Back>', '<Space> selects'];
    expectText(first.text, patterns);
    reader.forget();
    const again = await reader.read(image);
    expect(again).toMatchObject({ source: 'mixed', rowsRead: 0, cached: false, text: first.text });
  }, 60_000);

  it('sends the rows with a glyph never seen to Tesseract, and learns it for the next screen', async () => {
    const image = screen('syslinux-boot-720x400.png');
    // A dot added to the "b" of "boot:" (row 11, column 0 of the 9×16 cells): a glyph no table holds.
    const rgba = Buffer.from(image.rgba);
    const p = ((11 * 16 + 1) * image.width + 1) * 4;
    rgba.set(rgba.subarray(((11 * 16 + 5) * image.width + 1) * 4, ((11 * 16 + 5) * image.width + 1) * 4 + 4), p);
    const changed = { ...image, rgba };
    const first = await reader.read(changed);
    expect(first.source).toBe('mixed');
    expect(first.rowsRead).toBeGreaterThan(0);
    expectText(first.text, ['^boot: _$', 'SYSLINUX 6\\.04']);
    // What Tesseract read there taught the table the new glyph.
    reader.forget();
    const second = await reader.read(changed);
    expect(second.source).toBe('glyphs');
    expect(second.text).toBe(first.text);
  }, 60_000);

  it('reads a console it has no glyphs for with Tesseract, and from its glyphs once Tesseract taught them', async () => {
    resetGlyphTable(new GlyphTable());
    const image = screen('syslinux-boot-720x400.png');
    const first = await reader.read(image);
    expect(first.source).toBe('tesseract');
    reader.forget();
    // Read once, most glyphs are known; a few Tesseract read two ways on this screen ("SeaBI0S" and "CA00") are not.
    const second = await reader.read(image);
    expect(second.source).not.toBe('tesseract');
    expect(second.rowsRead ?? 0).toBeLessThan(image.height / 4);
    expectText(second.text, ['boot:', 'SYSLINUX 6\\.04', 'ruddervirt test guest']);
  }, 60_000);

  for (const file of ['ovmf-boot-1280x800.png', 'debian-installer-menu-640x480.png']) {
    it(`leaves a graphical screen to Tesseract: ${file}`, async () => {
      const image = screen(file);
      const read = await reader.read(image);
      expect(read.source).toBe('tesseract');
      expect(read.text).toBe((await tesseract.read(image)).text);
    }, 60_000);
  }
});
