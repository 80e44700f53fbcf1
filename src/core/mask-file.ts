/**
 * Secrets masked in a log file a tool wrote itself (QEMU writes the serial console straight to
 * serial.log, so a password typed on a kernel command line lands there unmasked). The file is
 * rewritten aside and renamed, only once nothing writes to it any more.
 */
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import type { SecretMasker } from './log.js';

/** A serial log larger than this is left alone rather than read into memory whole. */
export const MAX_MASKED_FILE_BYTES = 256 * 1024 * 1024;

/** Rewrites `file` with every secret masked; returns whether anything changed. A missing file is fine. */
export async function maskSecretsInFile(file: string, masker: SecretMasker): Promise<boolean> {
  const st = await stat(file).catch(() => undefined);
  if (!st?.isFile() || st.size === 0 || st.size > MAX_MASKED_FILE_BYTES) return false;
  const bytes = await readFile(file);
  const text = bytes.toString('utf8');
  const masked = masker.mask(text);
  if (masked === text) return false;
  // Invalid UTF-8 in the console (firmware noise) becomes U+FFFD here: acceptable in a file that held a secret.
  await writeFile(`${file}.partial`, masked);
  await rename(`${file}.partial`, file);
  return true;
}
