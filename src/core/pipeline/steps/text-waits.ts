/**
 * `<wait 'TEXT'>` and `<waitSerial 'TEXT'>`: waiting until the VM's screen (OCR of the VNC
 * framebuffer) or its serial console since boot shows a text, each wait bounded by the VM's
 * bootTextTimeout. The screen is read again only when the VNC server reports a change. A miss
 * fails the build with the awaited text, what the screen (or console) showed last, and that last
 * screen saved beside the boot-command screenshots with its text.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { PNG } from 'pngjs';
import { abortReason, sleep } from '../../abort.js';
import { describeTextWait } from '../../bootcommand/describe.js';
import type { TextWait } from '../../bootcommand/types.js';
import type { VmHandle } from '../../engine.js';
import { UserError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { ScreenReader, type ReadSource } from '../../ocr/screen-reader.js';
import { screenTextMatches } from '../../ocr/screen-text.js';
import { formatGoDuration } from '../../duration.js';
import type { RfbClient, ScreenPixels } from '../../vnc/rfb-client.js';

/** How long one look at the screen waits for the VNC server to report a change. */
const SCREEN_POLL_MS = 1000;
const SERIAL_POLL_MS = 250;
/** Pause after a look that found the screen unchanged. */
const UNCHANGED_PAUSE_MS = 250;
/** Lines of what was seen quoted in a failure message. */
const QUOTED_LINES = 25;

export class TextWaitTimeoutError extends UserError {
  override name = 'TextWaitTimeoutError';
  constructor(
    message: string,
    /** What the screen or console showed last. */
    readonly seen: string,
    /** The last screen, saved (screen waits). */
    readonly screenshot?: string,
  ) {
    super(message);
  }
}

export interface TextWaiterOptions {
  handle: VmHandle;
  /** The boot command's VNC connection (screen waits only). */
  vnc: RfbClient;
  logDir: string;
  logger: Logger;
  timeoutMs: number;
  /** False once a secret was typed: the screen may show it, and pixels cannot be masked. */
  screenshotsAllowed?: () => boolean;
}

/** Drops terminal escape sequences (firmware consoles draw with cursor moves) and CRs. */
export function consoleText(raw: string): string {
  return raw
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\u001b[()][0-9A-Za-z]|\u001b[=>78cDEHM]/g, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}

function quote(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return '  (nothing)';
  return lines
    .slice(-QUOTED_LINES)
    .map((l) => `  | ${l}`)
    .join('\n');
}

/** The screen as PNG. */
export function pixelsToPng({ width, height, rgba }: ScreenPixels): Buffer {
  const png = new PNG({ width, height });
  rgba.copy(png.data);
  return PNG.sync.write(png);
}

/** The text file beside a screenshot. */
export function textFileFor(png: string): string {
  return png.replace(/\.png$/, '') + '.txt';
}

export class TextWaiter {
  private reader?: Promise<ScreenReader>;
  private serialOffset = 0;
  private serialText = '';
  private readonly decoder = new StringDecoder('utf8');
  private count = 0;

  constructor(private readonly options: TextWaiterOptions) {}

  /** The shared OCR reader, opened on first use. */
  screenReader(): Promise<ScreenReader> {
    if (!this.reader) {
      this.reader = ScreenReader.open();
      this.reader.catch(() => (this.reader = undefined));
    }
    return this.reader;
  }

  async wait(wait: TextWait, signal: AbortSignal): Promise<void> {
    this.count++;
    const started = Date.now();
    // Which reader answered (the console's glyphs, Tesseract or both) tells a slow wait's cause.
    let readBy = '';
    if (wait.source === 'screen') readBy = ` (screen read by ${await this.waitForScreen(wait, signal)})`;
    else await this.waitForSerial(wait, signal);
    this.options.logger.info(`boot command: ${describeTextWait(wait)} appeared after ${formatGoDuration(Date.now() - started)}${readBy}`);
  }

  close(): void {
    void this.reader?.then((r) => r.close()).catch(() => {});
    this.reader = undefined;
  }

  private async waitForScreen(wait: TextWait, signal: AbortSignal): Promise<ReadSource> {
    const { vnc, timeoutMs } = this.options;
    const deadline = Date.now() + timeoutMs;
    const timedOut = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    const reader = await this.screenReader();
    let last: { pixels: ScreenPixels; text: string } | undefined;
    let incremental = false;
    try {
      for (;;) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) break;
        // An incremental request is held until the screen changes, so its silence only means "no
        // change". The first, whole-screen request is always answered, but a busy QEMU (TCG on a
        // loaded runner) can take longer than a poll to do so: it may take the whole wait.
        const pixels = await vnc.capture({ incremental, timeoutMs: incremental ? Math.min(SCREEN_POLL_MS, remaining) : remaining, signal: timedOut });
        incremental = true;
        const { text, cached, source } = await raceAbort(reader.read(pixels), timedOut);
        last = { pixels, text };
        if (screenTextMatches(wait.pattern, text)) return source;
        // QEMU holds an incremental request until the screen changes; a server that answers at
        // once with nothing new must not be asked in a busy loop.
        if (cached) await sleep(Math.min(UNCHANGED_PAUSE_MS, Math.max(0, deadline - Date.now())), timedOut);
      }
    } catch (err) {
      if (signal.aborted) throw abortReason(signal);
      if (!timedOut.aborted) throw err;
    }
    const pixels = last?.pixels ?? (await vnc.capture({ timeoutMs: 5000, signal }).catch(() => undefined));
    const seen = last?.text ?? '';
    let screenshot: string | undefined;
    if (pixels && (this.options.screenshotsAllowed?.() ?? true)) {
      screenshot = path.join(this.options.logDir, `bootcommand-wait-${String(this.count).padStart(2, '0')}-missed.png`);
      await writeFile(screenshot, pixelsToPng(pixels));
      await writeFile(textFileFor(screenshot), seen + '\n');
    }
    throw new TextWaitTimeoutError(
      `boot command: no ${describeTextWait(wait)} within ${formatGoDuration(timeoutMs)} (bootTextTimeout); the screen read:\n${quote(seen)}${screenshot ? `\nlast screen: ${screenshot}` : ''}`,
      seen,
      screenshot,
    );
  }

  private async waitForSerial(wait: TextWait, signal: AbortSignal): Promise<void> {
    const { handle, timeoutMs } = this.options;
    if (!handle.readSerial) throw new UserError(`boot command: ${describeTextWait(wait)} needs the serial console, which this engine cannot read`);
    const re = new RegExp(wait.pattern);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (signal.aborted) throw abortReason(signal);
      const chunk = await handle.readSerial(this.serialOffset, signal);
      this.serialOffset += chunk.length;
      this.serialText += this.decoder.write(chunk);
      if (re.test(consoleText(this.serialText))) return;
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      await sleep(Math.min(SERIAL_POLL_MS, remaining), signal);
    }
    const seen = consoleText(this.serialText);
    throw new TextWaitTimeoutError(`boot command: no ${describeTextWait(wait)} within ${formatGoDuration(timeoutMs)} (bootTextTimeout); the serial console printed:\n${quote(seen)}`, seen);
  }
}

/** `work`, or the signal's reason as soon as it aborts (the work goes on, unobserved). */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
