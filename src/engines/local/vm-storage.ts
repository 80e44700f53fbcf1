/**
 * A VM's storage in the order Packer prepares it: the source becomes the root disk (an overlay on
 * a disk image, or a blank disk with the install ISO as the first CD-ROM), then the extra blank
 * disks, then the CD-ROMs (an existing ISO, or one built from files). Every file made here is
 * reported through `made`, so the caller can remove it if a later step fails.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { cdromBus, type Build, type SourceChecksum, type Vm } from '../../core/config/model.js';
import type { Logger } from '../../core/log.js';
import { buildCdromIso } from './cdrom.js';
import { createBlankDisk, createOverlay } from './disks.js';
import type { CdromPlan, DiskPlan } from './qemu-args.js';

export interface StorageRequest {
  build: Build;
  vm: Vm;
  workDir: string;
  logger: Logger;
  signal: AbortSignal;
  /** Downloads (or verifies) a URL source; returns its local path. */
  fetch: (url: string, checksum: SourceChecksum, mirrors?: readonly string[]) => Promise<string>;
  /** A local disk image for the url/path/from/containerDisk source kinds. */
  sourceImage: () => Promise<string>;
  /** Called for every file created, before it is written. */
  made: (file: string) => void;
}

export interface PreparedStorage {
  /** The disk exportDisk writes out. */
  rootDisk: string;
  disks: DiskPlan[];
  cdroms: CdromPlan[];
}

export async function prepareStorage(r: StorageRequest): Promise<PreparedStorage> {
  const { vm, logger, signal } = r;
  const base = fileSafe(vm.name);
  const rootSpec = vm.disks[0];
  if (!rootSpec) throw new UserError(`vm ${vm.name}: needs at least one disk (the first is the root disk)`);
  const rootDisk = path.join(r.workDir, `${base}-${fileSafe(rootSpec.name)}.qcow2`);
  const disks: DiskPlan[] = [];
  const cdroms: CdromPlan[] = [];

  if (vm.source.kind === 'iso') {
    const iso = await r.fetch(vm.source.url, vm.source.checksum, vm.source.mirrors);
    r.made(rootDisk);
    await createBlankDisk(rootDisk, rootSpec.sizeBytes, signal);
    // The blank root disk boots first and fails, so the firmware falls through to the installer;
    // once the installer made the disk bootable, reboots start from it.
    cdroms.push({ id: 'cd0', path: iso, bootIndex: 2 });
  } else {
    const image = await r.sourceImage();
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('Build was cancelled.');
    r.made(rootDisk);
    const info = await createOverlay({ source: image, destination: rootDisk, sizeBytes: rootSpec.sizeBytes, what: `vm ${vm.name}: disks.${rootSpec.name}`, signal });
    logger.info(`disk ${rootSpec.name}: overlay on ${image} (${info.format}), ${rootSpec.sizeBytes} bytes`);
  }
  disks.push({ id: 'disk0', path: rootDisk, format: 'qcow2', bus: rootSpec.bus, bootIndex: 1 });

  for (const [i, d] of vm.disks.slice(1).entries()) {
    const file = path.join(r.workDir, `${base}-${fileSafe(d.name)}.qcow2`);
    r.made(file);
    await createBlankDisk(file, d.sizeBytes, signal);
    disks.push({ id: `disk${i + 1}`, path: file, format: 'qcow2', bus: d.bus });
  }

  for (const c of vm.cdroms) {
    const id = `cd${cdroms.length}`;
    const where = `vm ${vm.name}: cdroms.${c.name}`;
    const attachment = { bus: cdromBus(c), media: c.type ?? 'cdrom' } as const;
    if (c.iso) {
      const iso = path.resolve(r.build.dir, c.iso);
      await access(iso).catch(() => {
        throw new UserError(`${where}: iso '${c.iso}' does not exist (looked for ${iso})`);
      });
      cdroms.push({ id, path: iso, ...attachment });
    } else {
      const file = path.join(r.workDir, `${base}-cdrom-${fileSafe(c.name)}.iso`);
      r.made(file);
      await buildCdromIso({ files: c.files ?? [], baseDir: r.build.dir, ...(c.label ? { label: c.label } : {}), destination: file, what: where, signal });
      cdroms.push({ id, path: file, ...attachment });
    }
  }
  return { rootDisk, disks, cdroms };
}

/** File-name-safe form of a build-file name. */
export function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}
