import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  runStage,
  stageVm,
  startStageLog
} from "./chunk-ZDKI3MIH.js";
import "./chunk-ZHZLWIVN.js";
import "./chunk-ZZVCVOQK.js";
import {
  loadBuildForAction
} from "./chunk-2E2XI3PD.js";
import "./chunk-ABR24CXO.js";
import {
  phasesTable,
  setOutputs,
  writeSummary
} from "./chunk-TKCQIERC.js";
import {
  requireHandoff,
  runAction,
  updateHandoff
} from "./chunk-HVVQ2SIA.js";
import "./chunk-2ADQXFQA.js";
import "./chunk-XFSUHW5D.js";
import "./chunk-ZEOXAAFA.js";
import "./chunk-CJERD36X.js";
import "./chunk-7XLZTXG7.js";
import "./chunk-ULJSUOHS.js";
import "./chunk-6QKVNAOZ.js";
import "./chunk-ZTKUTTM7.js";
import "./chunk-6WMOBZZP.js";
import "./chunk-C64J5OXG.js";
import "./chunk-JQXDS7DK.js";
import "./chunk-W5J2AJBK.js";
import "./chunk-KSYV2UNC.js";
import "./chunk-OVIAPN46.js";
import "./chunk-JKYMEDOZ.js";
import "./chunk-GKBTVNDX.js";
import "./chunk-QWEHTJCB.js";
import "./chunk-A5KTKTAB.js";
import "./chunk-BHXEFIUH.js";
import "./chunk-CTLLT6VU.js";
import "./chunk-YBXMTZXO.js";
import "./chunk-OYIX4NJ3.js";
import "./chunk-G4VXAHVF.js";
import "./chunk-2AERMIAP.js";
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
