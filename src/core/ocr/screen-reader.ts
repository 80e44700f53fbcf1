/**
 * Reads the text on VM screens. One OCR worker serves the whole build process: VMs of a layer
 * booting together share it (their screens are read in turn), it starts on first use and ends a
 * little after the last user lets go, so a build that never reads a screen never starts one.
 * A screen whose pixels did not change since it was last read is not read again.
 */
import { OcrWorker, type OcrWorkerOptions } from './ocr-worker.js';
import { screenDigest, screenToPgm, type RgbaImage } from './screen-image.js';

/** How long an unused worker is kept for the next VM or screenshot. */
const IDLE_CLOSE_MS = 15_000;
/** Screens remembered per reader (the last few of a VM are what repeats). */
const REMEMBERED = 8;

let shared: { worker: Promise<OcrWorker>; users: number; idle?: NodeJS.Timeout } | undefined;
let workerOptions: OcrWorkerOptions = {};

/** For tests and the bench: options of the next worker started (assets, parameters). */
export function configureSharedOcr(options: OcrWorkerOptions): void {
  workerOptions = options;
}

function acquire(): Promise<OcrWorker> {
  if (!shared) {
    const worker = OcrWorker.start(workerOptions);
    shared = { worker, users: 0 };
    const mine = shared;
    // A worker that failed to start is forgotten, so the next user tries again.
    worker.catch(() => {
      if (shared === mine) shared = undefined;
    });
  }
  if (shared.idle) clearTimeout(shared.idle);
  delete shared.idle;
  shared.users++;
  return shared.worker;
}

function release(): void {
  const current = shared;
  if (!current) return;
  current.users--;
  if (current.users > 0) return;
  current.idle = setTimeout(() => {
    if (shared !== current || current.users > 0) return;
    shared = undefined;
    void current.worker.then((w) => w.close()).catch(() => {});
  }, IDLE_CLOSE_MS);
  current.idle.unref();
}

/** Ends the shared worker now (at the end of a build, and in tests). */
export async function closeSharedOcr(): Promise<void> {
  const current = shared;
  shared = undefined;
  if (!current) return;
  if (current.idle) clearTimeout(current.idle);
  await current.worker.then((w) => w.close()).catch(() => {});
}

export interface ScreenText {
  text: string;
  /** Whether the text came from an earlier read of the same pixels. */
  cached: boolean;
  /** Time spent recognising, ms (0 when cached). */
  ms: number;
}

export class ScreenReader {
  private readonly known = new Map<string, string>();
  private closed = false;

  private constructor(private readonly worker: OcrWorker) {}

  /** A reader on the shared worker; close() lets go of it. */
  static async open(): Promise<ScreenReader> {
    try {
      return new ScreenReader(await acquire());
    } catch (err) {
      release();
      throw err;
    }
  }

  async read(screen: RgbaImage): Promise<ScreenText> {
    const digest = screenDigest(screen);
    const known = this.known.get(digest);
    if (known !== undefined) return { text: known, cached: true, ms: 0 };
    const started = performance.now();
    const text = (await this.worker.recognize(screenToPgm(screen))).replace(/\s+$/, '');
    this.known.set(digest, text);
    if (this.known.size > REMEMBERED) this.known.delete(this.known.keys().next().value!);
    return { text, cached: false, ms: performance.now() - started };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    release();
  }
}
