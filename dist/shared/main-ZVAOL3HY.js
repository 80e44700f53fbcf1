import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  runStage,
  stageVm,
  startStageLog
} from "./chunk-4OVPP7WS.js";
import "./chunk-TO5LP5BM.js";
import "./chunk-ZZVCVOQK.js";
import {
  loadBuildForAction
} from "./chunk-MIIYUV4D.js";
import {
  phasesTable,
  setOutputs,
  writeSummary
} from "./chunk-ZZYRERCH.js";
import "./chunk-KFPQJ56K.js";
import {
  requireHandoff,
  runAction,
  updateHandoff
} from "./chunk-RQA2JCLS.js";
import "./chunk-P4SCJD3S.js";
import "./chunk-ZEOXAAFA.js";
import "./chunk-ZLWIX3WT.js";
import "./chunk-RTG4RYVJ.js";
import "./chunk-HHXSYYSA.js";
import "./chunk-6WMOBZZP.js";
import "./chunk-C64J5OXG.js";
import "./chunk-DTNLR76P.js";
import "./chunk-6MTTQTM5.js";
import "./chunk-LCMYYKZB.js";
import "./chunk-ACYOBTGQ.js";
import "./chunk-JKYMEDOZ.js";
import "./chunk-IGBDJUBW.js";
import "./chunk-CTLLT6VU.js";
import "./chunk-2AERMIAP.js";
import "./chunk-G4VXAHVF.js";
import "./chunk-73YVM7AR.js";
import "./chunk-PFWN22NF.js";
import "./chunk-S7VYGFYM.js";
import "./chunk-ZTKUTTM7.js";
import "./chunk-6QKVNAOZ.js";
import "./chunk-BZJSZD3X.js";
import "./chunk-BTHCCTGH.js";
import "./chunk-GKBTVNDX.js";
import "./chunk-CRBZ5IG5.js";
import "./chunk-PXB3LWWR.js";
import "./chunk-BHXEFIUH.js";
import "./chunk-YBXMTZXO.js";
import "./chunk-OYIX4NJ3.js";
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
