/**
 * provision: runs the build file's provisioners over SSH on the VM build-vm started in this job
 * (found through the handoff; no inputs needed) — the provision slice of the VM step list. On
 * failure the VM's last screen and console go to the summary and the VM is stopped, unless
 * keep-on-failure.
 */
import { loadBuildForAction } from '../toolkit/build-context.js';
import { requireHandoff, updateHandoff } from '../toolkit/handoff.js';
import { setOutputs } from '../toolkit/outputs.js';
import { runAction } from '../toolkit/run-action.js';
import { runStage, stageVm, startStageLog } from '../toolkit/stage-vm.js';
import { phasesTable, writeSummary } from '../toolkit/summary.js';

export const run = (): Promise<void> =>
  runAction(async (ctx) => {
    const handoff = await requireHandoff('build-vm');
    const { build } = loadBuildForAction(ctx, handoff);
    const target = await stageVm(ctx, build, handoff, 'provision');
    const { key, vm } = target.selected;
    await startStageLog(ctx, target.record.logDir, 'provision');
    if (!target.handle.isRunning()) throw new Error(`vm ${key} is not running any more (see the serial console in ${target.record.logDir})`);
    const { state, phases } = await runStage(ctx, {
      build,
      selected: target.selected,
      stage: 'provision',
      engine: target.engine,
      handle: target.handle,
      workDir: target.record.workDir,
      logDir: target.record.logDir,
      outputDir: target.record.workDir,
      failureTitle: `provisioning ${key} failed`,
      ...(target.run ? { run: target.run } : {}),
    });
    await updateHandoff(handoff.engine, (h) => {
      const entry = h.vms[key];
      if (!entry) return;
      entry.phases.push(...phases);
      if (state.detached) entry.detached = state.detached;
    });
    setOutputs({ vm: key, provisioners: vm.provisioners.length }, ctx.masker);
    await writeSummary(`### RudderVirt: ${key} provisioned\n\n${phasesTable(phases)}`, ctx.masker);
  });
