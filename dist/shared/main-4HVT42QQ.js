import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  runStage,
  stageVm,
  startStageLog,
  uploadStageLogs
} from "./chunk-4DCJW62V.js";
import {
  lockedOutputDirectory
} from "./chunk-BCYS4B3P.js";
import "./chunk-6WJNFXZH.js";
import "./chunk-ZZVCVOQK.js";
import {
  loadBuildForAction
} from "./chunk-USVA4TUM.js";
import {
  logsLine,
  outputsTable,
  phasesTable,
  setOutputs,
  sourcesTable,
  writeSummary
} from "./chunk-65WQZR3G.js";
import {
  removeJobRun
} from "./chunk-CNXIYP7B.js";
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

// src/actions/snapshot/main.ts
import { rm } from "node:fs/promises";
import { pathToFileURL } from "node:url";
var run = () => runAction(async (ctx) => {
  const handoff = await requireHandoff("build-vm");
  const { build } = loadBuildForAction(ctx, handoff);
  const outputDir = await lockedOutputDirectory(ctx, build.name);
  const target = await stageVm(ctx, build, handoff, "snapshot");
  const { key } = target.selected;
  await startStageLog(ctx, target.record.logDir, "snapshot");
  const { state, phases } = await runStage(ctx, {
    build,
    selected: target.selected,
    stage: "snapshot",
    engine: target.engine,
    handle: target.handle,
    workDir: target.record.workDir,
    logDir: target.record.logDir,
    outputDir,
    failureTitle: `snapshot of ${key} failed`,
    ...target.run ? { run: target.run } : {}
  });
  const output = state.output;
  await rm(target.record.workDir, { recursive: true, force: true });
  const reference = pathToFileURL(output.image).href;
  const updated = await updateHandoff(handoff.engine, (h) => {
    const entry2 = h.vms[key];
    if (entry2) {
      entry2.phases.push(...phases);
      entry2.state = "snapshotted";
    }
    h.snapshots[key] = { path: output.image, format: output.format, compressed: output.compressed, bytes: output.bytes, sha256: output.sha256, reference };
  });
  if (target.run && !Object.values(updated.vms).some((v) => v.state === "starting" || v.state === "running")) {
    await removeJobRun(target.run, ctx.logger, ctx.env);
  }
  setOutputs({ vm: key, path: output.image, "disk-reference": reference, sha256: output.sha256, "checksum-file": output.checksumFile, bytes: output.bytes, format: output.format }, ctx.masker);
  const entry = updated.vms[key] ?? target.record;
  const logs = await uploadStageLogs(ctx, key, entry, "succeeded");
  const source = updated.sources[key];
  await writeSummary(
    `### RudderVirt: ${key} snapshot

` + (source ? sourcesTable([{ vm: key, reference: source.reference, digest: source.digest, ...source.bytes !== void 0 ? { bytes: source.bytes } : {}, origin: source.origin }]) + "\n" : "") + `${phasesTable(entry.phases)}
${outputsTable([output])}` + (logs ? `
${logsLine(logs, target.record.logDir)}` : ""),
    ctx.masker
  );
});
export {
  run
};
