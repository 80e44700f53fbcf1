import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  KubeApiError,
  abortError,
  isTransient,
  kubeApiError
} from "./chunk-4J23RLGN.js";
import {
  LABEL_RUN
} from "./chunk-FARCU6DL.js";
import {
  sleep
} from "./chunk-BHXEFIUH.js";
import {
  formatGoDuration
} from "./chunk-YBXMTZXO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/engines/kubevirt/cluster/resources.ts
var RESOURCES = {
  "/ConfigMap": { plural: "configmaps", namespaced: true },
  "/Secret": { plural: "secrets", namespaced: true },
  "/Pod": { plural: "pods", namespaced: true },
  "/Service": { plural: "services", namespaced: true },
  "/PersistentVolumeClaim": { plural: "persistentvolumeclaims", namespaced: true },
  "/Event": { plural: "events", namespaced: true },
  "cdi.kubevirt.io/DataVolume": { plural: "datavolumes", namespaced: true },
  "cdi.kubevirt.io/DataSource": { plural: "datasources", namespaced: true },
  "cdi.kubevirt.io/CDIConfig": { plural: "cdiconfigs", namespaced: false },
  "upload.cdi.kubevirt.io/UploadTokenRequest": { plural: "uploadtokenrequests", namespaced: true },
  "kubevirt.io/VirtualMachine": { plural: "virtualmachines", namespaced: true },
  "kubevirt.io/VirtualMachineInstance": { plural: "virtualmachineinstances", namespaced: true },
  "snapshot.storage.k8s.io/VolumeSnapshot": { plural: "volumesnapshots", namespaced: true },
  "snapshot.kubevirt.io/VirtualMachineSnapshot": { plural: "virtualmachinesnapshots", namespaced: true },
  "export.kubevirt.io/VirtualMachineExport": { plural: "virtualmachineexports", namespaced: true },
  "kubeovn.io/Vpc": { plural: "vpcs", namespaced: false },
  "kubeovn.io/Subnet": { plural: "subnets", namespaced: false },
  "kubeovn.io/VpcEgressGateway": { plural: "vpc-egress-gateways", namespaced: true },
  "k8s.cni.cncf.io/NetworkAttachmentDefinition": { plural: "network-attachment-definitions", namespaced: true }
};
function groupOf(apiVersion) {
  return apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
}
function resourceType(apiVersion, kind) {
  const type = RESOURCES[`${groupOf(apiVersion)}/${kind}`];
  if (!type) throw new Error(`internal: the kubevirt engine has no REST path for ${apiVersion} ${kind}`);
  return type;
}
function collectionPath(apiVersion, kind, namespace) {
  const type = resourceType(apiVersion, kind);
  const root = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  if (!type.namespaced) return `${root}/${type.plural}`;
  if (!namespace) throw new Error(`internal: ${kind} is namespaced; a namespace is needed`);
  return `${root}/namespaces/${encodeURIComponent(namespace)}/${type.plural}`;
}
function objectPath(ref, subresource) {
  return `${collectionPath(ref.apiVersion, ref.kind, ref.namespace)}/${encodeURIComponent(ref.name)}${subresource ? `/${subresource}` : ""}`;
}
function kubevirtSubresourcePath(namespace, resource, name, subresource) {
  return `/apis/subresources.kubevirt.io/v1/namespaces/${encodeURIComponent(namespace)}/${resource}/${encodeURIComponent(name)}/${subresource}`;
}
function describeRef(ref) {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}
function refOf(object) {
  return { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, ...object.metadata.namespace ? { namespace: object.metadata.namespace } : {} };
}

// src/engines/kubevirt/cluster/retry.ts
function backoffDelay(attempt, baseDelayMs, maxDelayMs, random = Math.random) {
  const exp = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exp / 2 + random() * exp / 2);
}
async function withRetries(fn, options) {
  const attempts = options.attempts ?? 6;
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 5e3;
  const retryable = options.retryable ?? isTransient;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (options.signal.aborted || attempt >= attempts || !retryable(err)) throw err;
      const asked = err instanceof KubeApiError && err.retryAfterSeconds !== void 0 ? err.retryAfterSeconds * 1e3 : 0;
      const delay = Math.min(Math.max(asked, backoffDelay(attempt, base, max)), 3e4);
      options.onRetry?.(err, attempt, delay);
      await sleep(delay, options.signal);
    }
  }
}

// src/engines/kubevirt/cluster/objects.ts
var RBAC_HINT = "grant the roles in docs/rbac.yaml (ruddervirt render --rbac --namespace NS prints them)";
var STRICT = { fieldValidation: "Strict" };
function explainApiError(err, doing, namespace) {
  if (!(err instanceof KubeApiError)) return err;
  switch (err.status) {
    case 401:
      return new UserError(`${doing}: the API server refused our credentials (401): check the kubeconfig's user and token`);
    case 403:
      return new UserError(`${doing}: forbidden (403): ${err.detail}; ${RBAC_HINT}`);
    case 400:
    case 422:
      if (/strict decoding error: unknown field/.test(err.detail)) {
        return new UserError(
          `${doing}: the API server refused it (${err.status} ${err.reason}): ${err.detail}; the installed version of that API is older than this build needs (spec.source.http.checksum needs CDI v1.65 or later): upgrade it`
        );
      }
      return new UserError(`${doing}: the API server refused it (${err.status} ${err.reason}): ${err.detail}`);
    case 404:
      if (namespace !== void 0 && /namespaces? .*not found/i.test(err.detail)) {
        return new UserError(`${doing}: namespace '${namespace}' does not exist; create it (kubectl create namespace ${namespace}) or pass --namespace`);
      }
      return err;
    default:
      return err;
  }
}
var ObjectClient = class {
  constructor(api, logger) {
    this.api = api;
    this.logger = logger;
  }
  api;
  logger;
  retries(signal, what) {
    return {
      signal,
      onRetry: (err, attempt, delayMs) => this.logger.debug(`${what}: ${err instanceof Error ? err.message : String(err)}; trying again in ${delayMs} ms (try ${attempt + 1})`)
    };
  }
  async create(object, signal) {
    const ref = refOf(object);
    const what = `creating ${describeRef(ref)}`;
    const path = collectionPath(ref.apiVersion, ref.kind, ref.namespace);
    try {
      return await withRetries(
        async () => {
          try {
            return await this.api.json("POST", path, { body: object, query: STRICT, signal });
          } catch (err) {
            if (!(err instanceof KubeApiError && err.alreadyExists)) throw err;
            return this.adopt(object, ref, path, signal);
          }
        },
        this.retries(signal, what)
      );
    } catch (err) {
      throw explainApiError(err, what, ref.namespace);
    }
  }
  async adopt(object, ref, path, signal) {
    if (ref.kind === "Secret") {
      this.logger.debug(`${describeRef(ref)} already exists (an earlier try of this run); replacing it`);
      await this.delete(ref, signal);
      return this.api.json("POST", path, { body: object, query: STRICT, signal });
    }
    const existing = await this.get(ref, signal);
    if (!existing) {
      throw new KubeApiError("POST", path, 409, "Conflict", `${describeRef(ref)} was reported to exist but is not there`);
    }
    const ours = object.metadata.labels?.[LABEL_RUN];
    if (ours !== void 0 && existing.metadata.labels?.[LABEL_RUN] === ours && !existing.metadata.deletionTimestamp) {
      this.logger.debug(`${describeRef(ref)} already exists from an earlier try of this run; using it`);
      return existing;
    }
    throw new UserError(
      `${describeRef(ref)} already exists and was not made by this build run${existing.metadata.labels?.[LABEL_RUN] ? ` (it is from run ${existing.metadata.labels[LABEL_RUN]})` : ""}; delete it or build in another namespace`
    );
  }
  /** The object, or undefined when it does not exist. */
  async get(ref, signal) {
    const what = `reading ${describeRef(ref)}`;
    try {
      return await withRetries(
        async () => {
          try {
            return await this.api.json("GET", objectPath(ref), { signal });
          } catch (err) {
            if (err instanceof KubeApiError && err.notFound) return void 0;
            throw err;
          }
        },
        this.retries(signal, what)
      );
    } catch (err) {
      throw explainApiError(err, what, ref.namespace);
    }
  }
  async list(apiVersion, kind, namespace, filter, signal) {
    const what = `listing ${kind}s${namespace ? ` in ${namespace}` : ""}`;
    try {
      const list = await withRetries(
        () => this.api.json("GET", collectionPath(apiVersion, kind, namespace), {
          query: { labelSelector: filter.labelSelector, fieldSelector: filter.fieldSelector },
          signal
        }),
        this.retries(signal, what)
      );
      const items = (list.items ?? []).map((i) => ({ ...i, apiVersion, kind }));
      return { items, resourceVersion: list.metadata?.resourceVersion ?? "" };
    } catch (err) {
      throw explainApiError(err, what, namespace);
    }
  }
  /** Deletes the object; resolves false when it was already gone. */
  async delete(ref, signal, options = {}) {
    const what = `deleting ${describeRef(ref)}`;
    const body = {
      kind: "DeleteOptions",
      apiVersion: "v1",
      propagationPolicy: options.propagationPolicy ?? "Background",
      ...options.gracePeriodSeconds !== void 0 ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}
    };
    try {
      return await withRetries(
        async () => {
          try {
            await this.api.json("DELETE", objectPath(ref), { body, signal });
            return true;
          } catch (err) {
            if (err instanceof KubeApiError && err.notFound) return false;
            throw err;
          }
        },
        this.retries(signal, what)
      );
    } catch (err) {
      throw explainApiError(err, what, ref.namespace);
    }
  }
  /**
   * A JSON merge patch (RFC 7386: null removes a field). The one patch type every resource takes:
   * custom resources refuse strategic merge patches.
   */
  async mergePatch(ref, patch, signal) {
    const what = `patching ${describeRef(ref)}`;
    try {
      return await withRetries(() => this.api.json("PATCH", objectPath(ref), { body: JSON.stringify(patch), contentType: "application/merge-patch+json", query: STRICT, signal }), this.retries(signal, what));
    } catch (err) {
      throw explainApiError(err, what, ref.namespace);
    }
  }
  /**
   * PUT to a subresource (KubeVirt's stop). Retried on overload and broken connections only: a 409
   * there is KubeVirt saying the request does not apply (the VM is not running), not a lock conflict.
   */
  async put(path, body, signal, what) {
    try {
      await withRetries(() => this.api.json("PUT", path, { body, signal }), {
        ...this.retries(signal, what),
        retryable: (err) => isTransient(err) && !(err instanceof KubeApiError && err.status === 409)
      });
    } catch (err) {
      throw explainApiError(err, what);
    }
  }
};

// src/engines/kubevirt/cluster/session.ts
var DEFAULT_TIMEOUTS = {
  import: 30 * 6e4,
  start: 10 * 6e4,
  export: 30 * 6e4,
  cleanup: 5 * 6e4,
  stop: 3 * 6e4
};

// src/engines/kubevirt/cluster/events.ts
function when(e) {
  return e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? "";
}
function formatEvents(events, limit) {
  return [...events].sort((a, b) => when(a) < when(b) ? -1 : when(a) > when(b) ? 1 : 0).slice(-limit).map((e) => {
    const count = e.series?.count ?? e.count ?? 1;
    const what = e.involvedObject?.kind && e.involvedObject.name ? `${e.involvedObject.kind} ${e.involvedObject.name}: ` : "";
    return `${what}${e.type ?? "Normal"} ${e.reason ?? ""}${count > 1 ? ` (x${count})` : ""}: ${(e.message ?? "").trim()}`;
  });
}
async function recentEvents(objects, refs, limit = 8) {
  const all = [];
  const signal = AbortSignal.timeout(15e3);
  try {
    for (const ref of refs) {
      if (!ref.namespace) continue;
      const list = await objects.list("v1", "Event", ref.namespace, { fieldSelector: `involvedObject.name=${ref.name},involvedObject.kind=${ref.kind}` }, signal);
      all.push(...list.items.filter((e) => (e.involvedObject?.name ?? ref.name) === ref.name && (e.involvedObject?.kind ?? ref.kind) === ref.kind));
    }
  } catch (err) {
    return [`(events could not be read: ${err instanceof Error ? err.message : String(err)})`];
  }
  return formatEvents(all, limit);
}
async function eventsSuffix(objects, refs) {
  const lines = await recentEvents(objects, refs);
  return lines.length > 0 ? `
recent events:
${lines.map((l) => `  - ${l}`).join("\n")}` : "";
}

// src/engines/kubevirt/cluster/wait.ts
var WaitTimeoutError = class extends UserError {
  name = "WaitTimeoutError";
};
var WaitFailedError = class extends UserError {
  name = "WaitFailedError";
};
var Gone = class extends Error {
};
async function waitFor(objects, req) {
  const timeout = AbortSignal.timeout(Math.max(1, req.timeoutMs));
  const signal = AbortSignal.any([req.signal, timeout]);
  let lastState = "nothing seen yet";
  let lastVerdict;
  const judge = (object) => {
    const verdict = req.judge(object);
    const key = JSON.stringify(verdict);
    if (key !== lastVerdict) {
      lastVerdict = key;
      req.onState?.(object, verdict);
    }
    if ("done" in verdict) return verdict.done;
    if ("failed" in verdict) throw new FailedState(verdict.failed);
    lastState = verdict.waiting;
    return void 0;
  };
  try {
    let failures = 0;
    for (; ; ) {
      const list = await objects.list(req.ref.apiVersion, req.ref.kind, req.ref.namespace, { fieldSelector: `metadata.name=${req.ref.name}` }, signal);
      const found = list.items.find((o) => o.metadata.name === req.ref.name);
      const result = judge(found);
      if (result !== void 0) return result;
      let resourceVersion = list.resourceVersion;
      for (; ; ) {
        try {
          let sawEvent = false;
          const outcome = await watchOnce(objects, req, resourceVersion, signal, (event) => {
            sawEvent = true;
            failures = 0;
            if (event.type === "ERROR") {
              if (event.object.code === 410) throw new Gone();
              throw kubeApiError("WATCH", collectionPath(req.ref.apiVersion, req.ref.kind, req.ref.namespace), event.object.code ?? 500, JSON.stringify(event.object));
            }
            if (event.object.metadata?.resourceVersion) resourceVersion = event.object.metadata.resourceVersion;
            if (event.type === "BOOKMARK") return void 0;
            if (event.object.metadata?.name !== req.ref.name) return void 0;
            const object = event.type === "DELETED" ? void 0 : { ...event.object, apiVersion: req.ref.apiVersion, kind: req.ref.kind };
            return judge(object);
          });
          if (outcome.done) return outcome.value;
          if (!sawEvent) failures++;
        } catch (err) {
          if (err instanceof Gone || err instanceof KubeApiError && err.status === 410) break;
          if (err instanceof FailedState || signal.aborted) throw err;
          failures++;
        }
        if (failures > 1) await sleep(backoffDelay(Math.min(failures, 6), 250, 5e3), signal);
      }
    }
  } catch (err) {
    if (err instanceof FailedState) {
      throw new WaitFailedError(`${req.what} failed: ${err.message}${await eventsSuffix(objects, req.explain ?? [req.ref])}`);
    }
    if (timeout.aborted && !req.signal.aborted) {
      throw new WaitTimeoutError(`${req.what}: not done after ${formatGoDuration(req.timeoutMs)} (${describeRef(req.ref)}: ${lastState})${await eventsSuffix(objects, req.explain ?? [req.ref])}`);
    }
    if (req.signal.aborted) throw abortError(req.signal);
    throw err;
  }
}
var FailedState = class extends Error {
};
async function watchOnce(objects, req, resourceVersion, signal, onEvent) {
  const path = collectionPath(req.ref.apiVersion, req.ref.kind, req.ref.namespace);
  const watchSeconds = req.watchSeconds ?? 240;
  const res = await objects.api.send("GET", path, {
    query: {
      watch: "true",
      resourceVersion: resourceVersion || void 0,
      allowWatchBookmarks: "true",
      fieldSelector: `metadata.name=${req.ref.name}`,
      timeoutSeconds: watchSeconds
    },
    signal,
    // Bookmarks arrive about once a minute; silence much longer than the watch itself means a dead connection.
    idleTimeoutMs: (watchSeconds + 30) * 1e3
  });
  if ((res.statusCode ?? 0) >= 400) {
    const body = await new Promise((resolve) => {
      let text = "";
      res.on("data", (c) => text += c.toString());
      res.on("end", () => resolve(text));
      res.on("error", () => resolve(text));
    });
    throw kubeApiError("GET", `${path}?watch=true`, res.statusCode ?? 0, body);
  }
  return readEvents(res, signal, onEvent);
}
function readEvents(res, signal, onEvent) {
  return new Promise((resolve, reject) => {
    let pending = "";
    let settled = false;
    const finish = (outcome) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      res.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const onAbort = () => finish(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    res.setEncoding("utf8");
    res.on("data", (chunk) => {
      pending += chunk;
      let newline;
      while (!settled && (newline = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (line === "") continue;
        let event;
        try {
          event = JSON.parse(line);
        } catch {
          finish(new Error(`watch: the API server sent a line that is not JSON: ${line.slice(0, 200)}`));
          return;
        }
        try {
          const value = onEvent(event);
          if (value !== void 0) finish({ done: true, value });
        } catch (err) {
          finish(err instanceof Error ? err : new Error(String(err)));
        }
      }
    });
    res.once("end", () => finish({ done: false }));
    res.once("aborted", () => finish(Object.assign(new Error("watch: the connection was cut"), { code: "ECONNRESET" })));
    res.once("error", (err) => finish(err));
    res.once("close", () => finish(Object.assign(new Error("watch: the connection was closed"), { code: "ECONNRESET" })));
  });
}

// src/engines/kubevirt/cluster/wait-gone.ts
async function waitUntilGone(objects, refs, deadline, timeoutMs) {
  const left = await Promise.all(
    refs.map(async (ref) => {
      let state = "still there";
      try {
        await waitFor(objects, {
          ref,
          what: `removing ${describeRef(ref)}`,
          // The wait's own timeout (not a signal) ends it, so what is left is described.
          timeoutMs: Math.max(1, deadline - Date.now()),
          signal: new AbortController().signal,
          judge: (o) => o ? { waiting: o.metadata.deletionTimestamp ? "being deleted" : "still there" } : { done: true },
          onState: (_o, verdict) => {
            if ("waiting" in verdict) state = verdict.waiting;
          }
        });
        return void 0;
      } catch (err) {
        return err instanceof WaitTimeoutError ? `${describeRef(ref)} (${state} after ${formatGoDuration(timeoutMs)})` : `${describeRef(ref)} (${err instanceof Error ? err.message.split("\n")[0] : String(err)})`;
      }
    })
  );
  return left.filter((l) => l !== void 0);
}

export {
  withRetries,
  kubevirtSubresourcePath,
  describeRef,
  refOf,
  WaitTimeoutError,
  waitFor,
  waitUntilGone,
  ObjectClient,
  DEFAULT_TIMEOUTS
};
