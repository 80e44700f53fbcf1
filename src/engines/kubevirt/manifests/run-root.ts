/**
 * The run's root object: a small ConfigMap that owns every namespaced object of the run (so one
 * delete removes them all) and records what the run made outside the namespace (the
 * cluster-scoped Kube-OVN Vpcs and Subnets), for cleanup after a crash.
 *
 * A ConfigMap, not the VirtualMachine, because a run has several VMs, objects that outlive a VM
 * (outputs feeding later layers, exports) and objects created before any VM exists.
 */
import path from 'node:path';
import { objectMeta, type RenderContext } from './render-context.js';
import type { RenderedObject } from './rendered.js';
import type { ConfigMap } from './types.js';

export function renderRunRoot(ctx: RenderContext, objects: readonly RenderedObject[]): ConfigMap {
  const clusterObjects = objects.filter((o) => o.object.metadata.namespace === undefined).map((o) => `${o.object.kind}/${o.object.metadata.name}`);
  const vms = ctx.build.layers.flatMap((l) => l.vms.map((vm) => `${l.name}/${vm.name}`));
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: objectMeta(ctx, ctx.names.root, 'run'),
    data: {
      build: ctx.build.name,
      buildFile: path.basename(ctx.build.file),
      runId: ctx.options.runId,
      vms: vms.join('\n'),
      clusterObjects: clusterObjects.join('\n'),
    },
  };
}
