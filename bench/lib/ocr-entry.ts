/**
 * The OCR benchmark's body: the build's own screen reader (one worker, screens as inverted grey
 * PGM) on two committed screenshots of real screens, each recognised RUNS times with its pixels
 * changed by one byte so the cache of unchanged screens never answers. Prints the median and the
 * spread per screen and the ratio to the goal.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { OcrWorker } from '../../src/core/ocr/ocr-worker.js';
import { screenToPgm } from '../../src/core/ocr/screen-image.js';

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
const worker = await OcrWorker.start({ assets, ...(parameters ? { parameters } : {}) });
console.log(`worker start (core + English model): ${Math.round(performance.now() - started)} ms`);
let worst = 0;
try {
  for (const [label, file] of screens) {
    const png = PNG.sync.read(readFileSync(path.join(screensDir, file)));
    const times: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < runs; i++) {
      // A different image each time, as a changing screen would be (one pixel in a corner).
      png.data[0] = i;
      const image = screenToPgm({ width: png.width, height: png.height, rgba: png.data });
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await worker.recognize(image);
      const c = process.cpuUsage(c0);
      times.push(performance.now() - t0);
      cpu.push((c.user + c.system) / 1000);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const m = median(times);
    worst = Math.max(worst, m);
    console.log(
      `${label.padEnd(36)} median ${Math.round(m)} ms (min ${Math.round(Math.min(...times))}, max ${Math.round(Math.max(...times))}; CPU median ${Math.round(median(cpu))} ms)  ratio to ${goalMs} ms goal: ${(m / goalMs).toFixed(2)}`,
    );
  }
} finally {
  await worker.close();
}
console.log(`worst median / goal: ${(worst / goalMs).toFixed(2)} (≤ 1.00 meets the goal)`);
