/**
 * Which of a VM's disks are filled from this machine through CDI's upload proxy rather than by
 * CDI itself: a local disk (`source.path`), local ISOs of cdroms, and the output of a `from:`
 * parent that is not in the cluster — it came from the layer cache, or from an earlier step of a
 * split workflow whose run was removed — whose root DataVolume then becomes an upload.
 */
import path from 'node:path';
import { UserError } from '../../../core/errors.js';
import type { Build, Vm } from '../../../core/config/model.js';
import type { Logger } from '../../../core/log.js';
import type { VmNames } from '../manifests/run-names.js';
import type { DataVolumeSource } from '../manifests/types.js';

export interface DiskUpload {
  dataVolume: string;
  file: string;
}

export interface LocalDiskUploads {
  uploads: DiskUpload[];
  /** The root DataVolume's source when it is an upload the build file alone does not say (a run input of the render). */
  rootSource?: DataVolumeSource;
}

export interface LocalDiskUploadsRequest {
  build: Build;
  vm: Vm;
  /** "layer/vm" */
  key: string;
  names: VmNames;
  /** "layer/vm" of the outputs this run holds in the cluster. */
  outputs: ReadonlySet<string>;
  /** The parent's output on this machine, for `from:`. */
  parentDisk?: string;
  logger: Logger;
}

export function localDiskUploads(req: LocalDiskUploadsRequest): LocalDiskUploads {
  const { build, vm, key, names } = req;
  const uploads: DiskUpload[] = [];
  let rootSource: DataVolumeSource | undefined;
  if (vm.source.kind === 'path') uploads.push({ dataVolume: names.rootDisk, file: path.resolve(build.dir, vm.source.path) });
  if (vm.source.kind === 'from' && !req.outputs.has(`${vm.source.layer}/${vm.source.vm}`)) {
    const parent = `${vm.source.layer}/${vm.source.vm}`;
    if (!req.parentDisk) throw new UserError(`vm ${key}: the output of ${parent} is neither in the cluster nor on this machine`);
    req.logger.info(`vm ${key}: the output of ${parent} is not in the cluster; uploading it from ${req.parentDisk}`);
    rootSource = { upload: {} };
    uploads.push({ dataVolume: names.rootDisk, file: req.parentDisk });
  }
  for (const cdrom of vm.cdroms) if (cdrom.iso) uploads.push({ dataVolume: names.cdrom(cdrom.name), file: cdrom.iso });
  return { uploads, ...(rootSource ? { rootSource } : {}) };
}
