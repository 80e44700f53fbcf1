/**
 * A running build VM on KubeVirt, as the pipeline drives it (src/core/engine.ts VmHandle):
 *
 * - VNC: KubeVirt's vnc websocket, the same RFB client as the local engine speaks over a socket;
 * - SSH: a 127.0.0.1 listener whose connections each open a portforward websocket to the guest's
 *   SSH port, so the same SSH communicator dials host:port — KubeVirt's VMI port-forward, or, for
 *   a VM in a custom VPC (which virt-api cannot reach), a pod port-forward to its jump pod on the
 *   VM's subnet (manifests/ssh-jump.ts), which relays to the guest;
 * - power-off: KubeVirt has no power-button call; stopping the VM with a grace period makes
 *   virt-launcher send the guest an ACPI shutdown, and kill it only after the grace period;
 * - export: the output is captured (clone or snapshot), exported, downloaded and converted.
 */
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { Vm } from '../../../core/config/model.js';
import type { ExportDiskRequest, HttpEndpoint, VmHandle } from '../../../core/engine.js';
import type { Logger } from '../../../core/log.js';
import type { RenderedVm } from '../manifests/rendered.js';
import { waitForCapture } from './capture-wait.js';
import { downloadOutput } from './output-download.js';
import { startLocalForwarder, type LocalForwarder } from './local-forwarder.js';
import { kubevirtSubresourcePath } from './resources.js';
import { removeFailedLaunchers, type LauncherIdentity } from './launcher-pods.js';
import { serialConsoleTail } from './serial-console.js';
import { SerialRecorder } from './serial-recorder.js';
import type { RunSession } from './session.js';
import { openPodPortForward } from './pod-port-forward.js';
import { judgePodServing, type PodObject } from './pod-wait.js';
import { openVmiConsole, openVmiPortForward, openVmiVnc } from './vmi-streams.js';
import { judgeVmiStopped, vmiRef, vmRef } from './vmi-wait.js';
import { waitFor, WaitTimeoutError } from './wait.js';

export interface KubevirtVmHandleOptions {
  session: RunSession;
  vm: Vm;
  rendered: RenderedVm;
  http?: HttpEndpoint;
  workDir: string;
  logger: Logger;
  /** False for a VM attached after its guest stopped (attach-vm.ts); default running. */
  running?: boolean;
}

/** Lines of console log read as the past of <waitSerial>'s console (the pod log's tailLines). */
const SERIAL_HISTORY_LINES = 100_000;

/** Extra seconds KubeVirt waits after shutdownTimeout before killing the guest: the pipeline decides first. */
const POWER_OFF_GRACE_MARGIN_S = 60;

export class KubevirtVmHandle implements VmHandle {
  readonly name: string;
  private ssh: Promise<LocalForwarder> | undefined;
  private stopping: Promise<void> | undefined;
  private serial: SerialRecorder | undefined;

  constructor(private readonly options: KubevirtVmHandleOptions) {
    this.name = options.vm.name;
  }

  /** As found when started or attached; false once this process stopped it. */
  isRunning(): boolean {
    return this.stopping === undefined && this.options.running !== false;
  }

  private get key(): string {
    return `${this.options.rendered.layer}/${this.options.rendered.vm}`;
  }

  private get vmName(): string {
    return this.options.rendered.names.vm;
  }

  /** The VirtualMachine's name in the run's namespace. */
  get virtualMachine(): string {
    return this.options.rendered.names.vm;
  }

  /** The guest's SSH port (reached through a port-forward, never directly). */
  get sshPort(): number {
    return this.options.vm.communicator.sshPort;
  }

  private get namespace(): string {
    return this.options.session.namespace;
  }

  httpEndpoint(): HttpEndpoint | undefined {
    return this.options.http;
  }

  openVnc(signal: AbortSignal): Promise<Duplex> {
    return openVmiVnc(this.options.session.objects.api, { namespace: this.namespace, vmi: this.vmName, signal });
  }

  async sshAddress(signal: AbortSignal): Promise<{ host: string; port: number }> {
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('cancelled');
    this.ssh ??= this.startSshForwarder(signal);
    // A failed start (the jump pod never ran) is not kept: the next SSH attempt tries again.
    this.ssh.catch(() => (this.ssh = undefined));
    const forwarder = await this.ssh;
    return { host: forwarder.host, port: forwarder.port };
  }

  private async startSshForwarder(signal: AbortSignal): Promise<LocalForwarder> {
    const { session, logger, vm, rendered } = this.options;
    const jump = rendered.sshJump;
    if (!jump) {
      const f = await startLocalForwarder({
        what: `ssh to ${this.key}`,
        logger,
        open: (s) => openVmiPortForward(session.objects.api, { namespace: this.namespace, vmi: this.vmName, port: vm.communicator.sshPort, signal: s }),
      });
      logger.info(`ssh: 127.0.0.1:${f.port} forwards to port ${vm.communicator.sshPort} of ${this.key} (KubeVirt port-forward)`);
      return f;
    }
    await waitFor<PodObject, string>(session.objects, {
      ref: { apiVersion: 'v1', kind: 'Pod', namespace: this.namespace, name: jump.pod },
      what: `the SSH jump pod of ${this.key}`,
      timeoutMs: session.timeouts.start,
      signal,
      judge: judgePodServing,
    });
    const f = await startLocalForwarder({
      what: `ssh to ${this.key}`,
      logger,
      open: (s) => openPodPortForward(session.objects.api, { namespace: this.namespace, pod: jump.pod, port: jump.port, signal: s }),
    });
    logger.info(`ssh: 127.0.0.1:${f.port} forwards to port ${vm.communicator.sshPort} of ${this.key} through the jump pod ${jump.pod} on its subnet (pod port-forward)`);
    return f;
  }

  async powerOff(): Promise<void> {
    const gracePeriod = Math.ceil(this.options.vm.shutdownTimeout / 1000) + POWER_OFF_GRACE_MARGIN_S;
    await this.stopRequest(gracePeriod, AbortSignal.timeout(60_000));
  }

  /** KubeVirt's stop; "not running" (409) and "gone" (404) mean there is nothing to stop. */
  private async stopRequest(gracePeriod: number, signal: AbortSignal): Promise<void> {
    const path = kubevirtSubresourcePath(this.namespace, 'virtualmachines', this.vmName, 'stop');
    try {
      await this.options.session.objects.put(path, { gracePeriod }, signal, `stopping VM ${this.key}`);
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status === 404 || status === 409) {
        this.options.logger.debug(`stop ${this.key}: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      throw err;
    }
  }

  async waitForShutdown(timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    try {
      const outcome = await waitFor(this.options.session.objects, {
        ref: vmiRef(this.namespace, this.vmName),
        what: `VM ${this.key} to power off`,
        timeoutMs,
        signal,
        judge: judgeVmiStopped,
      });
      if (outcome === 'failed') this.options.logger.warn(`vm ${this.key}: the VirtualMachineInstance ended Failed rather than Succeeded`);
      return true;
    } catch (err) {
      if (err instanceof WaitTimeoutError) return false;
      throw err;
    }
  }

  stop(): Promise<void> {
    this.stopping ??= this.forceStop();
    return this.stopping;
  }

  private async forceStop(): Promise<void> {
    const { session, logger } = this.options;
    this.serial?.close();
    const signal = AbortSignal.timeout(session.timeouts.stop);
    await this.ssh?.then((f) => f.close()).catch(() => undefined);
    try {
      await this.stopRequest(0, signal);
    } catch (err) {
      logger.debug(`stop ${this.key}: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      await session.objects.delete(vmRef(this.namespace, this.vmName), signal);
      await waitFor(session.objects, {
        ref: vmiRef(this.namespace, this.vmName),
        what: `VM ${this.key} to stop`,
        timeoutMs: session.timeouts.stop,
        signal,
        judge: (o) => (o ? { waiting: 'still there' } : { done: true }),
      });
    } catch (err) {
      // The run's cleanup tries again; a stop must not fail the build's own cleanup.
      logger.warn(`vm ${this.key}: could not confirm it stopped: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  }

  async serialTail(lines: number): Promise<string[]> {
    return serialConsoleTail(this.options.session.objects, this.namespace, this.vmName, this.launcherIdentity(), lines, AbortSignal.timeout(20_000));
  }

  /** The console since boot: the launcher's console log, then the console subresource live (serial-recorder.ts). */
  readSerial(from: number, signal: AbortSignal): Promise<Buffer> {
    this.serial ??= new SerialRecorder({
      openConsole: (s) => openVmiConsole(this.options.session.objects.api, { namespace: this.namespace, vmi: this.vmName, signal: s }),
      history: (s) => serialConsoleTail(this.options.session.objects, this.namespace, this.vmName, this.launcherIdentity(), SERIAL_HISTORY_LINES, s),
    });
    return this.serial.read(from, signal);
  }

  /** How the rendered VirtualMachine labels its launcher pods (its VMI template). */
  private launcherIdentity(): LauncherIdentity {
    const vm = this.options.session.run.rendered.objects.find((o) => o.vm === this.key && o.object.kind === 'VirtualMachine')?.object as
      { spec?: { template?: { metadata?: { labels?: Record<string, string> }; spec?: { hostname?: string } } } } | undefined;
    const template = vm?.spec?.template;
    return { hostname: template?.spec?.hostname ?? this.vmName, templateLabels: template?.metadata?.labels ?? {} };
  }

  async exportDisk(req: ExportDiskRequest): Promise<void> {
    const { session, rendered } = this.options;
    const { logger, signal } = req;
    const mine = session.run.rendered.objects.filter((o) => o.vm === this.key);
    const capture = mine.find((o) => o.step === 'capture');
    if (!capture) throw new Error(`internal: no capture object rendered for ${this.key}`);
    logger.info(`export: keeping the disk of ${this.key} as ${rendered.output.kind} ${rendered.output.name}`);
    await session.run.create(capture, signal);
    await waitForCapture({ objects: session.objects, namespace: this.namespace, output: rendered.output, label: this.key, logger, signal, timeoutMs: session.timeouts.export });
    session.outputs.add(this.key);
    // A CSI snapshot's export reads the VM's root disk itself, which a Failed launcher still holds.
    if (rendered.output.kind === 'VolumeSnapshot') await removeFailedLaunchers(session.objects, this.namespace, this.launcherIdentity(), logger, signal);

    await downloadOutput({
      session,
      rendered,
      rawFile: path.join(this.options.workDir, `${rendered.names.vm}-export.raw`),
      destination: req.destination,
      format: req.format,
      compress: req.compress,
      ...(req.compressionType ? { compressionType: req.compressionType } : {}),
      logger,
      signal,
    });
  }
}
