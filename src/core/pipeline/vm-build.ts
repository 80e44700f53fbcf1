/**
 * One VM through Packer's order of operations (reference/packer.md §5): HTTP server → start VM →
 * bootWait → boot command over VNC → wait for SSH → provisioners → shutdown → export the disk →
 * checksum. Each step registers its cleanup as it succeeds; on failure or cancellation the cleanups
 * run newest-first, unless onError is 'abort' (Packer's -on-error=abort), which leaves the VM
 * running for debugging and says what was left.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RemoteCommunicator } from '../communicator/types.js';
import type { Build, Layer, OnError, Vm } from '../config/model.js';
import type { Engine, VmHandle } from '../engine.js';
import type { Logger } from '../log.js';
import { startHttpServer } from '../httpserver/http-server.js';
import { sleep } from '../abort.js';
import { exportOutput } from './steps/export-output.js';
import { CleanupStack } from './cleanup-stack.js';
import type { LayerSync } from './layer-sync.js';
import type { VmOutput } from './manifest.js';
import { createPhaseRunner, type PhaseRecord } from './phase.js';
import { typeBootCommand, saveScreenshot } from './steps/boot-command.js';
import { provisionOverSsh } from './steps/provision.js';
import { shutdownVm } from './steps/shutdown.js';

/** Limits per phase, in ms (0 or absent = the phase's own rules, e.g. sshTimeout). */
export interface PhaseTimeouts {
  boot?: number;
  bootCommand?: number;
  provision?: number;
  shutdown?: number;
  export?: number;
}

export interface VmBuildContext {
  build: Build;
  layer: Layer;
  vm: Vm;
  engine: Engine;
  outputDir: string;
  onError: OnError;
  logger: Logger;
  signal: AbortSignal;
  /** Shared with the other VMs: the manifest lists them all. */
  phases: PhaseRecord[];
  parentDisk?: string;
  phaseTimeouts?: PhaseTimeouts;
  /** dependsOn ordering among the VMs of this layer. */
  layerSync?: LayerSync;
}

export async function buildVm(ctx: VmBuildContext): Promise<VmOutput> {
  const { build, layer, vm, engine, logger, signal } = ctx;
  const cleanup = new CleanupStack();
  const phases = createPhaseRunner(`${layer.name}/${vm.name}`, logger, signal);
  const logDir = path.join(ctx.outputDir, 'logs', `${layer.name}-${vm.name}`);
  await mkdir(logDir, { recursive: true });
  const workDir = await mkdtemp(path.join(os.tmpdir(), `ruddervirt-${build.name}-${vm.name}-`));
  cleanup.push(`work directory ${workDir}`, () => rm(workDir, { recursive: true, force: true }));
  let handle: VmHandle | undefined;

  try {
    let httpPort: number | undefined;
    if (vm.httpDirectory || vm.httpContent) {
      const server = await startHttpServer({
        source: vm.httpDirectory ? { directory: vm.httpDirectory } : { content: vm.httpContent ?? {} },
        logger,
      });
      cleanup.push('http server', () => server.close());
      httpPort = server.port;
    }

    handle = await phases.run(
      'start vm',
      (s) =>
        engine.startVm({
          build,
          vm,
          workDir,
          logDir,
          logger,
          signal: s,
          ...(httpPort !== undefined ? { http: { port: httpPort } } : {}),
          ...(ctx.parentDisk ? { parentDisk: ctx.parentDisk } : {}),
        }),
      { timeoutMs: ctx.phaseTimeouts?.boot ?? 0 },
    );
    const vmHandle = handle;
    cleanup.push(`vm ${vm.name}`, () => vmHandle.stop());

    if (vm.bootWait > 0) await phases.run('boot wait', (s) => sleep(vm.bootWait, s));
    if (vm.bootCommand.length > 0) {
      await phases.run('boot command', (s) => typeBootCommand({ vm, handle: vmHandle, logDir, logger, signal: s }), {
        timeoutMs: ctx.phaseTimeouts?.bootCommand ?? 0,
      });
    } else {
      phases.skip('boot command', 'none given');
    }

    if (vm.dependsOn.length > 0 && ctx.layerSync) {
      const sync = ctx.layerSync;
      await phases.run(`wait for ${vm.dependsOn.join(', ')}`, (s) => sync.waitFor(vm.dependsOn, s));
    }
    let comm: RemoteCommunicator | undefined;
    if (vm.communicator.type === 'ssh') {
      const peers = engine.peerAddresses?.(build, layer, vm) ?? [];
      if (peers.length > 0) logger.info(`peers: ${peers.map((p) => `${p.vm}=${p.address}`).join(', ')} (RUDDERVIRT_PEER_* in shell provisioners)`);
      comm = await provisionOverSsh({ build, vm, handle: vmHandle, phases, cleanup, logger, signal, peers, provisionTimeoutMs: ctx.phaseTimeouts?.provision ?? 0 });
    } else {
      phases.skip('provision', 'communicator none');
    }

    ctx.layerSync?.provisioned(vm.name);
    const dependents = ctx.layerSync?.dependentsOf(vm.name) ?? [];
    if (dependents.length > 0) {
      // Peers provision against this VM (a database for an app): keep it up until they are done.
      const sync = ctx.layerSync!;
      await phases.run(`keep running for ${dependents.join(', ')}`, (s) => sync.waitForDependents(vm.name, s));
    }
    await phases.run('shutdown', (s) => shutdownVm({ vm, handle: vmHandle, logger, signal: s, ...(comm ? { comm } : {}) }), {
      timeoutMs: ctx.phaseTimeouts?.shutdown ?? 0,
    });

    return await exportOutput({ layer, vm, handle: vmHandle, phases, outputDir: ctx.outputDir, logger, timeoutMs: ctx.phaseTimeouts?.export ?? 0 });
  } catch (err) {
    ctx.layerSync?.failed(vm.name, err instanceof Error ? err : new Error(String(err)));
    if (handle && !signal.aborted) await reportFailure(handle, logDir, logger);
    if (ctx.onError === 'abort') {
      const left = cleanup.abandon();
      logger.warn(`onError=abort: leaving for debugging: ${left.join('; ')}`);
    }
    throw err;
  } finally {
    await cleanup.unwind(logger);
    ctx.phases.push(...phases.records);
  }
}

/** People debugging a failed build want to see the screen and the console: show both. */
async function reportFailure(handle: VmHandle, logDir: string, logger: Logger): Promise<void> {
  const quick = AbortSignal.timeout(10_000);
  try {
    const file = await saveScreenshot(handle, path.join(logDir, 'failure.png'), quick);
    logger.error(`last screen: ${file}`);
  } catch (err) {
    logger.warn(`no screenshot: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const tail = await handle.serialTail(30);
    if (tail.length > 0) {
      await writeFile(path.join(logDir, 'serial-tail.txt'), tail.join('\n') + '\n');
      logger.error(`last serial console lines:\n${tail.map((l) => `  | ${l}`).join('\n')}`);
    }
  } catch (err) {
    logger.warn(`no serial console: ${err instanceof Error ? err.message : String(err)}`);
  }
}
