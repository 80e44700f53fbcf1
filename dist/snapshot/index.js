import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  exportOutput,
  shutdownVm
} from "../shared/chunk-MJRXNEEZ.js";
import "../shared/chunk-U4DSBIX5.js";
import {
  failStage,
  stageVm
} from "../shared/chunk-RI72B5FK.js";
import "../shared/chunk-IS7AHBBH.js";
import {
  connectSsh,
  createPhaseRunner
} from "../shared/chunk-WE3FYFX2.js";
import "../shared/chunk-FCAOG2YT.js";
import "../shared/chunk-MT7HJN33.js";
import "../shared/chunk-PEAZQISJ.js";
import {
  loadBuildForAction,
  phaseTimeoutInputs
} from "../shared/chunk-NQUPGQ64.js";
import "../shared/chunk-3RMJ3RQ4.js";
import "../shared/chunk-XO4KZTKR.js";
import "../shared/chunk-4A36UFLR.js";
import {
  booleanInput,
  optionalInput,
  outputsTable,
  phasesTable,
  setOutputs,
  sourcesTable,
  writeSummary
} from "../shared/chunk-C4CG7AYM.js";
import "../shared/chunk-WVXTUGLW.js";
import "../shared/chunk-2GA4PUSK.js";
import {
  requireHandoff,
  updateHandoff
} from "../shared/chunk-K3ZRR4I2.js";
import "../shared/chunk-BD4KSRWD.js";
import {
  runAction
} from "../shared/chunk-G6D4PSU4.js";
import "../shared/chunk-DYVWKAGB.js";

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
  const target = stageVm(build, handoff, "snapshot");
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
      alreadyStopped: !target.handle.running
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
  const updated = await updateHandoff("local", (h) => {
    const entry = h.vms[key];
    if (entry) {
      entry.phases.push(...phases.records);
      entry.state = "snapshotted";
    }
    h.snapshots[key] = { path: output.image, format: output.format, compressed: output.compressed, bytes: output.bytes, sha256: output.sha256, reference };
  });
  setOutputs({ vm: key, path: output.image, "disk-reference": reference, sha256: output.sha256, "checksum-file": output.checksumFile, bytes: output.bytes, format: output.format }, ctx.masker);
  const source = updated.sources[key];
  await writeSummary(
    `### RudderVirt: ${key} snapshot

` + (source ? sourcesTable([{ vm: key, reference: source.reference, digest: source.digest, ...source.bytes !== void 0 ? { bytes: source.bytes } : {}, origin: source.origin }]) + "\n" : "") + `${phasesTable(updated.vms[key]?.phases ?? phases.records)}
${outputsTable([output])}`,
    ctx.masker
  );
});
