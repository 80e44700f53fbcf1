/**
 * What a failed VM showed last, for the people debugging it: its screen (failure.png beside the
 * boot-command screenshots, failure.txt its text as OCR read it) and the tail of its serial console (serial-tail.txt), saved in the
 * VM's log folder and printed. The same files feed the actions' job summary and log artifact.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { VmHandle } from '../engine.js';
import type { Logger } from '../log.js';
import { cpuFeatureHint } from './cpu-feature-hint.js';
import { saveScreenshot } from './steps/boot-command.js';
import { textFileFor } from './steps/text-waits.js';

export const FAILURE_SCREENSHOT = 'failure.png';
export const SERIAL_TAIL_FILE = 'serial-tail.txt';
export const SERIAL_TAIL_LINES = 30;

export async function captureFailure(handle: VmHandle, logDir: string, logger: Logger, { screenshot = true }: { screenshot?: boolean } = {}): Promise<void> {
  // A VM that hangs must not hold the failure report up.
  const quick = AbortSignal.timeout(10_000);
  const seen: string[] = [];
  try {
    if (!screenshot) throw new Error('the boot command typed a sensitive value, which the screen may still show');
    const file = await saveScreenshot(handle, path.join(logDir, FAILURE_SCREENSHOT), quick);
    logger.error(`last screen: ${file}`);
    // Its text, read by OCR beside it (saveScreenshot), for people who cannot open the image.
    const text = await readFile(textFileFor(file), 'utf8').catch(() => '');
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    seen.push(...lines);
    if (lines.length > 0) logger.error(`last screen's text:\n${lines.map((l) => `  | ${l}`).join('\n')}`);
  } catch (err) {
    logger.warn(`no screenshot: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const tail = await handle.serialTail(SERIAL_TAIL_LINES);
    seen.push(...tail);
    if (tail.length > 0) {
      await writeFile(path.join(logDir, SERIAL_TAIL_FILE), tail.join('\n') + '\n');
      logger.error(`last serial console lines:\n${tail.map((l) => `  | ${l}`).join('\n')}`);
    }
  } catch (err) {
    logger.warn(`no serial console: ${err instanceof Error ? err.message : String(err)}`);
  }
  const hint = cpuFeatureHint(seen);
  if (hint) logger.error(hint);
}
