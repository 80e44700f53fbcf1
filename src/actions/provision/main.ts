/**
 * provision: runs the build file's provisioners over SSH on the VM build-vm started in this job
 * (found through the handoff; no inputs needed). On failure the VM's last screen and console go
 * to the summary and the VM is stopped, unless keep-on-failure.
 */
import { createPhaseRunner } from '../../core/pipeline/phase.js';
import { provisionStage } from '../../core/pipeline/stages/provision.js';
import { loadBuildForAction, phaseTimeoutInputs } from '../toolkit/build-context.js';
import { requireHandoff } from '../toolkit/handoff.js';
import { booleanInput } from '../toolkit/inputs.js';
import { setOutputs } from '../toolkit/outputs.js';
import { runAction } from '../toolkit/run-action.js';
import { failStage, recordPhases, stageVm, startStageLog } from '../toolkit/stage-vm.js';
import { phasesTable, writeSummary } from '../toolkit/summary.js';

export const run = (): Promise<void> => runAction(async (ctx) => {
  const handoff = await requireHandoff('build-vm');
  const { build } = loadBuildForAction(ctx, handoff);
  const target = await stageVm(ctx, build, handoff, 'provision');
  await startStageLog(ctx, target, 'provision');
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
      provisionTimeoutMs: phaseTimeoutInputs().provision ?? 0,
    });
  } catch (err) {
    ctx.logger.closeGroup();
    await failStage(ctx, target, phases.records, booleanInput('keep-on-failure', false), `provisioning ${target.selected.key}`);
    throw err;
  }
  ctx.logger.closeGroup();
  await recordPhases(target.selected.key, phases.records);
  setOutputs({ vm: target.selected.key, provisioners: vm.provisioners.length }, ctx.masker);
  await writeSummary(`### RudderVirt: ${target.selected.key} provisioned\n\n${phasesTable(phases.records)}`, ctx.masker);
});
