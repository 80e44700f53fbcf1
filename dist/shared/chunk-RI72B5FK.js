import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  captureFailure
} from "./chunk-IS7AHBBH.js";
import {
  AttachedMachine
} from "./chunk-FCAOG2YT.js";
import {
  selectVm
} from "./chunk-NQUPGQ64.js";
import {
  failureSection,
  optionalInput,
  phasesTable,
  writeSummary
} from "./chunk-C4CG7AYM.js";
import {
  updateHandoff
} from "./chunk-K3ZRR4I2.js";
import {
  UserError
} from "./chunk-DYVWKAGB.js";

// src/actions/toolkit/stage-vm.ts
import { rm } from "node:fs/promises";
function stageVm(build, handoff, stage) {
  const wanted = optionalInput("vm");
  const started = Object.keys(handoff.vms);
  const selected = selectVm(build, wanted ?? (started.length === 1 ? started[0] : void 0));
  const record = handoff.vms[selected.key];
  if (!record?.detached) throw new UserError(`${stage}: vm ${selected.key} was not started in this job; run build-vm for it first`);
  if (record.state === "snapshotted") throw new UserError(`${stage}: vm ${selected.key} was already snapshotted and stopped`);
  return { selected, record, handle: new AttachedMachine(record.detached) };
}
async function recordPhases(key, phases, change) {
  await updateHandoff("local", (h) => {
    const vm = h.vms[key];
    if (!vm) return;
    vm.phases.push(...phases);
    change?.(vm);
  });
}
async function failStage(ctx, vm, phases, keepOnFailure, title) {
  const failure = await captureFailure(vm.selected.key, vm.handle.running ? vm.handle : void 0, vm.record.logDir, ctx.logger);
  if (keepOnFailure) {
    ctx.logger.warn(`keep-on-failure: leaving vm ${vm.selected.key} running for debugging (ssh ${vm.record.detached?.ssh ? `${vm.record.detached.ssh.host}:${vm.record.detached.ssh.port}` : "none"})`);
  } else {
    await vm.handle.stop();
    await rm(vm.record.workDir, { recursive: true, force: true });
  }
  await recordPhases(vm.selected.key, phases, (r) => {
    r.state = keepOnFailure ? r.state : "failed";
    if (keepOnFailure) r.keep = true;
  });
  await writeSummary(`### RudderVirt: ${title} failed

${phasesTable(phases)}
${failureSection(failure)}`, ctx.masker);
}

export {
  stageVm,
  recordPhases,
  failStage
};
