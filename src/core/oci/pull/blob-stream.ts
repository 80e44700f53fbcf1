/**
 * One blob read as a stream of chunks, verified while it streams: the bytes are hashed as they
 * pass, and a body that breaks off is reopened with a Range request at the byte where it stopped
 * (a registry that ignores Range sends the whole blob again; the part we already have is then
 * skipped). The last chunk is held back until the size and digest check out, so nothing
 * downstream sees the end of a blob that is not the one its descriptor names.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../../log.js';
import { isSha256Digest, type Descriptor } from '../digest.js';
import { headerValue, type RegistryClient } from '../registry/client.js';
import { RegistryError } from '../registry/registry-error.js';
import { backoffDelay, DEFAULT_RETRY, isRetryableError, sleep, type RetryPolicy } from '../registry/retry.js';

export class BlobDigestError extends RegistryError {
  override name = 'BlobDigestError';
}

export interface BlobStreamOptions {
  client: RegistryClient;
  repo: string;
  blob: Descriptor;
  /** Names the image in messages ("127.0.0.1:5000/guest:latest"). */
  image: string;
  logger: Logger;
  signal?: AbortSignal;
  /** Called with the running count of blob bytes received. */
  onBytes?: (received: number) => void;
  retry?: RetryPolicy;
}

/** Breaks that end a body early but leave the registry reachable: worth reopening at the offset. */
function isBrokenBody(err: unknown): boolean {
  if (isRetryableError(err)) return true;
  const code = (err as { code?: string }).code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT' || code === 'ERR_STREAM_PREMATURE_CLOSE' || /aborted|socket hang up|premature close/i.test(String((err as Error).message));
}

export async function* streamBlob(opts: BlobStreamOptions): AsyncGenerator<Buffer> {
  const { client, repo, blob, image, logger, signal } = opts;
  const retry = opts.retry ?? DEFAULT_RETRY;
  const hash = createHash('sha256');
  let received = 0;
  let failures = 0;
  // Held back one chunk, so the consumer never sees the final bytes of an unverified blob.
  let pending: Buffer | undefined;
  if (!isSha256Digest(blob.digest)) throw new RegistryError(`${image}: blob ${String(blob.digest)}: only sha256 digests can be verified`, 0);
  for (;;) {
    signal?.throwIfAborted();
    const offset = received;
    const res = await client.openBlob(repo, blob.digest, offset);
    let skip = 0;
    if (offset > 0 && res.status === 200) {
      skip = offset;
      logger.debug(`${image}: the registry ignored the range request for ${blob.digest}; skipping the ${offset} bytes we have`);
    } else if (offset > 0) {
      const range = headerValue({ status: res.status, headers: res.headers, body: Buffer.alloc(0) }, 'content-range');
      const start = range ? Number(/bytes (\d+)-/.exec(range)?.[1]) : NaN;
      if (start !== offset) {
        res.body.destroy();
        throw new RegistryError(`${image}: blob ${blob.digest}: asked for bytes from ${offset}, got '${range ?? 'no Content-Range'}'`, res.status);
      }
    }
    const before = received;
    try {
      for await (const raw of res.body) {
        let chunk = raw as Buffer;
        if (skip > 0) {
          const drop = Math.min(skip, chunk.length);
          skip -= drop;
          chunk = chunk.subarray(drop);
          if (chunk.length === 0) continue;
        }
        received += chunk.length;
        if (received > blob.size) {
          res.body.destroy();
          throw new BlobDigestError(`${image}: blob ${blob.digest} is longer than the ${blob.size} bytes its descriptor says; refusing it`, res.status, ['SIZE_INVALID']);
        }
        hash.update(chunk);
        opts.onBytes?.(received);
        if (pending) yield pending;
        pending = chunk;
      }
    } catch (err) {
      if (err instanceof BlobDigestError || signal?.aborted || !isBrokenBody(err)) throw err;
      failures = received > before ? 1 : failures + 1;
      if (failures >= retry.attempts) {
        throw new RegistryError(`${image}: reading blob ${blob.digest} kept failing at byte ${received} of ${blob.size}: ${(err as Error).message}`, 0);
      }
      const wait = backoffDelay(failures, retry);
      logger.warn(`${image}: blob ${blob.digest.slice(0, 19)} broke off at byte ${received} of ${blob.size} (${(err as Error).message}); resuming from there in ${(wait / 1000).toFixed(1)}s`);
      await sleep(wait, signal);
      continue;
    }
    if (received < blob.size) {
      // The body ended cleanly but short: a proxy that closed the connection at a chunk boundary.
      failures = received > before ? 1 : failures + 1;
      if (failures >= retry.attempts) throw new RegistryError(`${image}: blob ${blob.digest} ends at byte ${received} of ${blob.size}`, 0);
      logger.warn(`${image}: blob ${blob.digest.slice(0, 19)} ended at byte ${received} of ${blob.size}; resuming from there`);
      continue;
    }
    if (received >= blob.size) break;
  }
  const actual = `sha256:${hash.digest('hex')}`;
  if (actual !== blob.digest) {
    throw new BlobDigestError(`${image}: blob ${blob.digest} does not match its digest (the bytes received hash to ${actual}); refusing it`, 200, ['DIGEST_INVALID']);
  }
  if (pending) yield pending;
}
