/**
 * Packer sources and provisioners → a RudderVirt build file (as plain data), plus a note for every
 * option that did not carry over: where it would have gone, and why it did not.
 */
import { qemuSwitchProblem } from '../config/qemu-switches.js';
import { globSync } from 'node:fs';
import path from 'node:path';
import { PACKER_BUILDER_OPTIONS, PACKER_PROVISIONER_OPTIONS, SUPPORTED_PROVISIONER_TYPES, UNSUPPORTED_PROVISIONERS, type PackerOptionFate } from './packer-options.js';
import type { PackerBuild, PackerProvisioner, PackerSource, PackerTemplate } from './read-template.js';
import { Unevaluated, type PackerValue } from './template-values.js';

export type YamlPath = Array<string | number>;

/** An option that did not carry over (or carried over with a change worth a comment). */
export interface ImportNote {
  /** The YAML mapping or sequence the comment belongs in. */
  path: YamlPath;
  /** The key (or index) the comment goes above; absent = at the end of the collection. */
  before?: string | number;
  /** The Packer option (source.qemu.x.qemuargs); also named in the warning. */
  option: string;
  /** The comment text (one line). */
  comment: string;
  /** false for notes that explain a mapping rather than report a loss (no stderr warning). */
  warn: boolean;
}

export interface ImportedBuild {
  build: Record<string, unknown>;
  notes: ImportNote[];
}

/** The order fields are written in a VM, which is also where a note looks for its place. */
const VM_KEYS = [
  'name',
  'source',
  'cpu',
  'cpuModel',
  'memory',
  'machineType',
  'efiFirmware',
  'disks',
  'cdroms',
  'nics',
  'httpDirectory',
  'httpContent',
  'bootWait',
  'bootKeyInterval',
  'bootCommand',
  'communicator',
  'provisioners',
  'shutdownCommand',
  'shutdownTimeout',
  'output',
  'vmName',
  'qemuArgs',
];

/** Where an option without a field of its own is reported: next to the field closest in meaning. */
const NEAREST_FIELD: Readonly<Record<string, string>> = {
  iso_target_path: 'source',
  iso_target_extension: 'source',
  iso_skip_cache: 'source',
  use_backing_file: 'source',
  disk_cache: 'disks',
  disk_discard: 'disks',
  disk_detect_zeroes: 'disks',
  skip_resize_disk: 'disks',
  skip_compaction: 'output',
  output_directory: 'output',
  qemu_img_args: 'output',
  net_bridge: 'nics',
  accelerator: 'cpu',
  sockets: 'cpu',
  cores: 'cpu',
  threads: 'cpu',
  qemu_binary: 'cpu',
  qemuargs: 'cpu',
  headless: 'cpu',
  display: 'cpu',
  use_default_display: 'cpu',
  vga: 'cpu',
  qmp_enable: 'cpu',
  qmp_socket_path: 'cpu',
  vtpm: 'efiFirmware',
  use_tpm1: 'efiFirmware',
  tpm_device_type: 'efiFirmware',
  efi_firmware_code: 'efiFirmware',
  efi_firmware_vars: 'efiFirmware',
  efi_drop_efivars: 'efiFirmware',
  firmware: 'efiFirmware',
  use_pflash: 'efiFirmware',
  vnc_bind_address: 'bootCommand',
  vnc_port_min: 'bootCommand',
  vnc_port_max: 'bootCommand',
  vnc_use_password: 'bootCommand',
  disable_vnc: 'bootCommand',
  boot_keygroup_interval: 'bootCommand',
  http_port_min: 'httpDirectory',
  http_port_max: 'httpDirectory',
  http_bind_address: 'httpDirectory',
  http_interface: 'httpDirectory',
  http_network_protocol: 'httpDirectory',
  cd_content: 'cdroms',
  floppy_content: 'cdroms',
  iso_volume_name: 'source',
  instance_type: 'cpu',
  preference: 'machineType',
};

const SECRET_OPTION = /password|secret|token|passphrase/i;

/** Builder types whose options this mapping understands. */
export const IMPORTED_BUILDERS = ['qemu', 'kubevirt-iso'] as const;

export function toBuild(template: PackerTemplate): ImportedBuild {
  const notes: ImportNote[] = [];
  const vms: Array<Record<string, unknown>> = [];
  const names = new Set<string>();
  const first = template.builds[0]!;
  for (const build of template.builds) {
    for (const source of build.sources) {
      const label = `source.${source.type}.${source.name}`;
      if (!(IMPORTED_BUILDERS as readonly string[]).includes(source.type)) {
        notes.push({ path: ['layers', 0, 'vms'], option: label, comment: `packer: ${label} skipped: only qemu and kubevirt-iso builders are imported`, warn: true });
        continue;
      }
      const vmPath: YamlPath = ['layers', 0, 'vms', vms.length];
      const name = uniqueName(kubeName(source.name), names);
      vms.push(mapSource(source, build, name, vmPath, template.dir, notes));
    }
    for (const pp of build.postProcessors) {
      notes.push({ path: [], option: `post-processor "${pp}"`, comment: `packer: post-processor "${pp}" not imported: publishing is the publish step (ruddervirt publish / publish-containerdisk)`, warn: true });
    }
  }
  const build: Record<string, unknown> = { name: kubeName(first.name), layers: [{ name: 'packer', vms }] };
  // Expanding a sensitive variable writes its value into the build file; say so, without the value.
  const text = JSON.stringify(build);
  for (const [name, value] of template.sensitive) {
    if (value.length >= 3 && !value.startsWith('{{') && text.includes(JSON.stringify(value).slice(1, -1))) {
      notes.push({
        path: [],
        before: 'name',
        option: `variable "${name}"`,
        comment: `packer: variable "${name}" is sensitive and its value is written into this build file: replace it with {{ env \`NAME\` }} (masked in logs) before committing the file`,
        warn: true,
      });
    }
  }
  return { build, notes };
}

function mapSource(source: PackerSource, build: PackerBuild, name: string, vmPath: YamlPath, dir: string, notes: ImportNote[]): Record<string, unknown> {
  const o = source.options;
  const vm: Record<string, unknown> = { name };
  const prefix = `source.${source.type}.${source.name}`;
  const consumed = new Set<string>(['type']);
  const take = (key: string): PackerValue | undefined => {
    if (!Object.hasOwn(o, key)) return undefined;
    consumed.add(key);
    const v = o[key]!;
    if (v instanceof Unevaluated) {
      note(key, `uses ${v.expression}, which import-packer does not evaluate (functions and expressions other than var., local. and path.root): write the value`);
      return undefined;
    }
    return v;
  };
  const note = (key: string, why: string, where: YamlPath = vmPath, before: string | number | undefined = NEAREST_FIELD[key] ?? fieldOf(PACKER_BUILDER_OPTIONS[key]), warn = true) => {
    consumed.add(key);
    notes.push({ path: where, before, option: `${prefix}.${key}`, comment: `packer: ${key} = ${shown(key, o[key])}: ${why}`, warn });
  };

  // Source: an installer ISO, or a disk image (disk_image = true).
  const urls = take('iso_urls');
  const single = take('iso_url');
  const all = typeof single === 'string' ? [single] : Array.isArray(urls) ? urls.filter((u): u is string => typeof u === 'string') : [];
  const url = all[0];
  const checksumRaw = take('iso_checksum');
  const diskImage = take('disk_image') === true;
  const checksum = checksumRaw === undefined ? undefined : normaliseChecksum(String(checksumRaw), dir);
  if (checksum?.why) note('iso_checksum', checksum.why, vmPath, 'source');
  if (typeof url === 'string') {
    const remote = /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
    // iso_urls: mirrors of one file, tried in order (source urls); local paths become file:// URLs.
    const located = all.map((u) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(u) ? u : `file://${path.resolve(dir, u)}`));
    const where = located.length > 1 ? { urls: located } : { url: remote ? url : located[0] };
    if (diskImage) vm.source = remote || located.length > 1 ? { ...where, checksum: checksum?.value } : { path: url };
    else vm.source = { iso: { ...where, checksum: checksum?.value } };
    if (!remote && !diskImage) note('iso_url', `a local ISO becomes a file:// URL (${url} relative to the template)`, vmPath, 'source', false);
  } else if (Object.hasOwn(o, 'iso_volume_name')) {
    note('iso_volume_name', 'RudderVirt imports the ISO itself: give its URL and checksum as source.iso', vmPath, 'source');
  }

  // CPU, memory, chipset, firmware.
  setIf(vm, 'cpu', num(take('cpus')));
  setIf(vm, 'cpuModel', str(take('cpu_model')));
  const memory = num(take('memory'));
  if (memory !== undefined) vm.memory = `${memory < 10 ? 512 : memory}Mi`;
  const machine = str(take('machine_type'));
  if (machine === 'q35' || machine === 'pc') vm.machineType = machine;
  else if (machine !== undefined) note('machine_type', `only q35 and pc exist here (${machine} is not offered by KubeVirt); q35 is used`, vmPath, 'cpu');
  const efiCode = str(o.efi_firmware_code);
  const efi = take('efi_boot') === true || efiCode !== undefined || o.efi_firmware_vars !== undefined;
  if (efi) vm.efiFirmware = efiCode !== undefined && /secboot|\.ms\.|secure/i.test(efiCode) ? { secureBoot: true } : true;

  // Disks.
  const bus = busOf(str(take('disk_interface')), (why) => note('disk_interface', why, vmPath, 'disks'));
  const size = take('disk_size');
  const root: Record<string, unknown> = { name: 'root' };
  if (size !== undefined) root.size = packerSize(size, (why) => note('disk_size', why, vmPath, 'disks'));
  if (bus) root.bus = bus;
  const disks = [root];
  const extra = take('disk_additional_size');
  for (const [i, s] of (Array.isArray(extra) ? extra : []).entries()) {
    disks.push({ name: `data-${i + 1}`, size: packerSize(s, (why) => note('disk_additional_size', why, vmPath, 'disks')), ...(bus ? { bus } : {}) });
  }
  if (size !== undefined || bus || disks.length > 1) vm.disks = disks;

  // CD-ROMs: cd_files, and floppy files (KubeVirt has no floppy drive).
  const cdroms: Array<Record<string, unknown>> = [];
  const cdFiles = take('cd_files');
  const cdLabel = str(take('cd_label'));
  if (Array.isArray(cdFiles) && cdFiles.length > 0) cdroms.push({ name: 'cd', files: expandGlobs(cdFiles.map(String), dir), ...(cdLabel ? { label: cdLabel } : {}) });
  const floppyFiles = [...asStrings(take('floppy_files')), ...asStrings(take('floppy_dirs'))];
  const floppyLabel = str(take('floppy_label'));
  if (floppyFiles.length > 0) {
    cdroms.push({ name: 'floppy', files: expandGlobs(floppyFiles, dir), label: floppyLabel ?? 'floppy' });
    notes.push({
      path: vmPath,
      before: 'cdroms',
      option: `${prefix}.floppy_files`,
      comment: 'packer: floppy_files: KubeVirt has no floppy drive, so these files are on a cdrom labelled like the floppy; Windows Setup also reads Autounattend.xml from the root of a CD',
      warn: true,
    });
  }
  if (cdroms.length > 0) vm.cdroms = cdroms;

  const net = str(take('net_device'));
  if (net !== undefined) {
    const model = ({ 'virtio-net': 'virtio', 'virtio-net-pci': 'virtio', virtio: 'virtio', e1000: 'e1000', e1000e: 'e1000e', rtl8139: 'rtl8139' } as Record<string, string>)[net];
    if (model) vm.nics = [{ model }];
    else note('net_device', `${net} is not offered (virtio, e1000, e1000e or rtl8139); the default virtio is used`, vmPath, 'nics');
  }

  // HTTP server and boot command.
  setIf(vm, 'httpDirectory', str(take('http_directory')));
  const httpContent = take('http_content');
  if (httpContent && typeof httpContent === 'object' && !Array.isArray(httpContent)) vm.httpContent = httpContent;
  setIf(vm, 'bootWait', str(take('boot_wait')));
  setIf(vm, 'bootKeyInterval', str(take('boot_key_interval')));
  const boot = take('boot_command');
  if (Array.isArray(boot)) vm.bootCommand = boot.map(String);
  else if (typeof boot === 'string') vm.bootCommand = [boot];
  const steps = take('boot_steps');
  if (Array.isArray(steps) && steps.length > 0) {
    vm.bootCommand = steps.map((s) => String(Array.isArray(s) ? s[0] : s));
    const described = steps.filter((s) => Array.isArray(s) && s[1] !== undefined).map((s) => String((s as PackerValue[])[1]));
    note('boot_steps', `joined into bootCommand; the step descriptions were: ${described.join(' | ') || '(none)'}`, vmPath, 'bootCommand', false);
  }

  // Communicator.
  vm.communicator = mapCommunicator(o, consumed, vmPath, prefix, notes);

  // Provisioners of this build that apply to this source.
  const provisioners: Array<Record<string, unknown>> = [];
  const provPath = [...vmPath, 'provisioners'];
  for (const p of build.provisioners) {
    if (!appliesTo(p, source)) continue;
    const mapped = mapProvisioner(p, provPath, provisioners.length, notes);
    if (mapped) provisioners.push(mapped);
  }
  if (provisioners.length > 0) vm.provisioners = provisioners;
  else if (notes.some((n) => n.path.join('.') === provPath.join('.'))) for (const n of notes) if (n.path.join('.') === provPath.join('.')) Object.assign(n, { path: vmPath, before: 'shutdownCommand' });

  setIf(vm, 'shutdownCommand', str(take('shutdown_command')));
  setIf(vm, 'shutdownTimeout', str(take('shutdown_timeout')));

  // Output.
  const format = str(take('format'));
  const compress = take('disk_compression') === true;
  if (format !== undefined || compress) {
    const output: Record<string, unknown> = {};
    if (format) output.format = format;
    if (compress && format !== 'raw') Object.assign(output, { compress: true, compressionType: 'zlib' });
    if (compress && format === 'raw') note('disk_compression', 'Packer ignores it with format raw too', vmPath, 'output');
    vm.output = output;
  }

  // vm_name names the output file (vmName); qemuargs pass through to the local engine only.
  setIf(vm, 'vmName', str(take('vm_name')));
  const qemuargs = take('qemuargs');
  if (Array.isArray(qemuargs)) {
    const lists = qemuargs.filter((e): e is string[] => Array.isArray(e) && e.length > 0 && e.every((x) => typeof x === 'string'));
    const entries = lists.filter((e) => !qemuSwitchProblem(e[0]!));
    const left = [...qemuargs.filter((e) => !lists.includes(e as string[])).map((e) => JSON.stringify(e)), ...lists.filter((e) => !entries.includes(e)).map((e) => `[${e.join(', ')}]`)];
    if (left.length > 0) note('qemuargs', `left out: ${left.join('; ')} (RudderVirt drives the VM through these switches itself, or the entry is not a list of strings)`, vmPath, 'qemuArgs');
    if (entries.length > 0) {
      vm.qemuArgs = entries;
      note(
        'qemuargs',
        'qemuArgs are passed to QEMU by the local engine only (the kubevirt engine refuses them); RudderVirt appends them after its own arguments, where Packer replaces a default switch of the same name',
        vmPath,
        'qemuArgs',
        false,
      );
    }
  }

  // Everything else: reported from the table, or as unknown.
  for (const key of Object.keys(o)) {
    if (consumed.has(key)) continue;
    const fate = PACKER_BUILDER_OPTIONS[key];
    if (fate?.kind === 'unsupported') note(key, `not supported: ${fate.why}`);
    else if (fate) note(key, `not imported: ${fate.kind === 'different' ? fate.note : `set ${fate.to} by hand`}`);
    else note(key, `not a ${source.type} option import-packer knows; not imported`, vmPath, undefined);
  }
  placeNotes(vm, vmPath, notes);
  return vm;
}

function mapCommunicator(o: Record<string, PackerValue>, consumed: Set<string>, vmPath: YamlPath, prefix: string, notes: ImportNote[]): Record<string, unknown> {
  const path = [...vmPath, 'communicator'];
  const type = str(o.communicator) ?? (Object.keys(o).some((k) => k.startsWith('winrm_')) ? 'winrm' : 'ssh');
  consumed.add('communicator');
  const c: Record<string, unknown> = { type: type === 'none' ? 'none' : 'ssh' };
  if (type === 'winrm') {
    notes.push({
      path,
      before: 'type',
      option: `${prefix}.communicator`,
      comment: `packer: communicator = "winrm": ${String((PACKER_BUILDER_OPTIONS.winrm_username as { note: string }).note)}; the WinRM user, password and timeout are used for SSH`,
      warn: true,
    });
  }
  for (const [key, value] of Object.entries(o)) {
    if (!key.startsWith('ssh_') && !key.startsWith('winrm_') && key !== 'pause_before_connecting') continue;
    consumed.add(key);
    const fate = PACKER_BUILDER_OPTIONS[key];
    const to = fate && fate.kind !== 'unsupported' && fate.to.startsWith('communicator.') ? fate.to.slice('communicator.'.length) : undefined;
    if (value instanceof Unevaluated) {
      notes.push({ path, option: `${prefix}.${key}`, comment: `packer: ${key}: uses ${value.expression}, which import-packer does not evaluate: write the value`, warn: true });
    } else if (to && (type !== 'winrm' || key.startsWith('winrm_') || key === 'pause_before_connecting')) {
      c[to] = value;
    } else {
      const why = fate?.kind === 'unsupported' ? fate.why : fate ? `ignored with communicator ${type}` : 'not a communicator option import-packer knows';
      notes.push({ path, option: `${prefix}.${key}`, comment: `packer: ${key} = ${shown(key, value)}: not supported: ${why}`, warn: true });
    }
  }
  return c;
}

function appliesTo(p: PackerProvisioner, source: PackerSource): boolean {
  const names = [source.name, `${source.type}.${source.name}`, `source.${source.type}.${source.name}`];
  const only = p.options.only;
  const except = p.options.except;
  if (Array.isArray(only) && !only.some((n) => names.includes(String(n)))) return false;
  if (Array.isArray(except) && except.some((n) => names.includes(String(n)))) return false;
  return true;
}

function mapProvisioner(p: PackerProvisioner, provPath: YamlPath, index: number, notes: ImportNote[]): Record<string, unknown> | undefined {
  const label = `provisioner "${p.type}"`;
  if (!(SUPPORTED_PROVISIONER_TYPES as readonly string[]).includes(p.type)) {
    const why = UNSUPPORTED_PROVISIONERS[p.type] ?? 'there is no RudderVirt provisioner of this type';
    notes.push({ path: provPath, before: index, option: label, comment: `packer: ${label} not imported: ${why}`, warn: true });
    return undefined;
  }
  const out: Record<string, unknown> = { type: p.type };
  const itemPath = [...provPath, index];
  for (const [key, value] of Object.entries(p.options)) {
    if (key === 'only' || key === 'except') continue;
    const fate = PACKER_PROVISIONER_OPTIONS[key];
    if (value instanceof Unevaluated) {
      notes.push({ path: itemPath, option: `${label}.${key}`, comment: `packer: ${key}: uses ${value.expression}, which import-packer does not evaluate: write the value`, warn: true });
    } else if (fate && fate.kind !== 'unsupported') {
      out[fate.to] = key === 'inline' && typeof value === 'string' ? [value] : value;
    } else {
      const why = fate?.kind === 'unsupported' ? fate.why : `not a ${p.type} option import-packer knows`;
      notes.push({ path: itemPath, option: `${label}.${key}`, comment: `packer: ${key} = ${shown(key, value)}: not supported: ${why}`, warn: true });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

/** A note whose field is absent goes above the next field that is present, or at the end. */
function placeNotes(vm: Record<string, unknown>, vmPath: YamlPath, notes: ImportNote[]): void {
  const here = vmPath.join('.');
  for (const n of notes) {
    if (n.path.join('.') !== here || typeof n.before !== 'string' || Object.hasOwn(vm, n.before)) continue;
    const start = VM_KEYS.indexOf(n.before);
    n.before = start < 0 ? undefined : VM_KEYS.slice(start + 1).find((k) => Object.hasOwn(vm, k));
  }
}

function fieldOf(fate: PackerOptionFate | undefined): string | undefined {
  if (!fate || fate.kind === 'unsupported') return undefined;
  const first = /^[A-Za-z]+/.exec(fate.to)?.[0];
  return first && VM_KEYS.includes(first) ? first : undefined;
}

/**
 * Packer's iso_checksum → algo:hex or file:…, or the reason it cannot be. A local checksum file
 * (file:./SHA256SUMS) is made absolute against the template's folder, as a local iso_url is.
 */
export function normaliseChecksum(text: string, dir = '.'): { value?: string; why?: string } {
  const t = text.trim();
  if (t.toLowerCase() === 'none') return { why: 'none (no checksum) is not accepted: every download is checked; put the digest here' };
  if (t.toLowerCase().startsWith('file:')) {
    const location = t.slice('file:'.length);
    return { value: /^[a-z][a-z0-9+.-]*:\/\//i.test(location) ? `file:${location}` : `file:${path.resolve(dir, location)}` };
  }
  const colon = t.indexOf(':');
  if (colon > 0) return { value: `${t.slice(0, colon).toLowerCase()}:${t.slice(colon + 1).toLowerCase()}` };
  // A bare digest: Packer guesses the algorithm from its length (packer-plugin-sdk v0.4.0 commonsteps/iso_config.go).
  const algo = ({ 32: 'md5', 40: 'sha1', 64: 'sha256', 128: 'sha512' } as Record<number, string>)[t.length];
  return algo && /^[0-9a-f]+$/i.test(t) ? { value: `${algo}:${t.toLowerCase()}` } : { value: t };
}

/** Packer's disk_size (a number of MiB, or a number with b/k/m/g/t, all binary) → a quantity. */
export function packerSize(value: PackerValue, report: (why: string) => void): string | number | undefined {
  const m = /^(\d+)\s*([bkmgt])?$/i.exec(String(value).trim());
  if (!m) {
    report(`${String(value)} is not a Packer size (digits and b, k, m, g or t); write the size by hand, e.g. 20Gi`);
    return undefined;
  }
  const unit = (m[2] ?? 'm').toLowerCase();
  if (unit === 'b') return Number(m[1]);
  return `${m[1]}${{ k: 'Ki', m: 'Mi', g: 'Gi', t: 'Ti' }[unit]}`;
}

function busOf(iface: string | undefined, report: (why: string) => void): string | undefined {
  if (iface === undefined) return undefined;
  const bus = ({ virtio: 'virtio', 'virtio-scsi': 'scsi', scsi: 'scsi', sata: 'sata', ide: 'sata' } as Record<string, string>)[iface];
  if (iface === 'ide') report('ide becomes sata: KubeVirt rejects the IDE bus');
  else if (!bus) report(`${iface} is not a bus here (virtio, sata or scsi); the default virtio is used`);
  return bus;
}

function expandGlobs(patterns: string[], dir: string): string[] {
  const out: string[] = [];
  for (const p of patterns) {
    if (!/[*?[]/.test(p)) {
      out.push(p);
      continue;
    }
    const hits = globSync(p, { cwd: dir }).sort();
    out.push(...(hits.length > 0 ? hits : [p]));
  }
  return out;
}

function kubeName(text: string): string {
  const n = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return n || 'packer';
}

function uniqueName(name: string, taken: Set<string>): string {
  let n = name;
  for (let i = 2; taken.has(n); i++) n = `${name}-${i}`;
  taken.add(n);
  return n;
}

/** A value for a comment: secrets masked, long values cut. */
function shown(key: string, value: PackerValue | undefined): string {
  if (value === undefined) return '(unset)';
  if (SECRET_OPTION.test(key)) return '(secret, not shown)';
  const text = value instanceof Unevaluated ? value.expression : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function setIf(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}
function str(v: PackerValue | undefined): string | undefined {
  return v === undefined || v === null || typeof v === 'object' ? undefined : String(v);
}
function num(v: PackerValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}
function asStrings(v: PackerValue | undefined): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}
