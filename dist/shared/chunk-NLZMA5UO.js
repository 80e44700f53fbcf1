import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  KubeApi,
  KubeApiError
} from "./chunk-4J23RLGN.js";
import {
  require_dist
} from "./chunk-H4EHQFTY.js";
import {
  sleep
} from "./chunk-BHXEFIUH.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import {
  __toESM
} from "./chunk-U4LSYZ75.js";

// src/actions/toolkit/release-manifest.ts
var import_yaml = __toESM(require_dist(), 1);
var FIELD_MANAGER = "ruddervirt";
async function downloadManifest(url, signal) {
  let text;
  try {
    const response = await fetch(url, { signal, redirect: "follow" });
    if (!response.ok) throw new UserError(`downloading ${url} failed: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`);
    text = await response.text();
  } catch (err) {
    if (err instanceof UserError || signal.aborted) throw err;
    const cause = err.cause;
    const why = cause instanceof Error ? cause.message : err instanceof Error ? err.message : String(err);
    throw new UserError(`downloading ${url} failed: ${why}`);
  }
  return parseManifest(url, text);
}
function parseManifest(url, text) {
  const objects = [];
  const lineOf = (offset) => offset === void 0 ? 1 : text.slice(0, offset).split("\n").length;
  for (const doc of (0, import_yaml.parseAllDocuments)(text)) {
    const line = lineOf(doc.contents?.range?.[0] ?? doc.range?.[0]);
    const error = doc.errors[0];
    if (error) throw new UserError(`${url} line ${error.linePos?.[0].line ?? line}: not valid YAML: ${error.message.split("\n")[0]}`);
    const value = doc.toJS();
    if (value === null || value === void 0) continue;
    const o = value;
    const missing = [
      typeof o.apiVersion === "string" && o.apiVersion ? void 0 : "apiVersion",
      typeof o.kind === "string" && o.kind ? void 0 : "kind",
      typeof o.metadata?.name === "string" && o.metadata.name ? void 0 : "metadata.name"
    ].filter(Boolean);
    if (typeof value !== "object" || Array.isArray(value) || missing.length > 0) {
      throw new UserError(`${url} line ${line}: expected a Kubernetes object with apiVersion, kind and metadata.name${missing.length > 0 ? ` (missing ${missing.join(", ")})` : ""}`);
    }
    objects.push(o);
  }
  if (objects.length === 0) throw new UserError(`${url} holds no Kubernetes objects`);
  return objects;
}
var ManifestApplier = class {
  constructor(kc, signal) {
    this.signal = signal;
    this.api = new KubeApi(kc);
    this.defaultNamespace = kc.getContextObject(kc.getCurrentContext())?.namespace ?? "default";
  }
  signal;
  api;
  discovery = /* @__PURE__ */ new Map();
  defaultNamespace;
  /** Applies each object in order; then waits (until `deadline`) for the CRDs among them. */
  async apply(url, objects, deadline) {
    const applied = [];
    for (const object of objects) {
      const path = await this.pathOf(url, object);
      try {
        await this.api.json("PATCH", path, {
          query: { fieldManager: FIELD_MANAGER, force: true },
          body: object,
          contentType: "application/apply-patch+yaml",
          signal: this.signal
        });
      } catch (err) {
        throw new UserError(`${url}: applying ${describe(object)} failed: ${err instanceof KubeApiError ? `${err.status} ${err.reason}: ${err.detail}` : err instanceof Error ? err.message : String(err)}`);
      }
      applied.push({ object, path });
    }
    for (const crd of applied.filter((a) => a.object.kind === "CustomResourceDefinition" && a.object.apiVersion.startsWith("apiextensions.k8s.io/"))) {
      await this.waitEstablished(crd, deadline);
    }
    return applied;
  }
  /** GETs an applied object (its status, say); undefined when it is gone. */
  async read(applied) {
    try {
      return await this.api.json("GET", applied.path, { signal: this.signal });
    } catch (err) {
      if (err instanceof KubeApiError && err.notFound) return void 0;
      throw err;
    }
  }
  /** A JSON merge patch (RFC 7386) on an applied object. */
  async mergePatch(applied, patch) {
    await this.api.json("PATCH", applied.path, { body: patch, contentType: "application/merge-patch+json", signal: this.signal });
  }
  async pathOf(url, object) {
    const resource = await this.resource(object.apiVersion, object.kind);
    if (!resource) throw new UserError(`${url}: the cluster does not serve ${object.kind} in ${object.apiVersion} (needed for ${describe(object)})`);
    const base = object.apiVersion.includes("/") ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
    const namespace = resource.namespaced ? `/namespaces/${encodeURIComponent(object.metadata.namespace ?? this.defaultNamespace)}` : "";
    return `${base}${namespace}/${resource.name}/${encodeURIComponent(object.metadata.name)}`;
  }
  /** The resource serving `kind` in `apiVersion`, from discovery; asked again when not known yet. */
  async resource(apiVersion, kind) {
    const find = (list2) => list2?.find((r) => r.kind === kind && !r.name.includes("/"));
    const known = find(this.discovery.get(apiVersion));
    if (known) return known;
    const path = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let list;
    try {
      list = (await this.api.json("GET", path, { signal: this.signal })).resources ?? [];
    } catch (err) {
      if (!(err instanceof KubeApiError && err.notFound)) throw err;
    }
    this.discovery.set(apiVersion, list);
    return find(list);
  }
  async waitEstablished(crd, deadline) {
    for (; ; ) {
      const current = await this.read(crd);
      if (current?.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")) return;
      if (Date.now() > deadline) throw new UserError(`the CustomResourceDefinition ${crd.object.metadata.name} was not Established within the install timeout`);
      await sleep(250, this.signal);
    }
  }
};
function describe(o) {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;
}

export {
  downloadManifest,
  ManifestApplier
};
