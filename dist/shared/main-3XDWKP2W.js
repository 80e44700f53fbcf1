import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  runStage,
  stageVm,
  startStageLog
} from "./chunk-4DCJW62V.js";
import "./chunk-6WJNFXZH.js";
import "./chunk-ZZVCVOQK.js";
import {
  loadBuildForAction
} from "./chunk-USVA4TUM.js";
import {
  phasesTable,
  setOutputs,
  writeSummary
} from "./chunk-65WQZR3G.js";
import "./chunk-CNXIYP7B.js";
import {
  requireHandoff,
  runAction,
  updateHandoff
} from "./chunk-QMTQOFVL.js";
import "./chunk-U4TFD2UW.js";
import "./chunk-7JDLV63C.js";
import "./chunk-Y3BLDN7D.js";
import "./chunk-K5YCSMLN.js";
import "./chunk-RTG4RYVJ.js";
import "./chunk-ZEOXAAFA.js";
import "./chunk-AIFBTII2.js";
import "./chunk-DG6KHQHA.js";
import "./chunk-R4AC3DXL.js";
import "./chunk-UF5DILBV.js";
import "./chunk-23LGHYNR.js";
import "./chunk-Z6CMOLZR.js";
import "./chunk-WBMFEUYZ.js";
import "./chunk-M2E66S6E.js";
import "./chunk-MF7EYUNN.js";
import "./chunk-H4EHQFTY.js";
import "./chunk-KOBFVAF3.js";
import "./chunk-NHD4EFUK.js";
import "./chunk-UWT5WVQO.js";
import "./chunk-PKIXCSX5.js";
import "./chunk-UWXRMICO.js";
import "./chunk-JIQ45CAP.js";
import "./chunk-FUWAUBDQ.js";
import "./chunk-L2EL4R3K.js";
import "./chunk-U2YEPGJA.js";
import "./chunk-Q2MXJOS2.js";
import "./chunk-W76QTMHQ.js";
import "./chunk-5Q37UMAS.js";
import "./chunk-JKYMEDOZ.js";
import "./chunk-MFL4LHWY.js";
import "./chunk-CTLLT6VU.js";
import "./chunk-IGBDJUBW.js";
import "./chunk-XMRDQH4D.js";
import "./chunk-GKBTVNDX.js";
import "./chunk-XHUVLOPP.js";
import "./chunk-BHXEFIUH.js";
import "./chunk-CRBZ5IG5.js";
import "./chunk-PXB3LWWR.js";
import "./chunk-YBXMTZXO.js";
import "./chunk-OYIX4NJ3.js";
import "./chunk-G4VXAHVF.js";
import "./chunk-YQXKSN3H.js";
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
