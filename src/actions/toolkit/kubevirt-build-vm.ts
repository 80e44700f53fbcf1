/**
 * build-vm on the kubevirt engine: the VM is created in the job's build run (its source from
 * import-source when that ran: the same DataVolume is adopted), the boot command is typed over
 * KubeVirt's VNC websocket and SSH is awaited over its port-forward, as the whole build does; then
 * the step ends and the cluster keeps the VM running for provision and snapshot, which find it by
 * the run id in the handoff. The post step (and setup-cluster's) remove the run by its label if
 * the job fails or is cancelled first.
 */
import * as core from '@actions/core';
import type { Duplex } from 'node:stream';
import type { Build } from '../../core/config/model.js';
import type { ExportDiskRequest, HttpEndpoint, VmHandle } from '../../core/engine.js';
import type { PhaseRunner } from '../../core/pipeline/phase.js';
import type { PhaseTimeouts } from '../../core/pipeline/vm-build.js';
import type { KubevirtEngine } from '../../engines/kubevirt/engine.js';
import { RunNames } from '../../engines/kubevirt/manifests/index.js';
import { updateHandoff, type Handoff } from './handoff.js';
import { jobEngine, jobRun } from './kubevirt-run.js';
import type { ActionContext } from './run-action.js';
import type { SelectedVm } from './select-vm.js';

/**
 * The started VM as build-vm's failure handling sees it: stopping it removes the whole run (a VM
 * that failed to boot leaves nothing worth keeping in the cluster), and after that it no longer
 * counts as running.
 */
export class KubevirtStageMachine implements VmHandle {
  private stopped = false;

  constructor(
    private readonly handle: VmHandle,
    private readonly engine: KubevirtEngine,
  ) {}

  get name(): string {
    return this.handle.name;
  }

  get running(): boolean {
    return !this.stopped;
  }

  httpEndpoint(): HttpEndpoint | undefined {
    return this.handle.httpEndpoint();
  }

  openVnc(signal: AbortSignal): Promise<Duplex> {
    return this.handle.openVnc(signal);
  }

  sshAddress(signal: AbortSignal): Promise<{ host: string; port: number }> {
    return this.handle.sshAddress(signal);
  }

  powerOff(): Promise<void> {
    return this.handle.powerOff();
  }

  waitForShutdown(timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    return this.handle.waitForShutdown(timeoutMs, signal);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.engine.close();
  }

  serialTail(lines: number): Promise<string[]> {
    return this.handle.serialTail(lines);
  }

  exportDisk(req: ExportDiskRequest): Promise<void> {
    return this.handle.exportDisk(req);
  }
}

export interface KubevirtStartRequest {
  build: Build;
  selected: SelectedVm;
  handoff: Handoff | undefined;
  workDir: string;
  logDir: string;
  phases: PhaseRunner;
  timeouts: PhaseTimeouts;
}

export interface KubevirtStart {
  machine: KubevirtStageMachine;
  /** Where SSH answers, named the way virtctl names it; no address or credential. */
  ssh: { endpoint: string; host: string; port: number };
}

export async function startOnKubevirt(ctx: ActionContext, req: KubevirtStartRequest): Promise<KubevirtStart> {
  const { build, selected, workDir, logDir } = req;
  const { vm, key, layer } = selected;
  const run = await jobRun(ctx, req.handoff);
  // Before anything is created: the post step removes the run by these even if this process is killed.
  core.saveState('engine', 'kubevirt');
  core.saveState('runId', run.id);
  core.saveState('namespace', run.namespace);
  core.saveState('kubeconfig', run.kubeconfig ?? '');
  core.saveState('writtenKubeconfig', run.writtenKubeconfig ?? '');
  const virtualMachine = new RunNames(build.name, run.id).vm(layer.name, vm.name).vm;
  await updateHandoff('kubevirt', (h) => {
    const entry = h.vms[key];
    if (entry) entry.cluster = { virtualMachine, namespace: run.namespace };
  });

  const parent = vm.source.kind === 'from' ? req.handoff?.snapshots[`${vm.source.layer}/${vm.source.vm}`]?.path : undefined;
  const engine = jobEngine(ctx, run);
  let handle: VmHandle;
  try {
    handle = await req.phases.run('start vm', (s) => engine.startVm({ build, vm, workDir, logDir, logger: ctx.logger, signal: s, ...(parent ? { parentDisk: parent } : {}) }), {
      timeoutMs: req.timeouts.boot ?? 0,
    });
  } catch (err) {
    await engine.close();
    throw err;
  }
  await updateHandoff('kubevirt', (h) => {
    const entry = h.vms[key];
    if (entry) entry.state = 'running';
  });
  const host = `vmi/${virtualMachine}.${run.namespace}`;
  const port = vm.communicator.sshPort;
  return { machine: new KubevirtStageMachine(handle, engine), ssh: { endpoint: `${host}:${port}`, host, port } };
}
