/**
 * Small files a build reads before it starts (a checksum file, its signature): from an http(s)://
 * or file:// URL or a local path, whole into memory, with a size cap and a timeout, and a reason
 * a person can act on when it fails ("HTTP 404 Not Found", "connection refused").
 */
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';

/** Checksum files of whole distributions stay far below this; a bigger answer is not one. */
export const SMALL_FILE_MAX_BYTES = 16 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 60_000;

/** `location` as a URL when it is one of ours, else undefined (a local path). */
function asUrl(location: string): URL | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return undefined;
  return new URL(location);
}

/** The bytes at `location`; a UserError saying why not. */
export async function readSmallFile(location: string, signal: AbortSignal): Promise<Buffer> {
  const url = asUrl(location);
  if (!url || url.protocol === 'file:') return readLocal(url ? fileURLToPath(url) : location);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError(`unsupported scheme '${url.protocol}' (expected http://, https://, file:// or a path)`);
  let response: Response;
  const timeout = AbortSignal.timeout(FETCH_TIMEOUT_MS);
  try {
    response = await fetch(url, { signal: AbortSignal.any([signal, timeout]), redirect: 'follow' });
  } catch (err) {
    if (signal.aborted) throw err;
    if (timeout.aborted) throw new UserError(`no answer within ${FETCH_TIMEOUT_MS / 1000}s`);
    throw new UserError(`could not be fetched: ${describeFetchError(err)}`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    throw new UserError(`could not be fetched: HTTP ${response.status} ${response.statusText}`.trimEnd());
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > SMALL_FILE_MAX_BYTES) {
    await response.body.cancel().catch(() => undefined);
    throw new UserError(`is ${declared} bytes, more than a checksum file or signature can be (at most ${SMALL_FILE_MAX_BYTES})`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      size += chunk.length;
      if (size > SMALL_FILE_MAX_BYTES) {
        await response.body.cancel().catch(() => undefined);
        throw new UserError(`is more than ${SMALL_FILE_MAX_BYTES} bytes, more than a checksum file or signature can be`);
      }
      chunks.push(Buffer.from(chunk));
    }
  } catch (err) {
    if (err instanceof UserError || signal.aborted) throw err;
    throw new UserError(`could not be read to the end: ${describeFetchError(err)}`);
  }
  return Buffer.concat(chunks);
}

async function readLocal(file: string): Promise<Buffer> {
  const info = await stat(file).catch((err: NodeJS.ErrnoException) => {
    throw new UserError(err.code === 'ENOENT' ? `does not exist (looked for ${file})` : `cannot be read: ${err.message}`);
  });
  if (!info.isFile()) throw new UserError(`is not a regular file (${file})`);
  if (info.size > SMALL_FILE_MAX_BYTES) throw new UserError(`is ${info.size} bytes, more than a checksum file or signature can be (at most ${SMALL_FILE_MAX_BYTES})`);
  return readFile(file);
}

function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as Error & { cause?: unknown }).cause;
  const code = (cause as { code?: string } | undefined)?.code;
  if (code === 'ECONNREFUSED') return `connection refused (${(cause as Error).message.replace(/^connect ECONNREFUSED /, '')})`;
  if (code === 'ENOTFOUND') return `host not found (${(cause as Error).message.replace(/^getaddrinfo ENOTFOUND /, '')})`;
  return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
}
