/**
 * What a failed VM showed last, for the job summary: its screen and the tail of its serial
 * console, which the step runner saved in the VM's log folder (src/core/pipeline/failure-capture.ts).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { FAILURE_SCREENSHOT, SERIAL_TAIL_FILE } from '../../core/pipeline/failure-capture.js';
import { textFileFor } from '../../core/pipeline/steps/text-waits.js';
import type { FailureReport } from './summary.js';

/** Reads what a failed VM left in its log folder (the whole-build pipeline writes the same files). */
export async function readFailure(vm: string, logDir: string): Promise<FailureReport> {
  const files = await readdir(logDir).catch(() => [] as string[]);
  const text = files.includes(SERIAL_TAIL_FILE) ? await readFile(path.join(logDir, SERIAL_TAIL_FILE), 'utf8') : '';
  // A console that printed nothing is not worth a section.
  const serialTail = text.trim() === '' ? [] : text.replace(/\s+$/, '').split('\n');
  const screen = await readFile(textFileFor(path.join(logDir, FAILURE_SCREENSHOT)), 'utf8').catch(() => '');
  const screenText = screen.split('\n').filter((l) => l.trim() !== '');
  return { vm, serialTail, ...(screenText.length > 0 ? { screenText } : {}), screenshots: files.filter((f) => f.endsWith('.png')).sort(), where: `log-dir ${logDir}` };
}
