/**
 * One VM of a whole build, in this process: the full step list (vm-steps.ts) in a work folder that
 * lives as long as the VM's build. Its phases join the build's (the manifest lists every VM's).
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Build, Layer, OnError, Vm } from '../config/model.js';
import type { Engine } from '../engine.js';
import type { Logger, SecretMasker } from '../log.js';
import { maskSecretsInFolder } from '../mask-file.js';
import { createWorkFolder, keepWorkFolder, sweepStaleWorkFolders } from '../work-folder.js';
import type { LayerSync } from './layer-sync.js';
import type { VmOutput } from './manifest.js';
import { createPhaseRunner, type PhaseRecord } from './phase.js';
import { runVmSteps, type AbandonedVm, type PhaseTimeouts, type RunVmStepsOptions } from './vm-steps.js';

export interface VmBuildContext {
  build: Build;
  layer: Layer;
  vm: Vm;
  engine: Engine;
  outputDir: string;
  onError: OnError;
  logger: Logger;
  masker?: SecretMasker;
  signal: AbortSignal;
  /** Shared with the other VMs: the manifest lists them all. */
  phases: PhaseRecord[];
  parentDisk?: string;
  phaseTimeouts?: PhaseTimeouts;
  /** dependsOn ordering among the VMs of this layer. */
  layerSync?: LayerSync;
  onAbandoned?(abandoned: AbandonedVm): void;
  ask?: RunVmStepsOptions['ask'];
}

/** Where a VM's screenshots, serial log and failure captures go; kept after the build. */
export function vmLogDir(outputDir: string, layer: Layer, vm: Vm): string {
  return path.join(outputDir, 'logs', `${layer.name}-${vm.name}`);
}

export async function buildVm(ctx: VmBuildContext): Promise<VmOutput> {
  const { build, layer, vm, logger } = ctx;
  const phases = createPhaseRunner(`${layer.name}/${vm.name}`, logger, ctx.signal);
  const logDir = vmLogDir(ctx.outputDir, layer, vm);
  await mkdir(logDir, { recursive: true });
  // What earlier builds killed outright left in the temp folder goes first.
  for (const stale of await sweepStaleWorkFolders()) logger.info(`removed ${stale}, left by a build that is no longer running`);
  const workDir = await createWorkFolder(`${build.name}-${vm.name}`);
  let keepWorkDir = false;
  try {
    const state = await runVmSteps({
      ctx: {
        build,
        layer,
        vm,
        engine: ctx.engine,
        workDir,
        logDir,
        outputDir: ctx.outputDir,
        logger,
        phases,
        timeouts: ctx.phaseTimeouts ?? {},
        ...(ctx.masker ? { masker: ctx.masker } : {}),
        ...(ctx.parentDisk ? { parentDisk: ctx.parentDisk } : {}),
        ...(ctx.layerSync ? { layerSync: ctx.layerSync } : {}),
      },
      onError: ctx.onError,
      ...(ctx.ask ? { ask: ctx.ask } : {}),
      vmAfter: 'stop',
      onAbandoned: (abandoned) => {
        // The VM's disks live in the work folder: it stays with the VM left for debugging.
        keepWorkDir = true;
        void keepWorkFolder(workDir).catch(() => undefined);
        ctx.onAbandoned?.({ ...abandoned, workDir, left: [...abandoned.left, `work directory ${workDir}`] });
      },
    });
    if (!state.output) throw new Error(`internal: vm ${vm.name} finished its steps without an output`);
    return state.output;
  } finally {
    if (!keepWorkDir) await rm(workDir, { recursive: true, force: true });
    // QEMU wrote the serial console itself, unmasked, and OCR wrote what the screen showed; a VM
    // left running still writes to its serial log.
    if (!keepWorkDir && ctx.masker) await maskSecretsInFolder(logDir, ctx.masker).catch(() => []);
    ctx.phases.push(...phases.records);
  }
}
