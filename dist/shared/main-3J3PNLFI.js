import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  runStage,
  stageVm,
  startStageLog,
  uploadStageLogs
} from "./chunk-LNPQJ23Q.js";
import "./chunk-3VK22BPF.js";
import {
  loadBuildForAction
} from "./chunk-XKF75OCS.js";
import {
  logsLine,
  outputsTable,
  phasesTable,
  setOutputs,
  sourcesTable,
  writeSummary
} from "./chunk-2MUJI26I.js";
import "./chunk-JQEPOSES.js";
import "./chunk-3HMVZMVH.js";
import {
  removeJobRun
} from "./chunk-X6V3RBVF.js";
import {
  optionalInput,
  requireHandoff,
  runAction,
  updateHandoff
} from "./chunk-KADFXZ3I.js";
import "./chunk-CJERD36X.js";
import "./chunk-JBN22HRT.js";
import "./chunk-WJAK4XVW.js";
import "./chunk-U4LSYZ75.js";

// src/actions/snapshot/main.ts
import { rm } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
var run = () => runAction(async (ctx) => {
  const handoff = await requireHandoff("build-vm");
  const { build } = loadBuildForAction(ctx, handoff);
  const target = await stageVm(ctx, build, handoff, "snapshot");
  const { key } = target.selected;
  await startStageLog(ctx, target.record.logDir, "snapshot");
  const outputDir = path.resolve(ctx.workspace, optionalInput("output-directory") ?? path.join("output", build.name));
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
