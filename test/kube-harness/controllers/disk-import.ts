/**
 * What CDI's importer pod does with a source, on this machine: download over HTTP(S) (extra
 * headers, basic auth, a custom CA or insecureSkipVerify, redirects), verify the DataVolume's
 * checksum while streaming, take off gzip/xz, convert any qemu-img format (qcow2, vmdk, vdi,
 * vhd(x), raw, ISO) to a raw disk.img and grow it to the claim's size. A bigger image than the
 * claim fails as CDI fails it. Work happens in a partial file renamed at the end.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat, truncate } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { spawn } from 'node:child_process';
import { imageInfo } from '../../../src/core/disk/image-info.js';
import { runTool } from '../../../src/core/run-tool.js';

export class ImportError extends Error {
  override name = 'ImportError';
}

export interface HttpSource {
  url: string;
  checksum?: string;
  headers: Record<string, string>;
  ca?: string;
  insecureSkipVerify?: boolean;
}

export type ProgressCallback = (fraction: number) => void;

function get(url: URL, source: HttpSource, signal: AbortSignal, redirects = 0): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const transport = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
    if (!transport) return reject(new ImportError(`unsupported URL scheme ${url.protocol} in ${url.href}`));
    const req = transport.get(url, { headers: source.headers, signal, ...(url.protocol === 'https:' ? { ca: source.ca, rejectUnauthorized: source.insecureSkipVerify !== true } : {}) }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects >= 10) return reject(new ImportError(`too many redirects fetching ${source.url}`));
        resolve(get(new URL(res.headers.location, url), source, signal, redirects + 1));
        return;
      }
      if (status !== 200) {
        res.resume();
        reject(new ImportError(`Unable to connect to http data source: expected status code 200, got ${status}. Status: ${status} ${http.STATUS_CODES[status] ?? ''}`.trim()));
        return;
      }
      resolve(res);
    });
    req.on('error', (err) => reject(signal.aborted ? err : new ImportError(`Unable to connect to http data source: ${err.message}`)));
  });
}

/** Counts bytes through a stream and hashes them. */
function meter(total: number | undefined, onProgress: ProgressCallback, hash?: ReturnType<typeof createHash>): Transform {
  let done = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, callback) {
      done += chunk.length;
      hash?.update(chunk);
      if (total) onProgress(Math.min(1, done / total));
      callback(null, chunk);
    },
  });
}

function parseChecksum(checksum: string): { algorithm: string; hex: string } {
  const [algorithm = '', hex = ''] = checksum.split(':');
  return { algorithm, hex: hex.toLowerCase() };
}

/** Downloads `source` to `file`, verifying its checksum. */
export async function download(source: HttpSource, file: string, signal: AbortSignal, onProgress: ProgressCallback): Promise<void> {
  const res = await get(new URL(source.url), source, signal);
  const total = Number(res.headers['content-length']) || undefined;
  const expected = source.checksum ? parseChecksum(source.checksum) : undefined;
  const hash = expected ? createHash(expected.algorithm) : undefined;
  await pipeline(res, meter(total, onProgress, hash), createWriteStream(file), { signal });
  if (expected && hash) {
    const got = hash.digest('hex');
    if (got !== expected.hex) throw new ImportError(`checksum mismatch: expected ${expected.algorithm}:${expected.hex}, calculated ${expected.algorithm}:${got}`);
  }
}

/** Copies a local file (a resolved registry image, an upload) with progress. */
export async function copyWithProgress(from: Readable | string, file: string, signal: AbortSignal, onProgress: ProgressCallback, total?: number): Promise<void> {
  const input = typeof from === 'string' ? createReadStream(from) : from;
  const size = typeof from === 'string' ? (await stat(from)).size : total;
  await pipeline(input, meter(size, onProgress), createWriteStream(file), { signal });
}

async function magic(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(6);
    await handle.read(buf, 0, 6, 0);
    return buf;
  } finally {
    await handle.close();
  }
}

/** Takes gzip or xz off `file` in place (CDI accepts both around any image format). */
export async function decompress(file: string, signal: AbortSignal): Promise<void> {
  const head = await magic(file);
  const out = `${file}.unpacked`;
  try {
    if (head[0] === 0x1f && head[1] === 0x8b) {
      await pipeline(createReadStream(file), createGunzip(), createWriteStream(out), { signal });
    } else if (head.equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) {
      await new Promise<void>((resolve, reject) => {
        const child = spawn('xz', ['-dc', file], { stdio: ['ignore', 'pipe', 'pipe'], signal });
        let stderr = '';
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        void pipeline(child.stdout, createWriteStream(out)).catch(reject);
        child.once('error', reject);
        child.once('close', (code) => (code === 0 ? resolve() : reject(new ImportError(`xz: ${stderr.trim()}`))));
      });
    } else return;
    await rename(out, file);
  } finally {
    await rm(out, { force: true });
  }
}

/** Converts the downloaded image to raw at `destination`, grown to `sizeBytes`. */
export async function convertToRaw(image: string, destination: string, sizeBytes: number, signal: AbortSignal): Promise<void> {
  const info = await imageInfo(image, signal).catch((err: unknown) => {
    throw new ImportError(`Unable to process data: ${err instanceof Error ? err.message : String(err)}`);
  });
  if (info.backingFile) throw new ImportError(`Unable to process data: image has a backing file (${info.backingFile}); CDI imports self-contained images only`);
  if (info.virtualSize > sizeBytes) {
    throw new ImportError(`Virtual image size ${info.virtualSize} is larger than the reported available storage ${sizeBytes}. A larger PVC is required.`);
  }
  const partial = `${destination}.partial`;
  try {
    await runTool('qemu-img', ['convert', '-q', '-t', 'writeback', '-f', info.format, '-O', 'raw', image, partial], { signal });
    await truncate(partial, sizeBytes);
    await rename(partial, destination);
  } finally {
    await rm(partial, { force: true });
  }
}
