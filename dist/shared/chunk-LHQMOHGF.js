import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  describeRef,
  refOf,
  waitUntilGone
} from "./chunk-ZDQUUEWG.js";
import {
  KubeApiError
} from "./chunk-4J23RLGN.js";
import {
  ANNOTATION_BYTES,
  ANNOTATION_COMPRESSED,
  ANNOTATION_FORMAT,
  ANNOTATION_LAST_USED,
  ANNOTATION_LAYER_KEY,
  ANNOTATION_SBOM,
  ANNOTATION_SHA256,
  LABEL_DATA_SOURCE,
  keptOutputSelector
} from "./chunk-KL2LFKXQ.js";
import {
  LABEL_LAYER,
  LABEL_VM
} from "./chunk-FARCU6DL.js";

// src/engines/kubevirt/cluster/kept-layers.ts
var DEFAULT_KEPT_PER_VM = 2;
var DATA_VOLUME = { apiVersion: "cdi.kubevirt.io/v1beta1", kind: "DataVolume" };
var VOLUME_SNAPSHOT = { apiVersion: "snapshot.storage.k8s.io/v1", kind: "VolumeSnapshot" };
var KEPT_KINDS = [DATA_VOLUME, VOLUME_SNAPSHOT];
function keptKindOf(capture) {
  switch (capture.mode) {
    case "clone":
      return DATA_VOLUME;
    case "volume-snapshot":
      return VOLUME_SNAPSHOT;
    case "vm-snapshot":
      return void 0;
  }
}
function cloneSourceOf(kept) {
  const at = { namespace: kept.ref.namespace, name: kept.ref.name };
  return kept.ref.kind === "VolumeSnapshot" ? { snapshot: at } : { pvc: at };
}
function usable(o, key) {
  if (o.metadata.deletionTimestamp || o.metadata.annotations?.[ANNOTATION_LAYER_KEY] !== key) return false;
  return o.kind === "VolumeSnapshot" ? o.status?.readyToUse === true : o.status?.phase === "Succeeded";
}
function lastUsed(o) {
  return Date.parse(o.metadata.annotations?.[ANNOTATION_LAST_USED] ?? o.metadata.creationTimestamp ?? "") || 0;
}
function newestFirst(a, b) {
  return lastUsed(b) - lastUsed(a) || (a.metadata.name < b.metadata.name ? -1 : 1);
}
function factsOf(vm, o) {
  const a = o.metadata.annotations ?? {};
  const bytes = Number(a[ANNOTATION_BYTES]);
  const format = a[ANNOTATION_FORMAT];
  const sha256 = a[ANNOTATION_SHA256];
  if (!sha256 || !/^[0-9a-f]{64}$/.test(sha256) || !Number.isSafeInteger(bytes) || format !== "qcow2" && format !== "raw") return void 0;
  const sbom = a[ANNOTATION_SBOM];
  return {
    vm,
    ref: refOf(o),
    sha256,
    bytes,
    format,
    compressed: a[ANNOTATION_COMPRESSED] === "true",
    ...o.metadata.creationTimestamp ? { createdAt: o.metadata.creationTimestamp } : {},
    ...sbom ? { sbom } : {}
  };
}
async function findKeptLayer(req) {
  const found = [];
  for (const vm of req.layer.vms) {
    const selector = keptOutputSelector({ build: req.build, layer: req.layer.name, vm: vm.name }, req.key);
    const { items } = await req.objects.list(req.kind.apiVersion, req.kind.kind, req.namespace, { labelSelector: selector }, req.signal);
    const best = items.filter((o) => usable(o, req.key)).sort(newestFirst).map((o) => factsOf(vm.name, o)).find((f) => f !== void 0);
    if (!best) return void 0;
    found.push(best);
  }
  return found;
}
async function touchKept(objects, outputs, now, signal) {
  for (const o of outputs) await objects.mergePatch(o.ref, { metadata: { annotations: { [ANNOTATION_LAST_USED]: now.toISOString() } } }, signal);
}
async function pruneKept(req) {
  const deadline = Date.now() + req.timeoutMs;
  const doomed = [];
  for (const kind of req.kinds) {
    let items;
    try {
      ({ items } = await req.objects.list(kind.apiVersion, kind.kind, req.namespace, { labelSelector: keptOutputSelector(req.scope) }, req.signal));
    } catch (err) {
      if (err instanceof KubeApiError && err.notFound) continue;
      throw err;
    }
    const byVm = /* @__PURE__ */ new Map();
    for (const o of items.filter((i) => i.metadata.labels?.[LABEL_DATA_SOURCE] === void 0)) {
      const at = `${o.metadata.labels?.[LABEL_LAYER] ?? ""}/${o.metadata.labels?.[LABEL_VM] ?? ""}`;
      byVm.set(at, [...byVm.get(at) ?? [], o]);
    }
    for (const list of byVm.values()) doomed.push(...list.sort(newestFirst).slice(req.keep).map(refOf));
  }
  const left = [];
  const removed = [];
  for (const ref of doomed) {
    try {
      await req.objects.delete(ref, req.signal);
      removed.push(describeRef(ref));
    } catch (err) {
      left.push(`${describeRef(ref)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  left.push(...await waitUntilGone(req.objects, doomed, deadline, req.timeoutMs));
  return { removed, left };
}

export {
  DEFAULT_KEPT_PER_VM,
  KEPT_KINDS,
  keptKindOf,
  cloneSourceOf,
  findKeptLayer,
  touchKept,
  pruneKept
};
