import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __require = /* @__PURE__ */ ((x) => typeof require !== "undefined" ? require : typeof Proxy !== "undefined" ? new Proxy(x, {
  get: (a, b) => (typeof require !== "undefined" ? require : a)[b]
}) : x)(function(x) {
  if (typeof require !== "undefined") return require.apply(this, arguments);
  throw Error('Dynamic require of "' + x + '" is not supported');
});
var __commonJS = (cb, mod) => function __require2() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// src/core/errors.ts
var UserError = class extends Error {
  constructor(message, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
  exitCode;
  name = "UserError";
};

// src/cli/command.ts
var UsageError = class extends Error {
  name = "UsageError";
};

// src/core/config/problems.ts
function formatProblem(p) {
  return `${p.file}:${p.line}:${p.column}: ${p.path ? p.path + ": " : ""}${p.message}`;
}
function sortProblems(problems) {
  const seen = /* @__PURE__ */ new Set();
  return [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column).filter((p) => {
    const key = formatProblem(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
var BuildFileError = class extends UserError {
  name = "BuildFileError";
  problems;
  constructor(problems) {
    const sorted = sortProblems(problems);
    super(sorted.map(formatProblem).join("\n"));
    this.problems = sorted;
  }
};
function formatPath(path) {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (!/^[A-Za-z_][\w-]*$/.test(seg)) out += `[${JSON.stringify(seg)}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}

// src/core/log.ts
var SecretMasker = class {
  secrets = /* @__PURE__ */ new Set();
  add(secret) {
    if (secret) this.secrets.add(secret);
  }
  mask(text) {
    let out = text;
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) {
      out = out.split(s).join("***");
    }
    return out;
  }
};
function formatBytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
function formatProgress(p) {
  const parts = [p.phase];
  if (p.done !== void 0) {
    const fmt = p.unit === "bytes" ? formatBytes : String;
    parts.push(p.total ? `${fmt(p.done)} / ${fmt(p.total)} (${(100 * p.done / p.total).toFixed(1)}%)` : fmt(p.done));
  }
  if (p.message) parts.push(p.message);
  return parts.join(" ");
}
var LineLogger = class _LineLogger {
  constructor(sink, masker = new SecretMasker(), prefix = "", verbose = false) {
    this.sink = sink;
    this.masker = masker;
    this.prefix = prefix;
    this.verbose = verbose;
  }
  sink;
  masker;
  prefix;
  verbose;
  emit(level, message) {
    for (const line of this.masker.mask(message).split("\n")) this.sink(level, this.prefix + line);
  }
  info(message) {
    this.emit("info", message);
  }
  warn(message) {
    this.emit("warn", message);
  }
  error(message) {
    this.emit("error", message);
  }
  debug(message) {
    if (this.verbose) this.emit("debug", message);
  }
  progress(p) {
    this.emit("info", formatProgress(p));
  }
  child(prefix) {
    return new _LineLogger(this.sink, this.masker, `${this.prefix}[${prefix}] `, this.verbose);
  }
};

// src/core/abort.ts
var CancelledError = class extends Error {
  name = "CancelledError";
  constructor(message = "Build was cancelled.") {
    super(message);
  }
};
function abortReason(signal) {
  return signal.reason instanceof Error ? signal.reason : new CancelledError();
}
function throwIfAborted(signal) {
  if (signal.aborted) throw abortReason(signal);
}
var MAX_TIMER_MS = 2 ** 31 - 1;
async function sleep(ms, signal) {
  let left = Math.max(0, ms);
  do {
    if (signal?.aborted) throw abortReason(signal);
    const chunk = Math.min(left, MAX_TIMER_MS);
    left -= chunk;
    await new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortReason(signal));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, chunk);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  } while (left > 0);
}

export {
  __require,
  __commonJS,
  __export,
  __toESM,
  UserError,
  UsageError,
  formatProblem,
  BuildFileError,
  formatPath,
  SecretMasker,
  formatBytes,
  formatProgress,
  LineLogger,
  CancelledError,
  abortReason,
  throwIfAborted,
  sleep
};
