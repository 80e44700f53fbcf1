/**
 * UEFI firmware (OVMF) for `efiFirmware` VMs. The firmware code is attached read-only; its
 * variable store is copied from the template for each build, as Packer copies OVMF_VARS into the
 * output directory, so one build's boot entries never leak into another's.
 *
 * Which files: the firmware descriptors distributions install for QEMU's firmware interop spec
 * (/usr/share/qemu/firmware/*.json, overridable in /etc/qemu/firmware and ~/.config/qemu/firmware),
 * then well-known paths of Debian/Ubuntu and Fedora as a fallback, and RUDDERVIRT_OVMF_CODE +
 * RUDDERVIRT_OVMF_VARS above all (Packer's efi_firmware_code / efi_firmware_vars).
 *
 * Secure Boot means firmware built with it, keys enrolled (Microsoft's, so shim-signed installers
 * boot), SMM so the guest cannot rewrite the variables, and therefore the q35 machine.
 */
import { copyFile, chmod, readdir, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../core/errors.js';

export interface UefiFirmware {
  code: string;
  codeFormat: 'raw' | 'qcow2';
  varsTemplate: string;
  varsFormat: 'raw' | 'qcow2';
  secureBoot: boolean;
  /** The firmware only works with SMM enabled (every Secure Boot build does). */
  requiresSmm: boolean;
  /** Where the choice came from, for the log. */
  origin: string;
}

export interface FindFirmwareOptions {
  secureBoot: boolean;
  machine: 'pc' | 'q35';
  env?: NodeJS.ProcessEnv;
  /** Descriptor folders, highest priority first. */
  descriptorDirs?: string[];
  /** Fallback pairs when no descriptor fits. */
  knownPaths?: readonly KnownFirmware[];
}

export interface KnownFirmware {
  code: string;
  vars: string;
  secureBoot: boolean;
}

export const KNOWN_FIRMWARE: readonly KnownFirmware[] = [
  { code: '/usr/share/OVMF/OVMF_CODE_4M.secboot.fd', vars: '/usr/share/OVMF/OVMF_VARS_4M.ms.fd', secureBoot: true },
  { code: '/usr/share/OVMF/OVMF_CODE.secboot.fd', vars: '/usr/share/OVMF/OVMF_VARS.ms.fd', secureBoot: true },
  { code: '/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd', vars: '/usr/share/edk2/ovmf/OVMF_VARS.secboot.fd', secureBoot: true },
  { code: '/usr/share/OVMF/OVMF_CODE_4M.fd', vars: '/usr/share/OVMF/OVMF_VARS_4M.fd', secureBoot: false },
  { code: '/usr/share/OVMF/OVMF_CODE.fd', vars: '/usr/share/OVMF/OVMF_VARS.fd', secureBoot: false },
  { code: '/usr/share/edk2/ovmf/OVMF_CODE.fd', vars: '/usr/share/edk2/ovmf/OVMF_VARS.fd', secureBoot: false },
  { code: '/usr/share/edk2/x64/OVMF_CODE.fd', vars: '/usr/share/edk2/x64/OVMF_VARS.fd', secureBoot: false },
];

export function defaultDescriptorDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const config = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return [path.join(config, 'qemu', 'firmware'), '/etc/qemu/firmware', '/usr/share/qemu/firmware'];
}

/** The subset of a firmware descriptor (QEMU docs/interop/firmware.json) we read. */
interface Descriptor {
  description?: string;
  'interface-types'?: string[];
  mapping?: {
    device?: string;
    executable?: { filename?: string; format?: string };
    'nvram-template'?: { filename?: string; format?: string };
  };
  targets?: { architecture?: string; machines?: string[] }[];
  features?: string[];
}

export async function findUefiFirmware(options: FindFirmwareOptions): Promise<UefiFirmware> {
  const env = options.env ?? process.env;
  if (options.secureBoot && options.machine !== 'q35') throw new Error('Secure Boot firmware needs the q35 machine');

  if (env.RUDDERVIRT_OVMF_CODE || env.RUDDERVIRT_OVMF_VARS) {
    if (!env.RUDDERVIRT_OVMF_CODE || !env.RUDDERVIRT_OVMF_VARS) {
      throw new UserError('set both RUDDERVIRT_OVMF_CODE and RUDDERVIRT_OVMF_VARS, or neither');
    }
    for (const f of [env.RUDDERVIRT_OVMF_CODE, env.RUDDERVIRT_OVMF_VARS]) {
      if (!(await isFile(f))) throw new UserError(`OVMF file ${f} (from RUDDERVIRT_OVMF_*) does not exist`);
    }
    return {
      code: env.RUDDERVIRT_OVMF_CODE,
      codeFormat: 'raw',
      varsTemplate: env.RUDDERVIRT_OVMF_VARS,
      varsFormat: 'raw',
      secureBoot: options.secureBoot,
      requiresSmm: options.secureBoot,
      origin: 'RUDDERVIRT_OVMF_CODE/RUDDERVIRT_OVMF_VARS',
    };
  }

  for (const [file, d] of await readDescriptors(options.descriptorDirs ?? defaultDescriptorDirs(env))) {
    const fw = await fromDescriptor(d, options);
    if (fw) return { ...fw, origin: file };
  }

  for (const k of options.knownPaths ?? KNOWN_FIRMWARE) {
    if (k.secureBoot !== options.secureBoot) continue;
    if ((await isFile(k.code)) && (await isFile(k.vars))) {
      return {
        code: k.code,
        codeFormat: 'raw',
        varsTemplate: k.vars,
        varsFormat: 'raw',
        secureBoot: k.secureBoot,
        requiresSmm: k.secureBoot,
        origin: 'well-known path',
      };
    }
  }
  throw new UserError(
    `efiFirmware${options.secureBoot ? ' with secureBoot' : ''} needs OVMF UEFI firmware, and none was found ` + `(Debian/Ubuntu: sudo apt-get install -y ovmf; or set RUDDERVIRT_OVMF_CODE and RUDDERVIRT_OVMF_VARS)`,
  );
}

/** Copies the variable store template for one VM; it must be writable for the guest. */
export async function prepareUefiVars(firmware: UefiFirmware, destination: string): Promise<string> {
  await copyFile(firmware.varsTemplate, destination);
  await chmod(destination, 0o600);
  return destination;
}

/** Descriptors by file name; a name in an earlier folder hides the same name in later ones. */
async function readDescriptors(dirs: string[]): Promise<[string, Descriptor][]> {
  const byName = new Map<string, string>();
  for (const dir of [...dirs].reverse()) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const n of names) if (n.endsWith('.json')) byName.set(n, path.join(dir, n));
  }
  const out: [string, Descriptor][] = [];
  for (const name of [...byName.keys()].sort()) {
    const file = byName.get(name)!;
    try {
      out.push([file, JSON.parse(await readFile(file, 'utf8')) as Descriptor]);
    } catch {
      // An empty file masks a lower-priority descriptor on purpose (the spec says so); broken ones are skipped.
    }
  }
  return out;
}

async function fromDescriptor(d: Descriptor, options: FindFirmwareOptions): Promise<Omit<UefiFirmware, 'origin'> | undefined> {
  if (!d['interface-types']?.includes('uefi') || d.mapping?.device !== 'flash') return undefined;
  const code = d.mapping.executable?.filename;
  const vars = d.mapping['nvram-template']?.filename;
  if (!code || !vars) return undefined;
  const representative = options.machine === 'q35' ? 'pc-q35-99.0' : 'pc-i440fx-99.0';
  const fitsMachine = (d.targets ?? []).some((t) => t.architecture === 'x86_64' && (t.machines ?? []).some((glob) => globMatch(glob, representative)));
  if (!fitsMachine) return undefined;
  const features = new Set(d.features ?? []);
  // Confidential-computing builds do not boot ordinary guests.
  if (features.has('amd-sev-es') || features.has('amd-sev-snp') || features.has('intel-tdx')) return undefined;
  if (options.secureBoot) {
    if (!features.has('secure-boot') || !features.has('enrolled-keys')) return undefined;
  } else if (features.has('secure-boot')) {
    return undefined;
  }
  if (!(await isFile(code)) || !(await isFile(vars))) return undefined;
  return {
    code,
    codeFormat: d.mapping.executable?.format === 'qcow2' ? 'qcow2' : 'raw',
    varsTemplate: vars,
    varsFormat: d.mapping['nvram-template']?.format === 'qcow2' ? 'qcow2' : 'raw',
    secureBoot: options.secureBoot,
    requiresSmm: features.has('requires-smm'),
  };
}

/** The descriptors' machine patterns use shell-style '*' and '?'. */
export function globMatch(glob: string, text: string): boolean {
  const re = new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(text);
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}
