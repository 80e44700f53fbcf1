/** sha256 of a whole file, read in bounded pieces (a disk can be far larger than memory). */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { Digest } from './digest.js';

export async function sha256File(path: string, signal?: AbortSignal): Promise<Digest> {
  const hash = createHash('sha256');
  const fh = await open(path, 'r');
  try {
    // 1 MiB reads hash as fast as larger ones, and this runs inside a publish whose memory is counted.
    const buf = Buffer.allocUnsafeSlow(1024 * 1024);
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return `sha256:${hash.digest('hex')}`;
}
