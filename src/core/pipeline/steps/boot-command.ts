/**
 * Types the boot command over VNC as Packer does: template fields rendered at typing time (the
 * HTTP address is only known now), elements concatenated and parsed with Packer's grammar, key
 * events paced by the key interval. A screenshot after each element lands in the VM's log folder,
 * because a boot command that types into the wrong screen is the commonest thing to debug, with
 * the text OCR read on it beside it (.txt: searchable, copyable, readable without seeing images).
 * `<wait 'TEXT'>` / `<waitSerial 'TEXT'>` and a text bootWait wait on what the guest shows
 * (text-waits.ts).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { planBootCommand } from '../../bootcommand/plan.js';
import { resolveKeyInterval } from '../../bootcommand/key-interval.js';
import { typeKeyEvents } from '../../bootcommand/type-key-events.js';
import type { Vm } from '../../config/model.js';
import type { VmHandle } from '../../engine.js';
import type { Logger, SecretMasker } from '../../log.js';
import { renderTemplate } from '../../template/render.js';
import { ScreenReader } from '../../ocr/screen-reader.js';
import { RfbClient } from '../../vnc/rfb-client.js';
import { pixelsToPng, textFileFor, TextWaiter } from './text-waits.js';

/** bootTextTimeout's default. */
const DEFAULT_TEXT_TIMEOUT_MS = 5 * 60_000;
/** How long a failure screenshot's OCR may take (the worker may have to start first). */
const FAILURE_OCR_MS = 30_000;

export interface TypeBootCommandRequest {
  vm: Vm;
  handle: VmHandle;
  logDir: string;
  logger: Logger;
  signal: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** The build's secrets: an element that types one ends the screenshots of this VM. */
  masker?: SecretMasker;
  /** Called as the first element that types a secret begins. */
  onSecretTyped?: () => void;
}

/** The template fields a boot command may use (Packer's names). */
export function bootCommandFields(vm: Vm, handle: VmHandle): Record<string, string | number> {
  const http = handle.httpEndpoint();
  return { HTTPIP: http?.ip ?? '', HTTPPort: http?.port ?? 0, Name: vm.vmName ?? vm.name };
}

export async function typeBootCommand({ vm, handle, logDir, logger, signal, env = process.env, masker, onSecretTyped }: TypeBootCommandRequest): Promise<void> {
  const fields = bootCommandFields(vm, handle);
  const elements = vm.bootCommand.map((e) => renderTemplate(e, { fields }));
  // A password typed into an installer's prompt or a kernel command line stays on the screen. The
  // log lines and .txt files are masked, but an image cannot be: no screenshot is saved from the
  // first element that types a secret on.
  const firstSecret = masker ? elements.findIndex((e) => masker.mask(e) !== e) : -1;
  let secretTyped = false;
  const secretBegins = (element: number): void => {
    if (secretTyped || firstSecret < 0 || element < firstSecret) return;
    secretTyped = true;
    logger.info(`boot command: element ${firstSecret + 1} types a sensitive value; no more screenshots of this VM (the screen may show it)`);
    onSecretTyped?.();
  };
  const plan = planBootCommand(elements, { elementLabel: (i) => `bootCommand[${i}]` });
  const intervalMs = resolveKeyInterval({ env, ...(vm.bootKeyInterval !== undefined ? { bootKeyInterval: vm.bootKeyInterval } : {}) });
  const keys = plan.events.filter((e) => 'key' in e).length;
  logger.info(`boot command: ${elements.length} element(s), ${keys} key events, ${intervalMs} ms apart`);

  const vnc = await RfbClient.connect(await handle.openVnc(signal), { signal, logger });
  const waiter = new TextWaiter({ handle, vnc, logDir, logger, timeoutMs: vm.bootTextTimeout ?? DEFAULT_TEXT_TIMEOUT_MS, screenshotsAllowed: () => !secretTyped });
  // OCR of the element screenshots runs beside the typing; its .txt files are awaited at the end.
  // Only when the command reads the screen anyway: starting the OCR worker costs 1-3 s of CPU per
  // build, which a command that never waits for screen text need not pay; its screenshots can be
  // read afterwards with `ruddervirt screen-text`, and a failure's screen is read when it is saved.
  const readsScreen = vm.bootWaitText?.source === 'screen' || plan.events.some((e) => 'waitText' in e && e.waitText.source === 'screen');
  const screenTexts: Promise<void>[] = [];
  let ocrWarned = false;
  const writeScreenText = (file: string, pixels: Parameters<typeof pixelsToPng>[0]): void => {
    screenTexts.push(
      waiter
        .screenReader()
        .then((reader) => reader.read(pixels))
        .then(({ text }) => writeFile(textFileFor(file), text + '\n'))
        .catch((err: unknown) => {
          if (!ocrWarned) logger.warn(`boot command: no screen text beside the screenshots: ${err instanceof Error ? err.message : String(err)}`);
          ocrWarned = true;
        }),
    );
  };
  try {
    if (vm.bootWaitText) {
      logger.info(`boot wait: until ${vm.bootWaitText.source === 'screen' ? 'the screen' : 'the serial console'} shows /${vm.bootWaitText.pattern}/`);
      await waiter.wait(vm.bootWaitText, signal);
    }
    let lastProgress = 0;
    secretBegins(0);
    await typeKeyEvents(plan, vnc, {
      intervalMs,
      signal,
      waitForText: (wait) => waiter.wait(wait, signal),
      onEvent: (index) => {
        const pct = Math.floor((100 * (index + 1)) / plan.events.length);
        if (pct >= lastProgress + 25 || index + 1 === plan.events.length) {
          lastProgress = pct;
          logger.progress({ phase: 'boot command', done: index + 1, total: plan.events.length, unit: 'items' });
        }
      },
      onElementDone: async (element) => {
        if (element >= elements.length) return;
        if (!secretTyped) {
          const file = path.join(logDir, `bootcommand-${String(element + 1).padStart(2, '0')}.png`);
          const pixels = await vnc.capture({ signal });
          await writeFile(file, pixelsToPng(pixels));
          if (readsScreen) writeScreenText(file, pixels);
          logger.info(`boot command: element ${element + 1}/${elements.length} typed; screen saved to ${file}`);
        }
        // The next element begins now.
        secretBegins(element + 1);
      },
    });
    await Promise.all(screenTexts);
  } finally {
    waiter.close();
    await vnc.close();
  }
}

/**
 * Saves what the VM's screen shows now (used on failure), and the text OCR reads on it beside it
 * (FILE.txt) when it can be read in time; the text is also returned (see readSavedScreenText).
 */
export async function saveScreenshot(handle: VmHandle, file: string, signal: AbortSignal): Promise<string> {
  const vnc = await RfbClient.connect(await handle.openVnc(signal), { signal, timeoutMs: 10_000 });
  let pixels;
  try {
    pixels = await vnc.capture({ signal, timeoutMs: 10_000 });
    await writeFile(file, pixelsToPng(pixels));
  } finally {
    await vnc.close();
  }
  const text = await readScreenText(pixels, AbortSignal.timeout(FAILURE_OCR_MS)).catch(() => undefined);
  if (text !== undefined) await writeFile(textFileFor(file), text + '\n');
  return file;
}

/** The text on a screen, read with the shared OCR worker, or the signal's reason. */
async function readScreenText(pixels: Parameters<typeof pixelsToPng>[0], signal: AbortSignal): Promise<string> {
  const reader = ScreenReader.open();
  try {
    const read = reader.then((r) => r.read(pixels)).then((r) => r.text);
    return await new Promise<string>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(new Error('reading the screen took too long')), { once: true });
      read.then(resolve, reject);
    });
  } finally {
    void reader.then((r) => r.close()).catch(() => {});
  }
}
