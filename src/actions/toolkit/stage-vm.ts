/**
 * What provision and snapshot share: find the VM that build-vm started (from the handoff), attach
 * to it, record each stage's phases back into the handoff, and on failure show what the VM showed
 * last and stop it (unless keep-on-failure).
 */
import { rm } from 'node:fs/promises';
import { UserError } from '../../cli/command.js';
import type { Build } from '../../core/config/model.js';
import type { PhaseRecord } from '../../core/pipeline/phase.js';
import { AttachedMachine } from '../../engines/local/attach.js';
import { captureFailure } from './failure-report.js';
import { updateHandoff, type Handoff, type HandoffVm } from './handoff.js';
import { optionalInput } from './inputs.js';
import type { ActionContext } from './run-action.js';
import { selectVm, type SelectedVm } from './select-vm.js';
import { failureSection, phasesTable, writeSummary } from './summary.js';

export interface StageVm {
  selected: SelectedVm;
  record: HandoffVm;
  handle: AttachedMachine;
}

/** The VM this stage works on: the `vm` input, else the one VM build-vm started in this job. */
export function stageVm(build: Build, handoff: Handoff, stage: string): StageVm {
  const wanted = optionalInput('vm');
  const started = Object.keys(handoff.vms);
  const selected = selectVm(build, wanted ?? (started.length === 1 ? started[0] : undefined));
  const record = handoff.vms[selected.key];
  if (!record?.detached) throw new UserError(`${stage}: vm ${selected.key} was not started in this job; run build-vm for it first`);
  if (record.state === 'snapshotted') throw new UserError(`${stage}: vm ${selected.key} was already snapshotted and stopped`);
  return { selected, record, handle: new AttachedMachine(record.detached) };
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
  const failure = await captureFailure(vm.selected.key, vm.handle.running ? vm.handle : undefined, vm.record.logDir, ctx.logger);
  if (keepOnFailure) {
    ctx.logger.warn(`keep-on-failure: leaving vm ${vm.selected.key} running for debugging (ssh ${vm.record.detached?.ssh ? `${vm.record.detached.ssh.host}:${vm.record.detached.ssh.port}` : 'none'})`);
  } else {
    await vm.handle.stop();
    await rm(vm.record.workDir, { recursive: true, force: true });
  }
  await recordPhases(vm.selected.key, phases, (r) => {
    r.state = keepOnFailure ? r.state : 'failed';
    if (keepOnFailure) r.keep = true;
  });
  await writeSummary(`### RudderVirt: ${title} failed\n\n${phasesTable(phases)}\n${failureSection(failure)}`, ctx.masker);
}
