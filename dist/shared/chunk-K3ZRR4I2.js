import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  package_default
} from "./chunk-BD4KSRWD.js";
import {
  UserError
} from "./chunk-DYVWKAGB.js";

// src/actions/toolkit/handoff.ts
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
var HANDOFF_VERSION = 1;
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

export {
  handoffPath,
  HandoffError,
  readHandoff,
  requireHandoff,
  updateHandoff
};
