/** The end of every VM build: the stopped VM's disk exported in the output format, checksummed. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Layer, Vm } from '../../config/model.js';
import type { VmHandle } from '../../engine.js';
import type { Logger } from '../../log.js';
import { writeSha256File } from '../checksum-file.js';
import type { VmOutput } from '../manifest.js';
import type { PhaseRunner } from '../phase.js';

export function outputImagePath(outputDir: string, layer: Layer, vm: Vm): string {
  return path.join(outputDir, `${layer.name}-${vm.name}.${vm.output.format === 'raw' ? 'img' : 'qcow2'}`);
}

export interface ExportOutputRequest {
  layer: Layer;
  vm: Vm;
  handle: VmHandle;
  phases: PhaseRunner;
  outputDir: string;
  logger: Logger;
  timeoutMs?: number;
}

export async function exportOutput({ layer, vm, handle, phases, outputDir, logger, timeoutMs = 0 }: ExportOutputRequest): Promise<VmOutput> {
  const image = outputImagePath(outputDir, layer, vm);
  await phases.run('export disk', (s) => handle.exportDisk({ destination: image, format: vm.output.format, compress: vm.output.compress, compressionType: vm.output.compressionType, logger, signal: s }), { timeoutMs });
  const { sha256, checksumFile } = await phases.run('checksum', (s) => writeSha256File(image, s));
  const { size } = await stat(image);
  logger.info(`output: ${image} (${vm.output.format}${vm.output.compress ? ', compressed' : ''}, sha256 ${sha256})`);
  return { layer: layer.name, vm: vm.name, image, format: vm.output.format, compressed: vm.output.compress, bytes: size, sha256, checksumFile };
}
