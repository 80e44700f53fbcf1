/**
 * One VM's checked values → the Vm model: Packer's defaults applied, sizes in bytes, durations in
 * milliseconds, local paths resolved against the build file's folder, and the rules that need more
 * than one field (the root disk's size, a NIC's subnet, SSH credentials, compress with raw …).
 * References to other VMs (from, dependsOn) are checked in resolve.ts, which sees all of them.
 */
import { scanBootCommand } from '../bootcommand/parser.js';
import { findBadWaits } from './boot-waits.js';
import { parseChecksum } from './checksum.js';
import { resolveDataSource } from './data-source-output.js';
import { didYouMean } from './did-you-mean.js';
import { cdromBus, type Cdrom, type SourceChecksum, type Communicator, type Disk, type DiskBus, type EfiFirmware, type Nic, type NicModel, type Provisioner, type Source, type Vm } from './model.js';
import type { FieldPath } from './problems.js';
import { parseSize } from './quantity.js';
import { qemuSwitchProblem } from './qemu-switches.js';
import { resolveKubevirt } from './kubevirt-settings.js';
import { bool, isRaw, list, num, obj, str, strings, type Raw, type ResolveContext } from './resolve-context.js';
import { resolveProvisioner } from './resolve-provisioner.js';
import { resolveVerify } from './resolve-verify.js';

const MINUTE = 60_000;
const MIB = 1024 ** 2;
export const DEFAULT_ROOT_DISK_BYTES = 40 * 1024 ** 3; // Packer's disk_size 40960M
export const DEFAULT_MEMORY_BYTES = 512 * MIB; // Packer's memory 512
export const DEFAULT_BOOT_WAIT_MS = 10_000;
export const DEFAULT_BOOT_TEXT_TIMEOUT_MS = 5 * MINUTE;

export interface VmScope {
  /** Every subnet declared under network.vpcs. */
  subnets: readonly string[];
}

export function resolveVm(ctx: ResolveContext, raw: Raw, p: FieldPath, scope: VmScope): Vm {
  const communicator = resolveCommunicator(ctx, raw, p);
  const provisioners: Provisioner[] = [];
  (list(raw, 'provisioners') ?? []).forEach((rp, i) => {
    const prov = isRaw(rp) ? resolveProvisioner(ctx, rp, [...p, 'provisioners', i]) : undefined;
    if (prov) provisioners.push(prov);
  });
  if (communicator.type === 'none' && provisioners.length > 0) {
    ctx.report([...p, 'communicator', 'type'], "provisioners need a communicator; expected type 'ssh' (or no provisioners)");
  }
  if (communicator.type === 'none' && str(raw, 'shutdownCommand') !== undefined) {
    ctx.report([...p, 'shutdownCommand'], "shutdownCommand runs over SSH; expected communicator type 'ssh', or no shutdownCommand (the guest then powers itself off)");
  }
  const vm: Vm = {
    name: str(raw, 'name') ?? '',
    source: resolveSource(ctx, obj(raw, 'source'), [...p, 'source']),
    cpu: num(raw, 'cpu') ?? 1,
    memoryBytes: bytes(ctx, raw, 'memory', p, DEFAULT_MEMORY_BYTES, 'memory'),
    disks: resolveDisks(ctx, raw, p),
    cdroms: resolveCdroms(ctx, raw, p),
    nics: resolveNics(ctx, raw, p, scope),
    bootWait: DEFAULT_BOOT_WAIT_MS,
    bootCommand: resolveBootCommand(ctx, raw, p),
    bootTextTimeout: ctx.duration(raw, 'bootTextTimeout', p, DEFAULT_BOOT_TEXT_TIMEOUT_MS, 1),
    communicator,
    provisioners,
    shutdownTimeout: ctx.duration(raw, 'shutdownTimeout', p, 5 * MINUTE, 0),
    output: resolveOutput(ctx, raw, p),
    dependsOn: strings(raw, 'dependsOn') ?? [],
    positions: ctx.positionsBelow(p),
  };
  resolveBootWait(ctx, raw, p, vm);
  const efi = resolveEfi(raw);
  if (efi) vm.efiFirmware = efi;
  const machineType = str(raw, 'machineType');
  if (machineType === 'pc' || machineType === 'q35') vm.machineType = machineType;
  if (machineType === 'pc' && efi?.secureBoot) ctx.report([...p, 'machineType'], 'Secure Boot needs SMM, which needs the q35 machine type; expected q35 (the default)');
  warnUnseenCdroms(ctx, vm, p);
  const httpDirectory = str(raw, 'httpDirectory');
  if (httpDirectory !== undefined) vm.httpDirectory = ctx.localPath([...p, 'httpDirectory'], httpDirectory, 'dir');
  const httpContent = obj(raw, 'httpContent');
  if (httpContent) vm.httpContent = Object.fromEntries(Object.entries(httpContent).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const interval = str(raw, 'bootKeyInterval');
  if (interval !== undefined) {
    const ms = ctx.duration(raw, 'bootKeyInterval', p, 0, 0);
    if (ms > 0) vm.bootKeyInterval = ms;
  }
  const cpuModel = str(raw, 'cpuModel');
  if (cpuModel) vm.cpuModel = cpuModel;
  const vmName = str(raw, 'vmName');
  if (vmName) vm.vmName = vmName;
  const qemuArgs = resolveQemuArgs(ctx, raw, p);
  if (qemuArgs) vm.qemuArgs = qemuArgs;
  const shutdownCommand = str(raw, 'shutdownCommand');
  if (shutdownCommand) vm.shutdownCommand = shutdownCommand;
  const kubevirt = resolveKubevirt(ctx, obj(raw, 'kubevirt'), [...p, 'kubevirt']);
  if (kubevirt) vm.kubevirt = kubevirt;
  checkUniqueDeviceNames(ctx, vm, p);
  const verify = resolveVerify(ctx, raw, p, communicator);
  if (verify) vm.verify = verify;
  return vm;
}

function resolveSource(ctx: ResolveContext, raw: Raw | undefined, p: FieldPath): Source {
  const download = (r: Raw | undefined, at: FieldPath): { url: string; mirrors?: string[]; checksum: SourceChecksum } => {
    const urls = strings(r, 'urls') ?? [str(r, 'url') ?? ''];
    const [url = '', ...mirrors] = urls;
    return { url, ...(mirrors.length > 0 ? { mirrors } : {}), checksum: downloadChecksum(ctx, r, at) };
  };
  if (str(raw, 'url') !== undefined || list(raw, 'urls')) return { kind: 'url', ...download(raw, p) };
  const image = str(raw, 'containerDisk');
  if (image !== undefined) return { kind: 'containerDisk', image };
  const iso = obj(raw, 'iso');
  if (iso) return { kind: 'iso', ...download(iso, [...p, 'iso']) };
  const path = str(raw, 'path');
  if (path !== undefined) return { kind: 'path', path: ctx.localPath([...p, 'path'], path, 'unchecked') };
  const from = str(raw, 'from');
  if (from !== undefined) {
    const [layer = '', vm = ''] = from.split('/');
    return { kind: 'from', layer, vm };
  }
  return { kind: 'path', path: '' }; // the structure check reported the missing source
}

/**
 * A download's checksum: the digest, or the checksum file (with its signature) to read it from
 * before the build; a local checksum file, signature or keyring is resolved against the build
 * file's folder and must exist.
 */
function downloadChecksum(ctx: ResolveContext, r: Raw | undefined, at: FieldPath): SourceChecksum {
  const text = str(r, 'checksum') ?? '';
  const parsed = parseChecksum(text);
  const signature = str(r, 'checksumSignature');
  const keyring = str(r, 'checksumKeyring');
  if ('error' in parsed) {
    // algo:hex mistakes fail the format check, which says the same; file: ones pass its pattern.
    if (/^file:/i.test(text)) ctx.report([...at, 'checksum'], parsed.error);
    return { algorithm: 'sha256', hex: '' };
  }
  if ('checksum' in parsed) {
    if (signature !== undefined) ctx.report([...at, 'checksumSignature'], 'a signature is checked on a checksum file; expected checksum: file:URL (the file it signs), or no checksumSignature');
    return parsed.checksum;
  }
  const isUrl = (v: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(v);
  const file = isUrl(parsed.file) ? parsed.file : ctx.localPath([...at, 'checksum'], parsed.file, 'file');
  return {
    file,
    ...(signature !== undefined ? { signature: isUrl(signature) ? signature : ctx.localPath([...at, 'checksumSignature'], signature, 'file') } : {}),
    ...(keyring !== undefined ? { keyring: ctx.localPath([...at, 'checksumKeyring'], keyring, 'file') } : {}),
  };
}

function resolveQemuArgs(ctx: ResolveContext, raw: Raw, p: FieldPath): string[][] | undefined {
  const entries = list(raw, 'qemuArgs');
  if (!entries) return undefined;
  return entries.flatMap((e, i) => {
    if (!Array.isArray(e) || !e.every((x) => typeof x === 'string')) return [];
    const entry = e as string[];
    const problem = qemuSwitchProblem(entry[0] ?? '');
    if (problem) ctx.report([...p, 'qemuArgs', i, 0], problem);
    return problem ? [] : [entry];
  });
}

/** Bytes of a size; reports sizes too small to be meant (512 bytes of memory, 512m = milli). */
function bytes(ctx: ResolveContext, raw: Raw, key: string, p: FieldPath, fallback: number, what: string): number {
  const v = raw[key];
  if (v === undefined) return fallback;
  const at = [...p, key];
  const r = typeof v === 'number' ? { bytes: v } : typeof v === 'string' ? parseSize(v) : undefined;
  if (!r) return fallback;
  if ('error' in r) {
    ctx.report(at, r.error);
    return fallback;
  }
  if (r.bytes < MIB) {
    const text = String(v);
    const milli = /^([\d.]+)m$/.exec(text);
    const hint = milli ? `; 'm' means milli (thousandths), did you mean '${milli[1]}Mi'?` : /^\d+$/.test(text) ? `; a bare number is bytes, did you mean '${text}Mi'?` : '';
    ctx.report(at, `${text} is ${r.bytes} byte${r.bytes === 1 ? '' : 's'}, too small for ${what}; expected at least 1Mi${hint}`);
    return fallback;
  }
  return r.bytes;
}

function resolveDisks(ctx: ResolveContext, raw: Raw, p: FieldPath): Disk[] {
  const rawDisks = list(raw, 'disks');
  if (!rawDisks) return [{ name: 'root', sizeBytes: DEFAULT_ROOT_DISK_BYTES, bus: 'virtio' }];
  return rawDisks.flatMap((d, i) => {
    if (!isRaw(d)) return [];
    const dp = [...p, 'disks', i];
    if (i > 0 && d.size === undefined && !ctx.has([...dp, 'size'])) ctx.report(dp, "missing 'size'; every disk after the root disk needs one, e.g. size: 10Gi");
    const sizeBytes = bytes(ctx, d, 'size', dp, DEFAULT_ROOT_DISK_BYTES, 'a disk');
    return [{ name: str(d, 'name') ?? '', sizeBytes, bus: (str(d, 'bus') ?? 'virtio') as DiskBus }];
  });
}

function resolveCdroms(ctx: ResolveContext, raw: Raw, p: FieldPath): Cdrom[] {
  return (list(raw, 'cdroms') ?? []).flatMap((c, i) => {
    if (!isRaw(c)) return [];
    const cp = [...p, 'cdroms', i];
    const cdrom: Cdrom = { name: str(c, 'name') ?? '' };
    const files = list(c, 'files');
    if (files) {
      cdrom.files = files.flatMap((f, j) => (typeof f === 'string' ? [ctx.localPath([...cp, 'files', j], f, 'fileOrDir')] : []));
      cdrom.label = str(c, 'label') ?? 'packer';
    }
    const iso = str(c, 'iso');
    if (iso !== undefined) cdrom.iso = ctx.localPath([...cp, 'iso'], iso, 'file');
    const type = str(c, 'type');
    if (type === 'disk' || type === 'cdrom') cdrom.type = type;
    const bus = str(c, 'bus') as DiskBus | undefined;
    if (bus !== undefined) {
      // KubeVirt's admission webhook: "virtio is invalid for a cdrom" (pkg/storage/admitters/disks.go).
      if (bus === 'virtio' && cdrom.type !== 'disk') ctx.report([...cp, 'bus'], 'a cdrom cannot be on the virtio bus (KubeVirt refuses it); expected sata or scsi, or type: disk for a virtio disk holding the ISO');
      cdrom.bus = bus;
    }
    return [cdrom];
  });
}

/**
 * Sources whose kernel is known to lack the AHCI (SATA) driver: Debian's genericcloud images boot
 * linux-image-cloud-amd64, whose bookworm package ships virtio_blk and virtio_scsi but no ahci.ko
 * (its generic images boot the full kernel and see SATA).
 */
const NO_AHCI_SOURCE = /genericcloud/i;

/** Warns about cdroms the guest is known not to see; silent where that cannot be known. */
function warnUnseenCdroms(ctx: ResolveContext, vm: Vm, p: FieldPath): void {
  const source = vm.source.kind === 'url' ? vm.source.url : vm.source.kind === 'containerDisk' ? vm.source.image : vm.source.kind === 'path' ? vm.source.path : '';
  if (!NO_AHCI_SOURCE.test(source)) return;
  vm.cdroms.forEach((c, i) => {
    if (cdromBus(c) !== 'sata') return;
    const what = c.type === 'disk' ? 'a sata disk' : 'a sata cdrom';
    ctx.warn(
      [...p, 'cdroms', i, c.bus ? 'bus' : 'name'],
      `${what}: the source's Debian cloud kernel has no AHCI (SATA) driver, so the guest will not see it${c.label === 'cidata' ? ' and cloud-init will not find its seed' : ''}; use type: disk (a virtio disk, as KubeVirt attaches cloudInitNoCloud) or bus: scsi`,
    );
  });
}

function resolveNics(ctx: ResolveContext, raw: Raw, p: FieldPath, scope: VmScope): Nic[] {
  const rawNics = list(raw, 'nics');
  if (!rawNics) return [{ model: 'virtio' }];
  return rawNics.flatMap((n, i) => {
    if (!isRaw(n)) return [];
    const nic: Nic = { model: (str(n, 'model') ?? 'virtio') as NicModel };
    const subnet = str(n, 'subnet');
    if (subnet !== undefined) {
      if (!scope.subnets.includes(subnet)) {
        const declared = scope.subnets.length ? `declared: ${scope.subnets.join(', ')}` : 'no subnets are declared under network.vpcs';
        ctx.report([...p, 'nics', i, 'subnet'], `unknown subnet '${subnet}'; expected a subnet from network.vpcs[].subnets (${declared})${didYouMean(subnet, scope.subnets)}`);
      }
      nic.subnet = subnet;
    }
    return [nic];
  });
}

function resolveEfi(raw: Raw): EfiFirmware | undefined {
  const v = raw.efiFirmware;
  if (v === true) return { secureBoot: false };
  if (isRaw(v)) return { secureBoot: bool(v, 'secureBoot') ?? false };
  return undefined;
}

/**
 * bootWait: a duration as in Packer (0 means the default; a negative value means no wait at all),
 * or a text wait, which leaves no fixed wait. Unset, it is Packer's 10 s unless the boot command
 * starts by waiting for a text: a fixed guess before a wait that sees the screen only costs time.
 */
function resolveBootWait(ctx: ResolveContext, raw: Raw, p: FieldPath, vm: Vm): void {
  const text = str(raw, 'bootWait');
  if (text !== undefined && /^<wait/.test(text)) {
    const { tokens, problems } = scanBootCommand(text);
    const token = tokens[0];
    if (problems.length > 0) ctx.report([...p, 'bootWait'], problems[0]!.reason);
    else if (tokens.length === 1 && token?.kind === 'waitText') {
      vm.bootWaitText = { source: token.source, pattern: token.pattern };
      if (vm.bootCommand.length === 0) ctx.report([...p, 'bootWait'], `bootWait waits for a text before typing bootCommand, and there is no bootCommand; expected a duration, or a bootCommand`);
    }
    vm.bootWait = -1;
    return;
  }
  if (text === undefined) {
    // Only the first token matters; a long command is not parsed whole for it.
    const head = vm.bootCommand.join('').slice(0, 4096);
    vm.bootWait = scanBootCommand(head).tokens[0]?.kind === 'waitText' ? -1 : DEFAULT_BOOT_WAIT_MS;
    return;
  }
  const ms = ctx.duration(raw, 'bootWait', p, DEFAULT_BOOT_WAIT_MS);
  vm.bootWait = ms === 0 ? DEFAULT_BOOT_WAIT_MS : ms;
}

function resolveBootCommand(ctx: ResolveContext, raw: Raw, p: FieldPath): string[] {
  const elements = strings(raw, 'bootCommand') ?? [];
  const single = typeof raw.bootCommand === 'string';
  for (const bad of findBadWaits(elements)) {
    ctx.reportInside(single ? [...p, 'bootCommand'] : [...p, 'bootCommand', bad.element], elements[bad.element]!, bad.offset, bad.message);
  }
  return elements;
}

function resolveCommunicator(ctx: ResolveContext, raw: Raw, p: FieldPath): Communicator {
  const c = obj(raw, 'communicator') ?? {};
  const cp = [...p, 'communicator'];
  // Packer always defaults to ssh; here a VM with nothing to run over SSH defaults to none, so a VM
  // that only boots (an unattended installer that powers off) needs no communicator block.
  const needsSsh = (list(raw, 'provisioners') ?? []).length > 0 || str(raw, 'shutdownCommand') !== undefined;
  const type = (str(c, 'type') ?? (needsSsh ? 'ssh' : 'none')) === 'none' ? 'none' : 'ssh';
  const timeoutSet = str(c, 'sshTimeout') !== undefined;
  const attemptsSet = num(c, 'sshHandshakeAttempts') !== undefined;
  const out: Communicator = {
    type,
    sshPort: num(c, 'sshPort') ?? 22,
    sshAgentAuth: bool(c, 'sshAgentAuth') ?? false,
    // Packer SDK ≥ 0.3.1: 5m and 10 attempts only when neither is set; setting one leaves the other unlimited.
    sshTimeout: ctx.duration(c, 'sshTimeout', cp, timeoutSet || attemptsSet ? 0 : 5 * MINUTE, 0),
    sshHandshakeAttempts: num(c, 'sshHandshakeAttempts') ?? (timeoutSet ? 0 : 10),
    sshPty: bool(c, 'sshPty') ?? false,
    sshKeepAliveInterval: ctx.duration(c, 'sshKeepAliveInterval', cp, 5000),
    sshBastionPort: num(c, 'sshBastionPort') ?? 22,
    pauseBeforeConnecting: ctx.duration(c, 'pauseBeforeConnecting', cp, 0, 0),
  };
  for (const key of ['sshHost', 'sshUsername', 'sshPassword', 'sshBastionHost', 'sshBastionUsername', 'sshBastionPassword'] as const) {
    const v = str(c, key);
    if (v !== undefined) out[key] = v;
  }
  const key = str(c, 'sshPrivateKeyFile');
  if (key !== undefined) out.sshPrivateKeyFile = ctx.localPath([...cp, 'sshPrivateKeyFile'], key, 'file');
  const bastionKey = str(c, 'sshBastionPrivateKeyFile');
  if (bastionKey !== undefined) out.sshBastionPrivateKeyFile = ctx.localPath([...cp, 'sshBastionPrivateKeyFile'], bastionKey, 'file');
  else if (out.sshBastionHost && out.sshPrivateKeyFile) out.sshBastionPrivateKeyFile = out.sshPrivateKeyFile;
  if (type === 'ssh') {
    if (!out.sshUsername && !ctx.has([...cp, 'sshUsername'])) {
      ctx.report(ctx.has(cp) ? cp : p, "the ssh communicator needs 'sshUsername' (or set communicator.type: none for a VM without provisioners)");
    }
    if (out.sshBastionHost && !out.sshBastionPassword && !out.sshBastionPrivateKeyFile && !out.sshAgentAuth) {
      ctx.report([...cp, 'sshBastionHost'], 'a bastion needs sshBastionPassword, sshBastionPrivateKeyFile (or sshPrivateKeyFile) or sshAgentAuth');
    }
  }
  return out;
}

function resolveOutput(ctx: ResolveContext, raw: Raw, p: FieldPath): Vm['output'] {
  const o = obj(raw, 'output');
  const format = str(o, 'format') === 'raw' ? 'raw' : 'qcow2';
  const compress = bool(o, 'compress') ?? false;
  if (format === 'raw' && compress) ctx.report([...p, 'output', 'compress'], 'a raw image cannot be compressed; expected format: qcow2 with compress: true, or compress: false');
  const dataSource = resolveDataSource(obj(o, 'dataSource'), (field, message) => ctx.report([...p, 'output', 'dataSource', field], message));
  return { format, compress, compressionType: str(o, 'compressionType') === 'zlib' ? 'zlib' : 'zstd', sbom: bool(o, 'sbom') ?? true, ...(dataSource ? { dataSource } : {}) };
}

/** KubeVirt puts disks and cdroms in one list of named devices. */
function checkUniqueDeviceNames(ctx: ResolveContext, vm: Vm, p: FieldPath): void {
  const seen = new Set<string>();
  const check = (name: string, at: FieldPath) => {
    if (!name) return;
    if (seen.has(name)) ctx.report(at, `device name '${name}' is used twice; disks and cdroms of a VM need distinct names`);
    seen.add(name);
  };
  vm.disks.forEach((d, i) => check(d.name, [...p, 'disks', i, 'name']));
  vm.cdroms.forEach((c, i) => check(c.name, [...p, 'cdroms', i, 'name']));
}
