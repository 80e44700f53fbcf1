/**
 * setup-cluster for the local engine: makes this runner able to run build VMs.
 *
 * 1. The tools: qemu-system-x86_64, qemu-img, xorriso (CD-ROMs from files) and OVMF (UEFI) are
 *    installed with apt-get when missing (through sudo when not root), as Debian/Ubuntu runners
 *    allow; elsewhere the step fails naming the packages.
 * 2. /dev/kvm: hosted Ubuntu runners expose it but the runner user may not open it. The fix they
 *    need is a udev rule giving it mode 0666 and a udev trigger (actions/runner-images#7670).
 * 3. The accelerator: a probe guest really runs under KVM, or builds use TCG (much slower). The
 *    choice is exported as RUDDERVIRT_ACCEL so later steps skip the probe; `require-kvm` fails the
 *    step instead of falling back.
 */
import { spawn } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { UserError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { findOnPath } from '../../core/find-on-path.js';
import { chooseAccelerator, type Accelerator } from '../../engines/local/accelerator.js';

export const REQUIRED_TOOLS: { tool: string; debianPackage: string }[] = [
  { tool: 'qemu-system-x86_64', debianPackage: 'qemu-system-x86' },
  { tool: 'qemu-img', debianPackage: 'qemu-utils' },
  { tool: 'xorriso', debianPackage: 'xorriso' },
];
/** UEFI firmware (efiFirmware in build files). */
export const OVMF = { file: '/usr/share/OVMF/OVMF_CODE_4M.fd', alternatives: ['/usr/share/OVMF/OVMF_CODE.fd'], debianPackage: 'ovmf' };
export const KVM_UDEV_RULE_FILE = '/etc/udev/rules.d/99-ruddervirt-kvm.rules';
export const KVM_UDEV_RULE = 'KERNEL=="kvm", GROUP="kvm", MODE="0666", OPTIONS+="static_node=kvm"\n';

export interface CommandResult {
  code: number;
  output: string;
}

/** Runs a command, streaming its output to the log; never throws for a non-zero exit. */
export function runCommand(command: string, args: string[], logger: Logger, signal: AbortSignal, input?: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], signal, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    let output = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output = (output + text).slice(-64 * 1024);
      for (const line of text.split('\n')) if (line.trim()) logger.info(`  ${line.trimEnd()}`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? resolve({ code: 127, output: `${command}: not found` }) : reject(err)));
    child.once('close', (code) => resolve({ code: code ?? 1, output }));
    child.stdin.end(input ?? '');
  });
}

export function onPath(tool: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return findOnPath(tool, env) !== undefined;
}

export function missingPackages(env: NodeJS.ProcessEnv = process.env): string[] {
  const missing = REQUIRED_TOOLS.filter((t) => !onPath(t.tool, env)).map((t) => t.debianPackage);
  if (![OVMF.file, ...OVMF.alternatives].some((f) => existsSync(f))) missing.push(OVMF.debianPackage);
  return missing;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** `command args` as root: directly when we are root, else through passwordless sudo. */
function asRoot(command: string, args: string[]): [string, string[]] {
  return isRoot() ? [command, args] : ['sudo', ['-n', command, ...args]];
}

export async function installPackages(packages: string[], logger: Logger, signal: AbortSignal): Promise<void> {
  if (packages.length === 0) return;
  if (!onPath('apt-get')) {
    throw new UserError(`missing packages ${packages.join(', ')}, and this runner has no apt-get: install QEMU (qemu-system-x86_64, qemu-img), xorriso and OVMF before this step`);
  }
  logger.info(`installing ${packages.join(' ')} with apt-get`);
  const update = await runCommand(...asRoot('apt-get', ['update', '-q']), logger, signal);
  if (update.code !== 0) logger.warn(`apt-get update failed (exit ${update.code}); trying the install with the package lists this runner has`);
  const install = await runCommand(...asRoot('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages]), logger, signal);
  if (install.code !== 0) {
    throw new UserError(`apt-get install ${packages.join(' ')} failed (exit ${install.code})${isRoot() ? '' : '; the runner user needs passwordless sudo'}`);
  }
}

export async function kvmAccessible(device = '/dev/kvm'): Promise<boolean> {
  try {
    await access(device, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export type KvmPermission = 'absent' | 'accessible' | 'fixed' | 'not-fixed';

/** Gives everyone read/write on /dev/kvm the way hosted runners need it (a udev rule). */
export async function fixKvmPermissions(logger: Logger, signal: AbortSignal, device = '/dev/kvm'): Promise<KvmPermission> {
  if (!existsSync(device)) return 'absent';
  if (await kvmAccessible(device)) return 'accessible';
  logger.info(`${device} is not usable by this user: adding the udev rule ${KVM_UDEV_RULE_FILE}`);
  await runCommand(...asRoot('tee', [KVM_UDEV_RULE_FILE]), logger, signal, KVM_UDEV_RULE);
  await runCommand(...asRoot('udevadm', ['control', '--reload-rules']), logger, signal);
  await runCommand(...asRoot('udevadm', ['trigger', '--name-match=kvm']), logger, signal);
  if (!(await kvmAccessible(device))) await runCommand(...asRoot('chmod', ['0666', device]), logger, signal);
  return (await kvmAccessible(device)) ? 'fixed' : 'not-fixed';
}

export interface LocalSetupOptions {
  installPackages: boolean;
  fixKvm: boolean;
  requireKvm: boolean;
  logger: Logger;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
}

export interface LocalSetupResult {
  installed: string[];
  kvm: KvmPermission;
  accelerator: Accelerator;
  reason: string;
}

export async function setupLocalHost(o: LocalSetupOptions): Promise<LocalSetupResult> {
  const missing = missingPackages(o.env);
  if (missing.length > 0) {
    if (!o.installPackages) throw new UserError(`missing packages: ${missing.join(', ')} (set install-packages: true, or install them before this step)`);
    await installPackages(missing, o.logger, o.signal);
    const still = missingPackages(o.env);
    if (still.length > 0) throw new UserError(`still missing after apt-get install: ${still.join(', ')}`);
  } else {
    o.logger.info('qemu, qemu-img, xorriso and OVMF are installed');
  }
  const kvm = o.fixKvm ? await fixKvmPermissions(o.logger, o.signal) : existsSync('/dev/kvm') ? ((await kvmAccessible()) ? 'accessible' : 'not-fixed') : 'absent';
  const choice = await chooseAccelerator({ logger: o.logger, env: o.env });
  if (o.requireKvm && choice.accelerator !== 'kvm') {
    throw new UserError(`require-kvm: KVM is not usable on this runner (${choice.reason}); builds would fall back to slow TCG emulation`);
  }
  return { installed: missing, kvm, accelerator: choice.accelerator, reason: choice.reason };
}
