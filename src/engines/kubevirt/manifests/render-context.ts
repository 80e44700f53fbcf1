/** What every manifest renderer of one run receives, and the metadata they all share. */
import path from 'node:path';
import type { Build, Layer, Vm } from '../../../core/config/model.js';
import type { BuildProblem } from '../../../core/config/problems.js';
import { runLabels, type Component } from './labels.js';
import type { LocalInputs } from './local-files.js';
import type { RenderOptions } from './render-options.js';
import type { RunInputs } from './run-inputs.js';
import { RunNames, type VmNames } from './run-names.js';
import type { ObjectMeta } from './types.js';

export interface RenderContext {
  build: Build;
  options: RenderOptions;
  names: RunNames;
  inputs: LocalInputs;
  /** What only a running build knows (owner uids, run-time volume sources); empty for `ruddervirt render`. */
  run: RunInputs;
  /** What the build file asks that KubeVirt cannot do; render throws them together at the end. */
  problems: BuildProblem[];
}

/** One VM of the run with its object names. */
export interface VmScope {
  layer: Layer;
  vm: Vm;
  names: VmNames;
  /** Where the VM is in the build file: layers[layerIndex].vms[vmIndex]. */
  layerIndex: number;
  vmIndex: number;
}

export function renderContext(build: Build, options: RenderOptions, inputs: LocalInputs, run: RunInputs = {}): RenderContext {
  return { build, options, names: new RunNames(build.name, options.runId), inputs, run, problems: [] };
}

export function vmScopes(ctx: RenderContext): VmScope[] {
  return ctx.build.layers.flatMap((layer, layerIndex) => layer.vms.map((vm, vmIndex) => ({ layer, vm, names: ctx.names.vm(layer.name, vm.name), layerIndex, vmIndex })));
}

/**
 * Records a problem at a field of a VM ("nics.1", "cdroms.0.files"), located in the build file
 * when the loader kept the position (the field itself, else its nearest parent, else the VM).
 */
export function reportVmProblem(ctx: RenderContext, scope: VmScope, field: string, message: string): void {
  const positions = scope.vm.positions ?? {};
  let key = field;
  let pos = positions[key];
  while (!pos && key.includes('.')) {
    key = key.slice(0, key.lastIndexOf('.'));
    pos = positions[key];
  }
  const fieldPath = field.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
  ctx.problems.push({
    file: pos?.file ?? ctx.build.file,
    line: pos?.line ?? 1,
    column: pos?.column ?? 1,
    path: `layers[${scope.layerIndex}].vms[${scope.vmIndex}].${fieldPath}`,
    message: `kubevirt engine: ${message}`,
  });
}

export interface MetaExtras {
  annotations?: Record<string, string>;
  /** Cluster-scoped kinds (Kube-OVN Vpc and Subnet) have no namespace. */
  clusterScoped?: boolean;
}

export function objectMeta(ctx: RenderContext, name: string, component: Component, scope?: VmScope, extras: MetaExtras = {}): ObjectMeta {
  const meta: ObjectMeta = { name };
  if (!extras.clusterScoped) meta.namespace = ctx.options.namespace;
  meta.labels = runLabels({ build: ctx.build.name, runId: ctx.options.runId, ...(scope ? { layer: scope.layer.name, vm: scope.vm.name } : {}) }, component);
  if (extras.annotations && Object.keys(extras.annotations).length > 0) meta.annotations = { ...extras.annotations };
  return meta;
}

/** A local path as the build file would write it (relative to its folder), for notes that are printed. */
export function shownPath(ctx: RenderContext, file: string): string {
  const rel = path.relative(ctx.build.dir, file);
  return rel === '' || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
}
