/**
 * OCR on screenshots of real screens (test/fixtures/screens/README.md says how each was made),
 * read by the real Tesseract worker from the npm packages — nothing mocked, nothing downloaded.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcrWorker } from '../../../src/core/ocr/ocr-worker.js';
import { closeSharedOcr, ScreenReader } from '../../../src/core/ocr/screen-reader.js';
import { greyToPgm, screenToGrey, type RgbaImage } from '../../../src/core/ocr/screen-image.js';
import { screenTextMatches } from '../../../src/core/ocr/screen-text.js';

const SCREENS = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'screens');

function screen(name: string): RgbaImage {
  const png = PNG.sync.read(readFileSync(path.join(SCREENS, name)));
  return { width: png.width, height: png.height, rgba: png.data };
}

describe('OCR of real screens', () => {
  // The build's reader (text consoles from their glyphs, glyph-reader.test.ts) and Tesseract alone.
  let reader: ScreenReader;
  let tesseract: ScreenReader;
  beforeAll(async () => {
    reader = await ScreenReader.open();
    tesseract = await ScreenReader.open({ glyphs: false });
  }, 120_000);
  afterAll(async () => {
    reader?.close();
    tesseract?.close();
    await closeSharedOcr();
  });

  const cases: [string, string[]][] = [
    // SeaBIOS and syslinux in VGA text mode: the test guest waiting for a boot command.
    ['syslinux-boot-720x400.png', ['boot:', 'SYSLINUX 6\\.04', 'ruddervirt test guest: type "guest" or "guest seed=URL", then Enter', 'Booting from Hard Disk']],
    // The same guest booted to its shell, the kernel log above it.
    ['guest-shell-720x400.png', ['guest: ssh ready', 'guest: dhcp eth0 10\\.0\\.2\\.15', 'BusyBox v1\\.35\\.0', 'root@guest ?: ?/#']],
    // Real Debian 12 (test/fixtures/debian.ts) booted to its login prompt on tty1 (VGA text mode).
    // Tesseract alone reads "tty1" as "ttyl"; the glyph reader reads it right (glyph-reader.test.ts).
    ['debian-login-720x400.png', ['debian login:', 'Debian GNU/Linux 12 debian tty[1l]']],
    // OVMF's BdsDxe lines and syslinux.efi's prompt on the UEFI framebuffer.
    ['ovmf-boot-1280x800.png', ['BdsDxe: loading Boot0001 "UEFI Misc Device"', 'boot:']],
    // Debian 12's netboot installer: the isolinux menu, then the text installer's first question.
    ['debian-installer-menu-640x480.png', ['Debian GNU/Linux installer menu \\(BIOS mode\\)', '\\nInstall', 'Advanced options', 'Help']],
    // Its highlighted entry (white on red) and its status line (on black) are read as well.
    [
      'debian-installer-language-1024x768.png',
      ['Select a language', 'Choose the language to be used for the installation process', 'Language:', '<Go Back>', 'Dutch - Nederlands', 'English - English', '<Space> selects'],
    ],
  ];

  for (const [file, patterns] of cases) {
    for (const glyphs of [true, false]) {
      it(`reads ${file}${glyphs ? '' : ' with Tesseract alone'}`, async () => {
        const { text } = await (glyphs ? reader : tesseract).read(screen(file));
        for (const pattern of patterns) expect(screenTextMatches(pattern, text), `/${pattern}/ in:\n${text}`).toBe(true);
        expect(screenTextMatches('this text is on no screen', text)).toBe(false);
      }, 60_000);
    }
  }

  it('does not read the same pixels twice', async () => {
    const image = screen('syslinux-boot-720x400.png');
    const first = await reader.read(image);
    const again = await reader.read({ ...image, rgba: Buffer.from(image.rgba) });
    expect(again).toEqual({ text: first.text, source: first.source, lines: first.lines, cached: true, ms: 0 });
    // One changed pixel is a new screen.
    const changed = Buffer.from(image.rgba);
    changed[0] = 0xff;
    expect((await reader.read({ ...image, rgba: changed })).cached).toBe(false);
  }, 60_000);
  it('reads again only the rows that changed, and finds there what a whole read finds', async () => {
    // Tesseract's own partial reads; the glyph reader's rows are glyph-reader.test.ts's.
    const reader = tesseract;
    const original = screen('debian-installer-language-1024x768.png');
    const whole = await reader.read(original);
    const erase = (image: RgbaImage, word: string): RgbaImage => {
      const line = whole.lines.find((l) => l.text.startsWith(word));
      expect(line, `a line starting with ${word} in:\n${whole.text}`).toBeDefined();
      const rgba = Buffer.from(image.rgba);
      // The installer's grey, taken left of the list on the same row.
      const bg = rgba.subarray((line!.top * image.width + 200) * 4, (line!.top * image.width + 200) * 4 + 4);
      for (let y = line!.top - 1; y < line!.bottom + 1; y++) for (let x = 250; x < 680; x++) rgba.set(bg, (y * image.width + x) * 4);
      return { ...image, rgba };
    };
    const noDutch = erase(original, 'Dutch');
    const first = await reader.read(noDutch);
    expect(first.rowsRead).toBeLessThan(60);
    expect(screenTextMatches('Nederlands', first.text), first.text).toBe(false);
    for (const pattern of ['Danish - Dansk', 'Esperanto - Esperanto', 'Select a language', '<Go Back>']) expect(screenTextMatches(pattern, first.text), `/${pattern}/ in:\n${first.text}`).toBe(true);
    // Dutch comes back and Finnish goes: two bands far apart, read in one recognition.
    const noFinnish = erase(original, 'Finnish');
    const second = await reader.read(noFinnish);
    expect(second.rowsRead).toBeLessThan(120);
    expect(screenTextMatches('Dutch - Neder ?lands', second.text), second.text).toBe(true);
    expect(screenTextMatches('Finnish|Suomi', second.text), second.text).toBe(false);
    // What a reader that never saw the earlier screens reads on the same pixels.
    const fresh = await ScreenReader.open({ glyphs: false });
    try {
      fresh.forget();
      const alone = await fresh.read(noFinnish);
      expect(alone.rowsRead).toBeUndefined();
      expect(second.text.split('\n')).toEqual(alone.text.split('\n'));
    } finally {
      fresh.close();
    }
  }, 60_000);
});

describe('OCR worker', () => {
  it('a closed worker refuses work, and closing twice is fine', async () => {
    const worker = await OcrWorker.start();
    await worker.close();
    await worker.close();
    await expect(worker.recognizeLines(greyToPgm(screenToGrey(screen('syslinux-boot-720x400.png'))))).rejects.toThrow(/closed/);
  }, 120_000);

  it('a worker whose language data is missing fails to start with the file named, and leaves no thread', async () => {
    const { locateOcrAssets } = await import('../../../src/core/ocr/ocr-assets.js');
    const assets = { ...locateOcrAssets(), langPath: '/nonexistent/tessdata' };
    await expect(OcrWorker.start({ assets })).rejects.toThrow(/loadLanguage failed: .*\/nonexistent\/tessdata\/eng\.traineddata\.gz/);
  }, 120_000);
});
