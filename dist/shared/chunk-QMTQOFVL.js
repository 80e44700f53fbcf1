import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  debug,
  endGroup,
  error,
  getInput,
  info,
  isDebug,
  setFailed,
  setSecret,
  startGroup,
  warning
} from "./chunk-U4TFD2UW.js";
import {
  package_default
} from "./chunk-RTG4RYVJ.js";
import {
  BuildFileError
} from "./chunk-MF7EYUNN.js";
import {
  CancelledError
} from "./chunk-BHXEFIUH.js";
import {
  SecretMasker,
  formatProgress
} from "./chunk-PXB3LWWR.js";
import {
  MAX_DURATION_TEXT,
  checkDuration
} from "./chunk-YBXMTZXO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/actions/toolkit/handoff.ts
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
var HANDOFF_VERSION = 2;
var TOOL_VERSION = package_default.version;
function emptyHandoff(engine) {
  return { handoffVersion: HANDOFF_VERSION, toolVersion: TOOL_VERSION, engine, sources: {}, vms: {}, snapshots: {}, publications: {} };
}
function handoffPath(env = process.env) {
  if (env.RUDDERVIRT_HANDOFF) return path.resolve(env.RUDDERVIRT_HANDOFF);
  return path.join(env.RUNNER_TEMP || os.tmpdir(), "ruddervirt", "handoff.json");
}
var HandoffError = class extends UserError {
  name = "HandoffError";
};
function checkHandoff(value, file) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new HandoffError(`${file} is not a RudderVirt handoff file (expected a JSON object)`);
  const h = value;
  if (h.toolVersion !== TOOL_VERSION || h.handoffVersion !== HANDOFF_VERSION) {
    throw new HandoffError(
      `${file} was written by RudderVirt ${String(h.toolVersion ?? "unknown")} (handoff format ${String(h.handoffVersion ?? "?")}), but this action is RudderVirt ${TOOL_VERSION} (handoff format ${HANDOFF_VERSION}). Use the same version (the same @ref) for every RudderVirt action in a job.`
    );
  }
  if (h.engine !== "local" && h.engine !== "kubevirt") throw new HandoffError(`${file}: engine must be local or kubevirt, got ${JSON.stringify(h.engine)}`);
  for (const key of ["sources", "vms", "snapshots", "publications"]) {
    if (typeof h[key] !== "object" || h[key] === null) throw new HandoffError(`${file}: '${key}' is missing or not an object`);
  }
  return h;
}
async function readHandoff(file = handoffPath()) {
  if (!existsSync(file)) return void 0;
  let value;
  try {
    value = JSON.parse(await readFile(file, "utf8"));
  } catch (err) {
    throw new HandoffError(`${file} cannot be read as JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return checkHandoff(value, file);
}
async function requireHandoff(expectedFrom, file = handoffPath()) {
  const h = await readHandoff(file);
  if (!h) throw new HandoffError(`no handoff file at ${file}: run ${expectedFrom} earlier in the same job (or set RUDDERVIRT_HANDOFF to its file)`);
  return h;
}
async function writeHandoff(handoff, file = handoffPath()) {
  await mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, JSON.stringify(handoff, null, 2) + "\n", { mode: 384 });
  await rename(partial, file);
}
async function updateHandoff(engine, change, file = handoffPath()) {
  const h = await readHandoff(file) ?? emptyHandoff(engine);
  change(h);
  await writeHandoff(h, file);
  return h;
}

// src/actions/toolkit/inputs.ts
var InputError = class extends UserError {
  constructor(input, detail) {
    super(`input '${input}': ${detail}`);
    this.input = input;
  }
  input;
  name = "InputError";
};
function optionalInput(name) {
  const v = getInput(name);
  return v === "" ? void 0 : v;
}
function parseBoolean(name, text, fallback) {
  const v = text.trim().toLowerCase();
  if (v === "") return fallback;
  if (v === "true") return true;
  if (v === "false") return false;
  throw new InputError(name, `expected true or false, got '${text}'`);
}
function booleanInput(name, fallback) {
  return parseBoolean(name, getInput(name), fallback);
}
function parseEnum(name, text, allowed, fallback) {
  if (text === "") return fallback;
  if (allowed.includes(text)) return text;
  throw new InputError(name, `expected one of ${allowed.join(", ")}, got '${text}'`);
}
function enumInput(name, allowed, fallback) {
  return parseEnum(name, getInput(name), allowed, fallback);
}
function parseDurationInput(name, text) {
  const v = text.trim();
  if (v === "" || v === "0") return void 0;
  const checked = checkDuration(v);
  if ("error" in checked || checked.ms < 0) throw new InputError(name, `expected a duration such as 90s, 20m or 1h30m, at most ${MAX_DURATION_TEXT}, got '${text}'`);
  return checked.ms;
}
function durationInput(name) {
  return parseDurationInput(name, getInput(name));
}
function parseKeyValueLines(name, text) {
  const out = {};
  const lines = text.split("\n");
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const eq = line.indexOf("=");
    const key = eq < 0 ? "" : line.slice(0, eq).trim();
    if (eq < 0 || key === "") throw new InputError(name, `line ${i + 1}: expected key=value, got '${line.trim()}'`);
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) throw new InputError(name, `line ${i + 1}: '${key}' is not a variable name (letters, digits, _ . -)`);
    if (Object.hasOwn(out, key)) throw new InputError(name, `line ${i + 1}: '${key}' is set twice`);
    out[key] = line.slice(eq + 1);
  }
  return out;
}
function keyValueInput(name) {
  return parseKeyValueLines(name, getInput(name, { trimWhitespace: false }));
}
function parseList(text) {
  return text.split(/[\n,]/).map((s) => s.trim()).filter((s) => s !== "" && !s.startsWith("#"));
}
function listInput(name) {
  return parseList(getInput(name));
}
function parseHttpUrl(name, text, placeholders = {}) {
  const v = text.trim();
  let filled = v;
  for (const [key, sample] of Object.entries(placeholders)) filled = filled.replaceAll(key, sample);
  let url;
  try {
    url = new URL(filled);
  } catch {
    url = void 0;
  }
  if (!url || url.protocol !== "http:" && url.protocol !== "https:") throw new InputError(name, `expected an http:// or https:// URL, got '${text}'`);
  if (url.username || url.password) throw new InputError(name, "a URL with a user name or password in it cannot be downloaded; use a URL without credentials");
  return v;
}
function httpUrlInput(name, fallback, placeholders = {}) {
  const v = getInput(name);
  return v === "" ? fallback : parseHttpUrl(name, v, placeholders);
}
function parseForce(name, text, layers) {
  const t = text.trim();
  if (t === "" || /^false$/i.test(t)) return {};
  if (/^true$/i.test(t)) return { force: true };
  const names = parseList(t);
  for (const n of names) {
    if (!layers.includes(n)) throw new InputError(name, `no layer '${n}'; expected true, false or layer names (layers: ${layers.join(", ")})`);
  }
  return { forceLayers: names };
}
function forceInput(layers) {
  return parseForce("force", getInput("force"), layers);
}

// src/actions/toolkit/action-logger.ts
import { appendFileSync } from "node:fs";
var RUNNER_LINE_BREAK = /\r\n|\r|\n/;
var DOTNET_LEADING_SPACE = /^[\t-\r\u0085\p{Zs}\p{Zl}\p{Zp}]*/u;
var ZWSP = "\u200B";
function neutralizeCommands(text) {
  return text.split(RUNNER_LINE_BREAK).map((line) => {
    const indent = DOTNET_LEADING_SPACE.exec(line)[0];
    const rest = line.slice(indent.length);
    const safe = rest.startsWith("::") ? `:${ZWSP}${rest.slice(1)}` : rest;
    return (indent + safe).replaceAll("##[", `##${ZWSP}[`);
  }).join("\n");
}
var ActionLogger = class _ActionLogger {
  constructor(options, prefix = "", groups = { open: void 0 }) {
    this.options = options;
    this.prefix = prefix;
    this.groups = groups;
    this.write = options.write ?? ((line) => info(line));
  }
  options;
  prefix;
  groups;
  write;
  lastProgress = /* @__PURE__ */ new Map();
  get masker() {
    return this.options.masker;
  }
  /** From now on, every line this logger and its children write also goes to `file`. */
  writeAlsoTo(file) {
    this.options.file = file;
  }
  emit(line) {
    this.write(line);
    this.toFile(line);
  }
  toFile(line) {
    if (this.options.file === void 0) return;
    try {
      appendFileSync(this.options.file, `${(/* @__PURE__ */ new Date()).toISOString()} ${line}
`);
    } catch {
      this.options.file = void 0;
    }
  }
  /** Registers a secret with both maskers, the moment it is read. */
  addSecret(secret) {
    if (!secret) return;
    this.options.masker.add(secret);
    setSecret(secret);
  }
  lines(message) {
    return this.options.masker.mask(message).split(RUNNER_LINE_BREAK).map((l) => neutralizeCommands(this.prefix + l));
  }
  info(message) {
    for (const l of this.lines(message)) this.emit(l);
  }
  phase(event) {
    if (event.type === "start") {
      this.startGroup(event.phase);
      if (this.groups.open !== void 0) this.groups.phase = { vm: event.vm, phase: event.phase };
    } else if (this.groups.phase?.vm === event.vm && this.groups.phase.phase === event.phase) {
      this.closeGroup();
    }
  }
  /** Opens a log group for a section of the step, closing the open one; the lines that follow are in it. */
  startGroup(title) {
    if (this.options.groups === false) return;
    this.closeGroup();
    this.groups.open = `${this.prefix}${title}`;
    startGroup(this.options.masker.mask(this.groups.open));
  }
  warn(message) {
    const line = this.options.masker.mask(this.prefix + message);
    warning(line);
    this.toFile(`warning: ${line}`);
  }
  error(message) {
    for (const l of this.lines(message)) this.emit(l);
  }
  debug(message) {
    if (!isDebug()) return;
    for (const l of this.lines(message)) debug(l);
  }
  progress(p) {
    const now = Date.now();
    const finished = p.total !== void 0 && p.done === p.total;
    const last = this.lastProgress.get(p.phase);
    if (!finished && last !== void 0 && now - last < (this.options.progressIntervalMs ?? 1e4)) return;
    this.lastProgress.set(p.phase, now);
    for (const l of this.lines(formatProgress(p))) this.emit(l);
  }
  child(prefix) {
    return new _ActionLogger(this.options, `${this.prefix}[${prefix}] `, this.groups);
  }
  /** Closes the open group (call before a step's closing lines). */
  closeGroup() {
    if (this.groups.open !== void 0) {
      endGroup();
      this.groups.open = void 0;
      this.groups.phase = void 0;
    }
  }
};

// src/actions/toolkit/annotations.ts
import path2 from "node:path";
var MAX_ERROR_ANNOTATIONS = 10;
function problemAnnotations(problems, cwd, workspace) {
  return problems.map((p) => {
    const abs = path2.resolve(cwd, p.file);
    const rel = path2.relative(workspace, abs);
    const file = rel.startsWith("..") || path2.isAbsolute(rel) ? abs : rel.split(path2.sep).join("/");
    return {
      message: p.path ? `${p.path}: ${p.message}` : p.message,
      title: "RudderVirt build file",
      file,
      startLine: p.line,
      startColumn: p.column
    };
  });
}
function annotateProblems(problems, cwd, workspace) {
  const all = problemAnnotations(problems, cwd, workspace);
  const shown = all.slice(0, MAX_ERROR_ANNOTATIONS);
  for (const a of shown) error(a.message, { title: a.title, file: a.file, startLine: a.startLine, startColumn: a.startColumn });
  if (all.length > shown.length) info(`${all.length - shown.length} more build-file problem(s) are listed in the error message below`);
  return shown.length;
}

// src/actions/toolkit/run-action.ts
function actionContext(signal, env = process.env) {
  const masker = new SecretMasker();
  const ends = [];
  return {
    atEnd: (fn) => void ends.push(fn),
    finish: async () => {
      for (const fn of ends.splice(0).reverse()) await Promise.resolve(fn()).catch(() => void 0);
    },
    logger: new ActionLogger({ masker }),
    masker,
    signal,
    env,
    workspace: env.GITHUB_WORKSPACE || process.cwd()
  };
}
function secretInput(ctx, name) {
  const v = getInput(name);
  if (v === "") return void 0;
  ctx.logger.addSecret(v);
  return v;
}
async function runAction(fn) {
  const abort = new AbortController();
  const onSignal = (sig) => {
    if (!abort.signal.aborted) info(`received ${sig}: cancelling`);
    abort.abort(new CancelledError(`Cancelled by ${sig}.`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const ctx = actionContext(abort.signal);
  try {
    await fn(ctx);
  } catch (err) {
    ctx.logger.closeGroup();
    reportFailure(err, ctx);
  } finally {
    ctx.logger.closeGroup();
    await ctx.finish();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
function reportFailure(err, ctx) {
  const mask = (s) => ctx.masker.mask(s);
  if (err instanceof BuildFileError) {
    annotateProblems(err.problems, ctx.workspace, ctx.workspace);
    setFailed(mask(err.message));
  } else if (err instanceof UserError || err instanceof CancelledError) {
    setFailed(mask(err.message));
  } else if (err instanceof Error) {
    info(mask(err.stack ?? err.message));
    setFailed(mask(err.message));
  } else {
    setFailed(mask(String(err)));
  }
}

export {
  handoffPath,
  HandoffError,
  readHandoff,
  requireHandoff,
  updateHandoff,
  InputError,
  optionalInput,
  booleanInput,
  enumInput,
  durationInput,
  keyValueInput,
  listInput,
  httpUrlInput,
  forceInput,
  secretInput,
  runAction
};
