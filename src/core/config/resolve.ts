/**
 * Checked values → the Build model, with the rules that span the whole file: unique layer and VM
 * names, `from` naming a VM of an earlier layer, `dependsOn` naming VMs of the same layer without
 * cycles, NICs naming declared subnets.
 */
import { didYouMean } from './did-you-mean.js';
import type { Build, Layer, Vm } from './model.js';
import { sortProblems, type FieldPath } from './problems.js';
import { resolveKubevirt } from './kubevirt-settings.js';
import { isRaw, list, obj, str, type Raw, type ResolveContext } from './resolve-context.js';
import { outputFileName, outputFilesOf, reservedOutputName } from './output-file-names.js';
import { resolveNetwork } from './resolve-network.js';
import { resolveVm } from './resolve-vm.js';

export function resolveBuild(ctx: ResolveContext, raw: Raw, absFile: string, variables: Record<string, string>): Build {
  const network = resolveNetwork(ctx, raw);
  const subnets = network.vpcs.flatMap((v) => v.subnets.map((s) => s.name));
  const layers: Layer[] = [];
  const layerNames = new Set<string>();
  const allLayerNames = (list(raw, 'layers') ?? []).map((l) => (isRaw(l) ? (str(l, 'name') ?? '') : ''));
  (list(raw, 'layers') ?? []).forEach((rawLayer, li) => {
    if (!isRaw(rawLayer)) return;
    const lp = ['layers', li];
    const name = str(rawLayer, 'name') ?? '';
    if (name && layerNames.has(name)) ctx.report([...lp, 'name'], `layer '${name}' is declared twice; layer names must be unique`);
    layerNames.add(name);
    const vms: Vm[] = [];
    const vmPaths: FieldPath[] = [];
    (list(rawLayer, 'vms') ?? []).forEach((rawVm, vi) => {
      if (!isRaw(rawVm)) return;
      const vp = [...lp, 'vms', vi];
      const vm = resolveVm(ctx, rawVm, vp, { subnets });
      if (vm.name && vms.some((v) => v.name === vm.name)) ctx.report([...vp, 'name'], `VM '${vm.name}' is declared twice in layer '${name}'; VM names must be unique within a layer`);
      vms.push(vm);
      vmPaths.push(vp);
    });
    vms.forEach((vm, i) => checkFrom(ctx, vm, vmPaths[i]!, layers, name, vms, allLayerNames));
    checkDependsOn(ctx, vms, vmPaths, name);
    const maxAge = layerMaxAge(ctx, rawLayer, lp);
    layers.push({ name, vms, ...(maxAge !== undefined ? { maxAge } : {}) });
  });
  checkOutputNames(ctx, layers);
  const kubevirt = resolveKubevirt(ctx, obj(raw, 'kubevirt'), ['kubevirt']);
  return {
    file: absFile,
    dir: ctx.dir,
    name: str(raw, 'name') ?? '',
    variables,
    network,
    layers,
    ...(kubevirt ? { kubevirt: { ...kubevirt, positions: ctx.positionsBelow(['kubevirt']) } } : {}),
    secrets: [...new Set(ctx.secrets)],
    ...(ctx.warnings.length > 0 ? { warnings: sortProblems(ctx.warnings) } : {}),
  };
}

/**
 * Every layer's images go into one output folder: two VMs whose files (image, .sha256, .spdx.json)
 * share a name would overwrite each other, and a reserved name would clobber the folder's own files.
 */
function checkOutputNames(ctx: ResolveContext, layers: readonly Layer[]): void {
  const owners = new Map<string, { key: string; image: string }>();
  const seen = new Set<string>();
  layers.forEach((layer, li) => {
    layer.vms.forEach((vm, vi) => {
      const key = `${layer.name}/${vm.name}`;
      // A VM or layer declared twice is reported as such; its same default name says nothing more.
      if (!vm.name || seen.has(key)) return;
      seen.add(key);
      const image = outputFileName(layer, vm);
      const at = ['layers', li, 'vms', vi, vm.vmName !== undefined ? 'vmName' : 'name'];
      const how = vm.vmName !== undefined ? `vmName '${image}'` : `the default output name '${image}'`;
      const reserved = reservedOutputName(image);
      if (reserved) {
        ctx.report(at, `${how} cannot be used: ${reserved}; expected another file name`);
        return;
      }
      const clash = outputFilesOf(image)
        .map((file) => ({ file, owner: owners.get(file) }))
        .find((c) => c.owner !== undefined);
      if (clash?.owner) {
        const same = clash.file === image && clash.owner.image === image;
        ctx.report(
          at,
          same
            ? `${how} is also the output file of ${clash.owner.key}; both images would be written to it. Expected a vmName unique within the build`
            : `${how} clashes with the output of ${clash.owner.key}: both would write '${clash.file}'. Expected a vmName whose image, .sha256 and .spdx.json files differ from every other VM's`,
        );
        return;
      }
      for (const file of outputFilesOf(image)) owners.set(file, { key, image });
    });
  });
}

/** maxAge in ms: a Go duration, bounded, as every duration is (the format check says what to write for `7d`). */
function layerMaxAge(ctx: ResolveContext, raw: Raw, p: FieldPath): number | undefined {
  const text = str(raw, 'maxAge');
  if (text === undefined) return undefined;
  const ms = ctx.duration(raw, 'maxAge', p, -1, 0);
  if (ms === 0) ctx.report([...p, 'maxAge'], `'${text}' would rebuild the layer every time; expected a duration above 0 (or no maxAge)`);
  return ms > 0 ? ms : undefined;
}

function checkFrom(ctx: ResolveContext, vm: Vm, p: FieldPath, earlier: readonly Layer[], thisLayer: string, sameLayer: readonly Vm[], allLayers: readonly string[]): void {
  if (vm.source.kind !== 'from') return;
  const { layer, vm: vmName } = vm.source;
  const at = [...p, 'source', 'from'];
  const target = earlier.find((l) => l.name === layer);
  if (!target) {
    if (layer === thisLayer) {
      const same = sameLayer.some((v) => v.name === vmName);
      ctx.report(at, `'${layer}/${vmName}' is in this layer; expected a VM of an earlier layer (${same ? 'VMs of one layer are built together, so one cannot start from another' : `no VM '${vmName}' here either`})`);
      return;
    }
    const names = earlier.map((l) => l.name);
    const expected = names.length ? `expected one of: ${names.join(', ')}` : 'this is the first layer, so it must start from url, containerDisk, iso or path';
    if (allLayers.includes(layer)) ctx.report(at, `layer '${layer}' comes later; a VM can only start from an earlier layer's output (${expected})`);
    else ctx.report(at, `no layer '${layer}'; ${expected}${didYouMean(layer, names)}`);
    return;
  }
  if (!target.vms.some((v) => v.name === vmName)) {
    const names = target.vms.map((v) => v.name);
    ctx.report(at, `layer '${layer}' has no VM '${vmName}'; expected one of: ${names.join(', ')}${didYouMean(vmName, names)}`);
  }
}

function checkDependsOn(ctx: ResolveContext, vms: readonly Vm[], paths: readonly FieldPath[], layer: string): void {
  const names = vms.map((v) => v.name);
  vms.forEach((vm, i) => {
    vm.dependsOn.forEach((dep, j) => {
      const at = [...paths[i]!, 'dependsOn', j];
      if (dep === vm.name) ctx.report(at, `a VM cannot depend on itself; expected another VM of layer '${layer}'`);
      else if (!names.includes(dep)) {
        const others = names.filter((n) => n !== vm.name);
        ctx.report(at, `no VM '${dep}' in layer '${layer}'; expected one of: ${others.join(', ') || '(none: it is the only VM of the layer)'}${didYouMean(dep, others)}`);
      }
    });
  });
  // A cycle would leave every VM in it waiting for the others.
  const state = new Map<string, 'visiting' | 'done'>();
  const byName = new Map(vms.map((v, i) => [v.name, i]));
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      const i = byName.get(trail.at(-1)!)!;
      const j = vms[i]!.dependsOn.indexOf(name);
      ctx.report([...paths[i]!, 'dependsOn', j], `dependsOn forms a cycle (${cycle.join(' → ')}); expected an order in which the VMs can start`);
      return;
    }
    state.set(name, 'visiting');
    const i = byName.get(name);
    for (const dep of i === undefined ? [] : vms[i]!.dependsOn) if (byName.has(dep) && dep !== name) visit(dep, [...trail, name]);
    state.set(name, 'done');
  };
  for (const vm of vms) visit(vm.name, []);
}
