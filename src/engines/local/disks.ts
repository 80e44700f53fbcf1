/**
 * The local engine's disk files through qemu-img: the root disk as a qcow2 overlay on the source
 * (the cached source and a user's image are never written to) and blank disks. Overlays are
 * created at the disk's size, which resizes them in the same step.
 */
import path from 'node:path';
import { imageInfo, type ImageInfo } from '../../core/disk/image-info.js';
import { UserError } from '../../core/errors.js';
import { formatBytes } from '../../core/log.js';
import { runTool } from '../../core/run-tool.js';

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
      `${req.what}: size ${formatBytes(req.sizeBytes)} is smaller than the source image ${source} (${formatBytes(info.virtualSize)}); ` + `a disk can only grow — set size to at least ${info.virtualSize} bytes`,
    );
  }
  await runTool('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', source, '-F', info.format, req.destination, String(req.sizeBytes)], opts(req.signal));
  return info;
}

export async function createBlankDisk(destination: string, sizeBytes: number, signal?: AbortSignal): Promise<void> {
  await runTool('qemu-img', ['create', '-q', '-f', 'qcow2', destination, String(sizeBytes)], opts(signal));
}

function opts(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}
