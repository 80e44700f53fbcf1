import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  logArtifactInputs,
  readFailure,
  startBuildLog,
  uploadLogsIfWanted
} from "./chunk-6WJNFXZH.js";
import {
  selectVm
} from "./chunk-ZZVCVOQK.js";
import {
  phaseTimeoutInputs
} from "./chunk-USVA4TUM.js";
import {
  failureSection,
  logsLine,
  phasesTable,
  writeSummary
} from "./chunk-65WQZR3G.js";
import {
  jobEngine,
  jobRun,
  removalHint,
  requireJobRun
} from "./chunk-CNXIYP7B.js";
import {
  booleanInput,
  optionalInput,
  updateHandoff
} from "./chunk-QMTQOFVL.js";
import {
  VM_STAGES,
  createPhaseRunner,
  maskSecretsInFolder,
  runVmSteps
} from "./chunk-Y3BLDN7D.js";
import {
  createLocalEngine
} from "./chunk-R4AC3DXL.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/actions/toolkit/stage-vm.ts
import { rm } from "node:fs/promises";
async function stageEngine(ctx, name, handoff, stage, starting) {
  if (name === "local") return { engine: createLocalEngine({ env: ctx.env, detachable: starting }) };
  const run = starting ? await jobRun(ctx, handoff) : requireJobRun(handoff, stage);
  return { engine: await jobEngine(ctx, run), run };
}
async function stageVm(ctx, build, handoff, stage) {
  const wanted = optionalInput("vm");
  const started = Object.keys(handoff.vms);
  const selected = selectVm(build, wanted ?? (started.length === 1 ? started[0] : void 0));
  const record = handoff.vms[selected.key];
  if (!record?.detached) throw new UserError(`${stage}: vm ${selected.key} was not started in this job; run build-vm for it first`);
  if (record.state === "snapshotted") throw new UserError(`${stage}: vm ${selected.key} was already snapshotted and stopped`);
  const { engine, run } = await stageEngine(ctx, record.detached.engine, handoff, stage, false);
  const handle = await engine.attach(record.detached, { build, vm: selected.vm, workDir: record.workDir, logDir: record.logDir, logger: ctx.logger, signal: ctx.signal });
  return { selected, record, engine, handle, ...run ? { run } : {} };
}
function sshHint(detached) {
  if (!detached?.sshEndpoint) return "no ssh";
  return `ssh ${detached.sshEndpoint.display}${detached.engine === "kubevirt" ? " (virtctl port-forward)" : ""}`;
}
async function startStageLog(ctx, logDir, stage) {
  await startBuildLog(ctx.logger, logDir, `${stage}.log`);
}
async function uploadStageLogs(ctx, key, record, status) {
  const settings = record.logs ?? logArtifactInputs([key]);
  return uploadLogsIfWanted(settings, status, { dir: record.logDir, masker: ctx.masker, logger: ctx.logger, tempRoot: ctx.env.RUNNER_TEMP || void 0 });
}
async function runStage(ctx, req) {
  const { selected, stage } = req;
  const keepOnFailure = booleanInput("keep-on-failure", false);
  const phases = createPhaseRunner(selected.key, ctx.logger, ctx.signal);
  let kept;
  try {
    const state = await runVmSteps({
      ctx: {
        build: req.build,
        layer: selected.layer,
        vm: selected.vm,
        engine: req.engine,
        workDir: req.workDir,
        logDir: req.logDir,
        outputDir: req.outputDir,
        logger: ctx.logger,
        masker: ctx.masker,
        phases,
        timeouts: phaseTimeoutInputs(),
        ...req.parentDisk ? { parentDisk: req.parentDisk } : {}
      },
      steps: VM_STAGES[stage],
      ...req.handle ? { state: { handle: req.handle } } : {},
      onError: keepOnFailure ? "abort" : "cleanup",
      vmAfter: stage === "snapshot" ? "stop" : "detach",
      onAbandoned: (a) => {
        kept = a.detached;
      }
    });
    ctx.logger.closeGroup();
    return { state, phases: phases.records };
  } catch (err) {
    ctx.logger.closeGroup();
    if (!kept) await rm(req.workDir, { recursive: true, force: true });
    await failStage(ctx, req, phases.records, kept);
    throw err;
  } finally {
    await req.engine.close();
    const vmRunsOn = stage !== "snapshot" && kept === void 0;
    await maskSecretsInFolder(req.logDir, ctx.masker, vmRunsOn ? { skip: ["serial.log"] } : {}).catch(() => []);
  }
}
async function failStage(ctx, req, phases, kept) {
  const { key } = req.selected;
  if (kept) {
    ctx.logger.warn(`keep-on-failure: leaving vm ${key} running for debugging (${sshHint(kept)})${req.run ? `; remove it afterwards with: ${removalHint(req.run)}` : ""}`);
  }
  const record = await updateHandoff("local", (h) => {
    const vm = h.vms[key];
    if (!vm) return;
    vm.phases.push(...phases);
    if (kept) {
      vm.keep = true;
      vm.detached = kept;
    } else {
      vm.state = "failed";
    }
  });
  const failure = await readFailure(key, req.logDir);
  const entry = record.vms[key];
  const logs = entry ? await uploadStageLogs(ctx, key, entry, ctx.signal.aborted ? "cancelled" : "failed") : void 0;
  if (logs) failure.where = `artifact ${logs.name}`;
  await writeSummary(`### RudderVirt: ${req.failureTitle}

${phasesTable(phases)}
${failureSection(failure)}
${logsLine(logs, req.logDir)}`, ctx.masker);
}

export {
  stageEngine,
  stageVm,
  sshHint,
  startStageLog,
  uploadStageLogs,
  runStage
};
