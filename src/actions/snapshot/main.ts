/**
 * snapshot: shuts the VM down cleanly (shutdownCommand, else the power button; forced after
 * shutdownTimeout), exports its root disk in the build file's output format with a sha256 beside
 * it — the snapshot slice of the VM step list — and removes the VM's work dir. Outputs the disk's
 * path, a file:// reference and its sha256. The summary shows the whole VM: source, every phase
 * of every stage, the output.
 */
import { rm } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { loadBuildForAction } from '../toolkit/build-context.js';
import { requireHandoff, updateHandoff } from '../toolkit/handoff.js';
import { removeJobRun } from '../toolkit/kubevirt-run.js';
import { lockedOutputDirectory } from '../toolkit/output-lock.js';
import { setOutputs } from '../toolkit/outputs.js';
import { runAction } from '../toolkit/run-action.js';
import { runStage, stageVm, startStageLog, uploadStageLogs } from '../toolkit/stage-vm.js';
import { logsLine, outputsTable, phasesTable, sourcesTable, writeSummary } from '../toolkit/summary.js';

export const run = (): Promise<void> =>
  runAction(async (ctx) => {
    const handoff = await requireHandoff('build-vm');
    const { build } = loadBuildForAction(ctx, handoff);
    // Before the VM is touched: another build writing into this folder refuses this one.
    const outputDir = await lockedOutputDirectory(ctx, build.name);
    const target = await stageVm(ctx, build, handoff, 'snapshot');
    const { key } = target.selected;
    await startStageLog(ctx, target.record.logDir, 'snapshot');
    const { state, phases } = await runStage(ctx, {
      build,
      selected: target.selected,
      stage: 'snapshot',
      engine: target.engine,
      handle: target.handle,
      workDir: target.record.workDir,
      logDir: target.record.logDir,
      outputDir,
      failureTitle: `snapshot of ${key} failed`,
      ...(target.run ? { run: target.run } : {}),
    });
    const output = state.output!;
    await rm(target.record.workDir, { recursive: true, force: true });
    const reference = pathToFileURL(output.image).href;
    const updated = await updateHandoff(handoff.engine, (h) => {
      const entry = h.vms[key];
      if (entry) {
        entry.phases.push(...phases);
        entry.state = 'snapshotted';
      }
      h.snapshots[key] = { path: output.image, format: output.format, compressed: output.compressed, bytes: output.bytes, sha256: output.sha256, reference };
    });
    // kubevirt: the disk is out of the cluster; once no VM of the job's run still needs it, the run goes.
    if (target.run && !Object.values(updated.vms).some((v) => v.state === 'starting' || v.state === 'running')) {
      await removeJobRun(target.run, ctx.logger, ctx.env);
    }
    setOutputs({ vm: key, path: output.image, 'disk-reference': reference, sha256: output.sha256, 'checksum-file': output.checksumFile, bytes: output.bytes, format: output.format }, ctx.masker);
    const entry = updated.vms[key] ?? target.record;
    const logs = await uploadStageLogs(ctx, key, entry, 'succeeded');
    const source = updated.sources[key];
    await writeSummary(
      `### RudderVirt: ${key} snapshot\n\n` +
        (source ? sourcesTable([{ vm: key, reference: source.reference, digest: source.digest, ...(source.bytes !== undefined ? { bytes: source.bytes } : {}), origin: source.origin }]) + '\n' : '') +
        `${phasesTable(entry.phases)}\n${outputsTable([output])}` +
        (logs ? `\n${logsLine(logs, target.record.logDir)}` : ''),
      ctx.masker,
    );
  });
