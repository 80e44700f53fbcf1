/**
 * The files a build writes into its output folder, by name, so the loader can refuse two VMs whose
 * files would overwrite each other before any VM boots (a clash found after two hours of
 * installing is a clash found too late). export-output.ts names the image with the same function.
 */
import { LOCK_FILE } from '../output-folder.js';
import type { Layer, Vm } from './model.js';

/** `vmName` as written (Packer's vm_name adds no extension), else `<layer>-<vm>.qcow2` (.img for raw). */
export function outputFileName(layer: Pick<Layer, 'name'>, vm: Pick<Vm, 'name' | 'vmName' | 'output'>): string {
  return vm.vmName ?? `${layer.name}-${vm.name}.${vm.output.format === 'raw' ? 'img' : 'qcow2'}`;
}

/** What lands beside each image: its checksum and its SBOM (see export-output.ts, sbom-referrer.ts). */
export const OUTPUT_SIDECARS = ['.sha256', '.spdx.json'] as const;

/** Every file one VM's output puts in the folder: the image and its sidecars. */
export function outputFilesOf(image: string): string[] {
  return [image, ...OUTPUT_SIDECARS.map((s) => image + s)];
}

/**
 * Why a VM's image cannot have this name in the output folder, or undefined: the folder's own
 * files (manifest.json, the logs folder, the build lock) and the `.partial` suffix, which marks an
 * unfinished file that the next build removes.
 */
export function reservedOutputName(image: string): string | undefined {
  for (const file of outputFilesOf(image)) {
    if (file === 'manifest.json') return `'${file}' is the build's manifest in the output folder`;
    if (file === 'logs') return "'logs' is the output folder's log folder";
    if (file === LOCK_FILE) return `'${file}' is the output folder's build lock`;
  }
  if (image.endsWith('.partial')) return 'a name ending in .partial marks an unfinished file, which the next build removes';
  return undefined;
}
