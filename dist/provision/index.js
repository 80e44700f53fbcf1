import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  failStage,
  recordPhases,
  stageVm
} from "../shared/chunk-RI72B5FK.js";
import {
  CleanupStack,
  provisionOverSsh
} from "../shared/chunk-QN5OQPXW.js";
import "../shared/chunk-IS7AHBBH.js";
import {
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
  phasesTable,
  setOutputs,
  writeSummary
} from "../shared/chunk-C4CG7AYM.js";
import "../shared/chunk-WVXTUGLW.js";
import "../shared/chunk-2GA4PUSK.js";
import {
  requireHandoff
} from "../shared/chunk-K3ZRR4I2.js";
import "../shared/chunk-BD4KSRWD.js";
import {
  runAction
} from "../shared/chunk-G6D4PSU4.js";
import "../shared/chunk-DYVWKAGB.js";

// src/core/pipeline/stages/provision.ts
async function provisionStage(req) {
  if (req.vm.communicator.type !== "ssh") {
    req.phases.skip("provision", "communicator none");
    return;
  }
  const cleanup = new CleanupStack();
  try {
    await provisionOverSsh({
      build: req.build,
      vm: req.vm,
      handle: req.handle,
      phases: req.phases,
      cleanup,
      logger: req.logger,
      signal: req.signal,
      provisionTimeoutMs: req.provisionTimeoutMs ?? 0,
      ...req.masker ? { masker: req.masker } : {}
    });
  } finally {
    await cleanup.unwind(req.logger);
  }
}

// src/actions/provision/main.ts
await runAction(async (ctx) => {
  const handoff = await requireHandoff("build-vm");
  const { build } = loadBuildForAction(ctx, handoff);
  const target = stageVm(build, handoff, "provision");
  const { vm } = target.selected;
  const phases = createPhaseRunner(target.selected.key, ctx.logger, ctx.signal);
  try {
    if (!target.handle.running) throw new Error(`vm ${target.selected.key} is not running any more (see the serial console below)`);
    await provisionStage({
      build,
      vm,
      handle: target.handle,
      phases,
      logger: ctx.logger,
      masker: ctx.masker,
      signal: ctx.signal,
      provisionTimeoutMs: phaseTimeoutInputs().provision ?? 0
    });
  } catch (err) {
    ctx.logger.closeGroup();
    await failStage(ctx, target, phases.records, booleanInput("keep-on-failure", false), `provisioning ${target.selected.key}`);
    throw err;
  }
  ctx.logger.closeGroup();
  await recordPhases(target.selected.key, phases.records);
  setOutputs({ vm: target.selected.key, provisioners: vm.provisioners.length }, ctx.masker);
  await writeSummary(`### RudderVirt: ${target.selected.key} provisioned

${phasesTable(phases.records)}`, ctx.masker);
});
