import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

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
  allVms,
  selectVm,
  filterBuild
};
