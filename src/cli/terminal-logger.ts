/** The CLI's Logger: lines to stderr (stdout is kept for results a script can read). */
import type { Writable } from 'node:stream';
import { LineLogger, SecretMasker } from '../core/log.js';

export function terminalLogger(stderr: Writable, masker = new SecretMasker(), verbose = false): LineLogger {
  return new LineLogger(
    (level, line) => {
      const tag = level === 'warn' ? 'warning: ' : level === 'error' ? 'error: ' : '';
      stderr.write(`${tag}${line}\n`);
    },
    masker,
    '',
    verbose,
  );
}
