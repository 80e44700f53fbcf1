/**
 * The local engine: build VMs as QEMU processes on this machine, the way Packer's QEMU builder
 * runs them (hashicorp/packer-plugin-qemu builder/qemu/builder.go). startVm prepares everything in the order Packer does —
 * source download, disks, CD-ROMs, firmware variables, ports — then starts QEMU; whatever it made
 * is undone if a later step fails or the request is cancelled.
 *
 * Networking: NIC 0 is QEMU user-mode, where the guest reaches the build's HTTP server at 10.0.2.2
 * and SSH is forwarded from a free loopback port. NICs on declared subnets join the subnet's
 * switch in this process (network/), shared by the layer's VMs; a VM whose NICs are all on VPCs
 * without internet gets a restricted user-mode NIC that reaches only the build's HTTP server.
 */
import { access, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import type { Build, Layer, Vm } from '../../core/config/model.js';
import type { AttachVmRequest, DetachedVm, Engine, SourceDigest, StartVmRequest, VmHandle } from '../../core/engine.js';
import type { Logger } from '../../core/log.js';
import { containerDiskDigest, type ContainerDiskSource } from '../../core/oci/pull/container-disk-source.js';
import { AttachedMachine, checkDetachedRecord } from './attach.js';
import { chooseAccelerator, type Accelerator } from './accelerator.js';
import { knownChecksum } from '../../core/sources/known-checksum.js';
import { fetchSource } from './download.js';
import { LocalNetworks } from './network/local-networks.js';
import { peerAddresses, type PeerAddress } from '../../core/peers.js';
import { findUefiFirmware, prepareUefiVars } from './firmware.js';
import { startMachine, type QemuMachine } from './machine.js';
import { SSH_HOST_PORTS, VNC_PORTS, allocatePort, type PortLease } from './ports.js';
import { qemuArgs, type FirmwarePlan, type MachinePlan, type MachineType, type VncPlan } from './qemu-args.js';
import { createRuntimeDir, sweepStaleRuntimeDirs } from './runtime-dir.js';
import { abortReason } from '../../core/abort.js';
import { startDetachedVm } from './start-detached.js';
import { fileSafe, prepareStorage } from './vm-storage.js';
import { CleanupStack } from '../../core/pipeline/cleanup-stack.js';

/** The address of the host as seen from a QEMU user-mode network. */
export const USER_NET_HOST_IP = '10.0.2.2';

/** Unix socket paths are limited to 108 bytes; beyond this we use a loopback VNC port instead. */
const MAX_SOCKET_PATH = 100;
/**
 * The guest port behind the SSH wait's up-probe forward (BannerTarget.guestUpPort in
 * src/core/communicator/ssh-banner.ts): TCP port 1 (tcpmux, RFC 1078), which no current
 * distribution serves, so a booted guest resets connections to it.
 */
const GUEST_UP_PROBE_PORT = 1;

export interface LocalEngineOptions {
  qemuBinary?: string;
  env?: NodeJS.ProcessEnv;
  /** Download cache (default RUDDERVIRT_CACHE_DIR or ~/.cache/ruddervirt/sources). */
  cacheDir?: string;
  /** Port lock folder (default os.tmpdir()/ruddervirt-ports). */
  portLockDir?: string;
  /** Skips the accelerator probe. */
  accelerator?: Accelerator;
  /** containerDisk sources: resolved and pulled from their registry, extracted into the cache (core/oci/pull). */
  containerDisks?: ContainerDiskSource;
  /** Where sockets live; default os.tmpdir(). */
  runtimeRoot?: string;
  /**
   * 'socket' (default): VNC on a private unix socket, which only this process uses.
   * 'port': a free 127.0.0.1 port, so a person can watch the build with an ordinary VNC viewer.
   */
  vncListen?: 'socket' | 'port';
  /**
   * Start every VM in a keeper process of its own (keeper.ts), so detach() can hand it to another
   * process: the stage actions, and a build that stops for debugging (onError abort).
   */
  detachable?: boolean;
  /** The script a keeper runs (default: this process's entry script; it must call runEngineHelperIfAsked). */
  keeperEntry?: string;
}

export class LocalEngine implements Engine {
  readonly name = 'local' as const;
  private readonly machines = new Set<QemuMachine | AttachedMachine>();
  private swept: Promise<void> | undefined;
  private readonly networks: LocalNetworks;

  constructor(private readonly options: LocalEngineOptions = {}) {
    this.networks = new LocalNetworks(options.runtimeRoot ? { runtimeRoot: options.runtimeRoot } : {});
  }

  async startVm(req: StartVmRequest): Promise<VmHandle> {
    if (this.options.detachable) return this.startInKeeper(req);
    const { vm, logger, signal } = req;
    // What this start made so far, undone newest-first if a later part fails or is cancelled.
    const made = new CleanupStack();
    const checkpoint = () => {
      if (signal.aborted) throw abortReason(signal);
    };
    try {
      const accelerator = this.options.accelerator ?? (await chooseAccelerator({ logger, env: this.env, ...this.qemuOption() })).accelerator;
      checkpoint();
      await mkdir(req.workDir, { recursive: true });
      await mkdir(req.logDir, { recursive: true });
      const madeFile = (file: string) => made.push(`file ${file}`, () => rm(file, { force: true }));
      const { rootDisk, disks, cdroms } = await prepareStorage({
        build: req.build,
        vm,
        workDir: req.workDir,
        logger,
        signal,
        fetch: (url, checksum, mirrors) => fetchSource({ url, checksum: knownChecksum(checksum, url), ...(mirrors ? { mirrors } : {}), logger, signal, ...this.cacheOption() }),
        sourceImage: () => this.sourceImage(req, signal),
        made: madeFile,
      });
      checkpoint();

      // q35 unless the build asks for pc, as virt-launcher: KubeVirt's amd64 default machine type
      // (kubevirt/kubevirt pkg/virt-config/virt-config.go, DefaultAMD64MachineType = "q35").
      const machine: MachineType = vm.machineType ?? 'q35';
      let firmware: FirmwarePlan | undefined;
      if (vm.efiFirmware) {
        const fw = await findUefiFirmware({ secureBoot: vm.efiFirmware.secureBoot, machine, env: this.env });
        const vars = path.join(req.workDir, `${fileSafe(vm.name)}-efivars.fd`);
        madeFile(vars);
        await prepareUefiVars(fw, vars);
        firmware = { code: fw.code, codeFormat: fw.codeFormat, vars, varsFormat: fw.varsFormat, secureBoot: fw.secureBoot, smm: fw.requiresSmm || fw.secureBoot };
        logger.debug(`firmware: ${fw.code} (${fw.origin})`);
      }

      // Sockets and ports last: they are the scarce, shared resources.
      this.swept ??= sweepStaleRuntimeDirs(this.options.runtimeRoot).then(
        (dirs) => dirs.forEach((d) => logger.debug(`removed ${d}, left by a build that was killed`)),
        () => undefined,
      );
      await this.swept;
      const runtimeDir = await createRuntimeDir(this.options.runtimeRoot);
      made.push(`runtime folder ${runtimeDir}`, () => rm(runtimeDir, { recursive: true, force: true }));
      const leases: PortLease[] = [];
      const lease = async (range: typeof SSH_HOST_PORTS) => {
        const l = await allocatePort({ range, signal, ...(this.options.portLockDir ? { lockDir: this.options.portLockDir } : {}) });
        made.push(`port ${l.port}`, () => l.release());
        leases.push(l);
        return l.port;
      };
      const sshPort = vm.communicator.type === 'ssh' ? await lease(SSH_HOST_PORTS) : undefined;
      const guestUpPort = sshPort !== undefined ? await lease(SSH_HOST_PORTS) : undefined;
      const vncSocket = path.join(runtimeDir, 'vnc.sock');
      const vnc: VncPlan = this.options.vncListen !== 'port' && vncSocket.length <= MAX_SOCKET_PATH ? { socket: vncSocket } : { port: await lease(VNC_PORTS) };
      const qmpSocket = path.join(runtimeDir, 'qmp.sock');
      if (qmpSocket.length > MAX_SOCKET_PATH) throw new UserError(`the temp folder path ${runtimeDir} is too long for a unix socket; set TMPDIR to a shorter path`);

      const network = await this.networks.attach(req.build, vm, logger);
      made.push(`networks of vm ${vm.name}`, () => network.release());
      // Held like a port: the machine lets go of it when QEMU stops, however it stops.
      leases.push({ port: 0, release: () => network.release() });
      const nics = await network.nicPlans({
        runtimeDir,
        ...(sshPort !== undefined ? { ssh: { hostPort: sshPort, guestPort: vm.communicator.sshPort } } : {}),
        ...(guestUpPort !== undefined ? { guestUp: { hostPort: guestUpPort, guestPort: GUEST_UP_PROBE_PORT } } : {}),
        ...(req.http ? { http: { port: req.http.port } } : {}),
      });
      if (!network.plan.internet) {
        logger.info(`vm ${vm.name}: no internet (its subnets' VPCs have internet: false); the guest reaches only the build's HTTP server, at ${network.httpGuestIp}`);
      }
      const plan: MachinePlan = {
        name: vm.name,
        accelerator,
        machine,
        cpus: vm.cpu,
        ...(vm.cpuModel ? { cpuModel: vm.cpuModel } : {}),
        memoryMiB: Math.ceil(vm.memoryBytes / (1024 * 1024)),
        ...(firmware ? { firmware } : {}),
        disks,
        cdroms,
        nics,
        vnc,
        qmpSocket,
        serialLog: path.join(req.logDir, 'serial.log'),
        ...(vm.qemuArgs ? { extraArgs: vm.qemuArgs } : {}),
      };
      const args = qemuArgs(plan);
      checkpoint();
      logger.info(
        `starting qemu (${accelerator}, ${machine}${firmware ? (firmware.secureBoot ? ', UEFI Secure Boot' : ', UEFI') : ', BIOS'}, ` +
          `${plan.cpus} cpu, ${plan.memoryMiB} MiB${sshPort ? `, ssh on 127.0.0.1:${sshPort}` : ''}, ` +
          `vnc on ${'socket' in vnc ? vnc.socket : `127.0.0.1:${vnc.port}`})`,
      );
      const handle = await startMachine({
        name: vm.name,
        qemuBinary: this.options.qemuBinary ?? 'qemu-system-x86_64',
        args,
        qmpSocket,
        vnc,
        serialLog: plan.serialLog,
        rootDisk,
        ...(sshPort !== undefined ? { ssh: { host: '127.0.0.1', port: sshPort, ...(guestUpPort !== undefined ? { guestUpPort } : {}) } } : {}),
        ...(req.http ? { http: { ip: network.httpGuestIp, port: req.http.port } } : {}),
        leases,
        runtimeDir,
        logger,
        signal,
      });
      this.machines.add(handle);
      return handle;
    } catch (err) {
      await made.unwind(logger);
      throw err;
    }
  }

  private async startInKeeper(req: StartVmRequest): Promise<VmHandle> {
    const { containerDisks: _containerDisks, detachable: _detachable, keeperEntry, env: _env, ...engine } = this.options;
    let vm = req.vm;
    if (vm.source.kind === 'containerDisk') {
      // The keeper cannot take the resolver function across processes: resolve here, hand it a file.
      vm = { ...vm, source: { kind: 'path', path: await this.sourceImage(req, req.signal) } };
    }
    await mkdir(req.workDir, { recursive: true });
    const started = await startDetachedVm({
      request: {
        build: req.build,
        vm,
        workDir: req.workDir,
        logDir: req.logDir,
        engine,
        ...(req.http ? { httpPort: req.http.port } : {}),
        ...(req.parentDisk ? { parentDisk: req.parentDisk } : {}),
      },
      keeperLog: path.join(req.workDir, 'keeper.log'),
      logger: req.logger,
      signal: req.signal,
      env: this.env,
      ...(keeperEntry ? { entry: keeperEntry } : {}),
    });
    const machine = new AttachedMachine(started.record);
    this.machines.add(machine);
    return machine;
  }

  async detach(handle: VmHandle): Promise<DetachedVm> {
    if (!(handle instanceof AttachedMachine)) {
      throw new Error(`vm ${handle.name} runs inside this process and cannot outlive it; create the local engine with detachable: true`);
    }
    this.machines.delete(handle);
    const { record } = handle;
    return {
      engine: 'local',
      vm: record.name,
      ...(record.ssh ? { sshEndpoint: { ...record.ssh, display: `${record.ssh.host}:${record.ssh.port}` } } : {}),
      state: { ...record },
    };
  }

  async attach(record: DetachedVm, _req: AttachVmRequest): Promise<VmHandle> {
    if (record.engine !== 'local') throw new Error(`internal: a ${record.engine} VM record was given to the local engine`);
    // Ours until detached again: close() stops it unless a later stage is to have it.
    const machine = new AttachedMachine(checkDetachedRecord(record.state));
    this.machines.add(machine);
    return machine;
  }

  /** The layer's other VMs that `vm` reaches on its subnets, by name: for provisioner variables and /etc/hosts. */
  peerAddresses(build: Build, layer: Layer, vm: Vm): PeerAddress[] {
    return peerAddresses(build, layer, vm.name);
  }

  async close(): Promise<void> {
    // Handles own their VMs; this is the safety net for ones a caller forgot.
    await Promise.all([...this.machines].map((m) => m.stop()));
    this.machines.clear();
    await this.networks.close();
  }

  private get env(): NodeJS.ProcessEnv {
    return this.options.env ?? process.env;
  }

  private qemuOption(): { qemuBinary?: string } {
    return this.options.qemuBinary ? { qemuBinary: this.options.qemuBinary } : {};
  }

  private cacheOption(): { cacheDir?: string; env: NodeJS.ProcessEnv } {
    return { env: this.env, ...(this.options.cacheDir ? { cacheDir: this.options.cacheDir } : {}) };
  }

  private containerDisks(vm: Vm): ContainerDiskSource {
    if (!this.options.containerDisks) throw new UserError(`vm ${vm.name}: containerDisk sources need a registry client; this local engine was created without one`);
    return this.options.containerDisks;
  }

  /** The digest a containerDisk source names now: what the layer key records, so a moved tag rebuilds the layer. */
  async sourceDigest(vm: Vm, logger: Logger, signal: AbortSignal): Promise<SourceDigest | undefined> {
    if (vm.source.kind !== 'containerDisk') return undefined;
    return containerDiskDigest(this.containerDisks(vm), vm, logger, signal);
  }

  /** A local disk image holding the VM's source (url, path, from, containerDisk). */
  private async sourceImage(req: StartVmRequest, signal: AbortSignal): Promise<string> {
    const { vm, logger } = req;
    const source = vm.source;
    switch (source.kind) {
      case 'url':
        return fetchSource({ url: source.url, checksum: knownChecksum(source.checksum, source.url), ...(source.mirrors ? { mirrors: source.mirrors } : {}), logger, signal, ...this.cacheOption() });
      case 'path': {
        const file = path.resolve(req.build.dir, source.path);
        await access(file).catch(() => {
          throw new UserError(`vm ${vm.name}: source.path '${source.path}' does not exist (looked for ${file})`);
        });
        return file;
      }
      case 'from':
        if (!req.parentDisk) throw new Error(`vm ${vm.name}: source from ${source.layer}/${source.vm} needs the parent's disk (parentDisk) from the pipeline`);
        return req.parentDisk;
      case 'containerDisk':
        return (await this.containerDisks(vm).pull(source.image, logger, signal)).path;
      case 'iso':
        throw new Error('unreachable: iso sources are attached as CD-ROMs');
    }
  }
}
