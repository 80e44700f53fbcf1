/* eslint-disable @typescript-eslint/no-require-imports */
/*
 * The OCR worker thread: tesseract.js's own worker script (tesseract.js 7, src/worker-script),
 * given an adapter that loads the Tesseract core from a known folder instead of beside the
 * core's loader script. The same file runs from the sources (node_modules beside it) and from
 * the bundles, where scripts/bundle.mjs builds it with its dependencies into dist/ocr/ next to
 * the .wasm and .traineddata files. Nothing is fetched: language data is read from langPath.
 */
'use strict';

const { parentPort } = require('node:worker_threads');
const { existsSync } = require('node:fs');
const path = require('node:path');
const worker = require('tesseract.js/src/worker-script');
const gunzip = require('tesseract.js/src/worker-script/node/gunzip');
const cache = require('tesseract.js/src/worker-script/node/cache');

// LSTM-only cores (we never run the legacy engine). Node 24's V8 has relaxed SIMD; the plain
// SIMD build is kept for runtimes without it. Their loaders locate the .wasm through locateFile.
const CORES = [
  { wasm: 'tesseract-core-relaxedsimd-lstm.wasm', load: () => require('tesseract.js-core/tesseract-core-relaxedsimd-lstm.js'), needs: 'relaxedSimd' },
  { wasm: 'tesseract-core-simd-lstm.wasm', load: () => require('tesseract.js-core/tesseract-core-simd-lstm.js'), needs: 'simd' },
];

async function getCore(_lstmOnly, corePath) {
  const features = require('wasm-feature-detect');
  for (const core of CORES) {
    if (!(await features[core.needs]())) continue;
    const wasm = path.join(corePath, core.wasm);
    if (!existsSync(wasm)) throw new Error(`the OCR core ${wasm} is missing`);
    const factory = core.load();
    // TesseractProgress: the core calls it for every few words it recognises, and tesseract.js
    // answers each call with a progress message to the parent thread, which we never read; on a
    // full installer screen those messages cost about 5% of the recognition (node --cpu-prof).
    return (options) => factory({ ...options, TesseractProgress: () => {}, locateFile: (file) => path.join(corePath, file) });
  }
  throw new Error('this JavaScript runtime has no WebAssembly SIMD, which the OCR core needs');
}

worker.setAdapter({
  getCore,
  gunzip,
  // Language data comes from a local folder; a URL would mean a download, which we never do.
  fetch: () => Promise.reject(new Error('the OCR worker does not download anything')),
  ...cache,
});

parentPort.on('message', (packet) => {
  worker.dispatchHandlers(packet, (message) => parentPort.postMessage(message));
});
