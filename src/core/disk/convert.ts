/**
 * The final convert of a build's disk to the output format, flattening its backing chain: the
 * local engine converts the VM's overlay, the kubevirt engine the disk it exported from the
 * cluster. A zstd qcow2 whose data can be read as plain bytes is written here on every core
 * (compressed-qcow2.ts); everything else is qemu-img's.
 */
import { rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { sleep } from '../abort.js';
import type { OutputFormat, Qcow2Compression } from '../config/model.js';
import type { Logger } from '../log.js';
import { ProgressReporter } from '../progress-reporter.js';
import { ToolError, runTool } from '../run-tool.js';
import { writeCompressedQcow2 } from './compressed-qcow2.js';
import { guestDataMap } from './guest-data-map.js';
import { imageInfo } from './image-info.js';

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
    const compression = req.compressionType ?? DEFAULT_QCOW2_COMPRESSION;
    for (let attempt = 1; ; attempt++) {
      const progress = new ProgressReporter(logger, `export ${path.basename(req.destination)}`, info.virtualSize);
      progress.start();
      try {
        if (!(compress && compression === 'zstd' && (await exportOnEveryCore(req.source, partial, progress, signal, logger)))) {
          await qemuImgConvert(req, partial, compress ? compression : undefined, progress, info.virtualSize);
        }
        progress.finish(`${req.format}${compress ? `, ${compression}-compressed` : ''}`);
        break;
      } catch (err) {
        if (!(err instanceof ToolError) || !isWriteLockError(err.stderr) || attempt >= attempts) throw err;
        logger.info(`export: the disk is still locked by QEMU; retrying (${attempt}/${attempts})`);
        await sleep(req.retryDelayMs ?? 1000, signal);
      }
    }
    await rename(partial, req.destination);
  } finally {
    await unlink(partial).catch(() => undefined);
  }
}

/**
 * The zstd qcow2 written here (compressed-qcow2.ts) when the disk's data can be read directly;
 * false when it cannot (a compressed or encrypted backing image, another format), and qemu-img
 * does the export.
 */
async function exportOnEveryCore(source: string, destination: string, progress: ProgressReporter, signal: AbortSignal, logger: Logger): Promise<boolean> {
  const found = await guestDataMap(source, signal);
  if ('unreadable' in found) {
    logger.debug(`export: qemu-img compresses this disk (${found.unreadable})`);
    return false;
  }
  await writeCompressedQcow2({ map: found.map, destination, signal, onProgress: (done) => progress.update(done) });
  return true;
}

async function qemuImgConvert(req: ConvertRequest, destination: string, compression: Qcow2Compression | undefined, progress: ProgressReporter, virtualSize: number): Promise<void> {
  const args = ['convert', '-p', ...(compression ? ['-c', '-o', `compression_type=${compression}`] : []), '-O', req.format, req.source, destination];
  let pending = '';
  await runTool('qemu-img', args, {
    signal: req.signal,
    onStdout: (chunk) => {
      // A figure may straddle two chunks: only parse complete \r-terminated updates.
      const parts = (pending + chunk).split(/[\r\n]/);
      pending = parts.pop() ?? '';
      const pct = parseConvertProgress(parts.join('\n')).at(-1);
      if (pct !== undefined) progress.update(Math.round((pct / 100) * virtualSize));
    },
  });
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
