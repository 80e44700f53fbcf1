import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/core/log.ts
var MIN_SECRET_LINE = 8;
var SecretMasker = class {
  secrets = /* @__PURE__ */ new Set();
  sorted;
  add(secret) {
    if (!secret) return;
    this.secrets.add(secret);
    const json = JSON.stringify(secret).slice(1, -1);
    if (json !== secret) this.secrets.add(json);
    const quoted = secret.replaceAll("'", `'"'"'`);
    if (quoted !== secret) this.secrets.add(quoted);
    if (/[\r\n]/.test(secret)) {
      for (const line of secret.split(/\r\n|\r|\n/)) {
        const t = line.trim();
        if (t.length >= MIN_SECRET_LINE) this.secrets.add(t);
      }
    }
    this.sorted = void 0;
  }
  /** The longest text masked; a stream cut into pieces must hold back this much less one. */
  get longest() {
    return this.ordered()[0]?.length ?? 0;
  }
  mask(text) {
    let out = text;
    for (const s of this.ordered()) out = out.split(s).join("***");
    return out;
  }
  /** Longest first, so a secret containing another is masked whole. */
  ordered() {
    this.sorted ??= [...this.secrets].sort((a, b) => b.length - a.length);
    return this.sorted;
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

// src/core/config/did-you-mean.ts
function suggest(input, candidates) {
  const list = [...candidates];
  const folded = fold(input);
  const exact = list.find((c) => fold(c) === folded);
  if (exact !== void 0) return exact;
  const extended = folded.length >= 2 ? list.filter((c) => fold(c).startsWith(folded)) : [];
  if (extended.length === 1) return extended[0];
  const budget = Math.max(1, Math.floor(input.length / 3));
  let best;
  let bestDistance = Infinity;
  for (const c of list) {
    const target = fold(c);
    const d = editDistance(folded, target);
    if (d <= budget && d < bestDistance && d < target.length && d < folded.length) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
function didYouMean(input, candidates) {
  const s = suggest(input, candidates);
  return s === void 0 ? "" : `; did you mean '${s}'?`;
}
function fold(s) {
  return s.toLowerCase().replace(/[-_\s]/g, "");
}
function editDistance(a, b) {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_2, j) => i === 0 ? j : j === 0 ? i : 0));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i];
      const prev = d[i - 1];
      let v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      row[j] = v;
    }
  }
  return d[a.length][b.length];
}

// src/core/regular-file.ts
import { constants } from "node:fs";
import { open, statfs } from "node:fs/promises";
var PROC_SUPER_MAGIC = 40864;
var SYSFS_MAGIC = 1650812274;
var NotRegularFileError = class extends UserError {
  constructor(file, kind) {
    super(`${file} is ${kind}, not a regular file`);
    this.file = file;
    this.kind = kind;
  }
  file;
  kind;
  name = "NotRegularFileError";
};
function describeFileType(st) {
  if (st.isFile()) return "a regular file";
  if (st.isDirectory()) return "a folder";
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  if (st.isSymbolicLink()) return "a symbolic link";
  return "a special file";
}
async function openRegularFile(file) {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new NotRegularFileError(file, describeFileType(stats));
    const fs = await statfs(file);
    if (fs.type === PROC_SUPER_MAGIC || fs.type === SYSFS_MAGIC) throw new NotRegularFileError(file, "a kernel interface file (/proc or /sys)");
    return { handle, stats };
  } catch (err) {
    await handle.close();
    throw err;
  }
}
function regularFileProblem(stats) {
  return stats.isFile() ? void 0 : `${describeFileType(stats)}, not a regular file`;
}

export {
  SecretMasker,
  formatBytes,
  formatProgress,
  LineLogger,
  NotRegularFileError,
  openRegularFile,
  regularFileProblem,
  suggest,
  didYouMean
};
