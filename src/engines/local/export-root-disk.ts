/**
 * A stopped local VM's root disk written out as a build output: the same for a VM this process
 * started (machine.ts) and one it re-attached to from a record (attach.ts).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { convertDisk } from '../../core/disk/convert.js';
import type { ExportDiskRequest } from '../../core/engine.js';

export async function exportRootDisk(vm: { name: string; running: boolean }, rootDisk: string, req: ExportDiskRequest): Promise<void> {
  if (vm.running) throw new Error(`vm ${vm.name} is still running; shut it down before exporting its disk`);
  await mkdir(path.dirname(req.destination), { recursive: true });
  await convertDisk({
    source: rootDisk,
    destination: req.destination,
    format: req.format,
    compress: req.compress,
    ...(req.compressionType ? { compressionType: req.compressionType } : {}),
    logger: req.logger,
    signal: req.signal,
  });
}
