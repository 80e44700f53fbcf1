/**
 * What keeps a VM's root disk once the VM has shut down: its "output", which later layers start
 * from (`from: layer/vm`) and which is exported. Created after the shutdown, so the disk is
 * consistent. See CapturePlan (render-options.ts) for the three ways and when each applies.
 */
import { dataVolume } from './data-volumes.js';
import { objectMeta, type RenderContext, type VmScope } from './render-context.js';
import type { RenderedObject, RenderedVm } from './rendered.js';
import type { VirtualMachineSnapshot, VolumeSnapshot } from './types.js';

export function renderCapture(ctx: RenderContext, scope: VmScope, rootSizeBytes: number): { object: RenderedObject; output: RenderedVm['output'] } {
  const { names } = scope;
  const where = `${scope.layer.name}/${scope.vm.name}`;
  const capture = ctx.options.capture;
  switch (capture.mode) {
    case 'clone': {
      const object = dataVolume(ctx, scope, names.output, 'output', { pvc: { namespace: ctx.options.namespace, name: names.rootDisk } }, rootSizeBytes);
      return {
        object: { object, step: 'capture', owner: { kind: 'run' }, vm: where, note: `output of ${where}: a CDI clone of its root disk (no VolumeSnapshotClass needed)` },
        output: { kind: 'DataVolume', name: names.output },
      };
    }
    case 'volume-snapshot': {
      const object: VolumeSnapshot = {
        apiVersion: 'snapshot.storage.k8s.io/v1',
        kind: 'VolumeSnapshot',
        metadata: objectMeta(ctx, names.output, 'output', scope),
        spec: { volumeSnapshotClassName: capture.snapshotClass, source: { persistentVolumeClaimName: names.rootDisk } },
      };
      return {
        object: { object, step: 'capture', owner: { kind: 'run' }, vm: where, note: `output of ${where}: a CSI snapshot of its root disk (class ${capture.snapshotClass})` },
        output: { kind: 'VolumeSnapshot', name: names.output },
      };
    }
    case 'vm-snapshot': {
      const object: VirtualMachineSnapshot = {
        apiVersion: 'snapshot.kubevirt.io/v1beta1',
        kind: 'VirtualMachineSnapshot',
        metadata: objectMeta(ctx, names.output, 'output', scope),
        spec: { source: { apiGroup: 'kubevirt.io', kind: 'VirtualMachine', name: names.vm } },
      };
      return {
        object: { object, step: 'capture', owner: { kind: 'run' }, vm: where, note: `output of ${where}: a KubeVirt snapshot of the stopped VM` },
        output: { kind: 'VirtualMachineSnapshot', name: names.output },
      };
    }
  }
}
