/** `<image>.sha256` beside every output, in the format `sha256sum -c` reads. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function sha256OfFile(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The line `sha256sum -c` reads for `file` (named without its folder, as it sits beside it). */
export function checksumLine(sha256: string, file: string): string {
  return `${sha256}  ${path.basename(file)}\n`;
}

export async function writeSha256File(file: string, signal?: AbortSignal): Promise<{ sha256: string; checksumFile: string }> {
  const sha256 = await sha256OfFile(file, signal);
  const checksumFile = `${file}.sha256`;
  // Written aside and renamed: a cancelled write never leaves half a checksum.
  await writeFile(`${checksumFile}.partial`, checksumLine(sha256, file));
  await rename(`${checksumFile}.partial`, checksumFile);
  return { sha256, checksumFile };
}
