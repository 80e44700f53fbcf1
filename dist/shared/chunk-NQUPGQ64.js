import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  loadBuild,
  redactedVariables
} from "./chunk-3RMJ3RQ4.js";
import {
  durationInput,
  keyValueInput,
  optionalInput
} from "./chunk-C4CG7AYM.js";
import {
  HandoffError
} from "./chunk-K3ZRR4I2.js";
import {
  UserError
} from "./chunk-DYVWKAGB.js";

// src/actions/toolkit/build-context.ts
function loadBuildForAction(ctx, handoff) {
  const fileInput = optionalInput("build-file");
  const file = fileInput ?? handoff?.build?.file;
  if (!file) throw new HandoffError(`input 'build-file': missing, and no earlier RudderVirt action of this job recorded one`);
  const cwd = fileInput || !handoff?.build ? ctx.workspace : handoff.build.cwd;
  const inputVars = keyValueInput("vars");
  const vars = { ...fileInput ? {} : handoff?.build?.vars ?? {}, ...inputVars };
  const build = loadBuild(file, { vars, env: ctx.env, cwd });
  for (const s of build.secrets) ctx.logger.addSecret(s);
  const publicVars = Object.fromEntries(Object.entries(redactedVariables({ ...build, variables: vars })).filter(([, v]) => v !== "***"));
  return { build, vars, handoff: { file, cwd, name: build.name, vars: publicVars } };
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

// src/actions/toolkit/select-vm.ts
function allVms(build) {
  return build.layers.flatMap((layer) => layer.vms.map((vm) => ({ layer, vm, key: `${layer.name}/${vm.name}` })));
}
function selectVm(build, selection) {
  const all = allVms(build);
  const names = all.map((s) => s.key).join(", ");
  const wanted = selection?.trim() ?? "";
  if (wanted === "") {
    if (all.length === 1) return all[0];
    throw new UserError(`the build file has ${all.length} VMs (${names}); say which one with the 'vm' input (layer/vm)`);
  }
  const matches = wanted.includes("/") ? all.filter((s) => s.key === wanted) : all.filter((s) => s.vm.name === wanted);
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) throw new UserError(`vm '${wanted}' is in several layers (${matches.map((m) => m.key).join(", ")}); write layer/vm`);
  throw new UserError(`vm '${wanted}' is not in the build file; it has ${names}`);
}
function filterBuild(build, layers, vms) {
  if (layers.length === 0 && vms.length === 0) return build;
  const known = new Set(build.layers.map((l) => l.name));
  for (const l of layers) if (!known.has(l)) throw new UserError(`layer '${l}' is not in the build file; it has ${[...known].join(", ")}`);
  const keys = vms.map((v) => selectVm(build, v).key);
  const kept = build.layers.filter((l) => layers.length === 0 || layers.includes(l.name)).map((l) => ({ ...l, vms: l.vms.filter((vm) => keys.length === 0 || keys.includes(`${l.name}/${vm.name}`)) })).filter((l) => l.vms.length > 0);
  if (kept.length === 0) throw new UserError("the layers and vms inputs select no VM");
  return { ...build, layers: kept };
}

export {
  loadBuildForAction,
  phaseTimeoutInputs,
  allVms,
  selectVm,
  filterBuild
};
