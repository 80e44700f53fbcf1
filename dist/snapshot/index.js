import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  exportOutput,
  shutdownVm
} from "../shared/chunk-GWIY2MEF.js";
import "../shared/chunk-U4DSBIX5.js";
import {
  failStage,
  stageVm,
  startStageLog,
  uploadStageLogs
} from "../shared/chunk-JGJAKJZW.js";
import "../shared/chunk-E24KSPFH.js";
import {
  connectSsh,
  createPhaseRunner
} from "../shared/chunk-ADRVOGZQ.js";
import "../shared/chunk-QSAH345Q.js";
import "../shared/chunk-GIYZDKOS.js";
import {
  loadBuildForAction,
  phaseTimeoutInputs
} from "../shared/chunk-FPNPFKNV.js";
import "../shared/chunk-WAAKVM52.js";
import {
  removeJobRun
} from "../shared/chunk-LERG5APY.js";
import "../shared/chunk-LAWJDJJ5.js";
import {
  logsLine,
  outputsTable,
  phasesTable,
  setOutputs,
  sourcesTable,
  writeSummary
} from "../shared/chunk-2VB5DMX6.js";
import "../shared/chunk-WVXTUGLW.js";
import {
  booleanInput,
  optionalInput,
  requireHandoff,
  runAction,
  updateHandoff
} from "../shared/chunk-X5HIS2MH.js";
import "../shared/chunk-Q75WJYVF.js";

// src/actions/snapshot/main.ts
import { rm } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

// src/core/pipeline/stages/snapshot.ts
async function snapshotStage(req) {
  const { layer, vm, handle, phases, logger } = req;
  if (req.alreadyStopped) {
    phases.skip("shutdown", "the VM had already stopped");
  } else {
    await phases.run(
      "shutdown",
      async (s) => {
        let comm;
        if (vm.shutdownCommand && vm.communicator.type === "ssh") {
          const address = await handle.sshAddress(s);
          comm = await connectSsh(vm.communicator, address, { logger, signal: s, ...req.masker ? { masker: req.masker } : {} });
        }
        try {
          await shutdownVm({ vm, handle, logger, signal: s, ...comm ? { comm } : {} });
        } finally {
          await comm?.close().catch(() => void 0);
        }
      },
      { timeoutMs: req.timeouts?.shutdown ?? 0 }
    );
  }
  return exportOutput({ layer, vm, handle, phases, outputDir: req.outputDir, logger, timeoutMs: req.timeouts?.export ?? 0 });
}

// src/actions/snapshot/main.ts
await runAction(async (ctx) => {
  const handoff = await requireHandoff("build-vm");
  const { build } = loadBuildForAction(ctx, handoff);
  const target = await stageVm(ctx, build, handoff, "snapshot");
  await startStageLog(ctx, target, "snapshot");
  const { key, layer, vm } = target.selected;
  const outputDir = path.resolve(ctx.workspace, optionalInput("output-directory") ?? path.join("output", build.name));
  const phases = createPhaseRunner(key, ctx.logger, ctx.signal);
  let output;
  try {
    output = await snapshotStage({
      layer,
      vm,
      handle: target.handle,
      phases,
      outputDir,
      logger: ctx.logger,
      masker: ctx.masker,
      signal: ctx.signal,
      timeouts: phaseTimeoutInputs(),
      alreadyStopped: !target.running()
    });
  } catch (err) {
    ctx.logger.closeGroup();
    await failStage(ctx, target, phases.records, booleanInput("keep-on-failure", false), `snapshot of ${key}`);
    throw err;
  }
  ctx.logger.closeGroup();
  await target.handle.stop();
  await rm(target.record.workDir, { recursive: true, force: true });
  const reference = pathToFileURL(output.image).href;
  const updated = await updateHandoff(handoff.engine, (h) => {
    const entry = h.vms[key];
    if (entry) {
      entry.phases.push(...phases.records);
      entry.state = "snapshotted";
    }
    h.snapshots[key] = { path: output.image, format: output.format, compressed: output.compressed, bytes: output.bytes, sha256: output.sha256, reference };
  });
  if (target.run && !Object.values(updated.vms).some((v) => v.cluster && (v.state === "starting" || v.state === "running"))) {
    await removeJobRun(target.run, ctx.logger, ctx.env);
  }
  setOutputs({ vm: key, path: output.image, "disk-reference": reference, sha256: output.sha256, "checksum-file": output.checksumFile, bytes: output.bytes, format: output.format }, ctx.masker);
  const logs = await uploadStageLogs(ctx, target, "succeeded");
  const source = updated.sources[key];
  await writeSummary(
    `### RudderVirt: ${key} snapshot

` + (source ? sourcesTable([{ vm: key, reference: source.reference, digest: source.digest, ...source.bytes !== void 0 ? { bytes: source.bytes } : {}, origin: source.origin }]) + "\n" : "") + `${phasesTable(updated.vms[key]?.phases ?? phases.records)}
${outputsTable([output])}` + (logs ? `
${logsLine(logs, target.record.logDir)}` : ""),
    ctx.masker
  );
});
