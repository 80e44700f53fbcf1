/**
 * CDI DataVolumes for a VM's disks: the root disk from the build's source, blank extra disks, the
 * installer ISO and local ISOs for cdroms.
 *
 * source        root disk DataVolume
 * url           http import, with CDI's checksum check (CDI >= 1.65)
 * containerDisk registry import (docker://image)
 * iso           blank; the ISO itself is an http import attached as a cdrom
 * path          upload (the cluster operations push the local disk through cdi-uploadproxy)
 * from          clone of the earlier layer VM's output (a PVC clone, or a restore from its
 *               VolumeSnapshot)
 *
 * All use `storage` (CDI fills access and volume modes from the StorageProfile unless the
 * `kubevirt:` settings name them, with the storage class — cluster-settings.ts) and ask for
 * immediate binding, so imports run before the VM exists even on WaitForFirstConsumer classes:
 * the build reports import progress and fails early instead of hiding both behind the VM start.
 * CDI turns every import into a raw disk of the requested size.
 */
import type { Disk, Vm } from '../../../core/config/model.js';
import { formatQuantity } from '../../../core/config/quantity.js';
import { checksumText, knownChecksum } from '../../../core/sources/known-checksum.js';
import { vmSettings } from './cluster-settings.js';
import type { Component } from './labels.js';
import { objectMeta, reportVmProblem, shownPath, type RenderContext, type VmScope } from './render-context.js';
import type { RenderedObject } from './rendered.js';
import type { DataVolume, DataVolumeSource } from './types.js';

export const BIND_IMMEDIATE_ANNOTATION = 'cdi.kubevirt.io/storage.bind.immediate.requested';
const MIB = 1024 * 1024;

export interface VmDisks {
  objects: RenderedObject[];
  /** The root disk's size (at least its `from:` parent's), for clones of it. */
  rootSizeBytes: number;
  /** DataVolume of each disk, in the VM's disk order (the root disk first). */
  disks: { disk: Disk; dataVolume: string }[];
  /** The installer ISO's DataVolume, for `source: {iso}`. */
  installIso?: string;
  /** DataVolumes of cdroms made from a local ISO, by cdrom name. */
  cdromIsos: Map<string, string>;
}

/** A DataVolume; its source is the run's input for it when the run gives one (run-inputs.ts), else `source`. */
export function dataVolume(ctx: RenderContext, scope: VmScope | undefined, name: string, component: Component, source: DataVolumeSource, sizeBytes: number): DataVolume {
  const storage: NonNullable<DataVolume['spec']['storage']> = { resources: { requests: { storage: formatQuantity(sizeBytes) } } };
  const settings = vmSettings(ctx, scope);
  if (settings.storageClassName !== undefined) storage.storageClassName = settings.storageClassName;
  // The API types spell these as TypeScript enums whose values are these very strings.
  if (settings.volumeMode !== undefined) storage.volumeMode = settings.volumeMode as NonNullable<typeof storage.volumeMode>;
  if (settings.accessMode !== undefined) storage.accessModes = [settings.accessMode as NonNullable<typeof storage.accessModes>[number]];
  return {
    apiVersion: 'cdi.kubevirt.io/v1beta1',
    kind: 'DataVolume',
    metadata: objectMeta(ctx, name, component, scope, { annotations: { [BIND_IMMEDIATE_ANNOTATION]: 'true' } }),
    spec: { source: structuredClone(ctx.run.volumeSources?.get(name) ?? source), storage },
  };
}

function findVm(ctx: RenderContext, layer: string, vm: string): Vm | undefined {
  return ctx.build.layers.find((l) => l.name === layer)?.vms.find((v) => v.name === vm);
}

/** The root disk size a VM gets: its own, or its `from:` ancestors' if larger. */
function rootDiskBytes(ctx: RenderContext, layer: string, vm: string, seen = new Set<string>()): number {
  const found = findVm(ctx, layer, vm);
  const key = `${layer}/${vm}`;
  if (!found || seen.has(key)) return 0;
  seen.add(key);
  const own = found.disks[0]?.sizeBytes ?? 0;
  return found.source.kind === 'from' ? Math.max(own, rootDiskBytes(ctx, found.source.layer, found.source.vm, seen)) : own;
}

/** Where a `from: layer/vm` clone reads: the earlier VM's output, by capture mode. */
function outputSource(ctx: RenderContext, layer: string, vm: string): DataVolumeSource {
  const names = ctx.names.vm(layer, vm);
  const namespace = ctx.options.namespace;
  switch (ctx.options.capture.mode) {
    case 'clone':
      return { pvc: { namespace, name: names.output } };
    case 'volume-snapshot':
      return { snapshot: { namespace, name: names.output } };
    case 'vm-snapshot':
      // The VirtualMachineSnapshot's volume snapshots get names only its controller knows; the
      // stopped VM's root disk holds the same data.
      return { pvc: { namespace, name: names.rootDisk } };
  }
}

export function renderVmDisks(ctx: RenderContext, scope: VmScope): VmDisks {
  const { vm, names } = scope;
  const where = `${scope.layer.name}/${vm.name}`;
  const result: VmDisks = { objects: [], rootSizeBytes: 0, disks: [], cdromIsos: new Map() };
  const add = (object: DataVolume, note: string) => result.objects.push({ object, step: 'prepare', owner: { kind: 'run' }, vm: where, note });
  const [root, ...extra] = vm.disks;
  if (!root) {
    reportVmProblem(ctx, scope, 'disks', 'the VM needs a root disk (disks[0])');
    return result;
  }

  const source = vm.source;
  let rootSource: DataVolumeSource;
  let rootSize = root.sizeBytes;
  let rootNote: string;
  switch (source.kind) {
    case 'url':
      rootSource = { http: { url: source.url, checksum: checksumText(knownChecksum(source.checksum, source.url)) } };
      rootNote = `root disk of ${where}, imported from ${source.url}`;
      break;
    case 'containerDisk':
      rootSource = { registry: { url: `docker://${source.image}` } };
      rootNote = `root disk of ${where}, imported from the containerDisk ${source.image}`;
      break;
    case 'iso': {
      rootSource = { blank: {} };
      rootNote = `root disk of ${where}, blank for the installer`;
      result.installIso = names.installIso;
      const iso = dataVolume(ctx, scope, names.installIso, 'install-iso', { http: { url: source.url, checksum: checksumText(knownChecksum(source.checksum, source.url)) } }, ctx.options.isoVolumeBytes);
      add(iso, `installer ISO of ${where}, imported from ${source.url}`);
      break;
    }
    case 'path':
      rootSource = { upload: {} };
      rootNote = `root disk of ${where}, uploaded from ${shownPath(ctx, source.path)}`;
      break;
    case 'from': {
      rootSource = outputSource(ctx, source.layer, source.vm);
      const parent = findVm(ctx, source.layer, source.vm);
      if (!parent) reportVmProblem(ctx, scope, 'source.from', `no VM ${source.layer}/${source.vm} to start from`);
      // A clone can grow but not shrink: the disk is at least as large as the one it starts from,
      // which may itself have grown from its own parent. CDI holds a `storage` spec from a
      // Filesystem source to this only in its host-assisted clone controller, which retries
      // without an event, so a smaller clone would wait in CloneScheduled for ever
      // (kubevirt/containerized-data-importer pkg/controller/clone-controller.go@v1.66.0
      // ValidateCanCloneSourceAndTargetSpec).
      rootSize = Math.max(rootSize, rootDiskBytes(ctx, source.layer, source.vm));
      rootNote = `root disk of ${where}, cloned from the output of ${source.layer}/${source.vm}`;
      break;
    }
  }
  add(dataVolume(ctx, scope, names.rootDisk, 'root-disk', rootSource, rootSize), rootNote);
  result.rootSizeBytes = rootSize;
  result.disks.push({ disk: root, dataVolume: names.rootDisk });

  for (const disk of extra) {
    const name = names.disk(disk.name);
    add(dataVolume(ctx, scope, name, 'disk', { blank: {} }, disk.sizeBytes), `disk ${disk.name} of ${where}, blank`);
    result.disks.push({ disk, dataVolume: name });
  }

  vm.cdroms.forEach((cdrom, i) => {
    if (!cdrom.iso) return;
    const size = ctx.inputs.isoSizes.get(cdrom.iso);
    if (size === undefined) {
      reportVmProblem(ctx, scope, `cdroms.${i}.iso`, `the size of ${cdrom.iso} is unknown (it was not read before rendering)`);
      return;
    }
    const name = names.cdrom(cdrom.name);
    // CDI stores an ISO as a raw image of the same size; whole MiB keep the request tidy.
    add(dataVolume(ctx, scope, name, 'cdrom', { upload: {} }, Math.max(MIB, Math.ceil(size / MIB) * MIB)), `cdrom ${cdrom.name} of ${where}, uploaded from ${shownPath(ctx, cdrom.iso)}`);
    result.cdromIsos.set(cdrom.name, name);
  });
  return result;
}
