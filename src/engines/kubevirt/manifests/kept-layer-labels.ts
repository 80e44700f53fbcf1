/**
 * How a VM output kept between builds is labelled and annotated, so a later build finds it by its
 * layer's content key (src/core/pipeline/layer-key.ts) with one label selector.
 *
 * A key is a sha256 in hex: 64 characters, one more than a label value may hold. Instead of
 * cutting it (two keys differing in the last digit would meet), the same 256-bit number is written
 * in base 36 — 50 characters of [0-9a-z], always a valid label value, and different keys always
 * give different labels. The full key also sits in an annotation, checked on every lookup.
 */
import type { GoldenSource, RenderedPatch } from './golden-image.js';
import { ANNOTATION_SBOM, sbomConfigMap, type SbomConfigMap, type SbomScope } from './sbom-config-map.js';
import { LABEL_BUILD, LABEL_COMPONENT, LABEL_LAYER, LABEL_LAYER_KEY, LABEL_MANAGED_BY, LABEL_RUN, LABEL_VM, MANAGED_BY } from './labels.js';

const LAYER_KEY = /^[0-9a-f]{64}$/;
const BASE36_DIGITS_OF_256_BITS = 50;

export const ANNOTATION_LAYER_KEY = 'ruddervirt.io/layer-key';
export const ANNOTATION_SHA256 = 'ruddervirt.io/output-sha256';
export const ANNOTATION_BYTES = 'ruddervirt.io/output-bytes';
export const ANNOTATION_FORMAT = 'ruddervirt.io/output-format';
export const ANNOTATION_COMPRESSED = 'ruddervirt.io/output-compressed';
/** The run that built it (its own run label is removed when it is kept). */
export const ANNOTATION_KEPT_FROM_RUN = 'ruddervirt.io/kept-from-run';
/** When a build last used it (kept or reused): the newest ones survive garbage collection. */
export const ANNOTATION_LAST_USED = 'ruddervirt.io/last-used';

/** The label value for a layer key: injective on keys, a valid Kubernetes label value. */
export function layerKeyLabel(key: string): string {
  if (!LAYER_KEY.test(key)) throw new Error(`internal: a layer key is a lower-case sha256 in hex, got '${key}'`);
  return BigInt(`0x${key}`).toString(36).padStart(BASE36_DIGITS_OF_256_BITS, '0');
}

export interface KeptScope {
  build: string;
  layer?: string;
  vm?: string;
}

/** A selector for kept outputs: of a build, narrowed to a layer and VM, and to one key. */
export function keptOutputSelector(scope: KeptScope, key?: string): string {
  const parts = [`${LABEL_MANAGED_BY}=${MANAGED_BY}`, `${LABEL_BUILD}=${scope.build}`, `${LABEL_COMPONENT}=output`];
  if (scope.layer !== undefined) parts.push(`${LABEL_LAYER}=${scope.layer}`);
  if (scope.vm !== undefined) parts.push(`${LABEL_VM}=${scope.vm}`);
  parts.push(key === undefined ? LABEL_LAYER_KEY : `${LABEL_LAYER_KEY}=${layerKeyLabel(key)}`);
  return parts.join(',');
}

export interface KeptOutputFacts {
  key: string;
  runId: string;
  sha256: string;
  bytes: number;
  format: 'qcow2' | 'raw';
  compressed: boolean;
  now: Date;
  /** The ConfigMap holding the output's SBOM (manifests/sbom-config-map.ts), when it has one. */
  sbom?: string;
}

/**
 * The JSON merge patch that turns a run's output into a kept one: no owner (the run's cleanup and
 * garbage collection leave it), no run label (removing the run by label leaves it), the key label,
 * and what the build needs to reuse it without reading the disk.
 */
export function keepOutputPatch(facts: KeptOutputFacts): Record<string, unknown> {
  return keepPatchOf({
    keyLabel: layerKeyLabel(facts.key),
    key: facts.key,
    sha256: facts.sha256,
    bytes: String(facts.bytes),
    format: facts.format,
    compressed: String(facts.compressed),
    runId: facts.runId,
    lastUsed: facts.now.toISOString(),
    sbom: facts.sbom ?? null,
  });
}

/** keepOutputPatch as `ruddervirt render` shows it: what only the finished layer knows as placeholders. */
export function keepOutputPatchPlaceholder(known: Pick<KeptOutputFacts, 'runId' | 'format' | 'compressed' | 'sbom'>): Record<string, unknown> {
  return keepPatchOf({
    keyLabel: '<the content key of the layer in base 36, set when the layer succeeded>',
    key: '<the content key of the layer, set when the layer succeeded>',
    sha256: '<sha256 of the output, set when the build has it>',
    bytes: '<size of the output in bytes, set when the build has it>',
    format: known.format,
    compressed: String(known.compressed),
    runId: known.runId,
    lastUsed: '<the time the layer was kept>',
    sbom: known.sbom ?? null,
  });
}

function keepPatchOf(v: { keyLabel: string; key: string; sha256: string; bytes: string; format: string; compressed: string; runId: string; lastUsed: string; sbom: string | null }): Record<string, unknown> {
  return {
    metadata: {
      ownerReferences: null,
      labels: { [LABEL_RUN]: null, [LABEL_LAYER_KEY]: v.keyLabel },
      annotations: {
        [ANNOTATION_LAYER_KEY]: v.key,
        [ANNOTATION_SHA256]: v.sha256,
        [ANNOTATION_BYTES]: v.bytes,
        [ANNOTATION_FORMAT]: v.format,
        [ANNOTATION_COMPRESSED]: v.compressed,
        [ANNOTATION_KEPT_FROM_RUN]: v.runId,
        [ANNOTATION_LAST_USED]: v.lastUsed,
        [ANNOTATION_SBOM]: v.sbom,
      },
    },
  };
}

/** What the keep step is sent with once its layer succeeded (run-inputs.ts). */
export interface KeepInputs {
  facts: KeptOutputFacts;
  /** The SBOM stored beside the output now: the document read from the guest and the output's uid (its owner). */
  sbom?: { document: string; ownerUid: string };
}

/**
 * The keep step of one VM (a build that keeps layers: `ruddervirt build`, the whole-build action
 * with keep-layers), in the order it is sent: the output's SBOM beside it (unless a ConfigMap
 * there already holds this sha256's), then the patch that takes the output out of its run.
 */
export interface RenderedKeep {
  vm: string;
  sbom?: SbomConfigMap;
  patch: RenderedPatch;
}

export function renderKeep(vm: string, output: GoldenSource, scope: SbomScope, patch: Record<string, unknown>, sha256: string, sbom?: { document: string; ownerUid: string }): RenderedKeep {
  const apiVersion = output.kind === 'VolumeSnapshot' ? 'snapshot.storage.k8s.io/v1' : 'cdi.kubevirt.io/v1beta1';
  const cm = sbom ? sbomConfigMap({ namespace: output.namespace, owner: { apiVersion, kind: output.kind, name: output.name, uid: sbom.ownerUid }, scope, sha256, document: sbom.document }) : undefined;
  return {
    vm,
    ...(cm ? { sbom: cm } : {}),
    patch: { target: { apiVersion, ...output }, patch, note: `output of ${vm}: kept for later builds of its unchanged layer, out of the run` },
  };
}
