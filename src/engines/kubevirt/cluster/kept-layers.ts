/**
 * Layer outputs kept in the cluster between builds, found by the layer's content key: the
 * KubeVirt side of "an unchanged layer is not rebuilt" (src/core/pipeline/layer-key.ts).
 *
 * A VM's output (the clone DataVolume or the CSI VolumeSnapshot its run captured) becomes kept
 * once its whole layer succeeded: it loses its owner reference and run label (the run's cleanup
 * and a removal of the run by label leave it) and gains the key label and the facts a reuse needs
 * (kept-layer-labels.ts). A later build of the same layer finds one per VM, and its next layer's
 * `from:` disks clone from them; no VM boots for the reused layer. Only the newest few per
 * build/layer/VM are kept; `ruddervirt prune` removes them all.
 *
 * VirtualMachineSnapshots are not kept: a later layer clones the stopped VM's root disk rather
 * than the snapshot (manifests/data-volumes.ts), and that disk goes with its run.
 */
import type { Layer } from '../../../core/config/model.js';
import {
  ANNOTATION_BYTES,
  ANNOTATION_COMPRESSED,
  ANNOTATION_FORMAT,
  ANNOTATION_LAST_USED,
  ANNOTATION_LAYER_KEY,
  ANNOTATION_SHA256,
  keepOutputPatch,
  keptOutputSelector,
  type KeptOutputFacts,
  type KeptScope,
} from '../manifests/kept-layer-labels.js';
import { LABEL_DATA_SOURCE } from '../manifests/golden-image.js';
import { ANNOTATION_SBOM } from '../manifests/sbom-config-map.js';
import { LABEL_LAYER, LABEL_VM } from '../manifests/labels.js';
import type { CapturePlan } from '../manifests/render-options.js';
import type { DataVolumeSource } from '../manifests/types.js';
import { KubeApiError } from './kube-api-error.js';
import type { LiveObject, ObjectClient } from './objects.js';
import { describeRef, refOf, type ObjectRef } from './resources.js';
import { waitUntilGone } from './wait-gone.js';

/** How many kept outputs per build/layer/VM survive a successful build, unless told otherwise. */
export const DEFAULT_KEPT_PER_VM = 2;

export interface KeptKind {
  apiVersion: string;
  kind: 'DataVolume' | 'VolumeSnapshot';
}

const DATA_VOLUME: KeptKind = { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume' };
const VOLUME_SNAPSHOT: KeptKind = { apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshot' };
export const KEPT_KINDS: readonly KeptKind[] = [DATA_VOLUME, VOLUME_SNAPSHOT];

/** What a capture mode's outputs are, when they can be kept. */
export function keptKindOf(capture: CapturePlan): KeptKind | undefined {
  switch (capture.mode) {
    case 'clone':
      return DATA_VOLUME;
    case 'volume-snapshot':
      return VOLUME_SNAPSHOT;
    case 'vm-snapshot':
      return undefined;
  }
}

interface KeptObject extends LiveObject {
  status?: { phase?: string; readyToUse?: boolean };
}

export interface KeptOutput {
  vm: string;
  ref: ObjectRef;
  sha256: string;
  bytes: number;
  format: 'qcow2' | 'raw';
  compressed: boolean;
  /** The object's creationTimestamp: when the layer was built. */
  createdAt?: string;
  /** The ConfigMap holding its SBOM (manifests/sbom-config-map.ts), when it was kept with one. */
  sbom?: string;
}

/** The DataVolume source that clones a kept output (for a later layer's `from:` disk). */
export function cloneSourceOf(kept: Pick<KeptOutput, 'ref'>): DataVolumeSource {
  const at = { namespace: kept.ref.namespace!, name: kept.ref.name };
  return kept.ref.kind === 'VolumeSnapshot' ? { snapshot: at } : { pvc: at };
}

function usable(o: KeptObject, key: string): boolean {
  if (o.metadata.deletionTimestamp || o.metadata.annotations?.[ANNOTATION_LAYER_KEY] !== key) return false;
  return o.kind === 'VolumeSnapshot' ? o.status?.readyToUse === true : o.status?.phase === 'Succeeded';
}

function lastUsed(o: LiveObject): number {
  return Date.parse(o.metadata.annotations?.[ANNOTATION_LAST_USED] ?? o.metadata.creationTimestamp ?? '') || 0;
}

function newestFirst(a: LiveObject, b: LiveObject): number {
  return lastUsed(b) - lastUsed(a) || (a.metadata.name < b.metadata.name ? -1 : 1);
}

function factsOf(vm: string, o: KeptObject): KeptOutput | undefined {
  const a = o.metadata.annotations ?? {};
  const bytes = Number(a[ANNOTATION_BYTES]);
  const format = a[ANNOTATION_FORMAT];
  const sha256 = a[ANNOTATION_SHA256];
  if (!sha256 || !/^[0-9a-f]{64}$/.test(sha256) || !Number.isSafeInteger(bytes) || (format !== 'qcow2' && format !== 'raw')) return undefined;
  const sbom = a[ANNOTATION_SBOM];
  return {
    vm,
    ref: refOf(o),
    sha256,
    bytes,
    format,
    compressed: a[ANNOTATION_COMPRESSED] === 'true',
    ...(o.metadata.creationTimestamp ? { createdAt: o.metadata.creationTimestamp } : {}),
    ...(sbom ? { sbom } : {}),
  };
}

export interface FindKeptLayerRequest {
  objects: ObjectClient;
  namespace: string;
  kind: KeptKind;
  build: string;
  layer: Layer;
  key: string;
  signal: AbortSignal;
}

/** One usable kept output per VM of the layer (the newest), or undefined when any VM has none. */
export async function findKeptLayer(req: FindKeptLayerRequest): Promise<KeptOutput[] | undefined> {
  const found: KeptOutput[] = [];
  for (const vm of req.layer.vms) {
    const selector = keptOutputSelector({ build: req.build, layer: req.layer.name, vm: vm.name }, req.key);
    const { items } = await req.objects.list<KeptObject>(req.kind.apiVersion, req.kind.kind, req.namespace, { labelSelector: selector }, req.signal);
    const best = items
      .filter((o) => usable(o, req.key))
      .sort(newestFirst)
      .map((o) => factsOf(vm.name, o))
      .find((f) => f !== undefined);
    if (!best) return undefined;
    found.push(best);
  }
  return found;
}

/** Turns a run's output into a kept one (see the file comment). */
export async function keepOutput(objects: ObjectClient, ref: ObjectRef, facts: KeptOutputFacts, signal: AbortSignal): Promise<void> {
  await objects.mergePatch(ref, keepOutputPatch(facts), signal);
}

/** Marks reused outputs as used now, so garbage collection keeps what builds still start from. */
export async function touchKept(objects: ObjectClient, outputs: readonly KeptOutput[], now: Date, signal: AbortSignal): Promise<void> {
  for (const o of outputs) await objects.mergePatch(o.ref, { metadata: { annotations: { [ANNOTATION_LAST_USED]: now.toISOString() } } }, signal);
}

export interface PruneKeptRequest {
  objects: ObjectClient;
  namespace: string;
  kinds: readonly KeptKind[];
  scope: KeptScope;
  /** How many to keep per layer/VM (newest used first); 0 removes them all. */
  keep: number;
  signal: AbortSignal;
  /** How long to wait until what was deleted is gone. */
  timeoutMs: number;
}

export interface PruneKeptResult {
  removed: string[];
  /** Deleted but still there when the time ran out, or refused. */
  left: string[];
}

/** Deletes kept outputs beyond the newest `keep` per layer/VM, and waits until they are gone. */
export async function pruneKept(req: PruneKeptRequest): Promise<PruneKeptResult> {
  const deadline = Date.now() + req.timeoutMs;
  const doomed: ObjectRef[] = [];
  for (const kind of req.kinds) {
    let items: KeptObject[];
    try {
      ({ items } = await req.objects.list<KeptObject>(kind.apiVersion, kind.kind, req.namespace, { labelSelector: keptOutputSelector(req.scope) }, req.signal));
    } catch (err) {
      // A cluster without CSI snapshots serves no VolumeSnapshots: nothing of that kind is kept.
      if (err instanceof KubeApiError && err.notFound) continue;
      throw err;
    }
    const byVm = new Map<string, KeptObject[]>();
    // A golden image (a DataSource points at it) is replaced by its next build, never pruned here.
    for (const o of items.filter((i) => i.metadata.labels?.[LABEL_DATA_SOURCE] === undefined)) {
      const at = `${o.metadata.labels?.[LABEL_LAYER] ?? ''}/${o.metadata.labels?.[LABEL_VM] ?? ''}`;
      byVm.set(at, [...(byVm.get(at) ?? []), o]);
    }
    for (const list of byVm.values()) doomed.push(...list.sort(newestFirst).slice(req.keep).map(refOf));
  }
  const left: string[] = [];
  const removed: string[] = [];
  for (const ref of doomed) {
    try {
      await req.objects.delete(ref, req.signal);
      removed.push(describeRef(ref));
    } catch (err) {
      left.push(`${describeRef(ref)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  left.push(...(await waitUntilGone(req.objects, doomed, deadline, req.timeoutMs)));
  return { removed, left };
}
