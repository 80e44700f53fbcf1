/**
 * What a failed VM showed last, for the job summary: its screen (saved as failure.png beside the
 * boot-command screenshots) and the tail of its serial console (saved as serial-tail.txt). The
 * files stay in the VM's log folder, the `log-dir` output, which a workflow uploads as an
 * artifact (actions/upload-artifact with `if: failure()`).
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { VmHandle } from '../../core/engine.js';
import type { Logger } from '../../core/log.js';
import { saveScreenshot } from '../../core/pipeline/steps/boot-command.js';
import type { FailureReport } from './summary.js';

export const SERIAL_TAIL_LINES = 30;

/** Captures the screen and serial tail of a VM that is (maybe) still running. */
export async function captureFailure(vm: string, handle: VmHandle | undefined, logDir: string, logger: Logger): Promise<FailureReport> {
  if (handle) {
    const quick = AbortSignal.timeout(10_000);
    try {
      await saveScreenshot(handle, path.join(logDir, 'failure.png'), quick);
    } catch (err) {
      logger.debug(`no failure screenshot: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      const tail = await handle.serialTail(SERIAL_TAIL_LINES);
      if (tail.length > 0) await writeFile(path.join(logDir, 'serial-tail.txt'), tail.join('\n') + '\n');
    } catch (err) {
      logger.debug(`no serial console: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return readFailure(vm, logDir);
}

/** Reads what a failed VM left in its log folder (the whole-build pipeline writes the same files). */
export async function readFailure(vm: string, logDir: string): Promise<FailureReport> {
  const files = await readdir(logDir).catch(() => [] as string[]);
  const text = files.includes('serial-tail.txt') ? await readFile(path.join(logDir, 'serial-tail.txt'), 'utf8') : '';
  // A console that printed nothing is not worth a section.
  const serialTail = text.trim() === '' ? [] : text.replace(/\s+$/, '').split('\n');
  return { vm, serialTail, screenshots: files.filter((f) => f.endsWith('.png')).sort(), where: `log-dir ${logDir}` };
}
