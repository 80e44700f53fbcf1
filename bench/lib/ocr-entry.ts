/**
 * The OCR benchmark's body: the build's own screen reader (one worker, screens as inverted grey
 * PGM) on two committed screenshots of real screens, each recognised RUNS times with its pixels
 * changed by one byte so the cache of unchanged screens never answers. Prints the median and the
 * spread per screen and the ratio to the goal, and what answered (the glyph table, Tesseract or
 * both): for the reader as a build starts it (the committed glyph table: "cold"), after it read
 * the screen once ("warm": what Tesseract read taught the table), and with Tesseract alone.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { closeSharedOcr, configureSharedOcr, resetGlyphTable, ScreenReader, type ReadSource } from '../../src/core/ocr/screen-reader.js';
import type { RgbaImage } from '../../src/core/ocr/screen-image.js';
import type { ScreenLine } from '../../src/core/ocr/screen-lines.js';

const [root = '', runsText = '10', goalText = '300'] = process.argv.slice(2);
const screensDir = path.join(root, 'test', 'fixtures', 'screens');
// The sources' layout (ocr-assets.ts packageOcrAssets), named from the repository root because
// this entry runs bundled from a temporary folder.
const assets = {
  workerPath: path.join(root, 'src', 'core', 'ocr', 'ocr-worker.cjs'),
  corePath: path.join(root, 'node_modules', 'tesseract.js-core'),
  langPath: path.join(root, 'node_modules', '@tesseract.js-data', 'eng', '4.0.0_best_int'),
};
const runs = Number(runsText);
const goalMs = Number(goalText);
const screens = [
  ['720x400 text mode (syslinux boot:)', 'syslinux-boot-720x400.png'],
  ['1024x768 installer (d-i language)', 'debian-installer-language-1024x768.png'],
] as const;

const started = performance.now();
// RUDDERVIRT_OCR_PARAMETERS='{"tessedit_do_invert":"0"}' tries Tesseract parameters.
const parameters = process.env.RUDDERVIRT_OCR_PARAMETERS ? (JSON.parse(process.env.RUDDERVIRT_OCR_PARAMETERS) as Record<string, string>) : undefined;
configureSharedOcr({ assets, ...(parameters ? { parameters } : {}) });
const reader = await ScreenReader.open();
const tesseractOnly = await ScreenReader.open({ glyphs: false });
console.log(`worker start (core + English model): ${Math.round(performance.now() - started)} ms`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${Math.round(x)} ms`;
let worst = 0;
try {
  for (const [label, file] of screens) {
    const png = PNG.sync.read(readFileSync(path.join(screensDir, file)));
    const screen = { width: png.width, height: png.height, rgba: png.data };
    // Cold: every run starts from the committed table, as a build's first screen of a console does.
    const cold = await firstSight(reader, screen, () => resetGlyphTable());
    // Warm: the table keeps what the first run taught it.
    resetGlyphTable();
    const warm = await firstSight(reader, screen);
    const alone = await firstSight(tesseractOnly, screen);
    const whole = cold.times;
    const oneLine: number[] = [];
    const rows: number[] = [];
    const changedBy = new Set<ReadSource>();
    const lines = composeLinesOf((await reader.read(screen)).lines);
    resetGlyphTable();
    reader.forget();
    await reader.read(screen);
    for (let i = 0; i < runs; i++) {
      // A changed screen: one pixel in the middle of one text line, a different line each time,
      // as when a menu's highlight moves or a progress line advances.
      const line = lines[(i * 7) % lines.length]!;
      const y = Math.floor((line.top + line.bottom) / 2);
      const p = (y * png.width + line.left + 2) * 4;
      png.data[p] = png.data[p]! ^ 0x80;
      const read = await reader.read(screen);
      oneLine.push(read.ms);
      changedBy.add(read.source);
      rows.push(read.rowsRead ?? (read.source === 'glyphs' ? 0 : png.height));
    }
    const m = median(whole);
    worst = Math.max(worst, m);
    console.log(`${label}`);
    const sight = (name: string, { times, sources }: { times: number[]; sources: Set<ReadSource> }) =>
      console.log(
        `  ${name.padEnd(31)} median ${ms(median(times)).padStart(7)} (min ${ms(Math.min(...times))}, max ${ms(Math.max(...times))})  ratio to ${goalMs} ms goal: ${(median(times) / goalMs).toFixed(2)}  read by ${[...sources].join(', ')}`,
      );
    sight('whole screen, first sight', cold);
    sight('  warm (after learning)', warm);
    sight('  tesseract only', alone);
    console.log(
      `  one text line changed           median ${ms(median(oneLine)).padStart(7)} (min ${ms(Math.min(...oneLine))}, max ${ms(Math.max(...oneLine))}; rows read median ${median(rows)} of ${png.height})  ratio to goal: ${(median(oneLine) / goalMs).toFixed(2)}  read by ${[...changedBy].join(', ')}`,
    );
  }
} finally {
  reader.close();
  tesseractOnly.close();
  await closeSharedOcr();
}
console.log(`worst first-sight median / goal: ${(worst / goalMs).toFixed(2)} (≤ 1.00 meets the goal)`);

/** RUNS first sights of a screen (the reader forgets it each time; `before` runs before each). */
async function firstSight(reader: ScreenReader, screen: RgbaImage, before?: () => void): Promise<{ times: number[]; sources: Set<ReadSource> }> {
  const times: number[] = [];
  const sources = new Set<ReadSource>();
  for (let i = 0; i < runs; i++) {
    before?.();
    // Forgotten, the same pixels are read again: a changed pixel would be a glyph no table knows.
    reader.forget();
    const read = await reader.read(screen);
    times.push(read.ms);
    sources.add(read.source);
  }
  return { times, sources };
}

function composeLinesOf(lines: ScreenLine[]): ScreenLine[] {
  return lines.filter((l) => l.bottom - l.top >= 6);
}
