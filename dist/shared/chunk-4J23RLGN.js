import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  require_extension,
  require_permessage_deflate,
  require_receiver,
  require_sender,
  require_stream,
  require_subprotocol,
  require_websocket,
  require_websocket_server
} from "./chunk-5FQMJUXF.js";
import {
  require_https
} from "./chunk-YB6FBBBD.js";
import {
  require_http
} from "./chunk-YQXKSN3H.js";
import {
  __toESM
} from "./chunk-U4LSYZ75.js";

// src/engines/kubevirt/cluster/kube-api-error.ts
var KubeApiError = class extends Error {
  constructor(method, path, status, reason, detail, retryAfterSeconds) {
    super(`${method} ${path}: ${status}${reason ? ` ${reason}` : ""}${detail ? `: ${detail}` : ""}`);
    this.method = method;
    this.path = path;
    this.status = status;
    this.reason = reason;
    this.detail = detail;
    this.retryAfterSeconds = retryAfterSeconds;
  }
  method;
  path;
  status;
  reason;
  detail;
  retryAfterSeconds;
  name = "KubeApiError";
  get notFound() {
    return this.status === 404;
  }
  get alreadyExists() {
    return this.status === 409 && this.reason === "AlreadyExists";
  }
};
function kubeApiError(method, path, status, body, retryAfterHeader) {
  let parsed;
  try {
    const value = JSON.parse(body);
    if (value && typeof value === "object") parsed = value;
  } catch {
  }
  const causes = parsed?.details?.causes?.map((c) => c.field ? `${c.field}: ${c.message ?? ""}` : c.message ?? "").filter(Boolean) ?? [];
  const message = parsed?.message ?? body.trim().slice(0, 300);
  const detail = causes.length > 0 && !causes.every((c) => message.includes(c)) ? `${message} (${causes.join("; ")})` : message;
  const headerSeconds = retryAfterHeader !== void 0 && /^\d+$/.test(retryAfterHeader) ? Number(retryAfterHeader) : void 0;
  return new KubeApiError(method, path, status, parsed?.reason ?? defaultReason(status), detail, parsed?.details?.retryAfterSeconds ?? headerSeconds);
}
function defaultReason(status) {
  switch (status) {
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 422:
      return "Invalid";
    case 429:
      return "TooManyRequests";
    default:
      return status >= 500 ? "InternalError" : "";
  }
}
var TRANSIENT_CODES = /* @__PURE__ */ new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "ECONNABORTED", "UND_ERR_SOCKET"]);
function isTransient(err) {
  if (err instanceof KubeApiError) {
    return err.status === 429 || err.status >= 500 || err.status === 409 && err.reason !== "AlreadyExists";
  }
  const code = err?.code;
  if (typeof code === "string" && TRANSIENT_CODES.has(code)) return true;
  return err instanceof Error && /socket hang up|other side closed|premature close/i.test(err.message);
}

// src/engines/kubevirt/cluster/kube-api.ts
var import_node_http = __toESM(require_http(), 1);
var import_node_https = __toESM(require_https(), 1);

// node_modules/ws/wrapper.mjs
var import_stream = __toESM(require_stream(), 1);
var import_extension = __toESM(require_extension(), 1);
var import_permessage_deflate = __toESM(require_permessage_deflate(), 1);
var import_receiver = __toESM(require_receiver(), 1);
var import_sender = __toESM(require_sender(), 1);
var import_subprotocol = __toESM(require_subprotocol(), 1);
var import_websocket = __toESM(require_websocket(), 1);
var import_websocket_server = __toESM(require_websocket_server(), 1);
var wrapper_default = import_websocket.default;

// src/engines/kubevirt/cluster/kube-api.ts
var DEFAULT_IDLE_TIMEOUT_MS = 6e4;
var KubeApi = class {
  constructor(kc) {
    this.kc = kc;
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error("internal: KubeApi needs a kubeconfig with a current cluster");
    this.server = new URL(cluster.server);
  }
  kc;
  server;
  /** The API server's address, for messages. */
  get address() {
    return this.server.origin;
  }
  /** Credentials and TLS settings, fresh for each call: tokens from exec plugins rotate. */
  async connectionOptions() {
    const options = {};
    await this.kc.applyToHTTPSOptions(options);
    if (this.server.protocol === "http:") delete options.agent;
    return options;
  }
  url(path, query = {}) {
    const base = this.server.pathname.replace(/\/+$/, "");
    const url = new URL(this.server.origin + base + path);
    for (const [k, v] of Object.entries(query)) if (v !== void 0) url.searchParams.set(k, String(v));
    return url;
  }
  /** Sends a request and resolves with the response once its headers arrived, whatever the status. */
  async send(method, path, request) {
    const options = await this.connectionOptions();
    const url = this.url(path, request.query);
    let body;
    const headers = { accept: "application/json", ...options.headers, ...request.headers };
    if (request.body !== void 0) {
      body = Buffer.isBuffer(request.body) ? request.body : Buffer.from(typeof request.body === "string" ? request.body : JSON.stringify(request.body));
      headers["content-type"] = request.contentType ?? "application/json";
      headers["content-length"] = String(body.length);
    }
    const signal = request.signal;
    if (signal.aborted) throw abortError(signal);
    const transport = url.protocol === "http:" ? import_node_http.default : import_node_https.default;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, { ...options, method, headers, signal });
      req.setTimeout(request.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, () => {
        req.destroy(Object.assign(new Error(`${method} ${path}: no answer from ${this.address} for ${Math.round((request.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS) / 1e3)} s`), { code: "ETIMEDOUT" }));
      });
      req.once("response", resolve);
      req.once("error", (err) => reject(signal.aborted ? abortError(signal) : err));
      req.end(body);
    });
  }
  /** A request whose JSON answer is returned; a status of 400 or more becomes a KubeApiError. */
  async json(method, path, request) {
    const res = await this.send(method, path, request);
    const text = await readBody(res, request.signal);
    if ((res.statusCode ?? 0) >= 400) throw kubeApiError(method, path, res.statusCode ?? 0, text, headerValue(res.headers["retry-after"]));
    if (text.trim() === "") return void 0;
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`${method} ${path}: the API server answered ${res.statusCode} with something that is not JSON: ${text.slice(0, 200)}`);
    }
  }
  /** A request whose text answer is returned (pod logs). */
  async text(method, path, request) {
    const res = await this.send(method, path, request);
    const text = await readBody(res, request.signal);
    if ((res.statusCode ?? 0) >= 400) throw kubeApiError(method, path, res.statusCode ?? 0, text, headerValue(res.headers["retry-after"]));
    return text;
  }
  /**
   * Opens a websocket to `path` offering `protocols`; resolves once it is open. A refused upgrade
   * (the VMI is not running, no permission) becomes a KubeApiError with the server's message.
   */
  async webSocket(path, request) {
    const options = await this.connectionOptions();
    const url = this.url(path, request.query);
    url.protocol = url.protocol === "http:" ? "ws:" : "wss:";
    const signal = request.signal;
    if (signal.aborted) throw abortError(signal);
    return new Promise((resolve, reject) => {
      const ws = new wrapper_default(url, request.protocols, {
        ...options,
        headers: options.headers,
        handshakeTimeout: request.timeoutMs ?? 3e4,
        // API servers and virt-api use no compression on these streams; offering it only costs CPU.
        perMessageDeflate: false
      });
      const onAbort = () => {
        ws.terminate();
        reject(abortError(signal));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      const settle = () => signal.removeEventListener("abort", onAbort);
      ws.once("open", () => {
        settle();
        if (request.protocols.length > 0 && !request.protocols.includes(ws.protocol)) {
          ws.terminate();
          reject(new Error(`GET ${path}: the server chose the websocket subprotocol '${ws.protocol}', not one of ${request.protocols.join(", ")}`));
          return;
        }
        resolve(ws);
      });
      ws.once("unexpected-response", (_req, res) => {
        settle();
        void readBody(res, AbortSignal.timeout(1e4)).catch(() => "").then((text) => {
          ws.terminate();
          reject(kubeApiError("GET", path, res.statusCode ?? 0, text, headerValue(res.headers["retry-after"])));
        });
      });
      ws.once("error", (err) => {
        settle();
        reject(signal.aborted ? abortError(signal) : err);
      });
    });
  }
};
function headerValue(value) {
  return Array.isArray(value) ? value[0] : value;
}
function abortError(signal) {
  return signal.reason instanceof Error ? signal.reason : new Error("Build was cancelled.");
}
function readBody(res, signal) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    const onAbort = () => {
      res.destroy();
      reject(abortError(signal));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    res.on("data", (c) => chunks.push(c));
    res.once("end", () => {
      signal.removeEventListener("abort", onAbort);
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
    res.once("error", (err) => {
      signal.removeEventListener("abort", onAbort);
      reject(err);
    });
  });
}

export {
  KubeApiError,
  kubeApiError,
  isTransient,
  import_stream,
  wrapper_default,
  KubeApi,
  abortError,
  readBody
};
