/**
 * One Tesseract OCR worker thread, spoken to in tesseract.js 7's worker protocol (src/createWorker.js
 * and src/worker-script/index.js: packets {workerId, jobId, action, payload}, answered by
 * {jobId, action, status: resolve|reject|progress, data}). tesseract.js's own createWorker is not
 * used because in Node it listens for worker failures with `onerror`, which a worker_threads Worker
 * never calls: a crashed worker would leave its jobs hanging (or the process with an unhandled
 * 'error' event). Here a dead worker fails every job waiting on it, and close() always ends it.
 */
import { Worker } from 'node:worker_threads';
import { locateOcrAssets, OCR_LANGUAGE, type OcrAssets } from './ocr-assets.js';
import { parseTsvLines, type ScreenLine } from './screen-lines.js';

/** Tesseract's OEM 1: the LSTM recognizer only (the language data holds no legacy model). */
const OEM_LSTM_ONLY = 1;

/**
 * Parameters every worker starts with. tessedit_do_invert 0: Tesseract 5 (ccmain/linerec.cpp,
 * LSTMRecognizeWord) recognises a line again, inverted, whenever its confidence is low. Screens
 * reach it already dark-on-light (screen-image.ts), so the second pass only ever re-reads the lines
 * that are low for other reasons (Cyrillic, CJK, box drawing on an installer's language list) and
 * cost 12-40% of an installer screen's CPU time for the same text (bench/ocr.sh, the OCR tests).
 */
export const OCR_DEFAULT_PARAMETERS: Readonly<Record<string, string>> = { tessedit_do_invert: '0' };

export class OcrError extends Error {
  override name = 'OcrError';
}

interface Pending {
  resolve: (data: unknown) => void;
  reject: (err: Error) => void;
}

interface WorkerReply {
  jobId: string;
  action: string;
  status: 'resolve' | 'reject' | 'progress';
  data: unknown;
}

export interface OcrWorkerOptions {
  assets?: OcrAssets;
  /** Tesseract parameters set once after start (tessedit_pageseg_mode …). */
  parameters?: Record<string, string>;
}

let workerCount = 0;

export class OcrWorker {
  private readonly pending = new Map<string, Pending>();
  private failure?: Error;
  private jobCount = 0;
  private readonly id = `ocr-${++workerCount}`;
  private readonly exited: Promise<void>;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    worker.on('error', (err) => this.fail(new OcrError(`the OCR worker failed: ${err.message}`)));
    this.exited = new Promise((resolve) =>
      worker.once('exit', () => {
        this.fail(new OcrError('the OCR worker has stopped'));
        resolve();
      }),
    );
    // An idle OCR thread must not keep the process alive; a busy one must (see job/settle).
    worker.unref();
  }

  /** Starts a worker and loads the core and the English model (about a second, once per build). */
  static async start(options: OcrWorkerOptions = {}): Promise<OcrWorker> {
    const assets = options.assets ?? locateOcrAssets();
    const ocr = new OcrWorker(new Worker(assets.workerPath));
    try {
      await ocr.job('load', { options: { lstmOnly: true, corePath: assets.corePath, logging: false } });
      // cacheMethod none: tesseract.js would otherwise write eng.traineddata into the working directory.
      await ocr.job('loadLanguage', { langs: OCR_LANGUAGE, options: { langPath: assets.langPath, cacheMethod: 'none', gzip: true, lstmOnly: true } });
      await ocr.job('initialize', { langs: OCR_LANGUAGE, oem: OEM_LSTM_ONLY });
      await ocr.job('setParameters', { params: { ...OCR_DEFAULT_PARAMETERS, ...options.parameters } });
    } catch (err) {
      await ocr.close();
      throw err;
    }
    return ocr;
  }

  /**
   * The lines Tesseract finds in an image (PNG, or a binary PGM/PPM for speed), with their boxes
   * (see screen-lines.ts). Calls are served one at a time, as the worker holds one image.
   */
  async recognizeLines(image: Uint8Array): Promise<ScreenLine[]> {
    const run = () => this.job('recognize', { image, options: {}, output: { text: false, blocks: false, hocr: false, tsv: true } });
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => {});
    const data = (await result) as { tsv?: string };
    return parseTsvLines(data.tsv ?? '');
  }

  /** Ends the worker thread; safe to call more than once. */
  async close(): Promise<void> {
    this.fail(new OcrError('the OCR worker was closed'));
    await this.worker.terminate();
    await this.exited;
  }

  private job(action: string, payload: unknown): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const jobId = `${this.id}-job-${++this.jobCount}`;
    return new Promise((resolve, reject) => {
      this.pending.set(`${action}-${jobId}`, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ workerId: this.id, jobId, action, payload });
    });
  }

  private settle(reply: WorkerReply): void {
    if (reply.status === 'progress') return;
    const key = `${reply.action}-${reply.jobId}`;
    const waiting = this.pending.get(key);
    if (!waiting) return;
    this.pending.delete(key);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.status === 'resolve') waiting.resolve(reply.data);
    else waiting.reject(new OcrError(`OCR ${reply.action} failed: ${String(reply.data)}`));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
    this.worker.unref();
  }
}
