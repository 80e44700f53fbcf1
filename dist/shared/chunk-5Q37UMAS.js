import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  ToolError,
  findOnPath,
  runTool
} from "./chunk-JKYMEDOZ.js";
import {
  sleep
} from "./chunk-BHXEFIUH.js";
import {
  NotRegularFileError,
  openRegularFile,
  suggest
} from "./chunk-PXB3LWWR.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/core/oci/disk-format.ts
var DiskFormatError = class extends Error {
  name = "DiskFormatError";
};
var QCOW2_MAGIC = Buffer.from([81, 70, 73, 251]);
var QCOW2_EXTERNAL_DATA_FILE = 1n << 2n;
var COMPRESSED_FILES = [
  ["gzip", Buffer.from([31, 139])],
  ["xz", Buffer.from([253, 55, 122, 88, 90, 0])],
  ["zstd", Buffer.from([40, 181, 47, 253])],
  ["bzip2", Buffer.from("BZh")]
];
function classifyDiskHeader(path2, header) {
  if (header.subarray(0, 4).equals(QCOW2_MAGIC)) {
    const version = header.readUInt32BE(4);
    const backingFileOffset = header.readBigUInt64BE(8);
    if (backingFileOffset !== 0n) {
      throw new DiskFormatError(`${path2}: this qcow2 has a backing file, which a containerDisk cannot carry; flatten it first (qemu-img convert -O qcow2 ${path2} flat.qcow2)`);
    }
    if (version >= 3 && header.length >= 80 && (header.readBigUInt64BE(72) & QCOW2_EXTERNAL_DATA_FILE) !== 0n) {
      throw new DiskFormatError(`${path2}: this qcow2 keeps its data in an external file; convert it to a self-contained qcow2 first`);
    }
    return "qcow2";
  }
  for (const [name, magic] of COMPRESSED_FILES) {
    if (header.subarray(0, magic.length).equals(magic)) {
      throw new DiskFormatError(`${path2}: this is a ${name}-compressed file; a containerDisk holds a qcow2 or raw disk, so decompress it first`);
    }
  }
  return "raw";
}
async function inspectDisk(path2) {
  let fh;
  let st;
  try {
    ({ handle: fh, stats: st } = await openRegularFile(path2));
  } catch (err) {
    if (err instanceof NotRegularFileError) throw new DiskFormatError(`${path2}: ${err.kind}, not a regular file; expected a qcow2 or raw disk file`);
    const code = err.code;
    throw new DiskFormatError(code === "ENOENT" ? `${path2}: no such disk file` : `${path2}: cannot open the disk (${code ?? String(err)})`);
  }
  try {
    if (st.size === 0) throw new DiskFormatError(`${path2}: the disk file is empty`);
    const header = Buffer.alloc(Math.min(512, st.size));
    await fh.read(header, 0, header.length, 0);
    const format = classifyDiskHeader(path2, header);
    if (format === "qcow2") {
      const need = header.readUInt32BE(4) >= 3 ? 104 : 72;
      if (st.size < need) throw new DiskFormatError(`${path2}: ${st.size} bytes with a qcow2 signature, shorter than a qcow2 header (${need} bytes); the file is truncated or not a disk`);
    }
    const info = { format, size: st.size, mtime: Math.floor(st.mtimeMs / 1e3), fileName: format === "qcow2" ? "disk.qcow2" : "disk.img" };
    if (format === "qcow2") await checkQcow2(path2);
    return info;
  } finally {
    await fh.close();
  }
}
async function checkQcow2(path2, signal) {
  try {
    await runTool("qemu-img", ["check", "-f", "qcow2", path2], signal ? { signal } : {});
  } catch (err) {
    if (err instanceof ToolError) {
      if (err.exitCode === 3 || err.exitCode === 63) return;
      const detail = err.stderr.trim().split("\n").filter(Boolean);
      const shown = detail.slice(0, 3).join("; ") + (detail.length > 3 ? `; \u2026 (${detail.length} lines)` : "");
      const what = err.exitCode === 2 ? "is corrupt or truncated" : "cannot be read as a qcow2";
      throw new DiskFormatError(`${path2}: ${what} (qemu-img check: ${shown || `exit ${err.exitCode}`}); not publishing it`);
    }
    if (err instanceof UserError && /was not found on PATH/.test(err.message)) return;
    throw err;
  }
}

// src/core/oci/media-types.ts
var OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
var OCI_INDEX = "application/vnd.oci.image.index.v1+json";
var OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
var OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
var OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
var DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
var DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
var DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
var DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
function mediaTypesFor(format, compression) {
  if (format === "docker") {
    if (compression !== "gzip") throw new Error("the docker manifest format only carries gzip layers");
    return { manifest: DOCKER_MANIFEST, index: DOCKER_MANIFEST_LIST, config: DOCKER_CONFIG, layer: DOCKER_LAYER_GZIP };
  }
  return { manifest: OCI_MANIFEST, index: OCI_INDEX, config: OCI_CONFIG, layer: compression === "zstd" ? OCI_LAYER_ZSTD : OCI_LAYER_GZIP };
}
var ACCEPTED_MANIFESTS = [OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST];
function isIndexType(mediaType) {
  return mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST;
}
function layerCompression(mediaType) {
  if (mediaType === OCI_LAYER_GZIP || mediaType === DOCKER_LAYER_GZIP) return "gzip";
  if (mediaType === OCI_LAYER_ZSTD) return "zstd";
  return void 0;
}

// src/core/oci/platform.ts
var KNOWN_OS = ["linux", "windows", "freebsd", "darwin"];
var KNOWN_ARCH = ["amd64", "arm64", "s390x", "ppc64le", "riscv64", "386", "arm", "mips64le", "loong64"];
var ALIASES = { x86_64: "amd64", "x86-64": "amd64", aarch64: "arm64" };
var DEFAULT_PLATFORM = { os: "linux", architecture: "amd64" };
function parsePlatform(text) {
  const parts = text.split("/");
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === "")) {
    throw new Error(`platform '${text}' must be os/arch or os/arch/variant, e.g. linux/amd64 or linux/arm64/v8`);
  }
  const [os2, rawArch, variant] = parts;
  if (!KNOWN_OS.includes(os2)) {
    const s = suggest(os2, KNOWN_OS);
    throw new Error(`platform '${text}': unknown os '${os2}'${s ? `; did you mean '${s}'?` : ` (expected one of ${KNOWN_OS.join(", ")})`}`);
  }
  const architecture = ALIASES[rawArch] ?? rawArch;
  if (!KNOWN_ARCH.includes(architecture)) {
    const s = suggest(architecture, KNOWN_ARCH);
    throw new Error(`platform '${text}': unknown architecture '${rawArch}'${s ? `; did you mean '${s}'?` : ` (expected one of ${KNOWN_ARCH.join(", ")})`}`);
  }
  if (variant !== void 0 && !/^v[0-9]+$/.test(variant)) throw new Error(`platform '${text}': variant '${variant}' must look like v7 or v8`);
  return variant === void 0 ? { os: os2, architecture } : { os: os2, architecture, variant };
}
function formatPlatform(p) {
  return [p.os, p.architecture, p.variant].filter((x) => x !== void 0).join("/");
}

// src/core/oci/digest.ts
import { createHash } from "node:crypto";
var SHA256 = /^sha256:[a-f0-9]{64}$/;
var ANY_DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
function isSha256Digest(text) {
  return SHA256.test(text);
}
function isDigest(text) {
  return ANY_DIGEST.test(text);
}
function sha256(data) {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}
function digestHex(digest) {
  return digest.slice("sha256:".length);
}

// src/core/oci/reference.ts
var DOCKER_HUB = "docker.io";
var DOCKER_HUB_API = "registry-1.docker.io";
var DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
var DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?$`);
var PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
var TAG = /^[\w][\w.-]{0,127}$/;
var MAX_NAME = 255;
var ImageReferenceError = class extends Error {
  name = "ReferenceError";
};
function looksLikeDomain(first) {
  return first.includes(".") || first.includes(":") || first === "localhost" || first.startsWith("[") || first !== first.toLowerCase();
}
function parseImageReference(text) {
  const bad = (why) => new ImageReferenceError(`invalid image reference '${text}': ${why}`);
  if (text.length === 0) throw bad("it is empty");
  let rest = text;
  let digest;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) throw bad(`'${digest}' is not a digest (expected algorithm:hex, e.g. sha256:\u2026)`);
  }
  let tag;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`tag '${tag}' must be 1-128 of letters, digits, '_', '.', '-' and not start with '.' or '-'`);
  }
  const parts = rest.split("/");
  let registry = DOCKER_HUB;
  if (parts.length > 1 && looksLikeDomain(parts[0])) {
    registry = parts.shift();
    if (!DOMAIN.test(registry)) throw bad(`'${registry}' is not a registry host[:port]`);
    const port = /:(\d+)$/.exec(registry)?.[1];
    if (port !== void 0 && !(Number(port) >= 1 && Number(port) <= 65535)) throw bad(`port ${port} is not a TCP port (1-65535)`);
  }
  if (registry === "index.docker.io") registry = DOCKER_HUB;
  for (const p of parts) {
    if (!PATH_COMPONENT.test(p)) {
      throw bad(p === "" ? "the repository name is missing or has an empty path component" : `'${p}' must be lowercase letters and digits, separated by '.', '_', '__' or '-'`);
    }
  }
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift("library");
  const repository = parts.join("/");
  if (repository.length > MAX_NAME) throw bad(`the repository name is longer than ${MAX_NAME} characters`);
  const ref = { registry, repository };
  if (tag !== void 0) ref.tag = tag;
  if (digest !== void 0) ref.digest = digest;
  return ref;
}
function apiHost(registry) {
  return registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
}
function isLoopbackRegistry(registry) {
  const host = registry.startsWith("[") ? registry.slice(0, registry.indexOf("]") + 1) : registry.replace(/:\d+$/, "");
  return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

// src/core/oci/registry/http.ts
var nodeHttp = process.getBuiltinModule("node:http");
function bodyLength(body) {
  if (Buffer.isBuffer(body)) return body.length;
  let n = 0;
  for (const piece of body) n += piece.length;
  return n;
}
var Agents = class {
  constructor(tls) {
    this.tls = tls;
  }
  tls;
  http = new nodeHttp.Agent({ keepAlive: true, maxSockets: 4 });
  secure;
  get https() {
    this.secure ??= new (process.getBuiltinModule("node:https")).Agent({
      keepAlive: true,
      maxSockets: 4,
      rejectUnauthorized: this.tls.rejectUnauthorized,
      ...this.tls.ca ? { ca: this.tls.ca } : {}
    });
    return this.secure;
  }
  destroy() {
    this.http.destroy();
    this.secure?.destroy();
  }
};
function createAgents(tls) {
  return new Agents(tls);
}
var HttpNetworkError = class extends Error {
  constructor(message, code, bodyStarted) {
    super(message);
    this.code = code;
    this.bodyStarted = bodyStarted;
  }
  code;
  bodyStarted;
  name = "HttpNetworkError";
};
var DEFAULT_MAX_RESPONSE = 16 * 1024 * 1024;
function transport(isHttps) {
  return isHttps ? process.getBuiltinModule("node:https") : nodeHttp;
}
function sendHttp(agents, req) {
  const isHttps = req.url.protocol === "https:";
  const mod = transport(isHttps);
  const headers = { "user-agent": "ruddervirt", ...req.headers };
  const length = req.body ? bodyLength(req.body) : 0;
  if (req.body) headers["content-length"] = String(length);
  else if (req.method === "PUT" || req.method === "POST" || req.method === "PATCH") headers["content-length"] = "0";
  return new Promise((resolve, reject) => {
    let bodyStarted = false;
    const fail = (err) => {
      if (req.signal?.aborted) reject(req.signal.reason instanceof Error ? req.signal.reason : new Error("aborted"));
      else reject(new HttpNetworkError(`${req.method} ${req.url.origin}${req.url.pathname}: ${err.message}`, err.code, bodyStarted));
    };
    const r = mod.request(req.url, { method: req.method, headers, agent: isHttps ? agents.https : agents.http, signal: req.signal, timeout: req.timeoutMs ?? 12e4 }, (res) => {
      readResponse(res, req.maxResponseBytes, resolve, fail);
    });
    r.on("error", fail);
    r.on("timeout", () => r.destroy(Object.assign(new Error("socket timed out"), { code: "ETIMEDOUT" })));
    if (req.body && length > 0) {
      bodyStarted = true;
      if (Buffer.isBuffer(req.body)) r.end(req.body);
      else {
        for (const piece of req.body) if (piece.length > 0) r.write(piece);
        r.end();
      }
    } else r.end();
  });
}
function streamHttp(agents, req) {
  const isHttps = req.url.protocol === "https:";
  const mod = transport(isHttps);
  const headers = { "user-agent": "ruddervirt", ...req.headers };
  let failure;
  let answered = false;
  let settled = false;
  const waiting = /* @__PURE__ */ new Set();
  let settle;
  const response = new Promise((resolve, reject) => settle = { resolve, reject });
  response.catch(() => void 0);
  const fail = (err) => {
    if (failure) return;
    failure = req.signal?.aborted ? req.signal.reason instanceof Error ? req.signal.reason : new Error("aborted") : new HttpNetworkError(`${req.method} ${req.url.origin}${req.url.pathname}: ${err.message}`, err.code, true);
    for (const w of waiting) w.reject(failure);
    waiting.clear();
    if (!settled) settle.reject(failure);
    settled = true;
  };
  const r = mod.request(req.url, { method: req.method, headers, agent: isHttps ? agents.https : agents.http, signal: req.signal, timeout: req.timeoutMs ?? 12e4 }, (res) => {
    answered = true;
    for (const w of waiting) w.resolve();
    waiting.clear();
    readResponse(
      res,
      req.maxResponseBytes,
      (response2) => {
        if (!settled) settle.resolve(response2);
        settled = true;
      },
      fail
    );
  });
  r.on("error", fail);
  r.on("timeout", () => r.destroy(Object.assign(new Error("socket timed out"), { code: "ETIMEDOUT" })));
  return {
    get answered() {
      return answered;
    },
    response,
    write(piece) {
      if (answered) return Promise.resolve();
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        const w = { resolve, reject };
        waiting.add(w);
        r.write(piece, (err) => {
          if (!waiting.delete(w)) return;
          if (err) {
            fail(err);
            reject(failure ?? err);
          } else resolve();
        });
      });
    },
    end() {
      if (!answered && !failure) r.end();
      return response;
    },
    abort() {
      r.destroy();
    }
  };
}
function openHttp(agents, req) {
  const isHttps = req.url.protocol === "https:";
  const mod = transport(isHttps);
  const headers = { "user-agent": "ruddervirt", ...req.headers };
  return new Promise((resolve, reject) => {
    const fail = (err) => {
      if (req.signal?.aborted) reject(req.signal.reason instanceof Error ? req.signal.reason : new Error("aborted"));
      else reject(new HttpNetworkError(`${req.method} ${req.url.origin}${req.url.pathname}: ${err.message}`, err.code, false));
    };
    const r = mod.request(
      req.url,
      { method: req.method, headers, agent: isHttps ? agents.https : agents.http, signal: req.signal, timeout: req.timeoutMs ?? 12e4 },
      (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res })
    );
    r.on("error", fail);
    r.on("timeout", () => r.destroy(Object.assign(new Error("socket timed out"), { code: "ETIMEDOUT" })));
    r.end();
  });
}
async function discardBody(body) {
  const chunks = [];
  let length = 0;
  try {
    for await (const chunk of body) {
      length += chunk.length;
      if (length <= 64 * 1024) chunks.push(chunk);
      else {
        body.destroy();
        break;
      }
    }
  } catch {
  }
  return Buffer.concat(chunks);
}
function readResponse(res, maxBytes, done, fail) {
  const chunks = [];
  let length = 0;
  const max = maxBytes ?? DEFAULT_MAX_RESPONSE;
  res.on("data", (d) => {
    length += d.length;
    if (length <= max) chunks.push(d);
  });
  res.on("end", () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
  res.on("error", fail);
  res.on("aborted", () => fail(Object.assign(new Error("response aborted"), { code: "ECONNRESET" })));
}

// src/core/oci/registry/registry-error.ts
var RegistryError = class extends Error {
  constructor(message, status, codes = []) {
    super(message);
    this.status = status;
    this.codes = codes;
  }
  status;
  codes;
  name = "RegistryError";
};
var RegistryAuthError = class extends RegistryError {
  name = "RegistryAuthError";
};
function describeErrorBody(res) {
  const raw = res.body.toString("utf8");
  try {
    const parsed = JSON.parse(raw);
    if (Array.isArray(parsed.errors) && parsed.errors.length > 0) {
      const codes = parsed.errors.map((e) => String(e.code ?? "UNKNOWN"));
      return { text: parsed.errors.map((e) => `${e.code ?? "UNKNOWN"}: ${e.message ?? ""}`.trim()).join("; "), codes };
    }
  } catch {
  }
  const excerpt = raw.replace(/\s+/g, " ").trim().slice(0, 200);
  return { text: excerpt || `HTTP ${res.status}`, codes: [] };
}

// src/core/oci/registry/retry.ts
var DEFAULT_RETRY = { attempts: 5, baseDelayMs: 500, maxDelayMs: 15e3 };
function isRetryableStatus(status) {
  return status >= 500 || status === 429 || status === 408;
}
var TRANSIENT_CODES = /* @__PURE__ */ new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "UND_ERR_SOCKET"]);
function isRetryableError(err) {
  if (!(err instanceof HttpNetworkError)) return false;
  return err.code === void 0 || TRANSIENT_CODES.has(err.code) || /socket hang up|aborted/i.test(err.message);
}
function parseRetryAfter(value, now = Date.now()) {
  if (!value) return void 0;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1e3;
  const date = Date.parse(value);
  return Number.isNaN(date) ? void 0 : Math.max(0, date - now);
}
function backoffDelay(attempt, policy, retryAfterMs, random = Math.random) {
  if (retryAfterMs !== void 0) return Math.min(retryAfterMs, policy.maxDelayMs * 4);
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exp * (0.75 + random() * 0.5));
}

// src/core/oci/registry/www-authenticate.ts
var TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;
function parseWwwAuthenticate(header) {
  const challenges = [];
  let i = 0;
  const skipSpace = () => {
    while (i < header.length && (header[i] === " " || header[i] === "	")) i++;
  };
  const readToken = () => {
    const m = TOKEN.exec(header.slice(i));
    if (!m) return void 0;
    i += m[0].length;
    return m[0];
  };
  const readQuoted = () => {
    i++;
    let out = "";
    while (i < header.length && header[i] !== '"') {
      if (header[i] === "\\" && i + 1 < header.length) i++;
      out += header[i];
      i++;
    }
    i++;
    return out;
  };
  let current;
  while (i < header.length) {
    skipSpace();
    if (header[i] === ",") {
      i++;
      continue;
    }
    const start = i;
    const word = readToken();
    if (word === void 0) {
      i++;
      continue;
    }
    skipSpace();
    if (header[i] === "=" && current) {
      i++;
      skipSpace();
      const value = header[i] === '"' ? readQuoted() : readToken() ?? "";
      current.params[word.toLowerCase()] = value;
      continue;
    }
    if (header[i] === "=" && !current) {
      i = start + word.length + 1;
      continue;
    }
    current = { scheme: word.toLowerCase(), params: {} };
    challenges.push(current);
    const rest = /^[A-Za-z0-9._~+/-]+=*\s*(,|$)/.exec(header.slice(i));
    if (rest && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*=[^=]/.test(header.slice(i))) i += rest[0].length;
  }
  return challenges;
}

// src/core/oci/registry/client.ts
var PLAIN_PROBE_TIMEOUT_MS = 1e4;
function looksLikePlainHttp(err) {
  const text = `${err.code ?? ""} ${err instanceof Error ? err.message : ""}`;
  return /EPROTO|WRONG_VERSION_NUMBER|wrong version number|packet length too long|ECONNRESET|http request/i.test(text);
}
function isCertificateError(err) {
  const text = `${err.code ?? ""} ${err instanceof Error ? err.message : ""}`;
  return /CERT|certificate|self[- ]signed|UNABLE_TO_VERIFY|unable to verify/i.test(text);
}
function repositoryScope(repo, actions) {
  return `repository:${repo}:${actions}`;
}
var RegistryClient = class {
  constructor(opts) {
    this.opts = opts;
    this.registry = opts.registry;
    this.host = apiHost(opts.registry);
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.agents = createAgents({ ca: opts.ca, rejectUnauthorized: !opts.insecure });
  }
  opts;
  registry;
  host;
  agents;
  base;
  challenge;
  tokens = /* @__PURE__ */ new Map();
  retry;
  /** Closes the keep-alive sockets. */
  close() {
    this.agents.destroy();
  }
  get baseUrl() {
    if (!this.base) throw new Error("RegistryClient used before connect()");
    return this.base;
  }
  /** GET /v2/: picks https or (when allowed) http, and records the auth challenge. */
  async connect() {
    if (this.base) return;
    const loopback = isLoopbackRegistry(this.registry);
    const plainAllowed = this.opts.insecure === true || loopback;
    const candidates = loopback ? ["http:", "https:"] : plainAllowed ? ["https:", "http:"] : ["https:"];
    let lastError;
    for (const [index, scheme] of candidates.entries()) {
      const url = new URL(`${scheme}//${this.host}/v2/`);
      const fallback = index < candidates.length - 1;
      let res;
      try {
        res = await this.sendWithRetry({ method: "GET", url, ...fallback && scheme === "http:" ? { timeoutMs: PLAIN_PROBE_TIMEOUT_MS } : {} }, { retryNetwork: !fallback });
      } catch (err) {
        lastError = err;
        if (fallback && scheme === "http:") continue;
        if (scheme === "https:" && plainAllowed && looksLikePlainHttp(err)) continue;
        if (isCertificateError(err)) {
          throw new RegistryError(
            `${this.registry}: the TLS certificate is not trusted (${err instanceof Error ? err.message : String(err)}); pass the registry's CA with --ca-file, or --insecure to skip verification`,
            0
          );
        }
        if (scheme === "https:" && plainAllowed) continue;
        throw new RegistryError(`${this.registry}: cannot reach the registry (${err instanceof Error ? err.message : String(err)})`, 0);
      }
      if (res.status === 200 || res.status === 401) {
        this.base = new URL(`${scheme}//${this.host}`);
        if (res.status === 401) this.challenge = this.pickChallenge(res);
        if (scheme === "http:") this.opts.logger.debug(`${this.registry}: using plain http`);
        return;
      }
      if (fallback && scheme === "http:" && res.status === 400) continue;
      if (res.status === 404) throw new RegistryError(`${this.registry}: GET /v2/ answered 404; this is not an OCI distribution registry`, 404);
      lastError = new RegistryError(`${this.registry}: GET /v2/ answered HTTP ${res.status} (${describeErrorBody(res).text})`, res.status);
      if (fallback && scheme === "http:") throw lastError;
    }
    throw lastError instanceof RegistryError ? lastError : new RegistryError(`${this.registry}: cannot reach the registry (${lastError instanceof Error ? lastError.message : String(lastError)})`, 0);
  }
  pickChallenge(res) {
    const header = res.headers["www-authenticate"];
    const challenges = parseWwwAuthenticate(Array.isArray(header) ? header.join(", ") : header ?? "");
    return challenges.find((c) => c.scheme === "bearer") ?? challenges.find((c) => c.scheme === "basic");
  }
  /** Resolves a Location header (absolute or relative) against the registry. */
  resolve(location) {
    return new URL(location, this.baseUrl);
  }
  async sendWithRetry(req, opts) {
    for (let attempt = 1; ; attempt++) {
      this.opts.signal?.throwIfAborted();
      try {
        const res = await sendHttp(this.agents, { ...req, signal: this.opts.signal, maxResponseBytes: opts.maxResponseBytes });
        if (opts.retryStatus !== false && isRetryableStatus(res.status) && attempt < this.retry.attempts) {
          const retryAfter = parseRetryAfter(headerValue(res, "retry-after"));
          const wait = backoffDelay(attempt, this.retry, retryAfter);
          this.opts.logger.warn(`${req.method} ${req.url.pathname}: HTTP ${res.status}, retrying in ${(wait / 1e3).toFixed(1)}s (try ${attempt + 1}/${this.retry.attempts})`);
          await sleep(wait, this.opts.signal);
          continue;
        }
        return res;
      } catch (err) {
        if (opts.retryNetwork !== false && isRetryableError(err) && attempt < this.retry.attempts) {
          const wait = backoffDelay(attempt, this.retry);
          this.opts.logger.warn(`${err.message}; retrying in ${(wait / 1e3).toFixed(1)}s (try ${attempt + 1}/${this.retry.attempts})`);
          await sleep(wait, this.opts.signal);
          continue;
        }
        throw err;
      }
    }
  }
  /**
   * One API call with auth: answers a 401 by (re)authenticating for the scopes the challenge asks
   * for and sending the request once more.
   */
  async call(method, target, opts = {}) {
    await this.connect();
    const url = typeof target === "string" ? this.resolve(target) : target;
    let scopes = opts.scopes ?? [];
    for (let authTry = 0; ; authTry++) {
      const headers = { ...opts.headers };
      const authorization = url.host === this.baseUrl.host ? await this.authorization(scopes, authTry > 0) : void 0;
      if (authorization) headers.authorization = authorization;
      const res = await this.sendWithRetry({ method, url, headers, body: opts.body }, opts);
      if (res.status !== 401 || authTry > 0) {
        if (res.status === 401 || res.status === 403) throw this.authError(res, method, url);
        return res;
      }
      const challenge = this.pickChallenge(res);
      if (!challenge) throw this.authError(res, method, url);
      this.challenge = challenge;
      if (challenge.params.scope) scopes = [.../* @__PURE__ */ new Set([...scopes, ...challenge.params.scope.split(" ")])];
    }
  }
  /**
   * A request whose body the caller streams (streamHttp), with the token for `scopes`. Its body
   * cannot be sent twice, so a 401 is the caller's to answer: it asks again with `refreshAuth`.
   */
  async openStream(method, url, opts) {
    await this.connect();
    const headers = { ...opts.headers };
    const authorization = url.host === this.baseUrl.host ? await this.authorization(opts.scopes, opts.refreshAuth === true) : void 0;
    if (authorization) headers.authorization = authorization;
    return streamHttp(this.agents, { method, url, headers, ...this.opts.signal ? { signal: this.opts.signal } : {} });
  }
  authError(res, method, url) {
    const { text, codes } = describeErrorBody(res);
    const who = this.opts.credential ? `with credentials from ${this.opts.credentialSource ?? "the options"}` : "anonymously (no credentials found)";
    const verb = res.status === 403 ? "denied" : "refused";
    return new RegistryAuthError(`${this.registry}: ${method} ${url.pathname} was ${verb} ${who}: ${text}`, res.status, codes);
  }
  basicHeader() {
    const c = this.opts.credential;
    if (!c?.username || c.password === void 0) return void 0;
    return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}`;
  }
  async authorization(scopes, refresh) {
    const challenge = this.challenge;
    if (!challenge) return void 0;
    if (challenge.scheme === "basic") return this.basicHeader();
    if (challenge.scheme !== "bearer") return void 0;
    const key = [...scopes].sort().join(" ");
    const cached = this.tokens.get(key);
    if (cached && !refresh && cached.expiresAt > Date.now()) return `Bearer ${cached.token}`;
    const token = await this.fetchToken(challenge, scopes);
    this.tokens.set(key, token);
    return `Bearer ${token.token}`;
  }
  /** The token endpoint of the bearer challenge (the "Docker token" flow, and OAuth2 for identity tokens). */
  async fetchToken(challenge, scopes) {
    const realm = challenge.params.realm;
    if (!realm) throw new RegistryAuthError(`${this.registry}: the bearer challenge names no token realm`, 401);
    const url = new URL(realm);
    const credential = this.opts.credential;
    let res;
    if (credential?.identityToken) {
      const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: credential.identityToken, client_id: "ruddervirt" });
      if (challenge.params.service) form.set("service", challenge.params.service);
      if (scopes.length) form.set("scope", scopes.join(" "));
      res = await this.sendWithRetry({ method: "POST", url, headers: { "content-type": "application/x-www-form-urlencoded" }, body: Buffer.from(form.toString()) }, {});
    } else {
      if (challenge.params.service) url.searchParams.set("service", challenge.params.service);
      for (const s of scopes) url.searchParams.append("scope", s);
      const basic = this.basicHeader();
      res = await this.sendWithRetry({ method: "GET", url, headers: basic ? { authorization: basic } : {} }, {});
    }
    if (res.status !== 200) {
      const who = credential ? `the credentials from ${this.opts.credentialSource ?? "the options"}` : "an anonymous request";
      throw new RegistryAuthError(`${this.registry}: the token service ${url.origin}${url.pathname} refused ${who} (HTTP ${res.status}: ${describeErrorBody(res).text})`, res.status);
    }
    let body;
    try {
      body = JSON.parse(res.body.toString("utf8"));
    } catch {
      throw new RegistryAuthError(`${this.registry}: the token service answered something that is not JSON`, res.status);
    }
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryAuthError(`${this.registry}: the token service answered without a token`, res.status);
    this.opts.onSecret?.(token);
    const lifetime = (typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 60) * 1e3;
    return { token, expiresAt: Date.now() + lifetime - Math.min(1e4, lifetime / 4) };
  }
  /** Fails with the registry's own error text when the status is not one of `ok`. */
  expect(res, ok, what) {
    if (ok.includes(res.status)) return res;
    const { text, codes } = describeErrorBody(res);
    throw new RegistryError(`${this.registry}: ${what} failed with HTTP ${res.status}: ${text}`, res.status, codes);
  }
  // ---- blobs ----
  async blobExists(repo, digest) {
    const res = await this.call("HEAD", `/v2/${repo}/blobs/${digest}`, { scopes: [repositoryScope(repo, "pull,push")] });
    if (res.status === 404) return false;
    return this.expect(res, [200, 307, 302], `HEAD blob ${digest} in ${repo}`) !== void 0;
  }
  async getBlob(repo, digest, maxBytes = 4 * 1024 * 1024) {
    let url = this.resolve(`/v2/${repo}/blobs/${digest}`);
    for (let hops = 0; hops < 5; hops++) {
      const res = await this.call("GET", url, { scopes: [repositoryScope(repo, "pull,push")], maxResponseBytes: maxBytes });
      const location = headerValue(res, "location");
      if ([301, 302, 303, 307, 308].includes(res.status) && location) {
        url = new URL(location, url);
        continue;
      }
      this.expect(res, [200], `GET blob ${digest} from ${repo}`);
      if (sha256(res.body) !== digest) throw new RegistryError(`${this.registry}: blob ${digest} in ${repo} does not match its digest`, 200);
      return res.body;
    }
    throw new RegistryError(`${this.registry}: too many redirects reading blob ${digest}`, 0);
  }
  /**
   * Opens a blob for streaming from byte `offset` on (a Range request; the answer is 206 when the
   * registry or its storage honoured it, 200 when it sends the whole blob again). Auth, redirects
   * to storage and transient failures before the body starts are handled here; the caller
   * verifies the digest and reopens at its offset when the body breaks off.
   */
  async openBlob(repo, digest, offset = 0) {
    await this.connect();
    let url = this.resolve(`/v2/${repo}/blobs/${digest}`);
    let scopes = [repositoryScope(repo, "pull")];
    let refreshed = false;
    for (let hops = 0, attempt = 1; hops < 8; ) {
      this.opts.signal?.throwIfAborted();
      const headers = offset > 0 ? { range: `bytes=${offset}-` } : {};
      const authorization = url.host === this.baseUrl.host ? await this.authorization(scopes, refreshed) : void 0;
      if (authorization) headers.authorization = authorization;
      let res;
      try {
        res = await openHttp(this.agents, { method: "GET", url, headers, ...this.opts.signal ? { signal: this.opts.signal } : {} });
      } catch (err) {
        if (isRetryableError(err) && attempt < this.retry.attempts) {
          const wait = backoffDelay(attempt++, this.retry);
          this.opts.logger.warn(`${err.message}; retrying in ${(wait / 1e3).toFixed(1)}s (try ${attempt}/${this.retry.attempts})`);
          await sleep(wait, this.opts.signal);
          continue;
        }
        throw err;
      }
      if (res.status === 200 || res.status === 206) return res;
      const body = await discardBody(res.body);
      const buffered = { status: res.status, headers: res.headers, body };
      const location = headerValue(buffered, "location");
      if ([301, 302, 303, 307, 308].includes(res.status) && location) {
        url = new URL(location, url);
        hops++;
        continue;
      }
      if (res.status === 401 && !refreshed && url.host === this.baseUrl.host) {
        const challenge = this.pickChallenge(buffered);
        if (!challenge) throw this.authError(buffered, "GET", url);
        this.challenge = challenge;
        if (challenge.params.scope) scopes = [.../* @__PURE__ */ new Set([...scopes, ...challenge.params.scope.split(" ")])];
        refreshed = true;
        continue;
      }
      if (res.status === 401 || res.status === 403) throw this.authError(buffered, "GET", url);
      if (isRetryableStatus(res.status) && attempt < this.retry.attempts) {
        const wait = backoffDelay(attempt++, this.retry, parseRetryAfter(headerValue(buffered, "retry-after")));
        this.opts.logger.warn(`GET blob ${digest}: HTTP ${res.status}, retrying in ${(wait / 1e3).toFixed(1)}s (try ${attempt}/${this.retry.attempts})`);
        await sleep(wait, this.opts.signal);
        continue;
      }
      this.expect(buffered, [200], `GET blob ${digest} from ${repo}`);
    }
    throw new RegistryError(`${this.registry}: too many redirects reading blob ${digest}`, 0);
  }
  /** Cross-repository mount; false when the registry started an upload instead (it could not mount). */
  async mountBlob(repo, digest, fromRepo) {
    const res = await this.call("POST", `/v2/${repo}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(fromRepo)}`, {
      scopes: [repositoryScope(repo, "pull,push"), repositoryScope(fromRepo, "pull")]
    });
    if (res.status === 201) return true;
    this.expect(res, [202], `mount ${digest} from ${fromRepo} into ${repo}`);
    const location = headerValue(res, "location");
    if (location) await this.call("DELETE", location, { scopes: [repositoryScope(repo, "pull,push")] }).catch(() => void 0);
    return false;
  }
  /** POST …/blobs/uploads/: a new upload session's URL. */
  async startUpload(repo) {
    const res = this.expect(await this.call("POST", `/v2/${repo}/blobs/uploads/`, { scopes: [repositoryScope(repo, "pull,push")] }), [202], `start a blob upload in ${repo}`);
    const location = headerValue(res, "location");
    if (!location) throw new RegistryError(`${this.registry}: the upload session answer has no Location`, res.status);
    return this.resolve(location);
  }
  /** Small blobs (configs): one POST for the session and one PUT with the bytes. */
  async pushBlob(repo, data, digest = sha256(data)) {
    if (await this.blobExists(repo, digest)) return;
    const location = await this.startUpload(repo);
    const res = await this.call("PUT", withDigest(location, digest), {
      scopes: [repositoryScope(repo, "pull,push")],
      body: data,
      headers: { "content-type": "application/octet-stream" }
    });
    this.expect(res, [201], `upload blob ${digest} to ${repo}`);
    this.checkReturnedDigest(res, digest, `blob in ${repo}`);
  }
  checkReturnedDigest(res, digest, what) {
    const returned = headerValue(res, "docker-content-digest");
    if (returned && returned !== digest) {
      throw new RegistryError(`${this.registry}: the registry stored ${what} as ${returned}, but we sent ${digest}`, res.status, ["DIGEST_INVALID"]);
    }
  }
  // ---- manifests ----
  async getManifest(repo, reference) {
    const res = await this.call("GET", `/v2/${repo}/manifests/${reference}`, {
      scopes: [repositoryScope(repo, "pull,push")],
      headers: { accept: ACCEPTED_MANIFESTS.join(", ") }
    });
    if (res.status === 404) return void 0;
    this.expect(res, [200], `GET manifest ${repo}:${reference}`);
    const digest = sha256(res.body);
    if (isSha256Digest(reference) && digest !== reference) {
      throw new RegistryError(`${this.registry}: manifest ${repo}@${reference} does not match its digest`, 200);
    }
    let mediaType = (headerValue(res, "content-type") ?? "").split(";")[0].trim();
    try {
      const parsed = JSON.parse(res.body.toString("utf8"));
      if (parsed.mediaType) mediaType = parsed.mediaType;
    } catch {
      throw new RegistryError(`${this.registry}: manifest ${repo}:${reference} is not JSON`, 200);
    }
    return { mediaType, digest, body: res.body };
  }
  async putManifest(repo, reference, body, mediaType) {
    const digest = sha256(body);
    const res = await this.call("PUT", `/v2/${repo}/manifests/${reference}`, {
      scopes: [repositoryScope(repo, "pull,push")],
      body,
      headers: { "content-type": mediaType }
    });
    this.expect(res, [201, 200], `PUT manifest ${repo}:${reference}`);
    this.checkReturnedDigest(res, digest, `manifest ${repo}:${reference}`);
    return digest;
  }
};
function headerValue(res, name) {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
function withDigest(location, digest) {
  const url = new URL(location);
  url.searchParams.set("digest", digest);
  return url;
}

// src/core/oci/registry/credentials.ts
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
var DOCKER_HUB_KEY = "https://index.docker.io/v1/";
function defaultDockerConfigPath(env = process.env) {
  return env.DOCKER_CONFIG ? path.join(env.DOCKER_CONFIG, "config.json") : path.join(env.HOME ?? os.homedir(), ".docker", "config.json");
}
function normalizeConfigKey(key) {
  let host = key.replace(/^[a-z]+:\/\//i, "");
  host = host.split("/")[0] ?? host;
  if (host === "index.docker.io" || host === "registry-1.docker.io" || host === "docker.io") return DOCKER_HUB;
  return host.toLowerCase();
}
function findEntry(map, registry) {
  if (!map) return void 0;
  if (registry === DOCKER_HUB && map[DOCKER_HUB_KEY] !== void 0) return map[DOCKER_HUB_KEY];
  if (map[registry] !== void 0) return map[registry];
  const wanted = normalizeConfigKey(registry);
  for (const [key, value] of Object.entries(map)) if (normalizeConfigKey(key) === wanted) return value;
  return void 0;
}
var CREDENTIAL_HELPER_TIMEOUT_MS = 3e4;
async function runCredentialHelper(binary, serverUrl, env, signal, timeoutMs = CREDENTIAL_HELPER_TIMEOUT_MS) {
  const name = path.basename(binary);
  signal?.throwIfAborted();
  const child = spawn(binary, ["get"], { env, stdio: ["pipe", "pipe", "pipe"], detached: true });
  const killGroup = () => {
    try {
      if (child.pid !== void 0) process.kill(-child.pid, "SIGKILL");
    } catch {
    }
  };
  const stdout = [];
  const stderr = [];
  child.stdout.on("data", (d) => stdout.push(d));
  child.stderr.on("data", (d) => stderr.push(d));
  child.stdin.on("error", () => void 0);
  child.stdin.end(serverUrl);
  child.on("exit", killGroup);
  let why;
  const onAbort = () => {
    why = "cancelled";
    killGroup();
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => {
    why = `did not answer within ${timeoutMs / 1e3} s`;
    killGroup();
  }, timeoutMs);
  let code;
  try {
    code = await new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", resolve);
    });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    killGroup();
  }
  if (why === "cancelled") throw signal?.reason instanceof Error ? signal.reason : new Error(`${name} was cancelled`);
  if (why) throw new Error(`${name} ${why}`);
  const out = Buffer.concat(stdout).toString("utf8").trim();
  const err = Buffer.concat(stderr).toString("utf8").trim();
  if (code !== 0) {
    if (/not found/i.test(out + err)) return void 0;
    throw new Error(`${name} exited with ${code}${err ? `: ${err.slice(0, 500)}` : " (its output is not shown: it may hold the secret)"}`);
  }
  let parsed;
  try {
    parsed = JSON.parse(out);
  } catch {
    throw new Error(`${name} printed something that is not JSON`);
  }
  if (!parsed.Secret) return void 0;
  return parsed.Username === "<token>" ? { identityToken: parsed.Secret } : { username: parsed.Username ?? "", password: parsed.Secret };
}
function decodeAuthsEntry(configPath, key, entry) {
  if (entry.identitytoken) return { identityToken: entry.identitytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) throw new Error(`${configPath}: auths["${key}"].auth is not base64 of username:password`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username !== void 0 && entry.password !== void 0) return { username: entry.username, password: entry.password };
  return void 0;
}
var CredentialError = class extends Error {
  name = "CredentialError";
};
async function resolveCredential(registry, opts = {}) {
  const env = opts.env ?? process.env;
  const register = (c) => {
    for (const s of [c?.password, c?.identityToken]) if (s) opts.onSecret?.(s);
    return c;
  };
  if (opts.username !== void 0 || opts.password !== void 0) {
    if (!opts.username || !opts.password) throw new CredentialError("registry credentials need both a username and a password");
    return { credential: register({ username: opts.username, password: opts.password }), source: "the given username/password" };
  }
  const envUser = env.RUDDERVIRT_REGISTRY_USERNAME;
  const envPassword = env.RUDDERVIRT_REGISTRY_PASSWORD;
  if (envUser || envPassword) {
    if (!envUser || !envPassword) throw new CredentialError("set both RUDDERVIRT_REGISTRY_USERNAME and RUDDERVIRT_REGISTRY_PASSWORD, or neither");
    return { credential: register({ username: envUser, password: envPassword }), source: "RUDDERVIRT_REGISTRY_USERNAME/PASSWORD" };
  }
  const configPath = opts.dockerConfig ?? defaultDockerConfigPath(env);
  let config;
  try {
    config = JSON.parse(await readFile(configPath, "utf8"));
  } catch (err) {
    if (err.code === "ENOENT" && opts.dockerConfig === void 0) return { source: "anonymous (no docker config)" };
    if (err.code === "ENOENT") throw new CredentialError(`${configPath}: no such docker config file`);
    throw new CredentialError(`${configPath}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof config !== "object" || config === null) throw new CredentialError(`${configPath}: expected a JSON object`);
  const helpers = [];
  const perRegistry = findEntry(config.credHelpers, registry);
  if (perRegistry) helpers.push([perRegistry, `credHelpers["${registry}"]`]);
  if (config.credsStore) helpers.push([config.credsStore, "credsStore"]);
  for (const [helper, where] of helpers) {
    const binary = findOnPath(`docker-credential-${helper}`, env);
    if (!binary) {
      opts.logger?.warn(`${configPath}: ${where} names docker-credential-${helper}, which is not installed; skipping it`);
      continue;
    }
    const serverUrl = registry === DOCKER_HUB ? DOCKER_HUB_KEY : registry;
    let credential;
    try {
      credential = await runCredentialHelper(binary, serverUrl, env, opts.signal, opts.helperTimeoutMs);
    } catch (err) {
      throw new CredentialError(`${configPath}: ${where}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (credential) return { credential: register(credential), source: `docker-credential-${helper} (${configPath})` };
  }
  const authsKey = config.auths ? Object.keys(config.auths).find((k) => findEntry({ [k]: true }, registry)) : void 0;
  if (authsKey !== void 0) {
    const credential = decodeAuthsEntry(configPath, authsKey, config.auths[authsKey]);
    if (credential) return { credential: register(credential), source: `auths["${authsKey}"] in ${configPath}` };
  }
  return { source: `anonymous (no entry for ${registry} in ${configPath})` };
}

export {
  isSha256Digest,
  sha256,
  digestHex,
  DiskFormatError,
  classifyDiskHeader,
  inspectDisk,
  OCI_MANIFEST,
  OCI_INDEX,
  DOCKER_MANIFEST,
  mediaTypesFor,
  isIndexType,
  layerCompression,
  DEFAULT_PLATFORM,
  parsePlatform,
  formatPlatform,
  ImageReferenceError,
  parseImageReference,
  HttpNetworkError,
  RegistryError,
  describeErrorBody,
  DEFAULT_RETRY,
  isRetryableStatus,
  isRetryableError,
  backoffDelay,
  repositoryScope,
  RegistryClient,
  headerValue,
  withDigest,
  CredentialError,
  resolveCredential
};
