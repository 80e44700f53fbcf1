/**
 * Secrets masked in a log file a tool wrote itself (QEMU writes the serial console straight to
 * serial.log, so a password typed on a kernel command line lands there unmasked). The file is
 * rewritten aside and renamed, only once nothing writes to it any more.
 */
import { readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
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

/** Files a log folder holds that are not text (screenshots, disks): left as they are. */
const BINARY_LOG_FILE = /\.(png|qcow2|raw|img|iso|zst|gz)$/i;

/**
 * Masks every text file under a VM's log folder: the serial console QEMU wrote, the screen text
 * OCR read beside each screenshot (a typed password shows on screen), the serial tail of a
 * failure. Files still being written (the serial log of a VM that runs on) go in `skip`: the
 * rewrite replaces the file, and the writer would go on writing into the old one. Returns the
 * files that changed.
 */
export async function maskSecretsInFolder(dir: string, masker: SecretMasker, options: { skip?: readonly string[] } = {}): Promise<string[]> {
  const changed: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() && !BINARY_LOG_FILE.test(e.name) && !options.skip?.includes(e.name) && (await maskSecretsInFile(full, masker).catch(() => false))) changed.push(full);
    }
  };
  await walk(dir);
  return changed;
}
