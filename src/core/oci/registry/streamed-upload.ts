/**
 * Uploads a blob whose bytes are produced as they are sent and whose digest is known only at the
 * end: one PATCH carrying the whole blob as it comes out of the producer (no Content-Length, so
 * chunked transfer encoding), then PUT ?digest=, which the registry checks against what it received.
 * This is how docker's and containers/image's clients push a layer (distribution/distribution
 * registry/client/blob_writer.go@v2.8.3 ReadFrom; containers/image docker/docker_image_dest.go@v5.32.0
 * PutBlobWithOptions: one PATCH whose body is the layer's reader), and every registry that docker
 * pushes to accepts it.
 *
 * Nothing is kept for a resend: each piece (a compressed member) is written to the socket straight
 * from the producer's memory and handed back to it (`release`) as soon as the socket has taken it,
 * so the upload holds one piece, not the few MiB a chunked upload keeps for its retries. The
 * producer is deterministic, so a failure is answered by producing the stream again:
 *
 * - a dropped connection, a 5xx or a short answer: ask the upload URL how much arrived (GET →
 *   Range) and, when the registry kept it, send a new PATCH with the rest, produced again from the
 *   start and skipped up to that offset (the bytes before it are compressed again, not sent again);
 * - the session is gone (404) or the registry refuses to resume it (docker-registry 2.x cancels a
 *   session whose PATCH broke off): a new session, and the whole blob again. The digest comes out
 *   the same either way, and the PUT has the registry check it.
 */
import type { Logger } from '../../log.js';
import type { Digest } from '../digest.js';
import { headerValue, repositoryScope, withDigest, type RegistryClient } from './client.js';
import { HttpNetworkError, type HttpResponse } from './http.js';
import { describeErrorBody, RegistryError } from './registry-error.js';
import { backoffDelay, DEFAULT_RETRY, isRetryableStatus, sleep, type RetryPolicy } from './retry.js';

export interface BlobProducer {
  /** Each piece must stay valid until it is released (or for good, when there is no `release`). */
  chunks: AsyncIterable<Buffer>;
  /** Called once per piece when the upload no longer needs it, so its memory can be reused. */
  release?(piece: Buffer): void;
  /** The digest of everything `chunks` yielded; called after it ended. */
  digest(): Digest;
}

export interface StreamedUploadOptions {
  /** How often to produce the blob again from scratch when a session cannot be resumed. */
  maxRestarts?: number;
  retry?: RetryPolicy;
  logger: Logger;
  signal?: AbortSignal;
  /**
   * Bytes of the blob the registry has or is being sent in this session (what the socket has taken;
   * the registry confirms them at the end), for progress. Starts again from 0 in a new session.
   */
  onAcknowledged?: (bytes: number) => void;
}

export interface StreamedUploadResult {
  digest: Digest;
  size: number;
  /** Times the rest of the blob was sent from the registry's offset after a failure. */
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

/**
 * The pieces of `source` from byte `offset` on: pieces wholly before it are handed to `release`
 * straight away, the one it falls in is cut. Each result names the piece to release once `part`
 * has been used.
 */
export async function* piecesFrom(source: AsyncIterable<Buffer>, offset: number, release: (piece: Buffer) => void): AsyncGenerator<{ piece: Buffer; part: Buffer; end: number }> {
  let at = 0;
  for await (const piece of source) {
    const end = at + piece.length;
    if (end <= offset) release(piece);
    else yield { piece, part: at >= offset ? piece : piece.subarray(offset - at), end };
    at = end;
  }
}

/** What one PATCH came to: the whole blob, or a problem worth asking the registry about. */
type Attempt = { done: true; digest: Digest; size: number } | { done: false; problem: string; sent: number; produced?: { digest: Digest; size: number } };

class UploadSession {
  location: URL;
  resumes = 0;
  private refreshAuth = false;

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

  private takeLocation(res: HttpResponse): void {
    const location = headerValue(res, 'location');
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

  /** One PATCH with the blob from byte `from` on (the registry holds the bytes before it). */
  private async patch(producer: BlobProducer, from: number): Promise<Attempt> {
    const release = (piece: Buffer) => producer.release?.(piece);
    const url = this.location;
    const request = await this.client.openStream('PATCH', url, { scopes: this.scopes, headers: { 'content-type': 'application/octet-stream' }, refreshAuth: this.refreshAuth });
    // Bytes the socket has taken, and the end of the last piece given to it (a piece cut short by
    // a failure may have arrived in part: the registry can hold up to there).
    let sent = from;
    let reached = from;
    let complete = false;
    let res: HttpResponse;
    try {
      for await (const { piece, part, end } of piecesFrom(producer.chunks, from, release)) {
        // The registry answered before the body ended: it reads no further (leaving the loop
        // closes the producer).
        if (request.answered) break;
        reached = end;
        if (part.length > 0) await request.write(part);
        // A piece the answer overtook may still be queued on the socket: it is not handed back
        // (this producer is dropped anyway).
        if (request.answered) break;
        release(piece);
        sent = end;
        this.opts.onAcknowledged?.(sent);
      }
      complete = !request.answered;
      res = complete ? await request.end() : await request.response;
    } catch (err) {
      request.abort();
      if (!(err instanceof HttpNetworkError)) throw err;
      return { done: false, problem: err.message, sent: reached };
    }
    if (!complete) request.abort();
    if (res.status === 202 || res.status === 204) {
      this.takeLocation(res);
      this.refreshAuth = false;
      if (!complete) return { done: false, problem: `PATCH answered HTTP ${res.status} before the layer ended`, sent: reached };
      const digest = producer.digest();
      const received = receivedFromRange(headerValue(res, 'range'));
      if (received === undefined || received === sent) return { done: true, digest, size: sent };
      return { done: false, problem: `the registry acknowledged ${received} bytes, expected ${sent}`, sent, produced: { digest, size: sent } };
    }
    if (res.status === 404) throw new SessionLost(`PATCH answered 404 (${describeErrorBody(res).text})`);
    if (res.status === 401 && !this.refreshAuth) {
      // The token ran out between the POST and the PATCH: a fresh one for the next try.
      this.refreshAuth = true;
      return { done: false, problem: 'PATCH answered 401', sent: reached };
    }
    if (res.status === 401 || res.status === 403) throw this.client.authError(res, 'PATCH', url);
    if (res.status === 416 || isRetryableStatus(res.status)) return { done: false, problem: `PATCH answered HTTP ${res.status}`, sent: reached };
    const { text, codes } = describeErrorBody(res);
    throw new RegistryError(`${this.client.registry}: upload of the layer from byte ${from} failed with HTTP ${res.status}: ${text}`, res.status, codes);
  }

  /** Sends the whole blob, resuming where the registry says it stopped; its digest and size. */
  async send(produce: () => BlobProducer): Promise<{ digest: Digest; size: number }> {
    const retry = this.opts.retry ?? DEFAULT_RETRY;
    let from = 0;
    for (let failures = 0; ;) {
      this.opts.signal?.throwIfAborted();
      const attempt = await this.patch(produce(), from);
      if (attempt.done) return attempt;
      failures++;
      if (failures >= retry.attempts) throw new SessionLost(`giving up on this session after ${failures} failed sends (${attempt.problem})`);
      let offset: number | undefined;
      // Asking may fail on the network too; it counts against the same tries.
      while (offset === undefined) {
        await sleep(backoffDelay(failures, retry), this.opts.signal);
        try {
          offset = await this.registryOffset();
        } catch (err) {
          if (!(err instanceof HttpNetworkError)) throw err;
          failures++;
          if (failures >= retry.attempts) throw new SessionLost(`giving up on this session after ${failures} failures (${err.message})`);
        }
      }
      // What the registry holds must be what it had before this PATCH plus part of what we sent.
      if (offset < from || offset > attempt.sent) {
        throw new SessionLost(`the registry holds ${offset} bytes, outside what was sent (${from}-${attempt.sent})`);
      }
      this.opts.logger.warn(`upload interrupted (${attempt.problem}); resuming at byte ${offset}`);
      if (attempt.produced && offset === attempt.produced.size) {
        this.opts.onAcknowledged?.(offset);
        return attempt.produced;
      }
      this.resumes++;
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
  const maxRestarts = opts.maxRestarts ?? 2;
  let resumes = 0;
  for (let restarts = 0; ; restarts++) {
    const session = new UploadSession(client, repo, await client.startUpload(repo), opts);
    try {
      const { digest, size } = await session.send(produce);
      await session.finish(digest, size);
      return { digest, size, resumes: resumes + session.resumes, restarts };
    } catch (err) {
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
