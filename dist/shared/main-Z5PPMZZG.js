import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  runStage,
  stageVm,
  startStageLog
} from "./chunk-LNPQJ23Q.js";
import "./chunk-3VK22BPF.js";
import {
  loadBuildForAction
} from "./chunk-XKF75OCS.js";
import {
  phasesTable,
  setOutputs,
  writeSummary
} from "./chunk-2MUJI26I.js";
import "./chunk-JQEPOSES.js";
import "./chunk-3HMVZMVH.js";
import "./chunk-X6V3RBVF.js";
import {
  requireHandoff,
  runAction,
  updateHandoff
} from "./chunk-KADFXZ3I.js";
import "./chunk-CJERD36X.js";
import "./chunk-JBN22HRT.js";
import "./chunk-WJAK4XVW.js";
import "./chunk-U4LSYZ75.js";

// src/actions/provision/main.ts
var run = () => runAction(async (ctx) => {
  const handoff = await requireHandoff("build-vm");
  const { build } = loadBuildForAction(ctx, handoff);
  const target = await stageVm(ctx, build, handoff, "provision");
  const { key, vm } = target.selected;
  await startStageLog(ctx, target.record.logDir, "provision");
  if (!target.handle.isRunning()) throw new Error(`vm ${key} is not running any more (see the serial console in ${target.record.logDir})`);
  const { state, phases } = await runStage(ctx, {
    build,
    selected: target.selected,
    stage: "provision",
    engine: target.engine,
    handle: target.handle,
    workDir: target.record.workDir,
    logDir: target.record.logDir,
    outputDir: target.record.workDir,
    failureTitle: `provisioning ${key} failed`,
    ...target.run ? { run: target.run } : {}
  });
  await updateHandoff(handoff.engine, (h) => {
    const entry = h.vms[key];
    if (!entry) return;
    entry.phases.push(...phases);
    if (state.detached) entry.detached = state.detached;
  });
  setOutputs({ vm: key, provisioners: vm.provisioners.length }, ctx.masker);
  await writeSummary(`### RudderVirt: ${key} provisioned

${phasesTable(phases)}`, ctx.masker);
});
export {
  run
};
