/**
 * The verify stage: each finished image whose VM has a `verify:` block is booted as a new VM
 * through the engine (verify-vm.ts says how it differs from the build VM), by the verify slice of
 * the one VM step list (pipeline/vm-steps.ts VM_STAGES.verify: the same HTTP server, start, boot
 * wait, boot command and SSH wait as a build, then the checks), and stopped and removed whatever
 * the outcome — cancellation (SIGINT/SIGTERM) included, through the step list's cleanup stack.
 * The image itself is never written: the VM runs on an overlay (local) or an uploaded copy (kubevirt).
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { CancelledError } from '../abort.js';
import type { Build, Layer, OnError, Vm } from '../config/model.js';
import { formatGoDuration } from '../duration.js';
import type { Engine } from '../engine.js';
import type { Logger, SecretMasker } from '../log.js';
import { maskSecretsInFile } from '../mask-file.js';
import type { VmOutput } from '../pipeline/manifest.js';
import { createPhaseRunner, type PhaseRecord } from '../pipeline/phase.js';
import { VerifyFailedError, type CheckResult } from '../pipeline/steps/verify-checks.js';
import { runVmSteps, VM_STAGES, type AbandonedVm } from '../pipeline/vm-steps.js';
import { createWorkFolder, keepWorkFolder } from '../work-folder.js';
import { verifyVm } from './verify-vm.js';

export interface VmVerifyResult {
  /** layer/vm */
  vm: string;
  image: string;
  status: 'passed' | 'failed' | 'cancelled';
  /** Why it failed: the failed checks, or the step that never got that far (boot, SSH). */
  error?: string;
  checks: CheckResult[];
  /** The fresh cloud-init instance-id, when the image uses cloud-init. */
  instanceId?: string;
  logDir: string;
}

export interface VerifyResult {
  /** passed: every verified VM passed; skipped: no VM of these outputs has a verify block. */
  status: 'passed' | 'failed' | 'cancelled' | 'skipped';
  vms: VmVerifyResult[];
  phases: PhaseRecord[];
  abandoned: AbandonedVm[];
}

export interface VerifyOptions {
  build: Build;
  outputs: readonly VmOutput[];
  engine: Engine;
  outputDir: string;
  logger: Logger;
  masker?: SecretMasker;
  signal: AbortSignal;
  /** abort: a failed verify VM is left running for debugging (as a build's onError abort). */
  onError?: OnError;
}

function findVm(build: Build, output: VmOutput): { layer: Layer; vm: Vm } | undefined {
  const layer = build.layers.find((l) => l.name === output.layer);
  const vm = layer?.vms.find((v) => v.name === output.vm);
  return layer && vm ? { layer, vm } : undefined;
}

/** Which outputs verify would boot: those whose VM has a verify block. */
export function outputsToVerify(build: Build, outputs: readonly VmOutput[]): VmOutput[] {
  return outputs.filter((o) => findVm(build, o)?.vm.verify);
}

export async function runVerify(options: VerifyOptions): Promise<VerifyResult> {
  const { build, logger, signal } = options;
  const phases: PhaseRecord[] = [];
  const vms: VmVerifyResult[] = [];
  const abandoned: AbandonedVm[] = [];
  const wanted = outputsToVerify(build, options.outputs);
  if (wanted.length === 0) return { status: 'skipped', vms, phases, abandoned };
  // Every verify VM is made first, into one build of their own: an engine renders and checks the
  // build it is given as a whole (kubevirt: every object of its run), and these are the VMs it runs.
  const prepared: Prepared[] = [];
  try {
    for (const output of wanted) {
      const { layer, vm } = findVm(build, output)!;
      const workDir = await createWorkFolder(`${build.name}-${vm.name}-verify`);
      prepared.push({ layer, output, workDir, keep: false, ...(await verifyVm(vm, output.image, workDir)) });
    }
    const verifyBuild: Build = {
      ...build,
      layers: build.layers.flatMap((l) => {
        const own = prepared.filter((p) => p.layer === l).map((p) => p.vm);
        return own.length > 0 ? [{ name: l.name, vms: own }] : [];
      }),
    };
    // One VM at a time: checks are about one image each, and two TCG guests at once only slow both.
    for (const p of prepared) {
      if (signal.aborted) break;
      const key = `${p.layer.name}/${p.vm.name}`;
      const child = wanted.length > 1 || build.layers.length > 1 ? logger.child(`${key} verify`) : logger.child(`${p.vm.name} verify`);
      const layer = verifyBuild.layers.find((l) => l.name === p.layer.name)!;
      vms.push(await verifyOne(options, verifyBuild, layer, p, child, phases, abandoned));
    }
  } finally {
    for (const p of prepared) if (!p.keep) await rm(p.workDir, { recursive: true, force: true });
  }
  const status = signal.aborted || vms.some((v) => v.status === 'cancelled') ? 'cancelled' : vms.every((v) => v.status === 'passed') ? 'passed' : 'failed';
  return { status, vms, phases, abandoned };
}

interface Prepared {
  /** The build's layer (the verify build has its own, holding the verify VMs). */
  layer: Layer;
  output: VmOutput;
  workDir: string;
  /** The VM verify boots (verify-vm.ts). */
  vm: Vm;
  instanceId?: string;
  /** Left for debugging (onError abort): the work folder stays with the VM. */
  keep: boolean;
}

async function verifyOne(options: VerifyOptions, build: Build, layer: Layer, p: Prepared, logger: Logger, phases: PhaseRecord[], abandoned: AbandonedVm[]): Promise<VmVerifyResult> {
  const { vm, output, workDir } = p;
  const key = `${layer.name}/${vm.name}`;
  const limit = vm.verify!.timeout;
  const timeout = AbortSignal.timeout(limit);
  const signal = AbortSignal.any([options.signal, timeout]);
  const runner = createPhaseRunner(`${key} verify`, logger, signal);
  const logDir = path.join(options.outputDir, 'logs', `${layer.name}-${vm.name}-verify`);
  await mkdir(logDir, { recursive: true });
  const result: VmVerifyResult = { vm: key, image: output.image, status: 'failed', checks: [], logDir };
  try {
    if (p.instanceId) {
      result.instanceId = p.instanceId;
      logger.info(`cloud-init: a fresh seed (instance-id ${p.instanceId}) with a throw-away SSH key for ${vm.communicator.sshUsername}`);
    }
    logger.info(`verifying ${output.image}: ${vm.verify!.checks.length} check(s), at most ${formatGoDuration(limit)}`);
    const state = await runVmSteps({
      ctx: { build, layer, vm, engine: options.engine, workDir, logDir, outputDir: options.outputDir, logger, phases: runner, timeouts: {}, ...(options.masker ? { masker: options.masker } : {}) },
      steps: VM_STAGES.verify,
      onError: options.onError === 'abort' ? 'abort' : 'cleanup',
      vmAfter: 'stop',
      onAbandoned: (a) => {
        p.keep = true;
        void keepWorkFolder(workDir).catch(() => undefined);
        abandoned.push({ ...a, vm: `${key} verify`, workDir, left: [...a.left, `work directory ${workDir}`] });
      },
    });
    result.checks = state.verify?.checks ?? [];
    result.status = 'passed';
    logger.info(`verify ${key}: passed (${result.checks.length} check(s))`);
  } catch (err) {
    if (err instanceof VerifyFailedError) {
      result.checks = err.report.checks;
      result.error = err.message;
    } else if (err instanceof CancelledError && timeout.aborted && !options.signal.aborted) {
      result.error = `verify timed out after ${formatGoDuration(limit)} (verify.timeout)`;
    } else if (err instanceof CancelledError || options.signal.aborted) {
      result.status = 'cancelled';
      result.error = 'cancelled';
    } else {
      result.error = err instanceof Error ? err.message : String(err);
    }
    if (result.status === 'failed') logger.error(`verify ${key}: failed: ${result.error}`);
  } finally {
    phases.push(...runner.records);
    if (!p.keep && options.masker) await maskSecretsInFile(path.join(logDir, 'serial.log'), options.masker).catch(() => false);
  }
  return result;
}

/** Lines for a terminal or a log: one per VM, then each failed check with what it printed last. */
export function formatVerifyResult(result: VerifyResult): string {
  if (result.status === 'skipped') return 'verify: nothing to verify (no VM has a verify block)\n';
  let out = '';
  for (const v of result.vms) {
    out += `verify ${v.vm}: ${v.status}${v.error && v.checks.length === 0 ? ` — ${v.error}` : ''}\n`;
    for (const c of v.checks) {
      out += `  ${c.passed ? 'ok  ' : 'FAIL'} ${c.name}${c.passed ? '' : ` — ${c.reason ?? 'failed'}`}\n`;
      if (!c.passed) for (const line of c.tail.slice(-5)) out += `       | ${line}\n`;
    }
  }
  return out;
}
