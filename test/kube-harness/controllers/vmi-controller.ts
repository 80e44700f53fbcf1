/**
 * virt-controller's and virt-handler's part for VirtualMachineInstances: a new VMI gets a
 * finalizer and a virt-launcher pod (Pending → Scheduling), is scheduled on the harness's node
 * (Scheduled), its QEMU machine starts (Running, Ready, status.interfaces with the launcher pod's
 * IP), and when QEMU exits the VMI is Succeeded (the guest powered off) or Failed (anything
 * else). Deleting a VMI presses the ACPI power button and kills QEMU after the grace period
 * (spec.terminationGracePeriodSeconds, capped by the harness's maxGraceSeconds), then lets it go.
 *
 * The streams behind the subresource API live here too: VNC (one session at a time;
 * preserveSession=false takes over, true is refused with virt-api's 500), the serial console (read-only: the guest's console log), and
 * port-forward to the guest.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, watch as watchFile } from 'node:fs';
import { appendFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Duplex } from 'node:stream';
import type { Logger } from '../../../src/core/log.js';
import { RfbClient } from '../../../src/core/vnc/rfb-client.js';
import { ApiError, badRequest, notFound } from '../api-errors.js';
import { timestamp, type ClusterApi } from '../cluster-api.js';
import type { KubeObject, StoreEvent } from '../object-store.js';
import { DEFAULT_KUBEVIRT_VERSION, kubevirtMinor, mustResource } from '../resources.js';
import { inBackground } from '../background.js';
import { WorkQueue } from '../work-queue.js';
import type { EventRecorder } from './event-recorder.js';
import { MANAGED_POD_ANNOTATION, NODE_NAME, runningPodStatus, sidecars, type PodRuntime } from './pod-runtime.js';
import { VmiSpecError, dialGuestPort, startVmiMachine, type MachineContext, type VmiMachine } from './vmi-machine.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const VMI_FINALIZER = 'kubevirt.io/virtualMachineControllerFinalize';
const FINAL = new Set(['Succeeded', 'Failed']);
const COMPONENT = 'virt-handler';

interface Runtime {
  uid: string;
  dir: string;
  abort: AbortController;
  starting?: Promise<void>;
  vm?: VmiMachine;
  /** Resolves true when the guest had to be killed after its grace period. */
  stopping?: Promise<boolean>;
  /** Set when the harness (not the guest) ends the machine: a deletion or a stop. */
  stopRequested: boolean;
  vnc?: Duplex;
}

/** One console stream the harness served: the VMI and the bytes it sent (latin1). */
export interface ConsoleStreamRecord {
  namespace: string;
  name: string;
  sent: string;
}

export class VmiController {
  private readonly vmis = mustResource('kubevirt.io', 'virtualmachineinstances');
  private readonly pods = mustResource('', 'pods');
  private readonly kubevirts = mustResource('kubevirt.io', 'kubevirts');
  private readonly queue: WorkQueue;
  private readonly runtimes = new Map<string, Runtime>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly api: ClusterApi,
    private readonly ctx: MachineContext,
    private readonly podRuntime: PodRuntime,
    private readonly events: EventRecorder,
    private readonly root: string,
    private readonly maxGraceSeconds: number,
    private readonly logger: Logger,
  ) {
    this.queue = new WorkQueue('virt-handler', (key) => this.reconcile(key), logger);
    this.unsubscribe = api.store.subscribe((e) => this.onEvent(e));
  }

  private onEvent(e: StoreEvent): void {
    if (e.resource.kind !== 'VirtualMachineInstance') return;
    const meta = e.object.metadata;
    if (e.type === 'DELETED') {
      inBackground(this.dispose(meta.uid!), this.logger, `stopping VMI ${meta.namespace}/${meta.name}`);
      return;
    }
    this.queue.add(`${meta.namespace}/${meta.name}`);
  }

  private launcherPod(vmi: Loose): Loose | undefined {
    return this.api.list(this.pods, vmi.metadata.namespace, { labelSelector: `kubevirt.io/created-by=${vmi.metadata.uid}` })[0] as Loose | undefined;
  }

  private setPhase(vmi: Loose, phase: string, extra: (status: Loose) => void = () => undefined): void {
    this.api.mutate(this.vmis, vmi.metadata.namespace, vmi.metadata.name, (o) => {
      if (o.metadata.uid !== vmi.metadata.uid) return false;
      const status: Loose = { ...((o as Loose).status ?? {}) };
      if (status.phase !== phase) {
        status.phase = phase;
        status.phaseTransitionTimestamps = [...(status.phaseTransitionTimestamps ?? []), { phase, phaseTransitionTimestamp: timestamp() }];
      }
      extra(status);
      (o as Loose).status = status;
    });
  }

  private async reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const vmi = this.api.tryGet(this.vmis, namespace, name) as Loose | undefined;
    if (!vmi) return;
    const uid: string = vmi.metadata.uid;
    const runtime = this.runtimes.get(uid);
    if (vmi.metadata.deletionTimestamp) {
      if (runtime && !runtime.stopping) {
        const grace = Math.min(vmi.spec.terminationGracePeriodSeconds ?? 180, this.maxGraceSeconds);
        runtime.stopping = this.stop(runtime, grace);
      }
      await runtime?.starting?.catch(() => undefined);
      const killed = (await runtime?.stopping) === true;
      // kubevirt/kubevirt pkg/virt-handler/vm.go calculateVmPhaseForStatusReason (v1.9.0): a domain
      // destroyed while ACPI was tried ("destroyed after the graceperiod expired") is Failed; a
      // guest that shut down is Succeeded. The launcher pod ends the same way.
      const phase = killed ? 'Failed' : 'Succeeded';
      const after = this.api.tryGet(this.vmis, namespace, name) as Loose | undefined;
      if (after && after.metadata.uid === uid && !FINAL.has(after.status?.phase)) {
        this.setPhase(after, phase, (s) => this.notReady(s, killed ? 'the guest did not shut down within its grace period and was killed' : 'VMI was deleted'));
      }
      this.finishPod(vmi, phase, killed ? 137 : 0);
      this.api.removeFinalizer(this.vmis, namespace, name, VMI_FINALIZER);
      return;
    }
    const phase: string = vmi.status?.phase ?? '';
    if (FINAL.has(phase)) return;
    if (!(vmi.metadata.finalizers ?? []).includes(VMI_FINALIZER)) {
      this.api.mutate(this.vmis, namespace, name, (o) => {
        o.metadata.finalizers = [...(o.metadata.finalizers ?? []), VMI_FINALIZER];
      });
      this.setPhase(vmi, 'Pending', (s) => {
        s.guestOSInfo = {};
        s.qosClass = 'Burstable';
      });
      return;
    }
    if (runtime) return;
    const pod = this.launcherPod(vmi) ?? this.createLauncherPod(vmi);
    this.setPhase(vmi, 'Scheduling', (s) => {
      s.conditions = [{ type: 'Ready', status: 'False', reason: 'PodNotExists', message: 'Waiting for the launcher pod to start', lastTransitionTime: timestamp() }];
    });
    const dir = path.join(this.root, 'vmis', namespace, `${name}-${uid.slice(0, 8)}`);
    const entry: Runtime = { uid, dir, abort: new AbortController(), stopRequested: false };
    this.runtimes.set(uid, entry);
    entry.starting = this.start(vmi, pod, entry);
  }

  private notReady(status: Loose, message: string): void {
    status.conditions = [{ type: 'Ready', status: 'False', reason: 'PodTerminating', message, lastTransitionTime: timestamp() }];
  }

  private createLauncherPod(vmi: Loose): Loose {
    const name = `virt-launcher-${vmi.metadata.name}-${randomBytes(3).toString('hex').slice(0, 5)}`.slice(0, 63);
    const annotations: Record<string, string> = {};
    for (const [k, v] of Object.entries((vmi.metadata.annotations ?? {}) as Record<string, string>)) if (!k.startsWith('kubectl.kubernetes.io')) annotations[k] = v;
    const version = this.ctx.kubevirtVersion ?? DEFAULT_KUBEVIRT_VERSION;
    const minor = kubevirtMinor(version);
    const image = `quay.io/kubevirt/virt-launcher:${version}`;
    const containers: Loose[] = [{ name: 'compute', image }];
    const initContainers: Loose[] = [];
    // kubevirt/kubevirt pkg/virt-controller/services/serialconsolelog.go (v1.5.0 to v1.9.0):
    // `guest-console-log` runs virt-tail on the launcher image unless autoattachSerialConsole is
    // false; logSerialConsole decides when set, else the KubeVirt CR's
    // spec.configuration.virtualMachineOptions.disableSerialConsoleLog (set at all = off).
    // template.go puts it among the containers in v1.5.0 and, from v1.6.0, among the
    // initContainers with restartPolicy Always (a native sidecar).
    if (this.serialConsoleLogEnabled(vmi)) {
      const sidecar: Loose = { name: 'guest-console-log', image, command: ['/usr/bin/virt-tail'], args: ['--logfile', `/var/run/kubevirt-private/${vmi.metadata.uid}/virt-serial0-log`] };
      if (minor >= 6) initContainers.push({ ...sidecar, restartPolicy: 'Always' });
      else containers.push(sidecar);
    }
    return this.api.createInternal(this.pods, vmi.metadata.namespace, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: vmi.metadata.namespace,
        // kubevirt/kubevirt pkg/virt-controller/services/template.go@v1.9.0 podLabels: the VMI's
        // labels, then KubeVirt's; vm.kubevirt.io/name is the hostname (pkg/util/net/dns/sanitize.go).
        // kubevirt.io/domain is an annotation only (renderLaunchManifest's DomainAnnotation), so a
        // selector on it as a label would find no pod on a real cluster.
        labels: {
          ...(vmi.metadata.labels ?? {}),
          'kubevirt.io': 'virt-launcher',
          'kubevirt.io/created-by': vmi.metadata.uid,
          'vm.kubevirt.io/name': launcherHostname(vmi),
          // Only from v1.7.0: podLabels in template.go@v1.6.0 has no VirtualMachineInstanceIDLabel.
          ...(minor >= 7 ? { 'vmi.kubevirt.io/id': vmiId(vmi.metadata.name) } : {}),
        },
        annotations: { ...annotations, [MANAGED_POD_ANNOTATION]: 'virt-launcher', 'kubevirt.io/domain': vmi.metadata.name },
        ownerReferences: [{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', name: vmi.metadata.name, uid: vmi.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        nodeName: NODE_NAME,
        restartPolicy: 'Never',
        ...(initContainers.length ? { initContainers } : {}),
        containers,
        ...(vmi.spec.hostname ? { hostname: vmi.spec.hostname } : {}),
        volumes: ((vmi.spec.volumes ?? []) as Loose[])
          .map((v) => (v.dataVolume || v.persistentVolumeClaim ? { name: v.name, persistentVolumeClaim: { claimName: v.dataVolume?.name ?? v.persistentVolumeClaim.claimName } } : undefined))
          .filter(Boolean),
      },
    }) as Loose;
  }

  private serialConsoleLogEnabled(vmi: Loose): boolean {
    const devices: Loose = vmi.spec.domain?.devices ?? {};
    if (devices.autoattachSerialConsole === false) return false;
    if (typeof devices.logSerialConsole === 'boolean') return devices.logSerialConsole;
    const kv = this.api.list(this.kubevirts, undefined)[0] as Loose | undefined;
    return kv?.spec?.configuration?.virtualMachineOptions?.disableSerialConsoleLog == null;
  }

  private finishPod(vmi: Loose, phase: 'Succeeded' | 'Failed', exitCode = 0): void {
    const pod = this.launcherPod(vmi);
    const terminated = (c: Loose): Loose => ({
      name: c.name,
      image: c.image,
      imageID: `${c.image}@sha256:${'0'.repeat(64)}`,
      ready: false,
      started: false,
      restartCount: 0,
      state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt: timestamp() } },
    });
    if (!pod || FINAL.has(pod.status?.phase)) return;
    this.api.mutate(this.pods, pod.metadata.namespace, pod.metadata.name, (p) => {
      const o = p as Loose;
      o.status = {
        ...(o.status ?? {}),
        phase,
        conditions: ((o.status?.conditions ?? []) as Loose[]).map((c) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False' } : c)),
        containerStatuses: ((o.spec.containers ?? []) as Loose[]).map(terminated),
        ...(sidecars(o).length ? { initContainerStatuses: sidecars(o).map(terminated) } : {}),
      };
    });
  }

  private async start(vmi: Loose, pod: Loose, entry: Runtime): Promise<void> {
    const namespace: string = vmi.metadata.namespace;
    const podName: string = pod.metadata.name;
    const computeLog = path.join(entry.dir, 'compute.log');
    await mkdir(entry.dir, { recursive: true });
    await appendFile(computeLog, `${timestamp()} starting the domain of ${namespace}/${vmi.metadata.name}\n`);
    this.podRuntime.registerLog(namespace, podName, 'compute', computeLog);
    this.setPhase(vmi, 'Scheduled', (s) => {
      s.nodeName = NODE_NAME;
      s.activePods = { [pod.metadata.uid]: NODE_NAME };
    });
    let vm: VmiMachine;
    try {
      vm = await startVmiMachine(vmi, entry.dir, { ...this.ctx, logger: this.ctx.logger.child(`vmi ${namespace}/${vmi.metadata.name}`) }, entry.abort.signal);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await appendFile(computeLog, `${timestamp()} failed: ${message}\n`).catch(() => undefined);
      if (entry.stopRequested) return;
      this.logger.debug(`kube harness: vmi ${namespace}/${vmi.metadata.name} failed to start: ${message}`);
      this.setPhase(vmi, 'Failed', (s) => {
        s.reason = err instanceof VmiSpecError ? 'InvalidSpec' : 'SyncFailed';
        s.conditions = [{ type: 'Ready', status: 'False', reason: 'SyncFailed', message, lastTransitionTime: timestamp() }];
      });
      this.events.record(vmi as KubeObject, 'Warning', 'SyncFailed', `server error. command SyncVMI failed: ${message}`, COMPONENT);
      this.finishPod(vmi, 'Failed', 1);
      return;
    }
    entry.vm = vm;
    this.podRuntime.registerLog(namespace, podName, 'guest-console-log', vm.serialLog);
    if (entry.stopRequested) {
      await vm.machine.stop();
      await vm.network.release();
      return;
    }
    // The pod's address: its Kube-OVN subnet's when its primary NIC is on one, else the pod network's.
    const ip = vm.network.interfaces[0]?.ip ?? this.ctxNetworkIp(namespace, podName);
    this.api.mutate(this.pods, namespace, podName, (p) => {
      (p as Loose).status = runningPodStatus(p as Loose, ip);
    });
    // kubevirt/kubevirt pkg/network/setup/netstat.go@v1.9.0 ifacesStatusFromDomainInterfaces: one
    // entry per domain interface, named by its alias, the spec interface's name (`default` only when
    // virt-api's defaulting made it); a VMI without interfaces has none, not an invented `default`.
    const interfaces = vm.network.interfaces;
    this.setPhase(vmi, 'Running', (s) => {
      s.nodeName = NODE_NAME;
      if (interfaces.length === 0) delete s.interfaces;
      else
        s.interfaces = interfaces.map((iface, i) => {
          const address = i === 0 ? ip : iface.ip;
          return {
            name: iface.name,
            interfaceName: `eth${i}`,
            ...(address ? { ipAddress: address, ipAddresses: [address] } : {}),
            mac: iface.mac || vm.mac,
            infoSource: 'domain, multus-status',
            linkState: 'up',
            queueCount: 1,
          };
        });
      s.launcherContainerImageVersion = 'quay.io/kubevirt/virt-launcher:v1.9.0';
      s.machine = { type: 'pc-q35-7.2' };
      s.migrationMethod = 'BlockMigration';
      s.conditions = [
        { type: 'Ready', status: 'True', lastTransitionTime: timestamp() },
        { type: 'LiveMigratable', status: 'False', reason: 'DisksNotLiveMigratable', message: 'the kube harness does not migrate', lastTransitionTime: timestamp() },
      ];
    });
    this.events.record(vmi as KubeObject, 'Normal', 'Started', `VirtualMachineInstance started (${vm.accelerator === 'tcg' ? 'software emulation' : 'kvm'}).`, COMPONENT);
    await appendFile(computeLog, `${timestamp()} domain running (${vm.accelerator})\n`);
    inBackground(
      vm.machine.waitForShutdown(2 ** 31 - 1, new AbortController().signal).then(() => this.exited(vmi, entry)),
      this.logger,
      `VMI ${namespace}/${vmi.metadata.name} exit`,
    );
  }

  private ctxNetworkIp(namespace: string, pod: string): string {
    return this.ctx.network.ipOf(namespace, pod);
  }

  private async exited(vmi: Loose, entry: Runtime): Promise<void> {
    const code = entry.vm?.machine.exit?.code ?? null;
    await appendFile(path.join(entry.dir, 'compute.log'), `${timestamp()} qemu exited (${code})\n`).catch(() => undefined);
    // A stopped guest leaves its subnets (its addresses are free for the next VMI).
    await entry.vm?.network.release();
    entry.vnc?.destroy();
    if (entry.stopRequested) return;
    const phase = code === 0 ? 'Succeeded' : 'Failed';
    this.setPhase(vmi, phase, (s) => {
      if (phase === 'Failed') s.reason = 'QemuExited';
      this.notReady(s, phase === 'Succeeded' ? 'the guest shut down' : `qemu exited with status ${String(code)}`);
    });
    this.finishPod(vmi, phase, code ?? 137);
    this.events.record(
      vmi as KubeObject,
      phase === 'Succeeded' ? 'Normal' : 'Warning',
      phase === 'Succeeded' ? 'Stopped' : 'Failed',
      phase === 'Succeeded' ? 'The VirtualMachineInstance was shut down.' : `The VirtualMachineInstance crashed (qemu status ${String(code)}).`,
      COMPONENT,
    );
  }

  /** ACPI power button, then a kill after `graceSeconds`; true when it came to the kill. */
  private async stop(entry: Runtime, graceSeconds: number): Promise<boolean> {
    entry.stopRequested = true;
    entry.abort.abort(new Error('the VMI is being deleted'));
    await entry.starting?.catch(() => undefined);
    const vm = entry.vm;
    if (!vm) return false;
    try {
      if (!vm.machine.running) return false;
      await vm.machine.powerOff();
      const stopped = await vm.machine.waitForShutdown(graceSeconds * 1000, new AbortController().signal);
      if (!stopped) this.logger.debug(`kube harness: ${vm.machine.name} did not power off within ${graceSeconds}s; killing it`);
      // Without a grace period there is no ACPI attempt, and a destroyed domain is Succeeded (vm.go isACPIEnabled).
      return !stopped && graceSeconds > 0;
    } finally {
      await vm.machine.stop();
      await vm.network.release();
    }
  }

  private async dispose(uid: string): Promise<void> {
    const entry = this.runtimes.get(uid);
    if (!entry) return;
    entry.stopping ??= this.stop(entry, 0);
    await entry.stopping;
    this.runtimes.delete(uid);
    await rm(entry.dir, { recursive: true, force: true });
  }

  private running(namespace: string, name: string): { vmi: Loose; entry: Runtime; vm: VmiMachine } {
    const vmi = this.api.tryGet(this.vmis, namespace, name) as Loose | undefined;
    if (!vmi) throw notFound({ group: 'kubevirt.io', resource: 'virtualmachineinstances', name });
    const entry = this.runtimes.get(vmi.metadata.uid);
    const phase: string = vmi.status?.phase ?? 'Pending';
    if (phase !== 'Running' || !entry?.vm || !entry.vm.machine.running) {
      // vnc.go / console.go (v1.9.0): `if !vmi.IsRunning() { return errors.NewBadRequest(vmiNotRunning) }`
      throw badRequest('VMI is not running');
    }
    return { vmi, entry, vm: entry.vm };
  }

  async vnc(namespace: string, name: string, preserveSession: boolean): Promise<Duplex> {
    const { entry, vm } = this.running(namespace, name);
    if (!vm.hasGraphics) throw badRequest('No graphics devices are present.');
    if (entry.vnc && !entry.vnc.destroyed) {
      // kubevirt/kubevirt pkg/virt-handler/rest/console.go@v1.9.0 VNCHandler refuses with 503; virt-api
      // (pkg/virt-api/rest/dialers.go handlerDial.Dial) wraps the failed handshake, with
      // client-go's EnrichError text, as k8s.io/apimachinery's NewInternalError (500, no retryAfterSeconds).
      if (preserveSession) {
        const why = "Can't connect to websocket (503): websocket: bad handshake: application info: Active VNC connection. Request denied.";
        throw new ApiError(500, 'InternalError', `Internal error occurred: ${why}`, { causes: [{ message: why }] });
      }
      entry.vnc.destroy();
    }
    const stream = await vm.machine.openVnc(AbortSignal.timeout(10_000));
    entry.vnc = stream;
    return stream;
  }

  async screenshot(namespace: string, name: string): Promise<Buffer> {
    const { vm } = this.running(namespace, name);
    if (!vm.hasGraphics) throw badRequest('No graphics devices are present.');
    const client = await RfbClient.connect(await vm.machine.openVnc(AbortSignal.timeout(10_000)), { shared: true, timeoutMs: 10_000 });
    try {
      return await client.screenshot({ timeoutMs: 10_000 });
    } finally {
      await client.close();
    }
  }

  /** What each console stream sent to its client, in the order they were opened (for tests). */
  readonly consoleStreams: ConsoleStreamRecord[] = [];

  /** The guest's serial console as a read-only stream (what the launcher's console log holds). */
  async console(namespace: string, name: string): Promise<Duplex> {
    const { vm } = this.running(namespace, name);
    const out = new PassThrough();
    const record: ConsoleStreamRecord = { namespace, name, sent: '' };
    this.consoleStreams.push(record);
    let offset = 0;
    let pending = Promise.resolve();
    const pump = () =>
      (pending = pending.then(
        () =>
          new Promise<void>((resolve) => {
            const s = createReadStream(vm.serialLog, { start: offset });
            s.on('data', (c) => {
              offset += c.length;
              record.sent += c.toString('latin1');
              out.write(c);
            });
            s.once('close', () => resolve());
            s.once('error', () => resolve());
          }),
      ));
    void pump();
    const watcher = watchFile(vm.serialLog, () => void pump());
    const stop = () => watcher.close();
    out.once('close', stop);
    void vm.machine.waitForShutdown(2 ** 31 - 1, new AbortController().signal).then(() => out.end());
    return out;
  }

  /**
   * virt-api's VMI port-forward (kubevirt/kubevirt pkg/virt-api/rest/portforward.go, dialers.go
   * netDial and streamer.go Handle, v1.5.0–v1.9.0): no phase check (only a paused VMI is refused);
   * without status.interfaces a 400 "no network interfaces are present"; then it dials
   * interfaces[0]'s address *before* upgrading the websocket, so a closed guest port is a 500
   * "dialing VM: …" rather than an upgraded stream that closes.
   */
  async portForward(namespace: string, name: string, port: number): Promise<Duplex> {
    const vmi = this.api.tryGet(this.vmis, namespace, name) as Loose | undefined;
    if (!vmi) throw notFound({ group: 'kubevirt.io', resource: 'virtualmachineinstances', name });
    if ((vmi.status?.conditions ?? []).some((c: Loose) => c.type === 'Paused' && c.status === 'True')) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on virtualmachineinstance.kubevirt.io "${name}": VMI is paused`);
    }
    const interfaces: Loose[] = vmi.status?.interfaces ?? [];
    if (interfaces.length === 0) throw badRequest('no network interfaces are present');
    const address = `${String(interfaces[0]!.ipAddress ?? '')}:${port}`;
    const dialFailed = (why: string) => new ApiError(500, 'InternalError', `Internal error occurred: dialing VM: dial tcp ${address}: ${why}`, { causes: [{ message: `dialing VM: dial tcp ${address}: ${why}` }] });
    const vm = this.runtimes.get(vmi.metadata.uid)?.vm;
    if (!vm || !vm.machine.running) throw dialFailed('connect: connection refused');
    try {
      return await dialGuestPort(vm, port);
    } catch (err) {
      throw dialFailed(err instanceof Error ? err.message : String(err));
    }
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.queue.close();
    await Promise.all([...this.runtimes.keys()].map((uid) => this.dispose(uid)));
  }
}

/** dns.SanitizeHostname: spec.hostname, else the VMI name up to its first dot, at most 63 characters. */
export function launcherHostname(vmi: Loose): string {
  const hostname: unknown = vmi.spec?.hostname;
  if (typeof hostname === 'string' && hostname !== '') return hostname;
  return String(vmi.metadata.name).split('.')[0]!.slice(0, 63);
}

/**
 * The launcher pod's vmi.kubevirt.io/id label, as kubevirt/kubevirt
 * pkg/apimachinery/labels.go@v1.9.0 CalculateVirtualMachineInstanceID makes it: the name when it
 * fits a label value (63), else its first 54 characters, '-' and 8 hex digits of its SHA-1.
 */
export function vmiId(name: string): string {
  if (name.length <= 63) return name;
  return `${name.slice(0, 54)}-${createHash('sha1').update(name).digest('hex').slice(0, 8)}`;
}
