/**
 * renderBuild: a resolved build → every Kubernetes object of one run on KubeVirt, in creation
 * order. Pure: local files come in through `inputs` (collectLocalInputs reads them), names from
 * the run id, cluster facts through the options (capabilities.ts discovers them), and what only
 * a running build knows (owner uids, run-time volume sources) through `run` (run-inputs.ts). The
 * one function serves `ruddervirt render` (printed as YAML, placeholders for the run-time values)
 * and the engine (which creates exactly what it returns, rendered again as the owners appear:
 * RenderedBuild.rerender).
 *
 * Throws a BuildFileError listing, with file and line, everything the build file asks that
 * KubeVirt cannot do.
 */
import type { Build } from '../../../core/config/model.js';
import { BuildFileError } from '../../../core/config/problems.js';
import { renderCapture } from './capture.js';
import { renderCdromSecrets } from './cdroms.js';
import { renderVmDisks } from './data-volumes.js';
import { renderExport } from './export.js';
import { renderFileServer } from './file-server.js';
import type { LocalInputs } from './local-files.js';
import { renderNetwork, vmNetworking } from './network.js';
import { renderContext, reportVmProblem, vmScopes, type RenderContext, type VmScope } from './render-context.js';
import { renderGoldenPublish, SBOM_DOCUMENT_PLACEHOLDER, SHA256_PLACEHOLDER, type RenderedPublish } from './golden-image.js';
import { sbomConfigMapName } from './sbom-config-map.js';
import { keepOutputPatch, keepOutputPatchPlaceholder, renderKeep, type RenderedKeep } from './kept-layer-labels.js';
import { ownerUidPlaceholder, type RunInputs } from './run-inputs.js';
import { ownerReference } from './owners.js';
import type { RenderOptions } from './render-options.js';
import type { RenderedBuild, RenderedObject, RenderedVm } from './rendered.js';
import { renderRunRoot } from './run-root.js';
import { stableRunId } from './names.js';
import { renderSshJump } from './ssh-jump.js';
import { unusedMirrorWarnings } from './source-mirrors.js';
import { renderVirtualMachine } from './virtual-machine.js';

export function renderBuild(build: Build, inputs: LocalInputs, options: RenderOptions, run: RunInputs = {}): RenderedBuild {
  const ctx = renderContext(build, options, inputs, run);
  const objects: RenderedObject[] = [...renderNetwork(ctx)];
  const vms: RenderedVm[] = [];
  const publish: RenderedPublish[] = [];
  const keep: RenderedKeep[] = [];
  const scopes = vmScopes(ctx);
  for (const [layerIndex] of build.layers.entries()) {
    const layerScopes = scopes.filter((s) => s.layerIndex === layerIndex);
    const captures: RenderedObject[] = [];
    const exports: RenderedObject[] = [];
    for (const scope of layerScopes) {
      const networking = vmNetworking(ctx, scope);
      const disks = renderVmDisks(ctx, scope);
      const cdroms = renderCdromSecrets(ctx, scope);
      const fileServer = renderFileServer(ctx, scope, networking.primarySubnet);
      const sshJump = renderSshJump(ctx, scope, networking.primarySubnet);
      objects.push(...disks.objects, ...cdroms.objects, ...(fileServer?.objects ?? []), ...(sshJump ? [sshJump.object] : []));
      objects.push(renderVirtualMachine(ctx, scope, { disks, cdroms, networking }));
      const capture = renderCapture(ctx, scope, disks.rootSizeBytes);
      captures.push(capture.object);
      exports.push(...renderExport(ctx, scope));
      vms.push({
        layer: scope.layer.name,
        vm: scope.vm.name,
        names: scope.names,
        ...(fileServer ? { httpPort: fileServer.port } : {}),
        ...(sshJump ? { sshJump: { pod: sshJump.object.object.metadata.name, port: sshJump.port } } : {}),
        output: capture.output,
      });
      const kept = renderKeepStep(ctx, scope, capture.output);
      if (kept) keep.push(kept);
      const published = renderPublish(ctx, scope, capture.output);
      if (published) publish.push(published);
    }
    objects.push(...captures, ...exports);
  }
  checkUniqueNames(ctx, objects);
  if (ctx.problems.length > 0) throw new BuildFileError(ctx.problems);
  const root = renderRunRoot(ctx, objects);
  const mirrorWarnings = unusedMirrorWarnings(build);
  for (const o of objects) setOwnerReference(ctx, o);
  return {
    namespace: options.namespace,
    runId: options.runId,
    root,
    objects: [{ object: root, step: 'run', owner: { kind: 'none' }, note: `root of run ${options.runId}: owns the run's namespaced objects` }, ...objects],
    vms,
    keep,
    publish,
    ...(mirrorWarnings.length > 0 ? { warnings: mirrorWarnings } : {}),
    rerender: (next) => renderBuild(build, inputs, options, next),
  };
}

/**
 * The keep step of a VM whose output can be kept (a DataVolume or VolumeSnapshot): with the
 * finished layer's facts when the build keeps it, else (render) placeholders for them.
 */
function renderKeepStep(ctx: RenderContext, scope: VmScope, output: RenderedVm['output']): RenderedKeep | undefined {
  if (output.kind === 'VirtualMachineSnapshot') return undefined;
  const key = `${scope.layer.name}/${scope.vm.name}`;
  const source = { kind: output.kind, namespace: ctx.options.namespace, name: output.name };
  const sbomScope = { build: ctx.build.name, layer: scope.layer.name, vm: scope.vm.name };
  const given = ctx.run.kept?.get(key);
  if (given) return renderKeep(key, source, sbomScope, keepOutputPatch(given.facts), given.facts.sha256, given.sbom);
  const { format, compress, sbom } = scope.vm.output;
  const patch = keepOutputPatchPlaceholder({ runId: ctx.options.runId, format, compressed: format === 'qcow2' && compress, ...(sbom ? { sbom: sbomConfigMapName(output.name) } : {}) });
  return renderKeep(key, source, sbomScope, patch, SHA256_PLACEHOLDER, sbom ? { document: SBOM_DOCUMENT_PLACEHOLDER, ownerUid: ownerUidPlaceholder(output.kind, output.name) } : undefined);
}

/**
 * The publish step of a VM with output.dataSource: with the build's inputs when it publishes,
 * else (render) this run's output, the sha256 and SBOM as placeholders.
 */
function renderPublish(ctx: RenderContext, scope: VmScope, output: RenderedVm['output']): RenderedPublish | undefined {
  const ds = scope.vm.output.dataSource;
  if (!ds) return undefined;
  const key = `${scope.layer.name}/${scope.vm.name}`;
  const golden = { build: ctx.build.name, layer: scope.layer.name, vm: scope.vm.name };
  const given = ctx.run.published?.get(key);
  if (given) return renderGoldenPublish(key, ds, golden, given);
  if (output.kind === 'VirtualMachineSnapshot') {
    reportVmProblem(
      ctx,
      scope,
      'output.dataSource',
      'a DataSource points at a PVC or a VolumeSnapshot, but this build keeps outputs as VirtualMachineSnapshots (vm-snapshot capture); use the clone or volume-snapshot capture',
    );
    return undefined;
  }
  const source = { kind: output.kind, namespace: ctx.options.namespace, name: output.name };
  return renderGoldenPublish(key, ds, golden, {
    source,
    sha256: SHA256_PLACEHOLDER,
    ...(scope.vm.output.sbom ? { sbom: { document: SBOM_DOCUMENT_PLACEHOLDER, ownerUid: ownerUidPlaceholder(output.kind, output.name) }, sbomConfigMap: sbomConfigMapName(output.name) } : {}),
  });
}

/** The object's owner reference: its owner's uid from the run, else a placeholder saying whose it will be. */
function setOwnerReference(ctx: RenderContext, o: RenderedObject): void {
  const owner = o.owner;
  if (owner.kind === 'none') return;
  const created = owner.kind === 'run' ? ctx.run.owners?.run : ctx.run.owners?.vpcs?.get(owner.name);
  const ref = owner.kind === 'run' ? { apiVersion: 'v1', kind: 'ConfigMap', name: ctx.names.root } : { apiVersion: 'kubeovn.io/v1', kind: 'Vpc', name: owner.name };
  o.object.metadata.ownerReferences = [ownerReference(created ?? { ...ref, uid: ownerUidPlaceholder(ref.kind, ref.name) })];
}

/** Names join build, layer and VM names with '-', so "a-b"/"c" and "a"/"b-c" could meet. */
function checkUniqueNames(ctx: RenderContext, objects: readonly RenderedObject[]): void {
  const seen = new Map<string, RenderedObject>();
  const scopes = vmScopes(ctx);
  const reported = new Set<string>();
  for (const o of objects) {
    const key = `${o.object.kind}/${o.object.metadata.namespace ?? ''}/${o.object.metadata.name}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, o);
      continue;
    }
    // One report per pair of VMs, not one per object kind they share.
    const pair = `${first.vm ?? first.note}|${o.vm ?? o.note}`;
    if (reported.has(pair)) continue;
    reported.add(pair);
    const message = `${first.note} and ${o.note} would both be the ${o.object.kind} '${o.object.metadata.name}'; rename a layer or VM so their names joined with '-' differ`;
    const scope = scopes.find((s) => `${s.layer.name}/${s.vm.name}` === o.vm);
    if (scope) reportVmProblem(ctx, scope, 'name', message);
    else ctx.problems.push({ file: ctx.build.file, line: 1, column: 1, path: '', message: `kubevirt engine: ${message}` });
  }
}

/**
 * The run id `ruddervirt render` uses by default: a digest of the build file's text and its
 * variables, so the same file renders the same names on every machine and in every folder.
 */
export function defaultRunId(buildFileText: string, variables: Readonly<Record<string, string>>): string {
  return stableRunId(JSON.stringify([buildFileText, Object.entries(variables).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]));
}
