/**
 * Where the OCR worker, the Tesseract core (.wasm) and the English language data are, so that
 * nothing is downloaded at run time. Two layouts:
 * - bundled: scripts/bundle.mjs copies them into dist/ocr/ (OCR_ASSET_FILES); every bundle entry and
 *   shared chunk sits one folder below dist/, so that is `../ocr` from the running module;
 * - sources (tests, tsx): the worker beside this file, the rest from the npm packages
 *   tesseract.js-core and @tesseract.js-data/eng (its 4.0.0_best_int folder: the LSTM model alone).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface OcrAssets {
  /** The worker thread's script. */
  workerPath: string;
  /** The folder holding the core's .wasm files. */
  corePath: string;
  /** The folder holding eng.traineddata.gz. */
  langPath: string;
}

export const OCR_LANGUAGE = 'eng';
export const OCR_WORKER_FILE = 'ocr-worker.cjs';
export const OCR_WASM_FILES = ['tesseract-core-relaxedsimd-lstm.wasm', 'tesseract-core-simd-lstm.wasm'] as const;
export const OCR_TRAINEDDATA_FILE = `${OCR_LANGUAGE}.traineddata.gz`;
/** The folder below dist/ that the bundle script fills. */
export const OCR_DIST_FOLDER = 'ocr';

/** The bundled layout next to `moduleDir` (a dist/<entry> or dist/shared folder), if it is there. */
export function bundledOcrAssets(moduleDir: string): OcrAssets | undefined {
  const dir = path.resolve(moduleDir, '..', OCR_DIST_FOLDER);
  const complete = [OCR_WORKER_FILE, OCR_TRAINEDDATA_FILE, OCR_WASM_FILES[0]].every((f) => existsSync(path.join(dir, f)));
  return complete ? { workerPath: path.join(dir, OCR_WORKER_FILE), corePath: dir, langPath: dir } : undefined;
}

/** The packages' own files, for running from the sources. */
export function packageOcrAssets(): OcrAssets {
  const require = createRequire(import.meta.url);
  const packageDir = (name: string): string => path.dirname(require.resolve(`${name}/package.json`));
  return {
    workerPath: path.join(import.meta.dirname, OCR_WORKER_FILE),
    corePath: packageDir('tesseract.js-core'),
    langPath: path.join(packageDir('@tesseract.js-data/eng'), '4.0.0_best_int'),
  };
}

export class OcrAssetsError extends Error {
  override name = 'OcrAssetsError';
}

/** The assets this process can use; throws naming the missing file. */
export function locateOcrAssets(moduleDir: string = import.meta.dirname): OcrAssets {
  let assets = bundledOcrAssets(moduleDir);
  if (!assets) {
    try {
      assets = packageOcrAssets();
    } catch (err) {
      throw new OcrAssetsError(
        `the OCR files are not beside this bundle (${path.resolve(moduleDir, '..', OCR_DIST_FOLDER)}) and the npm packages tesseract.js-core and @tesseract.js-data/eng are not installed: ${(err as Error).message}`,
      );
    }
  }
  for (const file of [assets.workerPath, path.join(assets.corePath, OCR_WASM_FILES[0]), path.join(assets.langPath, OCR_TRAINEDDATA_FILE)]) {
    if (!existsSync(file)) throw new OcrAssetsError(`an OCR file is missing: ${file}`);
  }
  return assets;
}
