/**
 * Chooses between KVM and TCG. Packer trusts /dev/kvm when it can be opened; that is not enough:
 * on nested hosts without VMX the device opens and guests then hang at their first mode switch.
 * So KVM is chosen only when a probe guest really runs under it (see probe-firmware.ts), and the
 * fallback to TCG is announced with one warning per process, since it makes builds much slower.
 *
 * RUDDERVIRT_ACCEL=kvm|tcg skips the probe.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { defaultCacheRoot } from '../../core/pipeline/layer-cache.js';
import { readVerdict, verdictKey, writeVerdict } from './accelerator-verdict.js';
import { PROBE_EXIT_DEVICE, PROBE_STAGES, PROBE_SUCCESS_STATUS, probeFirmwareImage } from './probe-firmware.js';
import { missingToolError } from '../../core/run-tool.js';

export type Accelerator = 'kvm' | 'tcg';

export interface AcceleratorChoice {
  accelerator: Accelerator;
  /** Why, in words for a log line. */
  reason: string;
  /** How long choosing took, in ms (the probe boot dominates). */
  elapsedMs: number;
  /** False when the probe guest never started in time (a loaded host): such a verdict is not remembered. */
  conclusive?: boolean;
}

export interface AcceleratorProbeOptions {
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  qemuBinary?: string;
  /** Injectable for tests; the real ones are /dev/kvm and /proc/cpuinfo. */
  kvmDevice?: string;
  cpuinfo?: string;
  /** How long the probe guest may take under KVM before we call KVM broken. */
  timeoutMs?: number;
  /**
   * Where the probe's verdict is kept between processes until the next reboot (default
   * accelerator.json in the ruddervirt cache folder); false probes every time.
   */
  verdictFile?: string | false;
}

/** How long QEMU may take to start the probe guest (its first debug-console letter). */
export const DEFAULT_PROBE_TIMEOUT_MS = 3000;
/** After the first letter, how long the remaining stages may take (a working KVM needs microseconds). */
export const PROBE_STAGE_TIMEOUT_MS = 500;

const cache = new Map<string, Promise<AcceleratorChoice>>();

/**
 * The accelerator for this process: probed once per (qemu binary, device, override) and then
 * reused, so parallel VMs of one build do not each pay for the probe or repeat the warning.
 */
export function chooseAccelerator(options: AcceleratorProbeOptions): Promise<AcceleratorChoice> {
  const env = options.env ?? process.env;
  const key = [options.qemuBinary ?? 'qemu-system-x86_64', options.kvmDevice ?? '/dev/kvm', env.RUDDERVIRT_ACCEL ?? ''].join('\0');
  let choice = cache.get(key);
  if (!choice) {
    choice = rememberedProbe(options, env).then((c) => {
      if (c.accelerator === 'tcg' && !env.RUDDERVIRT_ACCEL) {
        options.logger.warn(`KVM is not usable here (${c.reason}); using TCG software emulation, builds will be much slower`);
      } else {
        options.logger.info(`accelerator: ${c.accelerator} (${c.reason})`);
      }
      return c;
    });
    // A failed probe (e.g. qemu missing) must not poison later attempts.
    choice.catch(() => cache.delete(key));
    cache.set(key, choice);
  }
  return choice;
}

/** probeAccelerator, answered from the verdict file when the probe ran earlier this boot. */
async function rememberedProbe(options: AcceleratorProbeOptions, env: NodeJS.ProcessEnv): Promise<AcceleratorChoice> {
  const started = performance.now();
  const file = options.verdictFile ?? path.join(defaultCacheRoot(env), 'accelerator.json');
  // Only a probe that boots a guest is worth remembering: overrides and a closed device are instant.
  const device = options.kvmDevice ?? '/dev/kvm';
  const worthIt =
    file !== false &&
    !env.RUDDERVIRT_ACCEL &&
    (await access(device, constants.R_OK | constants.W_OK).then(
      () => true,
      () => false,
    ));
  const key = worthIt ? verdictKey(options.qemuBinary ?? 'qemu-system-x86_64', device, env) : undefined;
  if (file !== false && key) {
    const known = await readVerdict(file, key);
    if (known) return { ...known, reason: `${known.reason}; probed earlier this boot`, elapsedMs: Math.round(performance.now() - started) };
  }
  const choice = await probeAccelerator(options);
  if (file !== false && key && choice.conclusive !== false) await writeVerdict(file, key, choice);
  return choice;
}

/** Forgets cached choices (tests). */
export function resetAcceleratorCache(): void {
  cache.clear();
}

/** Decides without caching or logging. */
export async function probeAccelerator(options: AcceleratorProbeOptions): Promise<AcceleratorChoice> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const env = options.env ?? process.env;
  const override = env.RUDDERVIRT_ACCEL;
  if (override !== undefined && override !== '') {
    if (override !== 'kvm' && override !== 'tcg') {
      throw new UserError(`RUDDERVIRT_ACCEL must be 'kvm' or 'tcg', got '${override}'`);
    }
    return { accelerator: override, reason: `RUDDERVIRT_ACCEL=${override}`, elapsedMs: elapsed() };
  }

  const device = options.kvmDevice ?? '/dev/kvm';
  try {
    await access(device, constants.R_OK | constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `${device} does not exist` : `${device} is not readable and writable by this user (add it to the 'kvm' group)`;
    return { accelerator: 'tcg', reason: why, elapsedMs: elapsed() };
  }

  const flags = await virtualizationFlag(options.cpuinfo ?? '/proc/cpuinfo');
  const probe = await runProbeGuest('kvm', { qemuBinary: options.qemuBinary, timeoutMs: options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS });
  if (probe.succeeded) {
    return { accelerator: 'kvm', reason: `a probe guest reached long mode under KVM in ${probe.elapsedMs}ms`, elapsedMs: elapsed() };
  }
  const cpu = flags ? `the CPU shows ${flags}` : 'the CPU shows no vmx/svm flag (nested virtualization is off)';
  return { accelerator: 'tcg', reason: `${device} opens, but under KVM ${probe.outcome}; ${cpu}`, elapsedMs: elapsed(), conclusive: probe.stages.length > 0 };
}

async function virtualizationFlag(cpuinfo: string): Promise<string | undefined> {
  try {
    const text = await readFile(cpuinfo, 'utf8');
    return /^flags\s*:.*\b(vmx|svm)\b/m.exec(text)?.[1];
  } catch {
    return undefined;
  }
}

export interface ProbeResult {
  succeeded: boolean;
  /** The debug-console letters the guest printed (R, P, L). */
  stages: string;
  /** In words: how far the guest got, or how QEMU failed. */
  outcome: string;
  elapsedMs: number;
}

/** Boots the probe firmware under `accelerator` and reports how far it got within the timeout. */
export async function runProbeGuest(accelerator: Accelerator, options: { qemuBinary?: string | undefined; timeoutMs: number; stageTimeoutMs?: number }): Promise<ProbeResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-accel-'));
  const started = performance.now();
  try {
    const bios = path.join(dir, 'probe.bin');
    await writeFile(bios, probeFirmwareImage());
    const args = [
      '-accel',
      accelerator,
      '-machine',
      'pc',
      ...(accelerator === 'kvm' ? ['-cpu', 'host'] : []),
      '-m',
      '16',
      '-nodefaults',
      '-no-user-config',
      '-display',
      'none',
      '-bios',
      bios,
      '-device',
      PROBE_EXIT_DEVICE,
      '-debugcon',
      'stdio',
    ];
    const result = await new Promise<{ status: number | null; timedOut: boolean; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(options.qemuBinary ?? 'qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      const giveUp = () => {
        timedOut = true;
        child.kill('SIGKILL');
      };
      // QEMU's own start-up may be slow on a busy host, so the first letter gets `timeoutMs`; once
      // the guest runs, the remaining stages take microseconds, so a short wait decides.
      let timer = setTimeout(giveUp, options.timeoutMs);
      child.stdout.setEncoding('latin1').on('data', (c: string) => {
        if (stdout === '') {
          clearTimeout(timer);
          timer = setTimeout(giveUp, options.stageTimeoutMs ?? PROBE_STAGE_TIMEOUT_MS);
        }
        stdout += c;
      });
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(err.code === 'ENOENT' ? missingToolError(options.qemuBinary ?? 'qemu-system-x86_64') : err);
      });
      child.on('close', (status) => {
        clearTimeout(timer);
        resolve({ status, timedOut, stdout, stderr });
      });
    });
    const elapsedMs = Math.round(performance.now() - started);
    const stages = result.stdout.replace(/[^RPL]/g, '');
    if (result.status === PROBE_SUCCESS_STATUS) return { succeeded: true, stages, outcome: PROBE_STAGES.RPL!, elapsedMs };
    const progress = PROBE_STAGES[stages] ?? `the guest printed '${stages}'`;
    const outcome = result.timedOut ? `${progress} (probe stopped after ${elapsedMs}ms)` : `QEMU exited with status ${result.status}: ${result.stderr.trim().split('\n').slice(-3).join(' ') || progress}`;
    return { succeeded: false, stages, outcome, elapsedMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
