import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  HandoffError,
  durationInput,
  keyValueInput,
  listInput,
  optionalInput
} from "./chunk-QMTQOFVL.js";
import {
  redactedVariables
} from "./chunk-7JDLV63C.js";
import {
  loadBuild
} from "./chunk-23LGHYNR.js";

// src/actions/toolkit/build-context.ts
import path from "node:path";
function loadBuildForAction(ctx, handoff) {
  const fileInput = optionalInput("build-file");
  const file = fileInput ?? handoff?.build?.file;
  if (!file) throw new HandoffError(`input 'build-file': missing, and no earlier RudderVirt action of this job recorded one`);
  const cwd = fileInput || !handoff?.build ? ctx.workspace : handoff.build.cwd;
  const inputVars = keyValueInput("vars");
  const vars = { ...fileInput ? {} : handoff?.build?.vars ?? {}, ...inputVars };
  const earlier = fileInput ? void 0 : handoff?.build;
  const varFiles = [...earlier?.varFiles ?? [], ...listInput("var-file").map((f) => path.resolve(ctx.workspace, f))];
  const sensitive = [.../* @__PURE__ */ new Set([...earlier?.sensitiveVariables ?? [], ...listInput("sensitive-variables")])];
  const build = loadBuild(file, { vars, varFiles, env: ctx.env, cwd, ...sensitive.length > 0 ? { sensitiveVariables: { names: sensitive, source: "input 'sensitive-variables'" } } : {} });
  for (const s of build.secrets) ctx.logger.addSecret(s);
  const masked = redactedVariables({ ...build, variables: vars });
  const publicVars = Object.fromEntries(Object.entries(vars).filter(([k, v]) => masked[k] === v && !build.sensitiveVariables?.includes(k)));
  return {
    build,
    vars,
    handoff: { file, cwd, name: build.name, vars: publicVars, ...varFiles.length > 0 ? { varFiles } : {}, ...sensitive.length > 0 ? { sensitiveVariables: sensitive } : {} }
  };
}
function phaseTimeoutInputs() {
  const out = {};
  const set = (key, input) => {
    const ms = durationInput(input);
    if (ms !== void 0) out[key] = ms;
  };
  set("boot", "boot-timeout");
  set("bootCommand", "boot-command-timeout");
  set("provision", "provision-timeout");
  set("shutdown", "shutdown-timeout");
  set("export", "export-timeout");
  return out;
}

export {
  loadBuildForAction,
  phaseTimeoutInputs
};
