/** The end of every VM build: the stopped VM's disk exported in the output format, checksummed. */
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Layer, Vm } from '../../config/model.js';
import { outputFileName } from '../../config/output-file-names.js';
import type { VmHandle } from '../../engine.js';
import type { Logger } from '../../log.js';
import { sbomBeside } from '../../sbom/sbom-referrer.js';
import type { SpdxDocument } from '../../sbom/spdx.js';
import { checksumLine, sha256OfFile } from '../checksum-file.js';
import type { VmOutput } from '../manifest.js';
import type { PhaseRunner } from '../phase.js';

/** `vmName` as written (Packer's vm_name adds no extension), else `<layer>-<vm>.qcow2` (.img for raw). */
export function outputImagePath(outputDir: string, layer: Layer, vm: Vm): string {
  return path.join(outputDir, outputFileName(layer, vm));
}

export interface ExportOutputRequest {
  layer: Layer;
  vm: Vm;
  handle: VmHandle;
  phases: PhaseRunner;
  outputDir: string;
  logger: Logger;
  timeoutMs?: number;
  /** The guest's SBOM, written beside the image as <image>.spdx.json. */
  sbom?: SpdxDocument;
}

/**
 * The image and its checksum are written under pending names (ending in .partial, which the next
 * build's output lock sweeps if this one is killed) and renamed into place together at the end: a
 * rebuild cancelled at any step leaves the previous image with its own checksum, never a new image
 * beside an old .sha256. The SBOM goes with them; an old one is removed when this build has none, so
 * an SBOM beside an image always describes that image.
 */
export async function exportOutput({ layer, vm, handle, phases, outputDir, logger, timeoutMs = 0, sbom }: ExportOutputRequest): Promise<VmOutput> {
  const image = outputImagePath(outputDir, layer, vm);
  const checksumFile = `${image}.sha256`;
  const sbomFile = sbomBeside(image);
  const pendingImage = `${image}.new.partial`;
  const pendingChecksum = `${checksumFile}.new.partial`;
  const pendingSbom = `${sbomFile}.new.partial`;
  let sha256: string;
  try {
    await phases.run('export disk', (s) => handle.exportDisk({ destination: pendingImage, format: vm.output.format, compress: vm.output.compress, compressionType: vm.output.compressionType, logger, signal: s }), {
      timeoutMs,
    });
    sha256 = await phases.run('checksum', (s) => sha256OfFile(pendingImage, s));
    await writeFile(pendingChecksum, checksumLine(sha256, image));
    if (sbom) await writeFile(pendingSbom, JSON.stringify(sbom, null, 2) + '\n');
    // The old checksum and SBOM go first, so no moment shows the new image beside them.
    await rm(checksumFile, { force: true });
    await rm(sbomFile, { force: true });
    await rename(pendingImage, image);
    await rename(pendingChecksum, checksumFile);
    if (sbom) await rename(pendingSbom, sbomFile);
  } finally {
    await rm(pendingImage, { force: true });
    await rm(pendingChecksum, { force: true });
    await rm(pendingSbom, { force: true });
  }
  const { size } = await stat(image);
  logger.info(`output: ${image} (${vm.output.format}${vm.output.compress ? ', compressed' : ''}, sha256 ${sha256})`);
  if (sbom) logger.info(`sbom: ${sbomFile}`);
  return { layer: layer.name, vm: vm.name, image, format: vm.output.format, compressed: vm.output.compress, bytes: size, sha256, checksumFile, ...(sbom ? { sbom: sbomFile } : {}) };
}
