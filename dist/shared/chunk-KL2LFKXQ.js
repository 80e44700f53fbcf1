import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
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
var SOURCE_API_VERSIONS = { DataVolume: "cdi.kubevirt.io/v1beta1", VolumeSnapshot: "snapshot.storage.k8s.io/v1" };
function renderGoldenPublish(vm, ds, scope, inputs) {
  const { source, sha256 } = inputs;
  const at = { namespace: source.namespace, name: source.name };
  const patches = [
    { target: { apiVersion: SOURCE_API_VERSIONS[source.kind], kind: source.kind, ...at }, patch: goldenOutputPatch(ds, sha256), note: `output of ${vm}: out of the run, the golden image behind DataSource ${ds.name}` }
  ];
  if (source.kind === "DataVolume") patches.push({ target: { apiVersion: "v1", kind: "PersistentVolumeClaim", ...at }, patch: goldenClaimPatch(ds), note: `the claim of the output of ${vm}: the same labels` });
  const sbom = inputs.sbom ? sbomConfigMap({
    namespace: source.namespace,
    owner: { apiVersion: SOURCE_API_VERSIONS[source.kind], kind: source.kind, name: source.name, uid: inputs.sbom.ownerUid },
    scope,
    sha256,
    document: inputs.sbom.document
  }) : void 0;
  return {
    vm,
    dataSource: ds,
    source,
    patches,
    ...sbom ? { sbom } : {},
    object: dataSourceManifest(ds, source, scope, sha256, inputs.sbomConfigMap),
    refresh: {
      target: { apiVersion: DATA_SOURCE_API_VERSION, kind: "DataSource", namespace: source.namespace, name: ds.name },
      patch: dataSourcePatch(ds, source, scope, sha256, inputs.sbomConfigMap),
      note: `DataSource ${ds.name}, when one of ours is there already: pointed at the output of ${vm}`
    },
    release: {
      target: { apiVersion: SOURCE_API_VERSIONS[source.kind], kind: source.kind, namespace: source.namespace, name: `<each earlier output labelled ${LABEL_DATA_SOURCE}=${ds.name} that is a kept layer output>` },
      patch: releasedOutputPatch(),
      note: `earlier outputs behind DataSource ${ds.name} that later builds may still start from: un-marked (the others are deleted)`
    }
  };
}
var SHA256_PLACEHOLDER = "<sha256 of the output, set when the build has it>";
var SBOM_DOCUMENT_PLACEHOLDER = "<the SPDX document read from the guest, set when the output is published>";

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
  return keepPatchOf({
    keyLabel: layerKeyLabel(facts.key),
    key: facts.key,
    sha256: facts.sha256,
    bytes: String(facts.bytes),
    format: facts.format,
    compressed: String(facts.compressed),
    runId: facts.runId,
    lastUsed: facts.now.toISOString(),
    sbom: facts.sbom ?? null
  });
}
function keepOutputPatchPlaceholder(known) {
  return keepPatchOf({
    keyLabel: "<the content key of the layer in base 36, set when the layer succeeded>",
    key: "<the content key of the layer, set when the layer succeeded>",
    sha256: "<sha256 of the output, set when the build has it>",
    bytes: "<size of the output in bytes, set when the build has it>",
    format: known.format,
    compressed: String(known.compressed),
    runId: known.runId,
    lastUsed: "<the time the layer was kept>",
    sbom: known.sbom ?? null
  });
}
function keepPatchOf(v) {
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
        [ANNOTATION_SBOM]: v.sbom
      }
    }
  };
}
function renderKeep(vm, output, scope, patch, sha256, sbom) {
  const apiVersion = output.kind === "VolumeSnapshot" ? "snapshot.storage.k8s.io/v1" : "cdi.kubevirt.io/v1beta1";
  const cm = sbom ? sbomConfigMap({ namespace: output.namespace, owner: { apiVersion, kind: output.kind, name: output.name, uid: sbom.ownerUid }, scope, sha256, document: sbom.document }) : void 0;
  return {
    vm,
    ...cm ? { sbom: cm } : {},
    patch: { target: { apiVersion, ...output }, patch, note: `output of ${vm}: kept for later builds of its unchanged layer, out of the run` }
  };
}

export {
  ANNOTATION_SBOM,
  sbomConfigMapName,
  sbomConfigMap,
  sbomFromConfigMap,
  LABEL_DATA_SOURCE,
  ANNOTATION_DATA_SOURCE_SHA256,
  DATA_SOURCE_API_VERSION,
  goldenOutputSelector,
  renderGoldenPublish,
  SHA256_PLACEHOLDER,
  SBOM_DOCUMENT_PLACEHOLDER,
  ANNOTATION_LAYER_KEY,
  ANNOTATION_SHA256,
  ANNOTATION_BYTES,
  ANNOTATION_FORMAT,
  ANNOTATION_COMPRESSED,
  ANNOTATION_LAST_USED,
  keptOutputSelector,
  keepOutputPatch,
  keepOutputPatchPlaceholder,
  renderKeep
};
