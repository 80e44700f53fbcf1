/**
 * The manifests side of the kubevirt engine, for the cluster operations and the CLI:
 *
 *   const inputs = collectLocalInputs(build);                     // reads local files (I/O)
 *   const run = renderBuild(build, inputs, renderOptions({ runId: newRunId(), namespace, … }));
 *   for (const o of run.objects) create(withOwner(o, uids));     // step by step, see rendered.ts
 *
 * See docs/kubevirt.md for the object graph and the reasons behind it.
 */
export { collectLocalInputs, SECRET_DATA_LIMIT, type LocalFile, type LocalInputs } from './local-files.js';
export { LABEL_BUILD, LABEL_COMPONENT, LABEL_LAYER, LABEL_RUN, LABEL_VM, runSelector, type Component } from './labels.js';
export { checkRunId, kubeName, newRunId } from './names.js';
export { ownerReference, resolveOwner, withOwner, type CreatedOwner, type OwnerUids } from './owners.js';
export { defaultRunId, renderBuild } from './render.js';
export { renderOptions, type CapturePlan, type ExportApiVersion, type RenderOptions } from './render-options.js';
export type { Owner, RenderedBuild, RenderedObject, RenderedVm, Step } from './rendered.js';
export { RunNames, type VmNames } from './run-names.js';
export { objectToYaml, renderedToYaml } from './to-yaml.js';
export type * from './types.js';
