/**
 * build-vm: starts one VM of the build file and brings it to the point where it answers SSH —
 * the build-vm slice of the VM step list (HTTP server, VM start, bootWait, boot command over VNC,
 * SSH handshake). The VM is then detached through its engine and keeps running for provision and
 * snapshot (local: a keeper process owns it; kubevirt: the cluster), or until this action's post
 * step stops it (failure, cancellation).
 */
import * as core from '@actions/core';
import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../../core/errors.js';
import type { Source } from '../../core/config/model.js';
import { resolveSourceChecksums } from '../../core/sources/resolve-checksums.js';
import { loadBuildForAction } from '../toolkit/build-context.js';
import { readHandoff, updateHandoff, handoffPath } from '../toolkit/handoff.js';
import { enumInput, optionalInput, booleanInput } from '../toolkit/inputs.js';
import { logArtifactInputs, startBuildLog } from '../toolkit/log-artifact.js';
import { setOutputs } from '../toolkit/outputs.js';
import { runAction } from '../toolkit/run-action.js';
import { selectVm } from '../toolkit/select-vm.js';
import { runStage, sshHint, stageEngine } from '../toolkit/stage-vm.js';
import { STATE } from '../toolkit/state-keys.js';
import { phasesTable, writeSummary } from '../toolkit/summary.js';

/** The build file's source, pointed at the file import-source verified on this runner (an ISO stays a CD-ROM). */
export function importedSource(source: Source, file: string): Source {
  if (source.kind === 'iso') return { kind: 'iso', url: pathToFileURL(file).href, checksum: source.checksum };
  return { kind: 'path', path: file };
}

export const run = (): Promise<void> =>
  runAction(async (ctx) => {
    const { logger } = ctx;
    const handoff = await readHandoff();
    const engineName = enumInput('engine', ['local', 'kubevirt'] as const, handoff?.engine ?? 'local');
    const loaded = loadBuildForAction(ctx, handoff);
    const { build } = loaded;
    // checksum: file:… names its digest in a checksum file: read (and its signature checked) before the VM starts.
    await resolveSourceChecksums(build, { logger, signal: ctx.signal, env: ctx.env });
    const selected = selectVm(build, optionalInput('vm'));
    const { vm, key } = selected;
    if (handoff?.vms[key]?.state === 'running') throw new UserError(`build-vm: vm ${key} is already running in this job`);

    const tempRoot = ctx.env.RUNNER_TEMP || os.tmpdir();
    await mkdir(tempRoot, { recursive: true });
    const workDir = await mkdtemp(path.join(tempRoot, `ruddervirt-${build.name}-${vm.name}-`));
    const logDir = path.join(tempRoot, 'ruddervirt', 'logs', `${selected.layer.name}-${vm.name}`);
    await mkdir(logDir, { recursive: true });
    const logArtifact = logArtifactInputs([build.name, selected.layer.name, vm.name]);
    await startBuildLog(logger, logDir, 'build-vm.log');
    // Written before anything starts, so the post step can clean up whatever happens next.
    core.saveState(STATE.handoff, handoffPath());
    core.saveState(STATE.vm, key);
    core.saveState(STATE.workDir, workDir);
    core.saveState(STATE.keepOnFailure, String(booleanInput('keep-on-failure', false)));
    await updateHandoff(engineName, (h) => {
      h.build = loaded.handoff;
      h.vms[key] = { state: 'starting', workDir, logDir, phases: [], logs: logArtifact };
    });
    setOutputs({ 'log-dir': logDir }, ctx.masker);

    const { engine, run } = await stageEngine(ctx, engineName, handoff, 'build-vm', true);
    if (run) {
      // Before anything is created: the post step removes the run by these even if this process is killed.
      core.saveState(STATE.engine, 'kubevirt');
      core.saveState(STATE.runId, run.id);
      core.saveState(STATE.namespace, run.namespace);
      core.saveState(STATE.kubeconfig, run.kubeconfig ?? '');
      core.saveState(STATE.writtenKubeconfig, run.writtenKubeconfig ?? '');
    }
    // import-source's result on this runner (the kubevirt engine adopts its DataVolume by name itself).
    const imported = engineName === 'local' ? handoff?.sources[key]?.reference : undefined;
    if (imported) logger.info(`source: ${imported} (from import-source)`);
    const parentDisk = vm.source.kind === 'from' ? handoff?.snapshots[`${vm.source.layer}/${vm.source.vm}`]?.path : undefined;
    const startVm = imported ? { ...vm, source: importedSource(vm.source, imported) } : vm;
    const startBuild = startVm === vm ? build : { ...build, layers: build.layers.map((l) => ({ ...l, vms: l.vms.map((v) => (v === vm ? startVm : v)) })) };

    const { state, phases } = await runStage(ctx, {
      build: startBuild,
      selected: { ...selected, vm: startVm },
      stage: 'build-vm',
      engine,
      workDir,
      logDir,
      outputDir: workDir,
      failureTitle: `${key} failed to boot`,
      ...(parentDisk ? { parentDisk } : {}),
      ...(run ? { run } : {}),
    });
    const detached = state.detached!;
    await updateHandoff(engineName, (h) => {
      const entry = h.vms[key];
      if (!entry) return;
      entry.state = 'running';
      entry.detached = detached;
      entry.phases.push(...phases);
    });
    const ssh = detached.sshEndpoint;
    setOutputs({ 'vm-name': vm.name, vm: key, 'ssh-endpoint': ssh?.display ?? '', 'ssh-host': ssh?.host, 'ssh-port': ssh?.port }, ctx.masker);
    logger.info(`vm ${key} is running (${sshHint(detached)}) — it keeps running for provision and snapshot`);
    await writeSummary(`### RudderVirt: ${key} booted\n\n${phasesTable(phases)}`, ctx.masker);
  });
