/**
 * Disk files through qemu-img: the root disk as a qcow2 overlay on the source (the cached source
 * and a user's image are never written to), blank disks, and the final convert to the output
 * format. Overlays are created at the disk's size, which resizes them in the same step.
 */
import { rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import type { OutputFormat, Qcow2Compression } from '../../core/config/model.js';
import { formatBytes, type Logger } from '../../core/log.js';
import { ProgressReporter } from './progress-reporter.js';
import { ToolError, abortReason, runTool } from './tools.js';

export interface ImageInfo {
  format: string;
  virtualSize: number;
  actualSize?: number;
  backingFile?: string;
}

export async function imageInfo(file: string, signal?: AbortSignal): Promise<ImageInfo> {
  // -U: reading metadata must work even while a VM holds the image open.
  const { stdout } = await runTool('qemu-img', ['info', '-U', '--output=json', file], signal ? { signal } : {});
  const raw = JSON.parse(stdout) as { format?: string; 'virtual-size'?: number; 'actual-size'?: number; 'backing-filename'?: string };
  if (typeof raw.format !== 'string' || typeof raw['virtual-size'] !== 'number') {
    throw new Error(`qemu-img info ${file}: unexpected output ${stdout.slice(0, 200)}`);
  }
  return {
    format: raw.format,
    virtualSize: raw['virtual-size'],
    ...(raw['actual-size'] !== undefined ? { actualSize: raw['actual-size'] } : {}),
    ...(raw['backing-filename'] !== undefined ? { backingFile: raw['backing-filename'] } : {}),
  };
}

export interface OverlayRequest {
  source: string;
  destination: string;
  /** The disk size; the overlay is grown to it. Shrinking below the source is an error. */
  sizeBytes: number;
  /** For error messages: which disk of which VM. */
  what: string;
  signal?: AbortSignal;
}

export async function createOverlay(req: OverlayRequest): Promise<ImageInfo> {
  const source = path.resolve(req.source);
  const info = await imageInfo(source, req.signal);
  if (req.sizeBytes < info.virtualSize) {
    throw new UserError(
      `${req.what}: size ${formatBytes(req.sizeBytes)} is smaller than the source image ${source} (${formatBytes(info.virtualSize)}); ` +
        `a disk can only grow — set size to at least ${info.virtualSize} bytes`,
    );
  }
  await runTool('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', source, '-F', info.format, req.destination, String(req.sizeBytes)], opts(req.signal));
  return info;
}

export async function createBlankDisk(destination: string, sizeBytes: number, signal?: AbortSignal): Promise<void> {
  await runTool('qemu-img', ['create', '-q', '-f', 'qcow2', destination, String(sizeBytes)], opts(signal));
}

/**
 * zstd, not qemu-img's zlib: on the quickstart image it compresses in 0.18 s instead of 1.07 s
 * to the same size, and every QEMU since 5.1 (2020) reads it — KubeVirt, CDI and current clouds'
 * importers included. Packer writes zlib. (A build file chooses with output.compressionType.)
 */
const DEFAULT_QCOW2_COMPRESSION: Qcow2Compression = 'zstd';

export interface ConvertRequest {
  source: string;
  destination: string;
  format: OutputFormat;
  compress: boolean;
  /** qcow2 compression: zstd by default (see DEFAULT_QCOW2_COMPRESSION), zlib for readers older than QEMU 5.1. */
  compressionType?: Qcow2Compression;
  logger: Logger;
  signal: AbortSignal;
  /** Tries when QEMU still holds the image's write lock (Packer retries 10 times). */
  attempts?: number;
  retryDelayMs?: number;
}

/**
 * Writes `source` (flattening any backing chain) to `destination` in `format`, through a partial
 * file renamed at the end, so a cancelled or failed convert never leaves a plausible output.
 */
export async function convertDisk(req: ConvertRequest): Promise<void> {
  const { logger, signal } = req;
  const compress = req.compress && req.format === 'qcow2';
  if (req.compress && !compress) logger.warn('output: raw images cannot be compressed; writing it uncompressed');
  const info = await imageInfo(req.source, signal);
  const partial = `${req.destination}.partial`;
  const attempts = req.attempts ?? 10;
  try {
    for (let attempt = 1; ; attempt++) {
      const progress = new ProgressReporter(logger, `export ${path.basename(req.destination)}`, info.virtualSize);
      progress.start();
      const compression = req.compressionType ?? DEFAULT_QCOW2_COMPRESSION;
      const args = ['convert', '-p', ...(compress ? ['-c', '-o', `compression_type=${compression}`] : []), '-O', req.format, req.source, partial];
      let pending = '';
      try {
        await runTool('qemu-img', args, {
          signal,
          onStdout: (chunk) => {
            // A figure may straddle two chunks: only parse complete \r-terminated updates.
            const parts = (pending + chunk).split(/[\r\n]/);
            pending = parts.pop() ?? '';
            const pct = parseConvertProgress(parts.join('\n')).at(-1);
            if (pct !== undefined) progress.update(Math.round((pct / 100) * info.virtualSize));
          },
        });
        progress.finish(`${req.format}${compress ? `, ${compression}-compressed` : ''}`);
        break;
      } catch (err) {
        if (!(err instanceof ToolError) || !isWriteLockError(err.stderr) || attempt >= attempts) throw err;
        logger.info(`export: the disk is still locked by QEMU; retrying (${attempt}/${attempts})`);
        await delay(req.retryDelayMs ?? 1000, signal);
      }
    }
    await rename(partial, req.destination);
  } finally {
    await unlink(partial).catch(() => undefined);
  }
}

export function isWriteLockError(stderr: string): boolean {
  return /Failed to get (?:shared )?"write" lock/.test(stderr);
}

/**
 * The percentages in qemu-img's -p output: "    (12.34/100%)" lines separated by \r.
 * Returns every complete figure found in `text`, in order.
 */
export function parseConvertProgress(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/\((\d{1,3}(?:\.\d+)?)\/100%\)/g)) {
    const pct = Number(m[1]);
    if (pct >= 0 && pct <= 100) out.push(pct);
  }
  return out;
}

function opts(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortReason(signal));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
