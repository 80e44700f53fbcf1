import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  failStage,
  recordPhases,
  stageVm,
  startStageLog
} from "../shared/chunk-JGJAKJZW.js";
import {
  CleanupStack,
  provisionOverSsh
} from "../shared/chunk-QOYQJUD5.js";
import "../shared/chunk-E24KSPFH.js";
import {
  createPhaseRunner
} from "../shared/chunk-ADRVOGZQ.js";
import "../shared/chunk-QSAH345Q.js";
import "../shared/chunk-GIYZDKOS.js";
import {
  loadBuildForAction,
  phaseTimeoutInputs
} from "../shared/chunk-FPNPFKNV.js";
import "../shared/chunk-WAAKVM52.js";
import "../shared/chunk-LERG5APY.js";
import "../shared/chunk-LAWJDJJ5.js";
import {
  phasesTable,
  setOutputs,
  writeSummary
} from "../shared/chunk-2VB5DMX6.js";
import "../shared/chunk-WVXTUGLW.js";
import {
  booleanInput,
  requireHandoff,
  runAction
} from "../shared/chunk-X5HIS2MH.js";
import "../shared/chunk-Q75WJYVF.js";

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
  const target = await stageVm(ctx, build, handoff, "provision");
  await startStageLog(ctx, target, "provision");
  const { vm } = target.selected;
  const phases = createPhaseRunner(target.selected.key, ctx.logger, ctx.signal);
  try {
    if (!target.running()) throw new Error(`vm ${target.selected.key} is not running any more (see the serial console below)`);
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
