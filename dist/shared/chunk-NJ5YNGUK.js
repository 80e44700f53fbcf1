import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  describeRef,
  refOf,
  waitUntilGone
} from "./chunk-5VXZ6DTG.js";
import {
  KubeApiError
} from "./chunk-YSZV4URL.js";
import {
  LABEL_BUILD,
  LABEL_COMPONENT,
  LABEL_LAYER,
  LABEL_LAYER_KEY,
  LABEL_MANAGED_BY,
  LABEL_RUN,
  LABEL_VM,
  MANAGED_BY
} from "./chunk-FARCU6DL.js";

// src/engines/kubevirt/manifests/sbom-config-map.ts
import { gunzipSync, gzipSync } from "node:zlib";
var ANNOTATION_SBOM = "ruddervirt.io/sbom";
var ANNOTATION_SBOM_OF_SHA256 = "ruddervirt.io/output-sha256";
var SBOM_KEY = "sbom.spdx.json";
var SBOM_GZIP_KEY = "sbom.spdx.json.gz";
var CONFIG_MAP_LIMIT = 1024 * 1024 - 16 * 1024;
var DNS_SUBDOMAIN_MAX = 253;
function sbomConfigMapName(outputName) {
  const suffix = "-sbom";
  return `${outputName.slice(0, DNS_SUBDOMAIN_MAX - suffix.length).replace(/[-.]+$/, "")}${suffix}`;
}
var SbomTooLargeError = class extends Error {
  name = "SbomTooLargeError";
};
function sbomConfigMap(req) {
  const bytes = Buffer.byteLength(req.document, "utf8");
  let payload;
  if (bytes <= CONFIG_MAP_LIMIT) {
    payload = { data: { [SBOM_KEY]: req.document } };
  } else {
    const gz = gzipSync(Buffer.from(req.document, "utf8"), { level: 9 });
    if (gz.length > CONFIG_MAP_LIMIT) throw new SbomTooLargeError(`the SBOM is ${bytes} bytes (${gz.length} gzipped), more than a ConfigMap holds (1 MiB)`);
    payload = { binaryData: { [SBOM_GZIP_KEY]: gz.toString("base64") } };
  }
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: sbomConfigMapName(req.owner.name),
      namespace: req.namespace,
      labels: { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_BUILD]: req.scope.build, [LABEL_LAYER]: req.scope.layer, [LABEL_VM]: req.scope.vm, [LABEL_COMPONENT]: "sbom" },
      annotations: { [ANNOTATION_SBOM_OF_SHA256]: req.sha256 },
      // Not a controller: the output's own controller (CDI, the snapshot controller) owns nothing here.
      ownerReferences: [{ apiVersion: req.owner.apiVersion, kind: req.owner.kind, name: req.owner.name, uid: req.owner.uid }]
    },
    ...payload
  };
}
function sbomFromConfigMap(cm, sha256) {
  const of = cm.metadata.annotations?.[ANNOTATION_SBOM_OF_SHA256];
  if (of !== sha256) return { problem: `ConfigMap ${cm.metadata.name} describes output sha256 ${of ?? "(none)"}, not ${sha256}` };
  const plain = cm.data?.[SBOM_KEY];
  if (plain !== void 0) return { document: plain };
  const gz = cm.binaryData?.[SBOM_GZIP_KEY];
  if (gz !== void 0) {
    try {
      return { document: gunzipSync(Buffer.from(gz, "base64")).toString("utf8") };
    } catch (err) {
      return { problem: `ConfigMap ${cm.metadata.name}: ${SBOM_GZIP_KEY} is not gzip (${err instanceof Error ? err.message : String(err)})` };
    }
  }
  return { problem: `ConfigMap ${cm.metadata.name} has no ${SBOM_KEY} or ${SBOM_GZIP_KEY}` };
}

// src/engines/kubevirt/manifests/kept-layer-labels.ts
var LAYER_KEY = /^[0-9a-f]{64}$/;
var BASE36_DIGITS_OF_256_BITS = 50;
var ANNOTATION_LAYER_KEY = "ruddervirt.io/layer-key";
var ANNOTATION_SHA256 = "ruddervirt.io/output-sha256";
var ANNOTATION_BYTES = "ruddervirt.io/output-bytes";
var ANNOTATION_FORMAT = "ruddervirt.io/output-format";
var ANNOTATION_COMPRESSED = "ruddervirt.io/output-compressed";
var ANNOTATION_KEPT_FROM_RUN = "ruddervirt.io/kept-from-run";
var ANNOTATION_LAST_USED = "ruddervirt.io/last-used";
function layerKeyLabel(key) {
  if (!LAYER_KEY.test(key)) throw new Error(`internal: a layer key is a lower-case sha256 in hex, got '${key}'`);
  return BigInt(`0x${key}`).toString(36).padStart(BASE36_DIGITS_OF_256_BITS, "0");
}
function keptOutputSelector(scope, key) {
  const parts = [`${LABEL_MANAGED_BY}=${MANAGED_BY}`, `${LABEL_BUILD}=${scope.build}`, `${LABEL_COMPONENT}=output`];
  if (scope.layer !== void 0) parts.push(`${LABEL_LAYER}=${scope.layer}`);
  if (scope.vm !== void 0) parts.push(`${LABEL_VM}=${scope.vm}`);
  parts.push(key === void 0 ? LABEL_LAYER_KEY : `${LABEL_LAYER_KEY}=${layerKeyLabel(key)}`);
  return parts.join(",");
}
function keepOutputPatch(facts) {
  return {
    metadata: {
      ownerReferences: null,
      labels: { [LABEL_RUN]: null, [LABEL_LAYER_KEY]: layerKeyLabel(facts.key) },
      annotations: {
        [ANNOTATION_LAYER_KEY]: facts.key,
        [ANNOTATION_SHA256]: facts.sha256,
        [ANNOTATION_BYTES]: String(facts.bytes),
        [ANNOTATION_FORMAT]: facts.format,
        [ANNOTATION_COMPRESSED]: String(facts.compressed),
        [ANNOTATION_KEPT_FROM_RUN]: facts.runId,
        [ANNOTATION_LAST_USED]: facts.now.toISOString(),
        [ANNOTATION_SBOM]: facts.sbom ?? null
      }
    }
  };
}

// src/engines/kubevirt/manifests/golden-image.ts
var LABEL_DEFAULT_INSTANCETYPE = "instancetype.kubevirt.io/default-instancetype";
var LABEL_DEFAULT_INSTANCETYPE_KIND = "instancetype.kubevirt.io/default-instancetype-kind";
var LABEL_DEFAULT_PREFERENCE = "instancetype.kubevirt.io/default-preference";
var LABEL_DEFAULT_PREFERENCE_KIND = "instancetype.kubevirt.io/default-preference-kind";
var LABEL_DATA_SOURCE = "ruddervirt.io/data-source";
var ANNOTATION_DATA_SOURCE_SHA256 = "ruddervirt.io/output-sha256";
var DATA_SOURCE_API_VERSION = "cdi.kubevirt.io/v1beta1";
function defaultInstancetypeLabels(ds) {
  return {
    [LABEL_DEFAULT_INSTANCETYPE]: ds.instancetype ?? null,
    [LABEL_DEFAULT_INSTANCETYPE_KIND]: ds.instancetype ? ds.instancetypeKind ?? null : null,
    [LABEL_DEFAULT_PREFERENCE]: ds.preference ?? null,
    [LABEL_DEFAULT_PREFERENCE_KIND]: ds.preference ? ds.preferenceKind ?? null : null
  };
}
function present(labels) {
  return Object.fromEntries(Object.entries(labels).filter((e) => e[1] !== null));
}
function dataSourceSource(source) {
  const at = { namespace: source.namespace, name: source.name };
  return source.kind === "VolumeSnapshot" ? { pvc: null, snapshot: at } : { pvc: at, snapshot: null };
}
function dataSourceManifest(ds, source, scope, sha256, sbom) {
  const { pvc, snapshot } = dataSourceSource(source);
  return {
    apiVersion: DATA_SOURCE_API_VERSION,
    kind: "DataSource",
    metadata: {
      name: ds.name,
      namespace: source.namespace,
      labels: { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_BUILD]: scope.build, [LABEL_LAYER]: scope.layer, [LABEL_VM]: scope.vm, [LABEL_COMPONENT]: "data-source", ...present(defaultInstancetypeLabels(ds)) },
      annotations: { [ANNOTATION_DATA_SOURCE_SHA256]: sha256, ...sbom ? { [ANNOTATION_SBOM]: sbom } : {} }
    },
    spec: { source: pvc ? { pvc } : { snapshot } }
  };
}
function dataSourcePatch(ds, source, scope, sha256, sbom) {
  return {
    metadata: {
      labels: { [LABEL_BUILD]: scope.build, [LABEL_LAYER]: scope.layer, [LABEL_VM]: scope.vm, ...defaultInstancetypeLabels(ds) },
      annotations: { [ANNOTATION_DATA_SOURCE_SHA256]: sha256, [ANNOTATION_SBOM]: sbom ?? null }
    },
    spec: { source: dataSourceSource(source) }
  };
}
function goldenOutputPatch(ds, sha256) {
  return {
    metadata: {
      ownerReferences: null,
      labels: { [LABEL_RUN]: null, [LABEL_DATA_SOURCE]: ds.name, ...defaultInstancetypeLabels(ds) },
      annotations: { [ANNOTATION_DATA_SOURCE_SHA256]: sha256 }
    }
  };
}
function goldenClaimPatch(ds) {
  return { metadata: { labels: { [LABEL_DATA_SOURCE]: ds.name, ...defaultInstancetypeLabels(ds) } } };
}
function releasedOutputPatch() {
  return {
    metadata: {
      labels: { [LABEL_DATA_SOURCE]: null, [LABEL_DEFAULT_INSTANCETYPE]: null, [LABEL_DEFAULT_INSTANCETYPE_KIND]: null, [LABEL_DEFAULT_PREFERENCE]: null, [LABEL_DEFAULT_PREFERENCE_KIND]: null }
    }
  };
}
function goldenOutputSelector(name) {
  return `${LABEL_MANAGED_BY}=${MANAGED_BY},${LABEL_DATA_SOURCE}=${name}`;
}

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
async function keepOutput(objects, ref, facts, signal) {
  await objects.mergePatch(ref, keepOutputPatch(facts), signal);
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
  sbomConfigMapName,
  sbomConfigMap,
  sbomFromConfigMap,
  ANNOTATION_DATA_SOURCE_SHA256,
  DATA_SOURCE_API_VERSION,
  dataSourceManifest,
  dataSourcePatch,
  goldenOutputPatch,
  goldenClaimPatch,
  releasedOutputPatch,
  goldenOutputSelector,
  DEFAULT_KEPT_PER_VM,
  KEPT_KINDS,
  keptKindOf,
  cloneSourceOf,
  findKeptLayer,
  keepOutput,
  touchKept,
  pruneKept
};
