/**
 * Reads the text on VM screens. One OCR worker serves the whole build process: VMs of a layer
 * booting together share it (their screens are read in turn), it starts on first use and ends a
 * little after the last user lets go, so a build that never reads a screen never starts one.
 * A screen whose pixels did not change since it was last read is not read again, and of a screen
 * that changed in a few rows only those rows are (changed-bands.ts).
 */
import { OcrWorker, type OcrWorkerOptions } from './ocr-worker.js';
import { bandsToRead, changedRows, inBands, stackBands, unstackLines, type Band } from './changed-bands.js';
import { greyToPgm, screenDigest, screenToGrey, type GreyScreen, type RgbaImage } from './screen-image.js';
import { composeScreenText, type ScreenLine } from './screen-lines.js';

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
  /** The text lines and where they are on the screen. */
  lines: ScreenLine[];
  /** Pixel rows read again when only part of the screen changed since the last read; absent when the whole screen was read. */
  rowsRead?: number;
}

/**
 * When the changed bands cover more than this share of the screen, the whole screen is read: its
 * layout analysis then sees everything at once, for about the same time.
 */
const PARTIAL_READ_MAX_SHARE = 0.5;

interface ReadScreen {
  digest: string;
  width: number;
  height: number;
  rgba: Uint8Array;
  lines: ScreenLine[];
}

export class ScreenReader {
  private readonly known = new Map<string, ScreenLine[]>();
  /** The last screen read, to find what changed since. */
  private last?: ReadScreen;
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
    if (known !== undefined) {
      this.remember(digest, screen, known);
      return { text: composeScreenText(known), lines: known, cached: true, ms: 0 };
    }
    const started = performance.now();
    const grey = screenToGrey(screen);
    const last = this.last;
    let lines: ScreenLine[];
    let rowsRead: number | undefined;
    const bands = last && last.width === screen.width && last.height === screen.height ? bandsToRead(changedRows(last.rgba, screen.rgba, screen.width, screen.height), last.lines, screen.height) : undefined;
    const bandRows = bands?.reduce((sum, b) => sum + b.end - b.start, 0) ?? Infinity;
    if (last && bands && bandRows <= screen.height * PARTIAL_READ_MAX_SHARE) {
      rowsRead = bandRows;
      const found = bands.length === 0 ? [] : await this.readBands(grey, bands);
      lines = [...last.lines.filter((line) => !inBands(line, bands)), ...found];
    } else {
      lines = await this.worker.recognizeLines(greyToPgm(grey));
    }
    this.known.set(digest, lines);
    if (this.known.size > REMEMBERED) this.known.delete(this.known.keys().next().value!);
    this.remember(digest, screen, lines);
    return { text: composeScreenText(lines), lines, cached: false, ms: performance.now() - started, ...(rowsRead !== undefined ? { rowsRead } : {}) };
  }

  /** Forgets every screen read, so the next is read whole (as a first sight is). */
  forget(): void {
    this.known.clear();
    this.last = undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.last = undefined;
    release();
  }

  private async readBands(grey: GreyScreen, bands: Band[]): Promise<ScreenLine[]> {
    const { image, offsets } = stackBands(grey.grey, grey.width, bands, grey.background);
    return unstackLines(await this.worker.recognizeLines(image), bands, offsets);
  }

  private remember(digest: string, screen: RgbaImage, lines: ScreenLine[]): void {
    // A wait polls an unchanged screen again and again: those pixels are already kept.
    if (this.last?.digest === digest) return;
    // A copy: the caller's buffer may be the VNC client's framebuffer, drawn over by the next update.
    const rgba = this.last && this.last.rgba.length === screen.rgba.length ? this.last.rgba : new Uint8Array(screen.rgba.length);
    rgba.set(screen.rgba);
    this.last = { digest, width: screen.width, height: screen.height, rgba, lines };
  }
}
