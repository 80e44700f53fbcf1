/**
 * What provision and snapshot share: find the VM that build-vm started (from the handoff), attach
 * to it (local engine: through its keeper process; kubevirt: through the cluster, which kept the
 * VirtualMachine running), record each stage's phases back into the handoff, write the stage's build log into the
 * VM's log folder, and on failure show what the VM showed last, upload the log folder as an
 * artifact (as build-vm's upload-logs says) and stop the VM (unless keep-on-failure).
 */
import { rm } from 'node:fs/promises';
import { UserError } from '../../cli/command.js';
import type { Build } from '../../core/config/model.js';
import type { VmHandle } from '../../core/engine.js';
import type { PhaseRecord } from '../../core/pipeline/phase.js';
import { AttachedMachine } from '../../engines/local/attach.js';
import { captureFailure } from './failure-report.js';
import { updateHandoff, type Handoff, type HandoffKubevirtRun, type HandoffVm } from './handoff.js';
import { optionalInput } from './inputs.js';
import { jobEngine, removalHint, requireJobRun } from './kubevirt-run.js';
import { logArtifactInputs, startBuildLog, uploadLogsIfWanted, type UploadedLogs } from './log-artifact.js';
import type { ActionContext } from './run-action.js';
import { selectVm, type SelectedVm } from './select-vm.js';
import { failureSection, logsLine, phasesTable, writeSummary } from './summary.js';

export interface StageVm {
  selected: SelectedVm;
  record: HandoffVm;
  handle: VmHandle;
  /** Whether the VM runs (local: asked each time; kubevirt: as found when attaching). */
  running(): boolean;
  /** kubevirt: the job's build run. */
  run?: HandoffKubevirtRun;
}

/** The VM this stage works on: the `vm` input, else the one VM build-vm started in this job. */
export async function stageVm(ctx: ActionContext, build: Build, handoff: Handoff, stage: string): Promise<StageVm> {
  const wanted = optionalInput('vm');
  const started = Object.keys(handoff.vms);
  const selected = selectVm(build, wanted ?? (started.length === 1 ? started[0] : undefined));
  const record = handoff.vms[selected.key];
  if (!record?.detached && !record?.cluster) throw new UserError(`${stage}: vm ${selected.key} was not started in this job; run build-vm for it first`);
  if (record.state === 'snapshotted') throw new UserError(`${stage}: vm ${selected.key} was already snapshotted and stopped`);
  if (record.cluster) {
    const run = requireJobRun(handoff, stage);
    const attached = await jobEngine(ctx, run).attachVm({ build, vm: selected.vm, workDir: record.workDir, logDir: record.logDir, logger: ctx.logger, signal: ctx.signal });
    return { selected, record, handle: attached.handle, running: () => attached.running, run };
  }
  const machine = new AttachedMachine(record.detached!);
  return { selected, record, handle: machine, running: () => machine.running };
}

/** Where a kept VM is reached, for the keep-on-failure message. */
function sshOf(vm: StageVm): string {
  if (vm.record.cluster) return `vmi/${vm.record.cluster.virtualMachine}.${vm.record.cluster.namespace}:${vm.selected.vm.communicator.sshPort} (virtctl port-forward)`;
  return vm.record.detached?.ssh ? `${vm.record.detached.ssh.host}:${vm.record.detached.ssh.port}` : 'none';
}

/** Sends this stage's log lines to `<stage>.log` in the VM's log folder, beside build-vm's. */
export async function startStageLog(ctx: ActionContext, vm: StageVm, stage: string): Promise<void> {
  await startBuildLog(ctx.logger, vm.record.logDir, `${stage}.log`);
}

/** Uploads the VM's log folder when build-vm's upload-logs asks for it at this outcome. */
export async function uploadStageLogs(ctx: ActionContext, vm: StageVm, status: 'succeeded' | 'failed' | 'cancelled'): Promise<UploadedLogs | undefined> {
  const settings = vm.record.logs ?? logArtifactInputs([vm.selected.key]);
  return uploadLogsIfWanted(settings, status, { dir: vm.record.logDir, masker: ctx.masker, logger: ctx.logger, tempRoot: ctx.env.RUNNER_TEMP || undefined });
}

export async function recordPhases(key: string, phases: PhaseRecord[], change?: (vm: HandoffVm) => void): Promise<void> {
  await updateHandoff('local', (h) => {
    const vm = h.vms[key];
    if (!vm) return;
    vm.phases.push(...phases);
    change?.(vm);
  });
}

/** On a failed stage: the VM's last screen and console into the summary; the VM stopped unless kept. */
export async function failStage(ctx: ActionContext, vm: StageVm, phases: PhaseRecord[], keepOnFailure: boolean, title: string): Promise<void> {
  const failure = await captureFailure(vm.selected.key, vm.running() ? vm.handle : undefined, vm.record.logDir, ctx.logger);
  if (keepOnFailure) {
    ctx.logger.warn(`keep-on-failure: leaving vm ${vm.selected.key} running for debugging (ssh ${sshOf(vm)})${vm.run ? `; remove it afterwards with: ${removalHint(vm.run)}` : ''}`);
  } else {
    await vm.handle.stop();
    await rm(vm.record.workDir, { recursive: true, force: true });
  }
  await recordPhases(vm.selected.key, phases, (r) => {
    r.state = keepOnFailure ? r.state : 'failed';
    if (keepOnFailure) r.keep = true;
  });
  const logs = await uploadStageLogs(ctx, vm, ctx.signal.aborted ? 'cancelled' : 'failed');
  if (logs) failure.where = `artifact ${logs.name}`;
  await writeSummary(`### RudderVirt: ${title} failed\n\n${phasesTable(phases)}\n${failureSection(failure)}\n${logsLine(logs, vm.record.logDir)}`, ctx.masker);
}
