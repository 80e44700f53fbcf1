/**
 * Uploads a blob whose bytes are produced as they are sent and whose digest is known only at the
 * end: PATCH in fixed-size chunks (one on the wire while the next fills), then PUT ?digest=, which
 * the registry checks against what it received.
 *
 * A chunk is not a buffer of its own: it is the list of the producer's pieces (compressed members)
 * that make it up, written to the socket one after another, so nothing is copied on the way out.
 * The pieces of a chunk are handed back to the producer (`release`) once the registry has
 * acknowledged them.
 *
 * A dropped connection or a 5xx mid-chunk: ask the upload URL how much arrived (GET → Range) and
 * resend from there. Only the chunk not yet acknowledged is kept in memory, which is enough because
 * the registry's offset can only lie inside it. When the registry has lost the session (404), or
 * refuses to resume it (docker-registry 2.x cancels a session whose last PATCH broke off), the
 * stream is produced again from the start: it is deterministic, so the digest comes out the same.
 */
import type { Logger } from '../../log.js';
import type { Digest } from '../digest.js';
import { headerValue, repositoryScope, withDigest, type RegistryClient } from './client.js';
import { HttpNetworkError } from './http.js';
import { describeErrorBody, RegistryError } from './registry-error.js';
import { backoffDelay, DEFAULT_RETRY, isRetryableStatus, sleep, type RetryPolicy } from './retry.js';

/**
 * Two chunks' worth of pieces are in memory at a time (one on the wire, one filling), so this sets
 * most of the memory a push needs; 5 MiB is also the smallest non-final chunk some registries (ECR)
 * accept.
 */
export const DEFAULT_CHUNK_SIZE = 5 * 1024 * 1024;

export interface BlobProducer {
  /** Each piece must stay valid until it is released (or for good, when there is no `release`). */
  chunks: AsyncIterable<Buffer>;
  /** Called once per piece when the upload no longer needs it, so its memory can be reused. */
  release?(piece: Buffer): void;
  /** The digest of everything `chunks` yielded; called after it ended. */
  digest(): Digest;
}

export interface StreamedUploadOptions {
  chunkSize?: number;
  /** How often to produce the blob again from scratch when a session cannot be resumed. */
  maxRestarts?: number;
  retry?: RetryPolicy;
  logger: Logger;
  signal?: AbortSignal;
  /** Bytes the registry has acknowledged, for progress. */
  onAcknowledged?: (bytes: number) => void;
}

export interface StreamedUploadResult {
  digest: Digest;
  size: number;
  /** Chunks resent from the registry's offset after a failure. */
  resumes: number;
  /** Times the whole blob was produced and sent again. */
  restarts: number;
}

/** The session is gone or refuses to continue; only a fresh one helps. */
class SessionLost extends Error {
  override name = 'SessionLost';
}

/** "0-1023" → 1024 bytes received. distribution answers "0-0" for an empty session. */
export function receivedFromRange(range: string | undefined): number | undefined {
  if (range === undefined) return undefined;
  const m = /^(?:bytes=)?0-(\d+)$/.exec(range.trim());
  if (!m) return undefined;
  const end = Number(m[1]);
  return end === 0 ? 0 : end + 1;
}

/** The producer's pieces that make up one chunk, in order, referenced rather than copied. */
export class Chunk {
  readonly pieces: Buffer[] = [];
  length = 0;
  add(piece: Buffer): void {
    this.pieces.push(piece);
    this.length += piece.length;
  }
  /** The chunk's bytes from `offset` on, as pieces (the first one cut where `offset` falls). */
  from(offset: number): Buffer[] {
    if (offset === 0) return this.pieces;
    const out: Buffer[] = [];
    let at = 0;
    for (const piece of this.pieces) {
      const end = at + piece.length;
      if (end > offset) out.push(at >= offset ? piece : piece.subarray(offset - at));
      at = end;
    }
    return out;
  }
}

class UploadSession {
  location: URL;
  acknowledged = 0;
  resumes = 0;

  constructor(
    private readonly client: RegistryClient,
    private readonly repo: string,
    start: URL,
    private readonly opts: StreamedUploadOptions,
  ) {
    this.location = start;
  }

  private get scopes(): string[] {
    return [repositoryScope(this.repo, 'pull,push')];
  }

  private takeLocation(res: { headers: Record<string, string | string[] | undefined> }): void {
    const location = headerValue(res as never, 'location');
    if (location) this.location = this.client.resolve(location);
  }

  /** How many bytes the registry holds for this session. */
  private async registryOffset(): Promise<number> {
    const res = await this.client.call('GET', this.location, { scopes: this.scopes });
    if (res.status === 404 || res.status === 400) {
      throw new SessionLost(`the registry no longer knows this upload (${describeErrorBody(res).text})`);
    }
    this.client.expect(res, [204, 200], 'upload status');
    this.takeLocation(res);
    const received = receivedFromRange(headerValue(res, 'range'));
    if (received === undefined) throw new SessionLost(`the upload status has no usable Range header (${headerValue(res, 'range') ?? 'none'})`);
    return received;
  }

  /** Sends `chunk`, which starts at blob offset `start`, until the registry has all of it. */
  async send(chunk: Chunk, start: number): Promise<void> {
    const retry = this.opts.retry ?? DEFAULT_RETRY;
    let from = start;
    for (let failures = 0; ;) {
      this.opts.signal?.throwIfAborted();
      const body = chunk.from(from - start);
      let problem: string;
      try {
        const res = await this.client.call('PATCH', this.location, {
          scopes: this.scopes,
          body,
          headers: { 'content-type': 'application/octet-stream', 'content-range': `${from}-${start + chunk.length - 1}` },
          retryNetwork: false,
          retryStatus: false,
        });
        if (res.status === 202 || res.status === 204) {
          this.takeLocation(res);
          const received = receivedFromRange(headerValue(res, 'range'));
          this.acknowledged = received !== undefined && received !== 0 ? received : start + chunk.length;
          if (this.acknowledged === start + chunk.length) {
            this.opts.onAcknowledged?.(this.acknowledged);
            return;
          }
          problem = `the registry acknowledged ${this.acknowledged} bytes, expected ${start + chunk.length}`;
        } else if (res.status === 404) {
          throw new SessionLost(`PATCH answered 404 (${describeErrorBody(res).text})`);
        } else if (res.status === 416 || isRetryableStatus(res.status)) {
          problem = `PATCH answered HTTP ${res.status}`;
        } else {
          this.client.expect(res, [202], `upload chunk at ${from}`);
          return;
        }
      } catch (err) {
        if (!(err instanceof HttpNetworkError)) throw err;
        problem = err.message;
      }
      failures++;
      if (failures >= retry.attempts) throw new SessionLost(`giving up on this session after ${failures} failed chunk sends (${problem})`);
      await sleep(backoffDelay(failures, retry), this.opts.signal);
      let offset: number;
      try {
        offset = await this.registryOffset();
      } catch (err) {
        if (err instanceof HttpNetworkError) continue; // cannot ask yet; the next round asks again
        throw err;
      }
      if (offset < start || offset > start + chunk.length) {
        throw new SessionLost(`the registry holds ${offset} bytes, outside the chunk we still have (${start}-${start + chunk.length})`);
      }
      this.resumes++;
      this.opts.logger.warn(`upload interrupted (${problem}); resuming at byte ${offset}`);
      if (offset === start + chunk.length) {
        this.acknowledged = offset;
        this.opts.onAcknowledged?.(offset);
        return;
      }
      from = offset;
    }
  }

  async finish(digest: Digest, size: number): Promise<void> {
    const url = withDigest(this.location, digest);
    let res;
    try {
      res = await this.client.call('PUT', url, { scopes: this.scopes, retryNetwork: false });
    } catch (err) {
      // The PUT may have landed before the connection broke: the blob existing is proof enough.
      if (err instanceof HttpNetworkError && (await this.client.blobExists(this.repo, digest))) return;
      throw err;
    }
    if (res.status === 201 || res.status === 204) {
      this.client.checkReturnedDigest(res, digest, `the layer in ${this.repo}`);
      return;
    }
    const { text, codes } = describeErrorBody(res);
    if (codes.includes('DIGEST_INVALID') || codes.includes('BLOB_UPLOAD_INVALID') || codes.includes('BLOB_UPLOAD_UNKNOWN') || res.status === 404) {
      throw new SessionLost(`the registry rejected the finished upload of ${size} bytes as ${digest}: ${text}`);
    }
    this.client.expect(res, [201], `finish upload of ${digest}`);
  }
}

export async function uploadStreamedBlob(client: RegistryClient, repo: string, produce: () => BlobProducer, opts: StreamedUploadOptions): Promise<StreamedUploadResult> {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const maxRestarts = opts.maxRestarts ?? 2;
  let resumes = 0;
  for (let restarts = 0; ; restarts++) {
    const session = new UploadSession(client, repo, await client.startUpload(repo), opts);
    const producer = produce();
    const release = (chunk: Chunk | undefined) => {
      if (chunk && producer.release) for (const piece of chunk.pieces) producer.release(piece);
    };
    let inflight: Promise<void> | undefined;
    let sending: Chunk | undefined;
    let fill = new Chunk();
    try {
      let fillStart = 0;
      for await (const piece of producer.chunks) {
        if (piece.length === 0) {
          producer.release?.(piece);
          continue;
        }
        // A piece is never split between chunks: a chunk ends at the first piece that reaches
        // chunkSize, so it is at most one piece (one compressed block) longer than that.
        fill.add(piece);
        if (fill.length >= chunkSize) {
          // One chunk on the wire, one filling: the producer keeps working while the network does.
          if (inflight) await inflight;
          release(sending);
          sending = fill;
          inflight = session.send(sending, fillStart);
          inflight.catch(() => undefined);
          fillStart += fill.length;
          fill = new Chunk();
        }
      }
      if (inflight) await inflight;
      inflight = undefined;
      release(sending);
      sending = undefined;
      if (fill.length > 0) await session.send(fill, fillStart);
      release(fill);
      const size = fillStart + fill.length;
      const digest = producer.digest();
      await session.finish(digest, size);
      return { digest, size, resumes: resumes + session.resumes, restarts };
    } catch (err) {
      // The chunk on the wire may still be read by its request; wait for it before the pieces go back.
      await inflight?.catch(() => undefined);
      resumes += session.resumes;
      if (!(err instanceof SessionLost) || restarts >= maxRestarts) {
        if (err instanceof SessionLost) throw new RegistryError(`${client.registry}: uploading the layer to ${repo} failed: ${err.message}`, 0);
        throw err;
      }
      opts.logger.warn(`${client.registry}: ${err.message}; sending the layer again from the start (restart ${restarts + 1}/${maxRestarts})`);
      await client.call('DELETE', session.location, { scopes: [repositoryScope(repo, 'pull,push')] }).catch(() => undefined);
    }
  }
}
