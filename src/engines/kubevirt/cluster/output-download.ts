/**
 * Taking a VM's output out of the cluster: the run's rendered VirtualMachineExport (and its token
 * Secret) of the volume holding the output, the disk downloaded from the export server, converted
 * to the asked format on this machine, and the export removed at once (its server is a pod of its
 * own). Used for an output just captured (vm-handle.ts) and for one kept from an earlier build
 * (the engine restores it into the volume the export reads first).
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ExportDiskRequest } from '../../../core/engine.js';
import { convertDisk } from '../../../core/disk/convert.js';
import type { RenderedVm } from '../manifests/rendered.js';
import { downloadExport } from './export-download.js';
import { describeRef, refOf } from './resources.js';
import type { RunSession } from './session.js';

export interface OutputDownloadRequest extends ExportDiskRequest {
  session: RunSession;
  rendered: RenderedVm;
  /** The raw disk lands here first (removed afterwards). */
  rawFile: string;
}

/** The PVC the rendered export reads: the clone output, or the stopped VM's root disk. */
export function exportedVolume(rendered: RenderedVm): string {
  return rendered.output.kind === 'DataVolume' ? rendered.output.name : rendered.names.rootDisk;
}

export async function downloadOutput(req: OutputDownloadRequest): Promise<void> {
  const { session, rendered, logger, signal } = req;
  const key = `${rendered.layer}/${rendered.vm}`;
  const exports = session.run.rendered.objects.filter((o) => o.vm === key && o.step === 'export');
  const exportObject = exports.find((o) => o.object.kind === 'VirtualMachineExport');
  if (!exportObject) throw new Error(`internal: no VirtualMachineExport rendered for ${key}`);
  for (const o of exports) await session.run.create(o, signal);
  try {
    await downloadExport({
      objects: session.objects,
      namespace: session.namespace,
      exportName: exportObject.object.metadata.name,
      apiVersion: exportObject.object.apiVersion,
      token: session.exportToken(key),
      volume: exportedVolume(rendered),
      rawFile: req.rawFile,
      logger,
      signal,
      readyTimeoutMs: session.timeouts.export,
      env: session.env,
      ...(session.clusterCa ? { clusterCa: session.clusterCa } : {}),
    });
    await mkdir(path.dirname(req.destination), { recursive: true });
    await convertDisk({ source: req.rawFile, destination: req.destination, format: req.format, compress: req.compress, ...(req.compressionType ? { compressionType: req.compressionType } : {}), logger, signal });
  } finally {
    await rm(req.rawFile, { force: true });
    for (const o of [...exports].reverse()) {
      await session.run.remove(refOf(o.object), AbortSignal.timeout(60_000)).catch((err: unknown) => {
        logger.debug(`export: removing ${describeRef(refOf(o.object))} later: ${err instanceof Error ? err.message : String(err)}`);
      });
    }
  }
}
