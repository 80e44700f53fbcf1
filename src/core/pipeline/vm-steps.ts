/**
 * One VM through Packer's order of operations, written once as a list of steps (Packer's
 * multistep: hashicorp/packer-plugin-sdk multistep/basic_runner.go runs steps in order and each
 * step's Cleanup in reverse, the failed step's included):
 *
 *   http server → start vm → boot wait → boot command → wait for dependencies → wait for ssh →
 *   provision → keep running for dependents → sbom → shutdown → export
 *
 * plus one step only the verify slice runs (verify checks): the finished image booted again as a
 * new VM (src/core/verify) goes through the same boot steps, then its checks instead of provisioning.
 *
 * The whole build (vm-build.ts) runs all of it in one process. The stage actions run named slices
 * of the same list in separate processes (VM_STAGES): build-vm up to SSH, then provision, then
 * snapshot; the VM crosses between them through Engine.detach/attach. So peers, timeouts, the SSH
 * session, failure capture and cleanup are defined here only.
 */
import type { RemoteCommunicator } from '../communicator/types.js';
import { connectSsh } from '../communicator/ssh-connect.js';
import type { Build, FailureChoice, Layer, OnError, Vm } from '../config/model.js';
import type { DetachedVm, Engine, VmHandle } from '../engine.js';
import { startHttpServer, type RunningHttpServer } from '../httpserver/http-server.js';
import type { Logger, SecretMasker } from '../log.js';
import { sleep } from '../abort.js';
import { CleanupStack } from './cleanup-stack.js';
import { captureFailure } from './failure-capture.js';
import type { LayerSync } from './layer-sync.js';
import type { VmOutput } from './manifest.js';
import type { PhaseRunner } from './phase.js';
import { typeBootCommand } from './steps/boot-command.js';
import { exportOutput } from './steps/export-output.js';
import { runProvisioners } from './steps/provision.js';
import { shutdownVm } from './steps/shutdown.js';
import { readSbom } from './steps/sbom.js';
import { runVerifyChecks, type VerifyReport } from './steps/verify-checks.js';
import type { GuestSbom } from '../sbom/read-guest.js';

/** Limits per phase, in ms (0 or absent = the phase's own rules, e.g. sshTimeout). */
export interface PhaseTimeouts {
  boot?: number;
  bootCommand?: number;
  provision?: number;
  shutdown?: number;
  export?: number;
}

/** What every step may read; fixed for one run of the list. */
export interface VmStepContext {
  build: Build;
  layer: Layer;
  vm: Vm;
  engine: Engine;
  workDir: string;
  /** Screenshots, serial log, failure captures. */
  logDir: string;
  outputDir: string;
  logger: Logger;
  masker?: SecretMasker;
  phases: PhaseRunner;
  timeouts: PhaseTimeouts;
  /** For `source: {from: layer/vm}`: the earlier layer's output disk. */
  parentDisk?: string;
  /** dependsOn ordering among the VMs of one layer (whole builds only). */
  layerSync?: LayerSync;
}

/** What the steps hand each other. */
export interface VmBuildState {
  http?: RunningHttpServer;
  handle?: VmHandle;
  comm?: RemoteCommunicator;
  output?: VmOutput;
  /** Set when the VM was handed to another process; its stop is then not ours. */
  detached?: DetachedVm;
  /** The guest's package list (or why there is none), written beside the image by export. */
  sbom?: GuestSbom;
  /** What the verify checks found. */
  verify?: VerifyReport;
  /** Set once the boot command typed a secret: the screen may show it, so no screenshot is saved. */
  secretOnScreen?: boolean;
}

export type VmStepName =
  'http server' | 'start vm' | 'boot wait' | 'boot command' | 'wait for dependencies' | 'wait for ssh' | 'provision' | 'keep running for dependents' | 'sbom' | 'shutdown' | 'export' | 'verify checks';

interface VmStep {
  name: VmStepName;
  /** Not part of this VM's build at all (nothing recorded). */
  absent?(ctx: VmStepContext): boolean;
  /** Recorded as skipped, with the reason. */
  skip?(ctx: VmStepContext, state: VmBuildState): string | undefined;
  /** The phase name in logs, the summary and the manifest (default: the step's name). */
  phase?(ctx: VmStepContext): string;
  /** Steps that record their own phases (one per provisioner; export and checksum). */
  ownPhases?: boolean;
  /** Run only by a slice that names it, never as part of a whole build. */
  sliceOnly?: boolean;
  timeoutMs?(ctx: VmStepContext): number;
  run(ctx: VmStepContext, state: VmBuildState, signal: AbortSignal): Promise<void>;
  /** Registered once the step ran (even when it failed), run newest-first at the end. */
  cleanup?(ctx: VmStepContext, state: VmBuildState): Promise<void> | void;
}

function requireHandle(state: VmBuildState): VmHandle {
  if (!state.handle) throw new Error('internal: this step needs a running VM (start vm, or one attached by an earlier stage)');
  return state.handle;
}

function dial(ctx: VmStepContext, handle: VmHandle, signal: AbortSignal, reconnect: boolean): Promise<RemoteCommunicator> {
  return handle.sshAddress(signal).then((address) => connectSsh(ctx.vm.communicator, address, { logger: ctx.logger, signal, reconnect, ...(ctx.masker ? { masker: ctx.masker } : {}) }));
}

const STEPS: readonly VmStep[] = [
  {
    name: 'http server',
    absent: (ctx) => !(ctx.vm.httpDirectory || ctx.vm.httpContent) || ctx.engine.servesHttpItself === true,
    async run(ctx, state) {
      const { vm } = ctx;
      state.http = await startHttpServer({ source: vm.httpDirectory ? { directory: vm.httpDirectory } : { content: vm.httpContent ?? {} }, logger: ctx.logger });
    },
    cleanup: (_ctx, state) => state.http?.close(),
  },
  {
    name: 'start vm',
    timeoutMs: (ctx) => ctx.timeouts.boot ?? 0,
    async run(ctx, state, signal) {
      state.handle = await ctx.engine.startVm({
        build: ctx.build,
        vm: ctx.vm,
        workDir: ctx.workDir,
        logDir: ctx.logDir,
        logger: ctx.logger,
        signal,
        ...(state.http ? { http: { port: state.http.port } } : {}),
        ...(ctx.parentDisk ? { parentDisk: ctx.parentDisk } : {}),
      });
    },
    // The VM's own stop is registered by the runner (it depends on how the slice ends).
  },
  {
    name: 'boot wait',
    absent: (ctx) => ctx.vm.bootWait <= 0,
    run: (ctx, _state, signal) => sleep(ctx.vm.bootWait, signal),
  },
  {
    name: 'boot command',
    skip: (ctx) => (ctx.vm.bootCommand.length === 0 ? 'none given' : undefined),
    timeoutMs: (ctx) => ctx.timeouts.bootCommand ?? 0,
    run: (ctx, state, signal) =>
      typeBootCommand({
        vm: ctx.vm,
        handle: requireHandle(state),
        logDir: ctx.logDir,
        logger: ctx.logger,
        signal,
        ...(ctx.masker ? { masker: ctx.masker } : {}),
        onSecretTyped: () => (state.secretOnScreen = true),
      }),
  },
  {
    name: 'wait for dependencies',
    absent: (ctx) => ctx.vm.dependsOn.length === 0 || !ctx.layerSync,
    phase: (ctx) => `wait for ${ctx.vm.dependsOn.join(', ')}`,
    run: (ctx, _state, signal) => ctx.layerSync!.waitFor(ctx.vm.dependsOn, signal),
  },
  {
    name: 'wait for ssh',
    skip: (ctx) => (ctx.vm.communicator.type !== 'ssh' ? 'communicator none' : undefined),
    // connectSsh applies pauseBeforeConnecting itself, on the first connection only.
    async run(ctx, state, signal) {
      state.comm = await dial(ctx, requireHandle(state), signal, false);
    },
    // Provisioners may replace the connection (reboots): whichever is current is closed.
    cleanup: (_ctx, state) => state.comm?.close(),
  },
  {
    name: 'provision',
    skip: (ctx) => (ctx.vm.communicator.type !== 'ssh' ? 'communicator none' : ctx.vm.provisioners.length === 0 ? 'no provisioners' : undefined),
    ownPhases: true,
    async run(ctx, state, signal) {
      const handle = requireHandle(state);
      if (!state.comm) throw new Error('internal: provision runs after wait for ssh');
      const peers = ctx.engine.peerAddresses?.(ctx.build, ctx.layer, ctx.vm) ?? [];
      if (peers.length > 0) ctx.logger.info(`peers: ${peers.map((p) => `${p.vm}=${p.address}`).join(', ')} (RUDDERVIRT_PEER_* in shell provisioners)`);
      state.comm = await runProvisioners({
        build: ctx.build,
        vm: ctx.vm,
        handle,
        comm: state.comm,
        phases: ctx.phases,
        logger: ctx.logger,
        signal,
        peers,
        provisionTimeoutMs: ctx.timeouts.provision ?? 0,
        reconnect: (s) => dial(ctx, handle, s, true),
      });
    },
  },
  {
    name: 'keep running for dependents',
    absent: (ctx) => (ctx.layerSync?.dependentsOf(ctx.vm.name) ?? []).length === 0,
    phase: (ctx) => `keep running for ${ctx.layerSync!.dependentsOf(ctx.vm.name).join(', ')}`,
    // Peers provision against this VM (a database for an app): keep it up until they are done.
    run: (ctx, _state, signal) => ctx.layerSync!.waitForDependents(ctx.vm.name, signal),
  },
  {
    name: 'sbom',
    skip: (ctx) => (!ctx.vm.output.sbom ? 'output.sbom is false' : ctx.vm.communicator.type !== 'ssh' ? 'communicator none' : undefined),
    ownPhases: true,
    async run(ctx, state, signal) {
      const handle = requireHandle(state);
      // A stage that attached to the VM (snapshot) has no session yet: it opens its own.
      let own: RemoteCommunicator | undefined;
      try {
        const comm = state.comm ?? (own = await dial(ctx, handle, signal, false));
        state.sbom = await readSbom({ build: ctx.build, layer: ctx.layer, vm: ctx.vm, comm, phases: ctx.phases, logger: ctx.logger });
      } finally {
        await own?.close().catch(() => undefined);
      }
    },
  },
  {
    name: 'shutdown',
    skip: (_ctx, state) => (state.handle && !state.handle.isRunning() ? 'the VM had already stopped' : undefined),
    timeoutMs: (ctx) => ctx.timeouts.shutdown ?? 0,
    async run(ctx, state, signal) {
      const handle = requireHandle(state);
      const { vm } = ctx;
      // A stage that attached to the VM has no session yet: open one only for shutdownCommand.
      let own: RemoteCommunicator | undefined;
      if (!state.comm && vm.shutdownCommand && vm.communicator.type === 'ssh') own = await dial(ctx, handle, signal, false);
      try {
        const comm = state.comm ?? own;
        await shutdownVm({ vm, handle, logger: ctx.logger, signal, ...(comm ? { comm } : {}) });
      } finally {
        await own?.close().catch(() => undefined);
      }
    },
  },
  {
    name: 'export',
    ownPhases: true,
    async run(ctx, state) {
      state.output = await exportOutput({
        layer: ctx.layer,
        vm: ctx.vm,
        handle: requireHandle(state),
        phases: ctx.phases,
        outputDir: ctx.outputDir,
        logger: ctx.logger,
        timeoutMs: ctx.timeouts.export ?? 0,
        ...(state.sbom && 'document' in state.sbom ? { sbom: state.sbom.document } : {}),
      });
    },
  },
  {
    name: 'verify checks',
    sliceOnly: true,
    ownPhases: true,
    async run(ctx, state) {
      if (!state.comm) throw new Error('internal: verify checks run after wait for ssh');
      if (!ctx.vm.verify) throw new Error(`internal: vm ${ctx.vm.name} has no verify block`);
      state.verify = await runVerifyChecks({ checks: ctx.vm.verify.checks, comm: state.comm, phases: ctx.phases, logger: ctx.logger });
    },
  },
];

/** The whole build's steps (every step but the ones only a slice runs). */
export const VM_STEPS: readonly VmStepName[] = STEPS.filter((s) => !s.sliceOnly).map((s) => s.name);

/** The slices the stage actions run, one process each; together they are the whole list. */
export const VM_STAGES = {
  'build-vm': ['http server', 'start vm', 'boot wait', 'boot command', 'wait for ssh'],
  provision: ['wait for ssh', 'provision'],
  snapshot: ['sbom', 'shutdown', 'export'],
  /** The built image booted as a new VM (src/core/verify): the same boot, then the checks. */
  verify: ['http server', 'start vm', 'boot wait', 'boot command', 'wait for ssh', 'verify checks'],
} as const satisfies Record<string, readonly VmStepName[]>;

export type VmStage = keyof typeof VM_STAGES;

export interface RunVmStepsOptions {
  ctx: VmStepContext;
  /** Which steps, in the list's order (default all). */
  steps?: readonly VmStepName[];
  /** A VM an earlier stage started (attached through the engine), when `start vm` is not in the slice. */
  state?: VmBuildState;
  onError: OnError;
  /**
   * What becomes of the VM when the steps succeed: 'stop' it (the end of its build), or 'detach' it
   * (Engine.detach) for a later stage in another process, which attaches it again.
   */
  vmAfter: 'stop' | 'detach';
  /** With onError abort after a failure: what was left, and the VM's record when it outlives this process. */
  onAbandoned?(abandoned: AbandonedVm): void;
  /** onError ask: what to do about a failed step (a person answers; cancellation ends the question). */
  ask?(failure: StepFailure): Promise<FailureChoice>;
}

export interface StepFailure {
  /** "layer/vm" */
  vm: string;
  phase: string;
  error: unknown;
}

export interface AbandonedVm {
  /** "layer/vm" */
  vm: string;
  left: string[];
  detached?: DetachedVm;
  logDir: string;
  /** The VM's work folder (its disks), when the caller made one for it. */
  workDir?: string;
}

/**
 * Runs the steps in order, each as a phase with its timeout, registering each step's cleanup as it
 * runs. On failure: the VM's last screen and serial console are captured, then cleanups run
 * newest-first — unless onError is 'abort' (Packer's -on-error=abort), which leaves everything
 * for debugging and detaches the VM when the engine can, so it outlives this process.
 * Rejects with the step's own error (cancellation: CancelledError).
 */
export async function runVmSteps(options: RunVmStepsOptions): Promise<VmBuildState> {
  const { ctx, onError } = options;
  const state: VmBuildState = options.state ?? {};
  const wanted = new Set<VmStepName>(options.steps ?? VM_STEPS);
  const cleanup = new CleanupStack();
  const vmCleanup = (handle: VmHandle) =>
    cleanup.push(`vm ${ctx.vm.name}`, async () => {
      if (!state.detached) await handle.stop();
    });
  if (state.handle) vmCleanup(state.handle);
  let abortChosen = false;
  try {
    for (const step of STEPS) {
      if (!wanted.has(step.name) || step.absent?.(ctx)) continue;
      const reason = step.skip?.(ctx, state);
      const phase = step.phase?.(ctx) ?? step.name;
      if (reason !== undefined) {
        ctx.phases.skip(phase, reason);
      } else {
        for (;;) {
          try {
            await runStep(step, phase);
            break;
          } catch (err) {
            if (onError !== 'ask' || !options.ask || ctx.phases.signal.aborted) throw err;
            const choice = await options.ask({ vm: `${ctx.layer.name}/${ctx.vm.name}`, phase, error: err });
            if (choice === 'retry') {
              ctx.logger.info(`retrying ${phase}`);
              continue;
            }
            abortChosen = choice === 'abort';
            throw err;
          }
        }
      }
      // Peers waiting on this VM (dependsOn) may go on once it is provisioned, or has nothing to provision.
      if (step.name === 'provision') ctx.layerSync?.provisioned(ctx.vm.name);
    }
    if (options.vmAfter === 'detach' && state.handle) state.detached = await ctx.engine.detach(state.handle);
    return state;
  } catch (err) {
    ctx.layerSync?.failed(ctx.vm.name, err instanceof Error ? err : new Error(String(err)));
    const handle = state.handle;
    if (handle && handle.isRunning() && !ctx.phases.signal.aborted) await captureFailure(handle, ctx.logDir, ctx.logger, { screenshot: !state.secretOnScreen });
    if (onError === 'abort' || abortChosen) {
      // Not inside `onAbandoned?.(…)`: an optional call skips its arguments, so without a callback nothing would be left.
      const abandoned = await abandon(ctx, state, cleanup);
      options.onAbandoned?.(abandoned);
    }
    throw err;
  } finally {
    await cleanup.unwind(ctx.logger);
  }

  async function runStep(step: VmStep, phase: string): Promise<void> {
    const hadHandle = state.handle;
    try {
      if (step.ownPhases) await step.run(ctx, state, ctx.phases.signal);
      else await ctx.phases.run(phase, (s) => step.run(ctx, state, s), { timeoutMs: step.timeoutMs?.(ctx) ?? 0 });
    } finally {
      if (step.cleanup) cleanup.push(phase, () => step.cleanup!(ctx, state));
      if (!hadHandle && state.handle) vmCleanup(state.handle);
    }
  }
}

/**
 * onError abort: the VM is left for debugging. Where the engine can detach it, it outlives this
 * process, whose own parts (SSH session, HTTP server) are still cleaned up so the process can end;
 * where it cannot, every cleanup is forgotten and the VM lives as long as this process.
 */
async function abandon(ctx: VmStepContext, state: VmBuildState, cleanup: CleanupStack): Promise<AbandonedVm> {
  if (state.handle?.isRunning() && !state.detached) {
    try {
      state.detached = await ctx.engine.detach(state.handle);
    } catch (err) {
      ctx.logger.warn(`vm ${ctx.vm.name} cannot outlive this process: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const left = state.detached ? [`vm ${ctx.vm.name}`] : cleanup.abandon();
  ctx.logger.warn(`onError=abort: leaving for debugging: ${left.join('; ')}`);
  return { vm: `${ctx.layer.name}/${ctx.vm.name}`, left, logDir: ctx.logDir, ...(state.detached ? { detached: state.detached } : {}) };
}
