/**
 * build-vm: starts one VM of the build file and brings it to the point where it answers SSH —
 * HTTP server, VM start, bootWait, boot command over VNC, SSH handshake. On the local engine the
 * VM keeps running after this step (a detached keeper process owns it) until snapshot stops it,
 * or this action's post step does (failure, cancellation). The same bundle is the keeper (its
 * entry file hands such a process over before anything runs). On
 * kubevirt the cluster keeps the VirtualMachine (kubevirt-build-vm.ts); the post step removes the
 * job's build run by its label.
 */
import * as core from '@actions/core';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../cli/command.js';
import { startHttpServer, type RunningHttpServer } from '../../core/httpserver/http-server.js';
import { createPhaseRunner } from '../../core/pipeline/phase.js';
import { bootStage } from '../../core/pipeline/stages/boot.js';
import { AttachedMachine } from '../../engines/local/attach.js';
import { loadBuildForAction, phaseTimeoutInputs } from '../toolkit/build-context.js';
import { startDetachedVm } from '../../engines/local/start-detached.js';
import { captureFailure } from '../toolkit/failure-report.js';
import { handoffPath, readHandoff, updateHandoff } from '../toolkit/handoff.js';
import { startOnKubevirt, type KubevirtStageMachine } from '../toolkit/kubevirt-build-vm.js';
import { booleanInput, enumInput, optionalInput } from '../toolkit/inputs.js';
import { logArtifactInputs, startBuildLog, uploadLogsIfWanted } from '../toolkit/log-artifact.js';
import { setOutputs } from '../toolkit/outputs.js';
import { runAction } from '../toolkit/run-action.js';
import { selectVm } from '../toolkit/select-vm.js';
import { failureSection, logsLine, phasesTable, writeSummary } from '../toolkit/summary.js';
import { KEEPER_FLAG } from '../../engines/local/keeper.js';

export const run = (): Promise<void> => runAction(async (ctx) => {
  const { logger, signal } = ctx;
  const handoff = await readHandoff();
  const engine = enumInput('engine', ['local', 'kubevirt'] as const, handoff?.engine ?? 'local');
  const loaded = loadBuildForAction(ctx, handoff);
  const { build } = loaded;
  const selected = selectVm(build, optionalInput('vm'));
  const { vm, key } = selected;
  if (handoff?.vms[key]?.state === 'running') throw new UserError(`build-vm: vm ${key} is already running in this job`);
  const timeouts = phaseTimeoutInputs();
  const keepOnFailure = booleanInput('keep-on-failure', false);

  const tempRoot = ctx.env.RUNNER_TEMP || os.tmpdir();
  await mkdir(tempRoot, { recursive: true });
  const workDir = await mkdtemp(path.join(tempRoot, `ruddervirt-${build.name}-${vm.name}-`));
  const logDir = path.join(tempRoot, 'ruddervirt', 'logs', `${selected.layer.name}-${vm.name}`);
  await mkdir(logDir, { recursive: true });
  const logArtifact = logArtifactInputs([build.name, selected.layer.name, vm.name]);
  await startBuildLog(logger, logDir, 'build-vm.log');
  // Written before anything starts, so the post step can clean up whatever happens next.
  core.saveState('handoff', handoffPath());
  core.saveState('vm', key);
  core.saveState('workDir', workDir);
  core.saveState('keeperMarker', `${KEEPER_FLAG}=${workDir}`);
  core.saveState('keepOnFailure', String(keepOnFailure));
  await updateHandoff(engine, (h) => {
    h.build = loaded.handoff;
    h.vms[key] = { state: 'starting', workDir, logDir, phases: [], logs: logArtifact };
  });
  setOutputs({ 'log-dir': logDir }, ctx.masker);

  const phases = createPhaseRunner(key, logger, signal);
  let http: RunningHttpServer | undefined;
  let handle: AttachedMachine | KubevirtStageMachine | undefined;
  try {
    let ssh: { endpoint: string; host: string; port: number } | undefined;
    if (engine === 'kubevirt') {
      // The cluster serves the HTTP files (a pod beside the VM) and keeps the VM after this step.
      const started = await startOnKubevirt(ctx, { build, selected, handoff, workDir, logDir, phases, timeouts });
      handle = started.machine;
      ssh = started.ssh;
    } else {
      if (vm.httpDirectory || vm.httpContent) {
        http = await startHttpServer({ source: vm.httpDirectory ? { directory: vm.httpDirectory } : { content: vm.httpContent ?? {} }, logger });
      }
      const sourcePath = handoff?.sources[key]?.reference;
      if (sourcePath) logger.info(`source: ${sourcePath} (from import-source)`);
      const started = await phases.run(
        'start vm',
        (s) =>
          startDetachedVm({
            request: {
              buildFile: loaded.handoff.file,
              cwd: loaded.handoff.cwd,
              vars: loaded.vars,
              vm: key,
              workDir,
              logDir,
              ...(sourcePath ? { sourcePath } : {}),
              ...(http ? { httpPort: http.port } : {}),
            },
            keeperLog: path.join(workDir, 'keeper.log'),
            logger,
            signal: s,
          }),
        { timeoutMs: timeouts.boot ?? 0 },
      );
      handle = new AttachedMachine(started.record);
      const record = started.record;
      await updateHandoff('local', (h) => {
        const entry = h.vms[key];
        if (entry) Object.assign(entry, { state: 'running', detached: record });
      });
      if (record.ssh) ssh = { endpoint: `${record.ssh.host}:${record.ssh.port}`, host: record.ssh.host, port: record.ssh.port };
    }
    await bootStage({ vm, handle, phases, logDir, logger, masker: ctx.masker, signal, timeouts });
    logger.closeGroup();

    setOutputs({ 'vm-name': vm.name, vm: key, 'ssh-endpoint': ssh?.endpoint ?? '', 'ssh-host': ssh?.host, 'ssh-port': ssh?.port }, ctx.masker);
    logger.info(`vm ${key} is running${ssh ? `; ssh ${ssh.endpoint}` : ''} — it keeps running for provision and snapshot`);
    await writeSummary(`### RudderVirt: ${key} booted\n\n${phasesTable(phases.records)}`, ctx.masker);
  } catch (err) {
    logger.closeGroup();
    const failure = await captureFailure(key, handle?.running && !signal.aborted ? handle : undefined, logDir, logger);
    if (keepOnFailure && handle?.running) {
      logger.warn(`keep-on-failure: leaving vm ${key} running for debugging`);
    } else {
      await handle?.stop();
      await rm(workDir, { recursive: true, force: true });
    }
    await updateHandoff(engine, (h) => {
      const entry = h.vms[key];
      if (!entry) return;
      entry.state = keepOnFailure && handle?.running ? entry.state : 'failed';
      if (keepOnFailure) entry.keep = true;
    });
    const logs = await uploadLogsIfWanted(logArtifact, signal.aborted ? 'cancelled' : 'failed', { dir: logDir, masker: ctx.masker, logger, tempRoot });
    if (logs) failure.where = `artifact ${logs.name}`;
    await writeSummary(`### RudderVirt: ${key} failed to boot\n\n${phasesTable(phases.records)}\n${failureSection(failure)}\n${logsLine(logs, logDir)}`, ctx.masker);
    throw err;
  } finally {
    await http?.close();
    await updateHandoff(engine, (h) => h.vms[key]?.phases.push(...phases.records));
  }
});
