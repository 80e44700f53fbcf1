/**
 * What the stage actions (build-vm, provision, snapshot) share. Each runs one slice of the VM step
 * list (src/core/pipeline/vm-steps.ts VM_STAGES) in its own process: build-vm starts the VM and
 * detaches it, provision and snapshot attach it again through the engine that the handoff names.
 * No stage knows which engine that is. On failure the VM's last screen and console (captured by
 * the step runner) go to the summary, the log folder is uploaded as an artifact (as build-vm's
 * upload-logs says), and the VM is stopped — unless keep-on-failure, which leaves it running.
 */
import { rm } from 'node:fs/promises';
import { UserError } from '../../core/errors.js';
import type { Build } from '../../core/config/model.js';
import type { DetachedVm, Engine, VmHandle } from '../../core/engine.js';
import { createLocalEngine } from '../../engines/local-engine.js';
import { createPhaseRunner, type PhaseRecord } from '../../core/pipeline/phase.js';
import { maskSecretsInFolder } from '../../core/mask-file.js';
import { runVmSteps, VM_STAGES, type VmBuildState, type VmStage } from '../../core/pipeline/vm-steps.js';
import { readFailure } from './failure-report.js';
import { updateHandoff, type Handoff, type HandoffKubevirtRun, type HandoffVm } from './handoff.js';
import { booleanInput, optionalInput } from './inputs.js';
import { jobEngine, jobRun, removalHint, requireJobRun, type JobRun } from './kubevirt-run.js';
import { logArtifactInputs, startBuildLog, uploadLogsIfWanted, type UploadedLogs } from './log-artifact.js';
import type { ActionContext } from './run-action.js';
import { selectVm, type SelectedVm } from './select-vm.js';
import { phaseTimeoutInputs } from './build-context.js';
import { failureSection, logsLine, phasesTable, writeSummary } from './summary.js';

export interface StageEngine {
  engine: Engine;
  /** kubevirt: the job's build run (its objects carry the run id). */
  run?: JobRun;
}

/**
 * The engine of this job's VMs. `starting`: build-vm, which may open the kubevirt run; the local
 * engine then starts VMs in keeper processes, so they outlive the step.
 */
export async function stageEngine(ctx: ActionContext, name: Handoff['engine'], handoff: Handoff | undefined, stage: string, starting: boolean): Promise<StageEngine> {
  if (name === 'local') return { engine: createLocalEngine({ env: ctx.env, detachable: starting }) };
  const run = starting ? await jobRun(ctx, handoff) : requireJobRun(handoff!, stage);
  return { engine: await jobEngine(ctx, run), run };
}

export interface StageVm {
  selected: SelectedVm;
  record: HandoffVm;
  engine: Engine;
  handle: VmHandle;
  run?: HandoffKubevirtRun;
}

/** The VM this stage works on: the `vm` input, else the one VM build-vm started in this job; attached through its engine. */
export async function stageVm(ctx: ActionContext, build: Build, handoff: Handoff, stage: string): Promise<StageVm> {
  const wanted = optionalInput('vm');
  const started = Object.keys(handoff.vms);
  const selected = selectVm(build, wanted ?? (started.length === 1 ? started[0] : undefined));
  const record = handoff.vms[selected.key];
  if (!record?.detached) throw new UserError(`${stage}: vm ${selected.key} was not started in this job; run build-vm for it first`);
  if (record.state === 'snapshotted') throw new UserError(`${stage}: vm ${selected.key} was already snapshotted and stopped`);
  const { engine, run } = await stageEngine(ctx, record.detached.engine, handoff, stage, false);
  const handle = await engine.attach(record.detached, { build, vm: selected.vm, workDir: record.workDir, logDir: record.logDir, logger: ctx.logger, signal: ctx.signal });
  return { selected, record, engine, handle, ...(run ? { run } : {}) };
}

/** Where a kept VM is reached, for the keep-on-failure message. */
export function sshHint(detached: DetachedVm | undefined): string {
  if (!detached?.sshEndpoint) return 'no ssh';
  return `ssh ${detached.sshEndpoint.display}${detached.engine === 'kubevirt' ? ' (virtctl port-forward)' : ''}`;
}

/** Sends this stage's log lines to `<stage>.log` in the VM's log folder, beside build-vm's. */
export async function startStageLog(ctx: ActionContext, logDir: string, stage: string): Promise<void> {
  await startBuildLog(ctx.logger, logDir, `${stage}.log`);
}

/** Uploads the VM's log folder when build-vm's upload-logs asks for it at this outcome. */
export async function uploadStageLogs(ctx: ActionContext, key: string, record: HandoffVm, status: 'succeeded' | 'failed' | 'cancelled'): Promise<UploadedLogs | undefined> {
  const settings = record.logs ?? logArtifactInputs([key]);
  return uploadLogsIfWanted(settings, status, { dir: record.logDir, masker: ctx.masker, logger: ctx.logger, tempRoot: ctx.env.RUNNER_TEMP || undefined });
}

export async function recordPhases(key: string, phases: PhaseRecord[], change?: (vm: HandoffVm) => void): Promise<void> {
  await updateHandoff('local', (h) => {
    const vm = h.vms[key];
    if (!vm) return;
    vm.phases.push(...phases);
    change?.(vm);
  });
}

export interface StageRequest {
  build: Build;
  selected: SelectedVm;
  stage: VmStage;
  engine: Engine;
  workDir: string;
  logDir: string;
  outputDir: string;
  /** A VM attached from an earlier stage (provision, snapshot). */
  handle?: VmHandle;
  /** For `from:` sources: the parent's snapshot on this runner. */
  parentDisk?: string;
  run?: HandoffKubevirtRun;
  /** The summary's heading when the stage fails ("base/web failed to boot"). */
  failureTitle: string;
}

export interface StageResult {
  state: VmBuildState;
  phases: PhaseRecord[];
}

/**
 * Runs the stage's slice of the step list. On success the VM is detached for the next stage
 * (snapshot: stopped, its disk exported). On failure the handoff, summary and log artifact say
 * what happened, and the step's error is rethrown.
 */
export async function runStage(ctx: ActionContext, req: StageRequest): Promise<StageResult> {
  const { selected, stage } = req;
  const keepOnFailure = booleanInput('keep-on-failure', false);
  const phases = createPhaseRunner(selected.key, ctx.logger, ctx.signal);
  let kept: DetachedVm | undefined;
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
        ...(req.parentDisk ? { parentDisk: req.parentDisk } : {}),
      },
      steps: VM_STAGES[stage],
      ...(req.handle ? { state: { handle: req.handle } } : {}),
      onError: keepOnFailure ? 'abort' : 'cleanup',
      vmAfter: stage === 'snapshot' ? 'stop' : 'detach',
      onAbandoned: (a) => {
        kept = a.detached;
      },
    });
    ctx.logger.closeGroup();
    return { state, phases: phases.records };
  } catch (err) {
    ctx.logger.closeGroup();
    // The VM's disks live in its work folder: it goes with the VM, unless the VM is kept.
    if (!kept) await rm(req.workDir, { recursive: true, force: true });
    await failStage(ctx, req, phases.records, kept);
    throw err;
  } finally {
    await req.engine.close();
    // What OCR read on the screen (a typed password) and, once the VM is off, the serial console.
    const vmRunsOn = stage !== 'snapshot' && kept === undefined;
    await maskSecretsInFolder(req.logDir, ctx.masker, vmRunsOn ? { skip: ['serial.log'] } : {}).catch(() => []);
  }
}

/** On a failed stage: the VM's last screen and console into the summary; the VM kept only with keep-on-failure. */
async function failStage(ctx: ActionContext, req: StageRequest, phases: PhaseRecord[], kept: DetachedVm | undefined): Promise<void> {
  const { key } = req.selected;
  if (kept) {
    ctx.logger.warn(`keep-on-failure: leaving vm ${key} running for debugging (${sshHint(kept)})${req.run ? `; remove it afterwards with: ${removalHint(req.run)}` : ''}`);
  }
  const record = await updateHandoff('local', (h) => {
    const vm = h.vms[key];
    if (!vm) return;
    vm.phases.push(...phases);
    if (kept) {
      vm.keep = true;
      vm.detached = kept;
    } else {
      vm.state = 'failed';
    }
  });
  const failure = await readFailure(key, req.logDir);
  const entry = record.vms[key];
  const logs = entry ? await uploadStageLogs(ctx, key, entry, ctx.signal.aborted ? 'cancelled' : 'failed') : undefined;
  if (logs) failure.where = `artifact ${logs.name}`;
  await writeSummary(`### RudderVirt: ${req.failureTitle}\n\n${phasesTable(phases)}\n${failureSection(failure)}\n${logsLine(logs, req.logDir)}`, ctx.masker);
}
