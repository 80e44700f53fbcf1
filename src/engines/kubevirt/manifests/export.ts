/**
 * VirtualMachineExport of a VM's output, with a token Secret we create (so the token is known
 * without reading a generated Secret back). The export server then serves the disk as raw or
 * gzip at its internal URL, reached by port-forward; the token goes in the
 * x-kubevirt-export-token header.
 *
 * Source by capture mode: the output clone's PVC; for a CSI snapshot the stopped VM's root disk
 * (an export cannot read a VolumeSnapshot); the VirtualMachineSnapshot itself.
 */
import { objectMeta, type RenderContext, type VmScope } from './render-context.js';
import type { RenderedObject } from './rendered.js';
import type { Secret, VirtualMachineExport } from './types.js';

export function renderExport(ctx: RenderContext, scope: VmScope): RenderedObject[] {
  const { names } = scope;
  const where = `${scope.layer.name}/${scope.vm.name}`;
  const token: Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: objectMeta(ctx, names.exportToken, 'export-token', scope),
    type: 'Opaque',
    data: { token: Buffer.from(ctx.options.exportToken(where), 'utf8').toString('base64') },
  };
  let source: VirtualMachineExport['spec']['source'];
  switch (ctx.options.capture.mode) {
    case 'clone':
      source = { kind: 'PersistentVolumeClaim', name: names.output };
      break;
    case 'volume-snapshot':
      source = { kind: 'PersistentVolumeClaim', name: names.rootDisk };
      break;
    case 'vm-snapshot':
      source = { apiGroup: 'snapshot.kubevirt.io', kind: 'VirtualMachineSnapshot', name: names.output };
      break;
  }
  const exportObject: VirtualMachineExport = {
    apiVersion: `export.kubevirt.io/${ctx.options.exportApiVersion}`,
    kind: 'VirtualMachineExport',
    metadata: objectMeta(ctx, names.export, 'export', scope),
    spec: { source, tokenSecretRef: names.exportToken, ttlDuration: ctx.options.exportTtl },
  };
  return [
    { object: token, step: 'export', owner: { kind: 'run' }, vm: where, note: `token of the export of ${where}` },
    { object: exportObject, step: 'export', owner: { kind: 'run' }, vm: where, note: `export of ${where}'s output (raw or gzip, by port-forward)` },
  ];
}
