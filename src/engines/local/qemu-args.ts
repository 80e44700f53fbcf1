/**
 * The QEMU command line for a build VM, as a pure function of a fully resolved plan: every path,
 * port and firmware file is decided before, so this can be tested without QEMU.
 *
 * Choices (and why):
 * - Always headless (-display none) with -nodefaults: nothing appears unless asked for here, so
 *   no stray floppy, parallel port or default NIC. VGA is kept for VNC and boot commands.
 * - No -no-reboot: provisioners reboot guests and expect them back.
 * - Boot order by bootindex, root disk first: a blank disk is not bootable, so the firmware falls
 *   through to the install ISO; once the installer has made the disk bootable, later reboots
 *   start from it (what Packer's `-boot once=d` achieves, but also under UEFI).
 * - Under TCG, qemu64 with the x86-64-v2 features (see TCG_DEFAULT_CPU_MODEL); -cpu host under KVM.
 * - Networking is user-mode (slirp); the guest reaches the host at 10.0.2.2, and SSH is forwarded
 *   from a loopback-only host port (Packer binds all interfaces; a build VM's SSH should not be).
 *   NICs on a declared subnet connect to that subnet's switch over a unix socket (-netdev stream).
 */
import { UserError } from '../../core/errors.js';
import type { DiskBus, NicModel } from '../../core/config/model.js';
import { userNetwork } from '../../core/network/user-network.js';
import type { Accelerator } from './accelerator.js';

export type MachineType = 'pc' | 'q35';

/**
 * The CPU model under TCG when the build names none: QEMU's qemu64 (what Packer leaves) plus the
 * x86-64-v2 features (SSSE3, SSE4.1/4.2, POPCNT, CMPXCHG16B, LAHF/SAHF), which RHEL 9 and its
 * rebuilds require; x86-64-v3 guests (RHEL 10) need `cpuModel: max`. Every feature a guest sees
 * is one its libraries pick code for, and under TCG the vector ones are emulated slowly: a real
 * Debian 12 cloud guest reached the end of cloud-init at uptime 65-76 s with `max`, 57-63 s with
 * this model and 52 s with plain qemu64 (bench/real-os-vs-packer.sh, 2-core host).
 */
export const TCG_DEFAULT_CPU_MODEL = 'qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt,+cx16,+lahf_lm';

export interface DiskPlan {
  /** Unique among the plan's drives; also the QEMU drive id. */
  id: string;
  path: string;
  format: string;
  bus: DiskBus;
  bootIndex?: number;
}

export interface CdromPlan {
  id: string;
  path: string;
  bootIndex?: number;
  /** undefined = sata, KubeVirt's default cdrom bus. */
  bus?: DiskBus;
  /** disk: a read-only disk holding the ISO (KubeVirt's cloudInitNoCloud is a virtio disk). */
  media?: 'cdrom' | 'disk';
}

export interface PortForward {
  hostPort: number;
  guestPort: number;
}

/** A guestfwd rule: the guest's TCP connections to ip:port each run `command` (argv), joined to its stdin/stdout. */
export interface GuestForward {
  ip: string;
  port: number;
  command: string[];
}

export interface NicPlan {
  model: NicModel;
  /** TCP forwards from 127.0.0.1:hostPort to the guest (user-mode NICs). */
  forwards: PortForward[];
  /** User-mode: the guest may start no connection but guestForwards (QEMU restrict=on). */
  restrict?: boolean;
  guestForwards?: GuestForward[];
  /** Set: the NIC is on a subnet's segment, the unix socket of a switch (network/segment-switch.ts), not user-mode. */
  segment?: { socket: string; mac: string };
}

export interface FirmwarePlan {
  code: string;
  codeFormat: string;
  vars: string;
  varsFormat: string;
  secureBoot: boolean;
  smm: boolean;
}

export type VncPlan = { socket: string } | { port: number };

export interface MachinePlan {
  name: string;
  accelerator: Accelerator;
  machine: MachineType;
  cpus: number;
  /** -cpu; default: host under KVM, TCG_DEFAULT_CPU_MODEL under TCG. */
  cpuModel?: string;
  memoryMiB: number;
  /** undefined = BIOS (SeaBIOS). */
  firmware?: FirmwarePlan;
  disks: DiskPlan[];
  cdroms: CdromPlan[];
  nics: NicPlan[];
  vnc: VncPlan;
  qmpSocket: string;
  serialLog: string;
  /** The build file's qemuArgs: [switch, value parts…], appended last. */
  extraArgs?: readonly (readonly string[])[];
}

/** Device model per NIC model name of the build file. */
export const NIC_DEVICE: Record<NicModel, string> = {
  virtio: 'virtio-net-pci',
  e1000: 'e1000',
  e1000e: 'e1000e',
  rtl8139: 'rtl8139',
};

/** Ports of an AHCI controller: the one we add for SATA disks, and the ICH9 AHCI on the q35 board. */
export const SATA_PORTS = 6;

/**
 * Where a SATA cdrom goes. On q35 the board's own ICH9 AHCI controller (QEMU names its ports
 * ide.0 … ide.5), as libvirt does for a KubeVirt cdrom with bus sata; on pc, which has only the
 * PIIX IDE controller (a bus KubeVirt never uses), the AHCI controller we add.
 */
function sataCdromOnBoard(machine: MachineType): boolean {
  return machine === 'q35';
}

/** QEMU option values are comma-separated; a literal comma is written twice. */
export function escapeOptionValue(value: string): string {
  return value.replaceAll(',', ',,');
}

/** argv as one string for guestfwd's cmd:, which QEMU splits with shell quoting rules (g_shell_parse_argv). */
export function shellWords(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(' ');
}

export function qemuArgs(plan: MachinePlan): string[] {
  validate(plan);
  const e = escapeOptionValue;
  const args: string[] = [];
  const add = (...a: string[]) => args.push(...a);

  add('-name', `guest=${e(plan.name)},debug-threads=on`);
  const smm = plan.firmware?.smm ?? false;
  add('-machine', `${plan.machine}${smm ? ',smm=on' : ''}`);
  add('-accel', plan.accelerator);
  // KubeVirt's names for the host CPU mean QEMU's `host` here, so one build file suits both engines.
  const model = plan.cpuModel === 'host-passthrough' || plan.cpuModel === 'host-model' ? 'host' : plan.cpuModel;
  add('-cpu', model ?? (plan.accelerator === 'kvm' ? 'host' : TCG_DEFAULT_CPU_MODEL));
  add('-smp', String(plan.cpus));
  add('-m', `${plan.memoryMiB}M`);
  add('-nodefaults', '-no-user-config');
  add('-display', 'none');
  add('-vga', 'std');
  add('-rtc', 'base=utc');

  if (plan.firmware) {
    const fw = plan.firmware;
    if (fw.secureBoot) add('-global', 'driver=cfi.pflash01,property=secure,value=on');
    add('-drive', `if=pflash,unit=0,format=${fw.codeFormat},readonly=on,file=${e(fw.code)}`);
    add('-drive', `if=pflash,unit=1,format=${fw.varsFormat},file=${e(fw.vars)}`);
  }

  const cdromBusOf = (c: CdromPlan): DiskBus => c.bus ?? 'sata';
  const onAddedAhci = (c: CdromPlan): boolean => cdromBusOf(c) === 'sata' && (c.media === 'disk' || !sataCdromOnBoard(plan.machine));
  if (plan.disks.some((d) => d.bus === 'sata') || plan.cdroms.some(onAddedAhci)) add('-device', 'ahci,id=sata');
  if (plan.disks.some((d) => d.bus === 'scsi') || plan.cdroms.some((c) => cdromBusOf(c) === 'scsi')) add('-device', 'virtio-scsi-pci,id=scsi');
  let sataPort = 0;
  let boardPort = 0;
  let scsiTarget = 0;
  for (const d of plan.disks) {
    add('-drive', `if=none,id=${d.id},file=${e(d.path)},format=${d.format},cache=writeback,discard=unmap`);
    const boot = d.bootIndex !== undefined ? `,bootindex=${d.bootIndex}` : '';
    switch (d.bus) {
      case 'virtio':
        add('-device', `virtio-blk-pci,drive=${d.id}${boot}`);
        break;
      case 'sata':
        add('-device', `ide-hd,drive=${d.id},bus=sata.${sataPort++}${boot}`);
        break;
      case 'scsi':
        add('-device', `scsi-hd,drive=${d.id},bus=scsi.0,channel=0,scsi-id=${scsiTarget++},lun=0${boot}`);
        break;
    }
  }

  for (const c of plan.cdroms) {
    const boot = c.bootIndex !== undefined ? `,bootindex=${c.bootIndex}` : '';
    const bus = cdromBusOf(c);
    if (c.media === 'disk') {
      // QEMU's ide-hd refuses a read-only drive (KubeVirt likewise refuses a read-only sata disk):
      // there the guest's writes go to a temporary overlay instead, leaving the ISO untouched.
      const guard = bus === 'sata' ? 'snapshot=on' : 'readonly=on';
      add('-drive', `if=none,id=${c.id},file=${e(c.path)},format=raw,${guard}`);
      if (bus === 'virtio') add('-device', `virtio-blk-pci,drive=${c.id}${boot}`);
      else if (bus === 'scsi') add('-device', `scsi-hd,drive=${c.id},bus=scsi.0,channel=0,scsi-id=${scsiTarget++},lun=0${boot}`);
      else add('-device', `ide-hd,drive=${c.id},bus=sata.${sataPort++}${boot}`);
      continue;
    }
    add('-drive', `if=none,id=${c.id},file=${e(c.path)},format=raw,media=cdrom,readonly=on`);
    if (bus === 'scsi') add('-device', `scsi-cd,drive=${c.id},bus=scsi.0,channel=0,scsi-id=${scsiTarget++},lun=0${boot}`);
    else add('-device', `ide-cd,drive=${c.id},bus=${onAddedAhci(c) ? `sata.${sataPort++}` : `ide.${boardPort++}`}${boot}`);
  }

  plan.nics.forEach((n, i) => {
    if (n.segment) {
      add('-netdev', `stream,id=net${i},server=off,addr.type=unix,addr.path=${e(n.segment.socket)}`);
      add('-device', `${NIC_DEVICE[n.model]},netdev=net${i},mac=${n.segment.mac}`);
      return;
    }
    const { net, host } = userNetwork(i);
    const fwd = n.forwards.map((f) => `,hostfwd=tcp:127.0.0.1:${f.hostPort}-:${f.guestPort}`).join('');
    const restrict = n.restrict ? ',restrict=on' : '';
    const guestFwd = (n.guestForwards ?? []).map((g) => `,guestfwd=tcp:${g.ip}:${g.port}-cmd:${e(shellWords(g.command))}`).join('');
    add('-netdev', `user,id=net${i},net=${net},host=${host}${restrict}${fwd}${guestFwd}`);
    add('-device', `${NIC_DEVICE[n.model]},netdev=net${i}`);
  });

  add('-device', 'virtio-rng-pci');
  add('-vnc', 'socket' in plan.vnc ? `unix:${e(plan.vnc.socket)}` : `127.0.0.1:${plan.vnc.port - 5900}`);
  add('-chardev', `socket,id=qmp,path=${e(plan.qmpSocket)},server=on,wait=off`);
  add('-mon', 'chardev=qmp,mode=control');
  add('-chardev', `file,id=serial0,path=${e(plan.serialLog)}`);
  add('-serial', 'chardev:serial0');
  // Packer's qemuargs: the value parts are joined without a separator and an empty value is dropped
  // (packer-plugin-qemu builder/qemu/step_run.go). They come last, so QEMU's "last one wins" for
  // options it takes once (-m, -cpu) lets them override ours; the config loader refused the switches
  // this engine drives the VM through.
  for (const [flag, ...parts] of plan.extraArgs ?? []) {
    const value = parts.join('');
    add(flag!, ...(value ? [value] : []));
  }
  return args;
}

function validate(plan: MachinePlan): void {
  const where = `vm ${plan.name}`;
  if (!Number.isInteger(plan.cpus) || plan.cpus < 1) throw new UserError(`${where}: cpu must be a whole number ≥ 1, got ${plan.cpus}`);
  if (!Number.isInteger(plan.memoryMiB) || plan.memoryMiB < 16) throw new UserError(`${where}: memory must be at least 16Mi, got ${plan.memoryMiB}Mi`);
  if (plan.firmware?.secureBoot && plan.machine !== 'q35') throw new UserError(`${where}: Secure Boot needs the q35 machine type`);
  const sataCdroms = plan.cdroms.filter((c) => (c.bus ?? 'sata') === 'sata');
  const boardCdroms = sataCdroms.filter((c) => c.media !== 'disk' && sataCdromOnBoard(plan.machine)).length;
  const sata = plan.disks.filter((d) => d.bus === 'sata').length + sataCdroms.length - boardCdroms;
  if (sata > SATA_PORTS) throw new UserError(`${where}: at most ${SATA_PORTS} sata disks${sataCdromOnBoard(plan.machine) ? '' : ' and cdroms'} fit one controller, got ${sata}`);
  if (boardCdroms > SATA_PORTS) {
    throw new UserError(`${where}: at most ${SATA_PORTS} sata cdroms fit the q35 board's controller, got ${boardCdroms} (an iso source counts as one)`);
  }
  for (const c of plan.cdroms) if (c.bus === 'virtio' && c.media !== 'disk') throw new UserError(`${where}: a cdrom cannot be on the virtio bus; attach it as a disk`);
  if (plan.nics.length === 0) throw new UserError(`${where}: needs at least one nic`);
  if (plan.nics.length > 250) throw new UserError(`${where}: too many nics (${plan.nics.length})`);
  for (const n of plan.nics) if (n.segment && !/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(n.segment.mac)) throw new Error(`${where}: invalid MAC address '${n.segment.mac}'`);
  const ids = [...plan.disks.map((d) => d.id), ...plan.cdroms.map((c) => c.id)];
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new Error(`${where}: duplicate drive id '${dup}'`);
  for (const id of ids) if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(id)) throw new Error(`${where}: invalid drive id '${id}'`);
  if ('port' in plan.vnc && (plan.vnc.port < 5900 || plan.vnc.port > 65535)) throw new Error(`${where}: VNC port ${plan.vnc.port} is below 5900`);
}
