import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  captureFailure,
  logArtifactInputs,
  startBuildLog,
  uploadLogsIfWanted
} from "./chunk-E24KSPFH.js";
import {
  AttachedMachine
} from "./chunk-QSAH345Q.js";
import {
  selectVm
} from "./chunk-FPNPFKNV.js";
import {
  jobEngine,
  removalHint,
  requireJobRun
} from "./chunk-LERG5APY.js";
import {
  failureSection,
  logsLine,
  phasesTable,
  writeSummary
} from "./chunk-2VB5DMX6.js";
import {
  optionalInput,
  updateHandoff
} from "./chunk-X5HIS2MH.js";
import {
  UserError
} from "./chunk-Q75WJYVF.js";

// src/actions/toolkit/stage-vm.ts
import { rm } from "node:fs/promises";
async function stageVm(ctx, build, handoff, stage) {
  const wanted = optionalInput("vm");
  const started = Object.keys(handoff.vms);
  const selected = selectVm(build, wanted ?? (started.length === 1 ? started[0] : void 0));
  const record = handoff.vms[selected.key];
  if (!record?.detached && !record?.cluster) throw new UserError(`${stage}: vm ${selected.key} was not started in this job; run build-vm for it first`);
  if (record.state === "snapshotted") throw new UserError(`${stage}: vm ${selected.key} was already snapshotted and stopped`);
  if (record.cluster) {
    const run = requireJobRun(handoff, stage);
    const attached = await jobEngine(ctx, run).attachVm({ build, vm: selected.vm, workDir: record.workDir, logDir: record.logDir, logger: ctx.logger, signal: ctx.signal });
    return { selected, record, handle: attached.handle, running: () => attached.running, run };
  }
  const machine = new AttachedMachine(record.detached);
  return { selected, record, handle: machine, running: () => machine.running };
}
function sshOf(vm) {
  if (vm.record.cluster) return `vmi/${vm.record.cluster.virtualMachine}.${vm.record.cluster.namespace}:${vm.selected.vm.communicator.sshPort} (virtctl port-forward)`;
  return vm.record.detached?.ssh ? `${vm.record.detached.ssh.host}:${vm.record.detached.ssh.port}` : "none";
}
async function startStageLog(ctx, vm, stage) {
  await startBuildLog(ctx.logger, vm.record.logDir, `${stage}.log`);
}
async function uploadStageLogs(ctx, vm, status) {
  const settings = vm.record.logs ?? logArtifactInputs([vm.selected.key]);
  return uploadLogsIfWanted(settings, status, { dir: vm.record.logDir, masker: ctx.masker, logger: ctx.logger, tempRoot: ctx.env.RUNNER_TEMP || void 0 });
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
  const failure = await captureFailure(vm.selected.key, vm.running() ? vm.handle : void 0, vm.record.logDir, ctx.logger);
  if (keepOnFailure) {
    ctx.logger.warn(`keep-on-failure: leaving vm ${vm.selected.key} running for debugging (ssh ${sshOf(vm)})${vm.run ? `; remove it afterwards with: ${removalHint(vm.run)}` : ""}`);
  } else {
    await vm.handle.stop();
    await rm(vm.record.workDir, { recursive: true, force: true });
  }
  await recordPhases(vm.selected.key, phases, (r) => {
    r.state = keepOnFailure ? r.state : "failed";
    if (keepOnFailure) r.keep = true;
  });
  const logs = await uploadStageLogs(ctx, vm, ctx.signal.aborted ? "cancelled" : "failed");
  if (logs) failure.where = `artifact ${logs.name}`;
  await writeSummary(`### RudderVirt: ${title} failed

${phasesTable(phases)}
${failureSection(failure)}
${logsLine(logs, vm.record.logDir)}`, ctx.masker);
}

export {
  stageVm,
  startStageLog,
  uploadStageLogs,
  recordPhases,
  failStage
};
