/**
 * The OCR benchmark's body: the build's own screen reader (one worker, screens as inverted grey
 * PGM) on two committed screenshots of real screens, each recognised RUNS times with its pixels
 * changed by one byte so the cache of unchanged screens never answers. Prints the median and the
 * spread per screen and the ratio to the goal.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { closeSharedOcr, configureSharedOcr, ScreenReader } from '../../src/core/ocr/screen-reader.js';
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
console.log(`worker start (core + English model): ${Math.round(performance.now() - started)} ms`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${Math.round(x)} ms`;
let worst = 0;
try {
  for (const [label, file] of screens) {
    const png = PNG.sync.read(readFileSync(path.join(screensDir, file)));
    const screen = { width: png.width, height: png.height, rgba: png.data };
    const whole: number[] = [];
    const oneLine: number[] = [];
    const rows: number[] = [];
    for (let i = 0; i < runs; i++) {
      // First sight: a screen unlike the last one read (the reader forgets it), read whole.
      reader.forget();
      png.data[0] = i;
      whole.push((await reader.read(screen)).ms);
    }
    const lines = composeLinesOf((await reader.read(screen)).lines);
    for (let i = 0; i < runs; i++) {
      // A changed screen: one pixel in the middle of one text line, a different line each time,
      // as when a menu's highlight moves or a progress line advances.
      const line = lines[(i * 7) % lines.length]!;
      const y = Math.floor((line.top + line.bottom) / 2);
      const p = (y * png.width + line.left + 2) * 4;
      png.data[p] = png.data[p]! ^ 0x80;
      const read = await reader.read(screen);
      oneLine.push(read.ms);
      rows.push(read.rowsRead ?? png.height);
    }
    const m = median(whole);
    worst = Math.max(worst, m);
    console.log(`${label}`);
    console.log(`  whole screen, first sight       median ${ms(m).padStart(7)} (min ${ms(Math.min(...whole))}, max ${ms(Math.max(...whole))})  ratio to ${goalMs} ms goal: ${(m / goalMs).toFixed(2)}`);
    console.log(
      `  one text line changed           median ${ms(median(oneLine)).padStart(7)} (min ${ms(Math.min(...oneLine))}, max ${ms(Math.max(...oneLine))}; rows read median ${median(rows)} of ${png.height})  ratio to goal: ${(median(oneLine) / goalMs).toFixed(2)}`,
    );
  }
} finally {
  reader.close();
  await closeSharedOcr();
}
console.log(`worst first-sight median / goal: ${(worst / goalMs).toFixed(2)} (≤ 1.00 meets the goal)`);

function composeLinesOf(lines: ScreenLine[]): ScreenLine[] {
  return lines.filter((l) => l.bottom - l.top >= 6);
}
