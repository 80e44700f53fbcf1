/**
 * virt-launcher's job: a VirtualMachineInstance spec turned into a QEMU machine, started with the
 * local engine's parts (qemuArgs, startMachine, firmware, cdrom and disk helpers), the way
 * virt-launcher turns a VMI into a libvirt domain:
 * - disks in spec order with their bus and bootOrder; PVC and DataVolume volumes are the claims'
 *   raw disk.img files, written in place (a claim without one gets a blank disk of its size, as
 *   KubeVirt creates disk.img on an empty Filesystem claim); emptyDisk is a qcow2 in the VMI's
 *   folder; containerDisk needs the harness's `resolveRegistryImage` and runs on an overlay;
 * - cdroms from claims (imported ISOs), and from Secret / ConfigMap / cloudInitNoCloud volumes
 *   as ISOs with their volumeLabel (default cfgdata; cidata for cloud-init);
 * - BIOS or UEFI (efi.secureBoot defaults to true, as in KubeVirt), q35, cores × sockets ×
 *   threads, memory.guest (else the memory request);
 * - NICs as user-mode networks (the first one's guest reaches the pods through guestfwd rules, see
 *   pod-network.ts); ports are forwarded on demand with hostfwd_add for port-forward requests;
 * - rebootPolicy Terminate makes a guest reboot end the VMI (QEMU -no-reboot).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../../src/core/log.js';
import type { NicModel, DiskBus } from '../../../src/core/config/model.js';
import type { Accelerator } from '../../../src/engines/local/accelerator.js';
import { buildCdromIso } from '../../../src/engines/local/cdrom.js';
import { createBlankDisk, createOverlay } from '../../../src/engines/local/disks.js';
import { imageInfo } from '../../../src/core/disk/image-info.js';
import { findUefiFirmware, prepareUefiVars } from '../../../src/engines/local/firmware.js';
import { startMachine, type QemuMachine } from '../../../src/engines/local/machine.js';
import { qemuArgs, type CdromPlan, type DiskPlan, type FirmwarePlan, type MachinePlan } from '../../../src/engines/local/qemu-args.js';
import { createRuntimeDir } from '../../../src/engines/local/runtime-dir.js';
import type { ClusterApi } from '../cluster-api.js';
import { toolPath } from '../host-tools.js';
import { mustResource } from '../resources.js';
import { quantityBytes } from './claim-controller.js';
import { IP_ADDRESS, NetworkSetupError, type KubeOvnDataplane, type SegmentNic } from './kube-ovn-dataplane.js';
import type { PodNetwork } from './pod-network.js';
import type { VolumeFiles } from './volumes.js';
import { freePort } from '../../helpers/free-port.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A VMI that cannot be started as specified: the message goes to the VMI's status and events. */
export class VmiSpecError extends Error {
  override name = 'VmiSpecError';
}

export interface MachineContext {
  api: ClusterApi;
  files: VolumeFiles;
  network: PodNetwork;
  dataplane: KubeOvnDataplane;
  accelerator: () => Promise<Accelerator>;
  resolveRegistryImage?: (url: string, signal: AbortSignal) => Promise<string>;
  logger: Logger;
  qemuBinary?: string;
  /** The KubeVirt release the harness plays (default v1.9.0). */
  kubevirtVersion?: string;
}

export interface VmiMachine {
  machine: QemuMachine;
  dir: string;
  runtimeDir: string;
  serialLog: string;
  hasGraphics: boolean;
  /** Guest port → loopback port, for port-forwards. */
  forwards: Map<number, number>;
  /** The first NIC's MAC address, for status.interfaces. */
  mac: string;
  accelerator: Accelerator;
  network: VmiNetwork;
}

/** Where the VMI's interfaces are, in spec order, and how to leave the Kube-OVN subnets. */
export interface VmiNetwork {
  interfaces: { name: string; mac: string; ip?: string; subnet?: string }[];
  release(): Promise<void>;
}

const NIC_MODELS: Record<string, NicModel> = { virtio: 'virtio', e1000: 'e1000', e1000e: 'e1000e', rtl8139: 'rtl8139' };
const BUSES: Record<string, DiskBus> = { virtio: 'virtio', sata: 'sata', scsi: 'scsi' };

function mebibytes(quantity: unknown, what: string): number {
  const bytes = quantityBytes(quantity);
  if (bytes === undefined) throw new VmiSpecError(`${what}: ${String(quantity)} is not a quantity`);
  return Math.ceil(bytes / (1024 * 1024));
}

/** Files of a Secret or ConfigMap (decoded), written to `dir`. */
async function writeObjectFiles(dir: string, data: Record<string, Buffer>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [k, v] of Object.entries(data)) await writeFile(path.join(dir, k), v);
}

export interface PreparedMachine {
  plan: MachinePlan;
  args: string[];
  /** Holds the VNC and QMP sockets; removed when the machine stops (or by the caller if it never starts). */
  runtimeDir: string;
  mac: string;
  hasGraphics: boolean;
  network: VmiNetwork;
}

/** Everything up to the QEMU command line: disk files, ISOs, firmware variables, arguments. */
export async function prepareVmiMachine(vmi: Loose, dir: string, ctx: MachineContext, signal: AbortSignal): Promise<PreparedMachine> {
  const namespace: string = vmi.metadata.namespace;
  const spec: Loose = vmi.spec;
  const domain: Loose = spec.domain ?? {};
  const devices: Loose = domain.devices ?? {};
  await mkdir(dir, { recursive: true });

  const machineType: string = domain.machine?.type ?? 'q35';
  if (!/^(q35|pc-q35.*)$/.test(machineType)) throw new VmiSpecError(`machine type ${machineType} is not supported (q35 only)`);

  const volumes = new Map<string, Loose>(((spec.volumes ?? []) as Loose[]).map((v) => [v.name, v]));
  const disks: DiskPlan[] = [];
  const cdroms: CdromPlan[] = [];
  const claims = mustResource('', 'persistentvolumeclaims');
  const secrets = mustResource('', 'secrets');
  const configMaps = mustResource('', 'configmaps');
  const dataVolumes = mustResource('cdi.kubevirt.io', 'datavolumes');

  const claimFile = async (claimName: string): Promise<string> => {
    const claim = ctx.api.tryGet(claims, namespace, claimName) as Loose | undefined;
    if (!claim) throw new VmiSpecError(`PVC ${namespace}/${claimName} does not exist`);
    if (claim.status?.phase !== 'Bound') throw new VmiSpecError(`PVC ${namespace}/${claimName} is not bound`);
    const file = ctx.files.claimFile(namespace, claimName);
    if (!(await ctx.files.exists(file))) await ctx.files.ensureBlank(file, quantityBytes(claim.status?.capacity?.storage) ?? 0);
    return file;
  };

  const isoFrom = async (name: string, label: string, data: Record<string, Buffer>): Promise<string> => {
    const folder = path.join(dir, `cd-${name}`);
    await writeObjectFiles(folder, data);
    const iso = path.join(dir, `cd-${name}.iso`);
    await buildCdromIso({ files: [`${folder}/`], baseDir: dir, label, destination: iso, what: `volume ${name}`, signal });
    return iso;
  };

  const secretData = (name: string): Record<string, Buffer> => {
    const secret = ctx.api.tryGet(secrets, namespace, name) as Loose | undefined;
    if (!secret) throw new VmiSpecError(`secret ${namespace}/${name} does not exist`);
    return Object.fromEntries(Object.entries((secret.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
  };

  /** The image file of a volume, and its format. */
  const volumeImage = async (volume: Loose): Promise<{ file: string; format: string }> => {
    if (volume.persistentVolumeClaim) return { file: await claimFile(volume.persistentVolumeClaim.claimName), format: 'raw' };
    if (volume.dataVolume) {
      const dv = ctx.api.tryGet(dataVolumes, namespace, volume.dataVolume.name) as Loose | undefined;
      if (dv && dv.status?.phase !== 'Succeeded') throw new VmiSpecError(`DataVolume ${namespace}/${volume.dataVolume.name} is not ready (${dv.status?.phase ?? 'Pending'})`);
      return { file: await claimFile(dv?.status?.claimName ?? volume.dataVolume.name), format: 'raw' };
    }
    if (volume.emptyDisk) {
      const file = path.join(dir, `${volume.name}.qcow2`);
      await createBlankDisk(file, quantityBytes(volume.emptyDisk.capacity) ?? 0, signal);
      return { file, format: 'qcow2' };
    }
    if (volume.containerDisk) {
      if (!ctx.resolveRegistryImage) throw new VmiSpecError(`containerDisk ${volume.containerDisk.image}: the kube harness cannot pull images (start it with resolveRegistryImage)`);
      const image = await ctx.resolveRegistryImage(`docker://${volume.containerDisk.image}`, signal);
      const info = await imageInfo(image, signal);
      const file = path.join(dir, `${volume.name}.qcow2`);
      await createOverlay({ source: image, destination: file, sizeBytes: info.virtualSize, what: `volume ${volume.name}`, signal });
      return { file, format: 'qcow2' };
    }
    if (volume.secret) return { file: await isoFrom(volume.name, volume.secret.volumeLabel ?? 'cfgdata', secretData(volume.secret.secretName)), format: 'raw' };
    if (volume.configMap) {
      const cm = ctx.api.tryGet(configMaps, namespace, volume.configMap.name) as Loose | undefined;
      if (!cm) throw new VmiSpecError(`configmap ${namespace}/${volume.configMap.name} does not exist`);
      const data = {
        ...Object.fromEntries(Object.entries((cm.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v)])),
        ...Object.fromEntries(Object.entries((cm.binaryData ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
      };
      return { file: await isoFrom(volume.name, volume.configMap.volumeLabel ?? 'cfgdata', data), format: 'raw' };
    }
    if (volume.cloudInitNoCloud) {
      const c: Loose = volume.cloudInitNoCloud;
      const fromSecret = (ref: Loose | undefined, keys: string[]) => {
        if (!ref) return undefined;
        const data = secretData(ref.name);
        for (const k of keys) if (data[k]) return data[k];
        return undefined;
      };
      const userData = c.userData !== undefined ? Buffer.from(c.userData) : c.userDataBase64 ? Buffer.from(c.userDataBase64, 'base64') : (fromSecret(c.secretRef, ['userdata', 'userData']) ?? Buffer.from(''));
      const networkData = c.networkData !== undefined ? Buffer.from(c.networkData) : c.networkDataBase64 ? Buffer.from(c.networkDataBase64, 'base64') : fromSecret(c.networkDataSecretRef, ['networkdata', 'networkData']);
      const files: Record<string, Buffer> = {
        'user-data': userData,
        'meta-data': Buffer.from(`instance-id: ${vmi.metadata.name}.${namespace}\nlocal-hostname: ${spec.hostname ?? vmi.metadata.name}\n`),
        ...(networkData ? { 'network-config': networkData } : {}),
      };
      return { file: await isoFrom(volume.name, 'cidata', files), format: 'raw' };
    }
    throw new VmiSpecError(
      `volume ${volume.name}: ${Object.keys(volume)
        .filter((k) => k !== 'name')
        .join(', ')} volumes are not supported by the kube harness`,
    );
  };

  for (const [index, d] of ((devices.disks ?? []) as Loose[]).entries()) {
    const volume = volumes.get(d.name);
    if (!volume) throw new VmiSpecError(`disk ${d.name} has no volume`);
    const image = await volumeImage(volume);
    const bootIndex = typeof d.bootOrder === 'number' ? { bootIndex: d.bootOrder } : {};
    if (d.cdrom) {
      if (image.format !== 'raw') throw new VmiSpecError(`cdrom ${d.name} must be a raw image`);
      const cdBus = BUSES[d.cdrom.bus ?? 'sata'];
      if (!cdBus || cdBus === 'virtio') throw new VmiSpecError(`cdrom ${d.name}: bus ${d.cdrom.bus} is not one KubeVirt accepts for a cdrom (sata, scsi)`);
      cdroms.push({ id: `cd${index}`, path: image.file, bus: cdBus, ...bootIndex });
      continue;
    }
    const busName: string = (d.disk ?? d.lun ?? {}).bus ?? (d.lun ? 'scsi' : 'sata');
    const bus = BUSES[busName];
    if (!bus) throw new VmiSpecError(`disk ${d.name}: bus ${busName} is not supported by the kube harness (virtio, sata, scsi)`);
    if (d.disk?.readonly === true && image.format === 'raw') {
      // A read-only disk over an ISO (a seed attached as KubeVirt attaches cloudInitNoCloud).
      cdroms.push({ id: `cd${index}`, path: image.file, bus, media: 'disk', ...bootIndex });
      continue;
    }
    disks.push({ id: `disk${index}`, path: image.file, format: image.format, bus, ...bootIndex });
  }

  let firmware: FirmwarePlan | undefined;
  const efi = domain.firmware?.bootloader?.efi;
  if (efi) {
    const secureBoot = efi.secureBoot !== false;
    const fw = await findUefiFirmware({ secureBoot, machine: 'q35' });
    const vars = path.join(dir, 'efivars.fd');
    await prepareUefiVars(fw, vars);
    firmware = { code: fw.code, codeFormat: fw.codeFormat, vars, varsFormat: fw.varsFormat, secureBoot: fw.secureBoot, smm: fw.requiresSmm || fw.secureBoot };
  }

  const interfaces: Loose[] = devices.interfaces ?? (devices.autoattachPodInterface === false ? [] : [{ name: 'default', masquerade: {} }]);
  const networks = new Map<string, Loose>(((spec.networks ?? []) as Loose[]).map((n) => [n.name, n]));
  const annotations: Record<string, string> = vmi.metadata.annotations ?? {};
  // Kube-OVN: the pod network is the subnet of the logical_switch annotation when there is one;
  // Multus attachments of type kube-ovn are their subnets' too. Others are QEMU user networks.
  const segments: SegmentNic[] = [];
  const network: VmiNetwork = { interfaces: [], release: async () => void (await Promise.all(segments.map((n) => n.release()))) };
  const nics: MachinePlan['nics'] = [];
  try {
    for (const [i, iface] of interfaces.entries()) {
      const model = NIC_MODELS[iface.model ?? 'virtio'];
      if (!model) throw new VmiSpecError(`interface ${iface.name}: model ${iface.model} is not supported by the kube harness`);
      const net = networks.get(iface.name) ?? (spec.networks ? undefined : { pod: {} });
      if (!net) throw new VmiSpecError(`interface ${iface.name} has no network of that name`);
      let subnet: string | undefined;
      let requested: string | undefined;
      if (net.multus) {
        const attachment = ctx.dataplane.attachmentSubnet(namespace, net.multus.networkName, annotations);
        subnet = attachment.subnet;
        requested = annotations[`${attachment.provider}.kubernetes.io/ip_address`];
      } else {
        subnet = ctx.dataplane.primarySubnet(annotations);
        requested = annotations[IP_ADDRESS];
      }
      if (!subnet) {
        nics.push({ model, forwards: [] });
        network.interfaces.push({ name: iface.name, mac: '' });
        continue;
      }
      const nic = await ctx.dataplane.attachNic({
        subnet,
        owner: `vmi ${namespace}/${vmi.metadata.name} ${iface.name}`,
        hostname: spec.hostname ?? vmi.metadata.name,
        primary: i === 0 && !net.multus,
        ...(requested ? { requested } : {}),
      });
      segments.push(nic);
      nics.push({ model, forwards: [], segment: { socket: nic.socket, mac: nic.mac } });
      network.interfaces.push({ name: iface.name, mac: nic.mac, ip: nic.address, subnet });
    }
  } catch (err) {
    await network.release();
    throw err instanceof NetworkSetupError ? new VmiSpecError(err.message) : err;
  }
  if (nics.length === 0) nics.push({ model: 'virtio', forwards: [] });

  const topology: Loose = domain.cpu ?? {};
  const cpus = (topology.cores ?? 1) * (topology.sockets ?? 1) * (topology.threads ?? 1);
  const memory = domain.memory?.guest ?? domain.resources?.requests?.memory ?? domain.resources?.limits?.memory;
  if (memory === undefined) throw new VmiSpecError('no memory: set domain.memory.guest or domain.resources.requests.memory');

  const accelerator = await ctx.accelerator();
  const serialLog = path.join(dir, 'serial.log');
  await writeFile(serialLog, '').catch(async (err: unknown) => {
    await network.release();
    throw err;
  });
  const runtimeDir = await createRuntimeDir();
  try {
    const plan: MachinePlan = {
      name: vmi.metadata.name,
      accelerator,
      machine: 'q35',
      cpus,
      memoryMiB: mebibytes(memory, 'memory'),
      ...(firmware ? { firmware } : {}),
      disks,
      cdroms,
      nics,
      vnc: { socket: path.join(runtimeDir, 'vnc.sock') },
      qmpSocket: path.join(runtimeDir, 'qmp.sock'),
      serialLog,
    };
    const args = qemuArgs(plan);
    // The pods the guest may reach (see pod-network.ts), on the first NIC's user network.
    const netdev = args.findIndex((a, i) => args[i - 1] === '-netdev' && a.startsWith('user,id=net0,'));
    if (netdev >= 0) {
      const busybox = toolPath('busybox') ?? 'busybox';
      const rules = ctx.network.all().map((e) => `,guestfwd=tcp:${e.ip}:${e.containerPort}-cmd:${busybox} nc ${e.host} ${e.port}`);
      args[netdev] += rules.join('');
    }
    if (domain.rebootPolicy === 'Terminate') args.push('-no-reboot');
    let mac = `52:54:00:${[0, 0, 0]
      .map(() =>
        Math.floor(Math.random() * 256)
          .toString(16)
          .padStart(2, '0'),
      )
      .join(':')}`;
    const nicDevice = args.findIndex((a, i) => args[i - 1] === '-device' && a.endsWith(',netdev=net0'));
    if (nicDevice >= 0) args[nicDevice] += `,mac=${mac}`;
    else mac = nics[0]?.segment?.mac ?? mac;
    if (network.interfaces[0] && !network.interfaces[0].mac) network.interfaces[0].mac = mac;
    return { plan, args, runtimeDir, mac, hasGraphics: devices.autoattachGraphicsDevice !== false, network };
  } catch (err) {
    await rm(runtimeDir, { recursive: true, force: true });
    await network.release();
    throw err;
  }
}

export async function startVmiMachine(vmi: Loose, dir: string, ctx: MachineContext, signal: AbortSignal): Promise<VmiMachine> {
  const prepared = await prepareVmiMachine(vmi, dir, ctx, signal);
  const { plan, args } = prepared;
  ctx.logger.debug(`kube harness: vmi ${vmi.metadata.namespace}/${vmi.metadata.name}: qemu ${args.join(' ')}`);
  const machine = await startMachine({
    name: vmi.metadata.name,
    qemuBinary: ctx.qemuBinary ?? 'qemu-system-x86_64',
    args,
    qmpSocket: plan.qmpSocket,
    vnc: plan.vnc,
    serialLog: plan.serialLog,
    rootDisk: plan.disks[0]?.path ?? '',
    leases: [],
    runtimeDir: prepared.runtimeDir,
    logger: ctx.logger,
    signal,
  }).catch(async (err: unknown) => {
    await rm(prepared.runtimeDir, { recursive: true, force: true });
    await prepared.network.release();
    throw err;
  });
  return { machine, dir, runtimeDir: prepared.runtimeDir, serialLog: plan.serialLog, hasGraphics: prepared.hasGraphics, forwards: new Map(), mac: prepared.mac, accelerator: plan.accelerator, network: prepared.network };
}

/** How long a dial waits for the guest to refuse before the connection counts as accepted. */
const GUEST_DIAL_MS = 1_500;

/**
 * A TCP connection to `guestPort` of the VMI's first NIC, as virt-api's net.Dial makes it: a
 * closed port is an error ("connect: connection refused"), not a stream that closes. QEMU's
 * host forward accepts at once and closes when the guest answers with a reset, so a connection
 * closed before any byte or GUEST_DIAL_MS counts as refused; one the guest speaks on (an SSH
 * banner) or keeps open is handed over, with what it already sent.
 */
export async function dialGuestPort(vm: VmiMachine, guestPort: number): Promise<Duplex> {
  const first = vm.network.interfaces[0];
  if (first?.subnet) {
    // virt-api dials status.interfaces[0].ipAddress from its own pod: a custom VPC is not routed
    // there (kubeovn/kube-ovn#4908), so the real one times out; the harness says so at once.
    throw new Error(`connect: no route to host (the VMI's first interface is on Kube-OVN subnet ${first.subnet}, which virt-api cannot reach)`);
  }
  let hostPort = vm.forwards.get(guestPort);
  for (let attempt = 0; hostPort === undefined && attempt < 5; attempt++) {
    const candidate = await freePort();
    const answer = await vm.machine.qmpExecute<string>('human-monitor-command', { 'command-line': `hostfwd_add net0 tcp:127.0.0.1:${candidate}-:${guestPort}` });
    if (typeof answer === 'string' && answer.trim() !== '') continue; // HMP reports failures as text
    hostPort = candidate;
    vm.forwards.set(guestPort, candidate);
  }
  if (hostPort === undefined) throw new Error(`cannot forward guest port ${guestPort}`);
  const port = hostPort;
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let timer: NodeJS.Timeout | undefined;
    const settle = (ok: boolean, err?: Error) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (ok) {
        socket.pause();
        resolve(socket);
      } else {
        socket.destroy();
        reject(err ?? new Error('connect: connection refused'));
      }
    };
    const onData = (chunk: Buffer) => {
      // Paused first: unshifting into a flowing stream would emit the chunk again at once.
      socket.off('data', onData);
      socket.pause();
      socket.unshift(chunk);
      settle(true);
    };
    const onClose = () => settle(false);
    socket.once('error', (err) => settle(false, new Error(`connect: ${err.message}`)));
    socket.once('connect', () => {
      socket.on('data', onData);
      socket.once('close', onClose);
      timer = setTimeout(() => settle(true), GUEST_DIAL_MS);
    });
  });
}
