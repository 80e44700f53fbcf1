/**
 * KubeVirt's VirtualMachine controller and the VM lifecycle subresources (kubevirt/kubevirt
 * staging/src/kubevirt.io/api/core/v1/types.go, pkg/virt-api/api.go, v1.9.0):
 * - dataVolumeTemplates become DataVolumes owned by the VM; the VMI waits until every DataVolume
 *   volume has Succeeded and every PVC exists (printableStatus Provisioning, DataVolumeError,
 *   ErrorPvcNotFound meanwhile);
 * - runStrategy (or the deprecated `running`): Always restarts a finished VMI, RerunOnFailure only
 *   a Failed one, Once starts one whenever there is none and never replaces a finished one,
 *   Manual follows start/stop requests, Halted stops it;
 * - a VMI named like the VM, owned by it, from spec.template;
 * - status: created, ready, printableStatus (Stopped, Provisioning, Starting, Running, Stopping,
 *   Terminating …), the Ready condition, runStrategy, volumeSnapshotStatuses, generations;
 * - start / stop / restart answer as virt-api does, including 409 for a start on Always/Once.
 */
import type { Logger } from '../../../src/core/log.js';
import { ApiError, badRequest, conflict, notFound } from '../api-errors.js';
import { timestamp, type ClusterApi } from '../cluster-api.js';
import type { KubeObject, StoreEvent } from '../object-store.js';
import { copy } from '../object-store.js';
import { mustResource } from '../resources.js';
import { WorkQueue } from '../work-queue.js';
import type { EventRecorder } from './event-recorder.js';
import { DEFAULT_SNAPSHOT_CLASS_ANNOTATION } from './snapshot-controller.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FINAL = new Set(['Succeeded', 'Failed']);
const COMPONENT = 'virtualmachine-controller';

export function runStrategyOf(vm: Loose): string {
  if (vm.spec?.runStrategy) return vm.spec.runStrategy;
  return vm.spec?.running ? 'Always' : 'Halted';
}

export class VmController {
  private readonly vms = mustResource('kubevirt.io', 'virtualmachines');
  private readonly vmis = mustResource('kubevirt.io', 'virtualmachineinstances');
  private readonly dataVolumes = mustResource('cdi.kubevirt.io', 'datavolumes');
  private readonly claims = mustResource('', 'persistentvolumeclaims');
  private readonly storageClasses = mustResource('storage.k8s.io', 'storageclasses');
  private readonly snapshotClasses = mustResource('snapshot.storage.k8s.io', 'volumesnapshotclasses');
  private readonly queue: WorkQueue;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly api: ClusterApi,
    private readonly events: EventRecorder,
    logger: Logger,
  ) {
    this.queue = new WorkQueue('virtualmachine-controller', (key) => this.reconcile(key), logger);
    this.unsubscribe = api.store.subscribe((e) => this.onEvent(e));
  }

  private onEvent(e: StoreEvent): void {
    const meta = e.object.metadata;
    switch (e.resource.kind) {
      case 'VirtualMachine':
        if (e.type !== 'DELETED') this.queue.add(`${meta.namespace}/${meta.name}`);
        return;
      case 'VirtualMachineInstance':
        this.queue.add(`${meta.namespace}/${meta.name}`);
        return;
      case 'DataVolume':
      case 'PersistentVolumeClaim':
        for (const vm of this.api.store.list(this.vms, meta.namespace)) this.queue.add(`${meta.namespace}/${vm.metadata.name}`);
        return;
      default:
        return;
    }
  }

  private vmiFor(vm: Loose): Loose | undefined {
    const vmi = this.api.tryGet(this.vmis, vm.metadata.namespace, vm.metadata.name) as Loose | undefined;
    return vmi && (vmi.metadata.ownerReferences ?? []).some((r: Loose) => r.uid === vm.metadata.uid) ? vmi : undefined;
  }

  /** Why the VM's volumes are not ready: a printable status and a message, or undefined. */
  private volumesProblem(vm: Loose): { status: string; message: string } | undefined {
    const namespace: string = vm.metadata.namespace;
    for (const v of (vm.spec?.template?.spec?.volumes ?? []) as Loose[]) {
      if (v.dataVolume) {
        const dv = this.api.tryGet(this.dataVolumes, namespace, v.dataVolume.name) as Loose | undefined;
        if (!dv) {
          if (this.api.tryGet(this.claims, namespace, v.dataVolume.name)) continue;
          return { status: 'Provisioning', message: `DataVolume ${v.dataVolume.name} does not exist` };
        }
        if (dv.status?.phase === 'Failed') return { status: 'DataVolumeError', message: `DataVolume ${v.dataVolume.name} failed: ${(dv.status.conditions ?? []).find((c: Loose) => c.type === 'Running')?.message ?? ''}` };
        if (dv.status?.phase !== 'Succeeded') return { status: 'Provisioning', message: `DataVolume ${v.dataVolume.name} is ${dv.status?.phase ?? 'Pending'}` };
      }
      if (v.persistentVolumeClaim) {
        const claim = this.api.tryGet(this.claims, namespace, v.persistentVolumeClaim.claimName) as Loose | undefined;
        if (!claim) return { status: 'ErrorPvcNotFound', message: `PVC ${namespace}/${v.persistentVolumeClaim.claimName} does not exist` };
        if (claim.status?.phase !== 'Bound') return { status: 'WaitingForVolumeBinding', message: `PVC ${v.persistentVolumeClaim.claimName} is not bound` };
      }
    }
    return undefined;
  }

  private ensureDataVolumes(vm: Loose): void {
    for (const template of (vm.spec?.dataVolumeTemplates ?? []) as Loose[]) {
      const name = template.metadata?.name;
      if (!name || this.api.tryGet(this.dataVolumes, vm.metadata.namespace, name)) continue;
      this.api.createInternal(this.dataVolumes, vm.metadata.namespace, {
        apiVersion: 'cdi.kubevirt.io/v1beta1',
        kind: 'DataVolume',
        metadata: {
          ...copy(template.metadata),
          namespace: vm.metadata.namespace,
          ownerReferences: [{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', name: vm.metadata.name, uid: vm.metadata.uid, controller: true, blockOwnerDeletion: true }],
        },
        spec: copy(template.spec),
      });
      this.events.record(vm as KubeObject, 'Normal', 'SuccessfulDataVolumeCreate', `Created DataVolume ${name}`, COMPONENT);
    }
  }

  private createVmi(vm: Loose): void {
    const template: Loose = vm.spec.template ?? {};
    this.api.createInternal(this.vmis, vm.metadata.namespace, {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstance',
      metadata: {
        name: vm.metadata.name,
        namespace: vm.metadata.namespace,
        labels: { ...(template.metadata?.labels ?? {}), 'kubevirt.io/vm': vm.metadata.name },
        annotations: { ...(template.metadata?.annotations ?? {}), 'kubevirt.io/vm-generation': String(vm.metadata.generation ?? 1) },
        ownerReferences: [{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', name: vm.metadata.name, uid: vm.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: copy(template.spec ?? {}),
    });
    this.events.record(vm as KubeObject, 'Normal', 'SuccessfulCreate', `Started the virtual machine by creating the new virtual machine instance ${vm.metadata.name}`, COMPONENT);
  }

  private deleteVmi(vm: Loose, vmi: Loose): void {
    if (vmi.metadata.deletionTimestamp) return;
    try {
      this.api.delete(this.vmis, vmi.metadata.namespace, vmi.metadata.name, { preconditions: { uid: vmi.metadata.uid } });
      this.events.record(vm as KubeObject, 'Normal', 'SuccessfulDelete', `Stopped the virtual machine by deleting the virtual machine instance ${vmi.metadata.uid}`, COMPONENT);
    } catch (err) {
      if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
    }
  }

  private async reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const vm = this.api.tryGet(this.vms, namespace, name) as Loose | undefined;
    if (!vm) return;
    const vmi = this.vmiFor(vm);
    const strategy = runStrategyOf(vm);
    const requests: Loose[] = vm.status?.stateChangeRequests ?? [];
    let remainingRequests = requests;

    if (!vm.metadata.deletionTimestamp) {
      this.ensureDataVolumes(vm);
      const problem = this.volumesProblem(vm);
      const finished = vmi && FINAL.has(vmi.status?.phase);
      const startRequested = requests.some((r) => r.action === 'Start');
      const stopRequest = requests.find((r) => r.action === 'Stop');
      if (stopRequest && vmi && (!stopRequest.uid || stopRequest.uid === vmi.metadata.uid)) {
        this.deleteVmi(vm, vmi);
        remainingRequests = requests.filter((r) => r !== stopRequest);
      } else if (stopRequest && !vmi) remainingRequests = requests.filter((r) => r !== stopRequest);
      let wantRunning = false;
      let replaceFinished = false;
      switch (strategy) {
        case 'Always':
          wantRunning = true;
          replaceFinished = true;
          break;
        case 'RerunOnFailure':
          wantRunning = !vmi || vmi.status?.phase !== 'Succeeded' || startRequested;
          replaceFinished = vmi?.status?.phase === 'Failed' || startRequested;
          break;
        // kubevirt/kubevirt pkg/virt-controller/watch/vm/vm.go@v1.9.0 syncRunStrategy: Once starts a
        // VMI whenever there is none, and never replaces one that has finished.
        case 'Once':
          wantRunning = !vmi;
          break;
        case 'Manual':
          wantRunning = startRequested;
          replaceFinished = startRequested;
          break;
        case 'Halted':
          if (vmi && !FINAL.has(vmi.status?.phase)) this.deleteVmi(vm, vmi);
          break;
      }
      if (wantRunning && !problem) {
        if (vmi && finished && replaceFinished) this.deleteVmi(vm, vmi);
        else if (!vmi) {
          this.createVmi(vm);
          if (startRequested) remainingRequests = remainingRequests.filter((r) => r.action !== 'Start');
        }
      }
    }
    this.updateStatus(vm, strategy, remainingRequests);
  }

  private updateStatus(vm: Loose, strategy: string, requests: Loose[]): void {
    const vmi = this.vmiFor(vm);
    const problem = this.volumesProblem(vm);
    const phase: string | undefined = vmi?.status?.phase;
    let printable: string;
    if (vm.metadata.deletionTimestamp) printable = 'Terminating';
    else if (vmi?.metadata.deletionTimestamp) printable = 'Stopping';
    else if (!vmi || FINAL.has(phase ?? '')) printable = problem && strategy !== 'Halted' ? problem.status : startFailure(vm, vmi, strategy) ? 'CrashLoopBackOff' : 'Stopped';
    else if (phase === 'Running') printable = 'Running';
    else printable = 'Starting';
    const ready = vmi?.status?.conditions?.some((c: Loose) => c.type === 'Ready' && c.status === 'True') === true;
    const now = timestamp();
    this.api.mutate(this.vms, vm.metadata.namespace, vm.metadata.name, (o) => {
      const status: Loose = { ...((o as Loose).status ?? {}) };
      const before = JSON.stringify({ ...status, conditions: (status.conditions ?? []).map((c: Loose) => ({ ...c, lastTransitionTime: undefined })) });
      status.printableStatus = printable;
      status.runStrategy = strategy;
      status.observedGeneration = o.metadata.generation;
      status.desiredGeneration = o.metadata.generation;
      // vm.go@v1.9.0 updateStatus: created is whether a VMI exists, finished or not.
      if (vmi) status.created = true;
      else delete status.created;
      const failure = nextStartFailure(status.startFailure, vmi, strategy);
      if (failure) status.startFailure = failure;
      else delete status.startFailure;
      if (ready) status.ready = true;
      else delete status.ready;
      if (requests.length > 0) status.stateChangeRequests = requests;
      else delete status.stateChangeRequests;
      const old: Loose[] = status.conditions ?? [];
      const readyCondition = { type: 'Ready', status: ready ? 'True' : 'False', ...(ready ? {} : { reason: vmi ? 'VMINotReady' : 'VMINotExists', message: vmi ? 'VMI is not ready' : 'VMI does not exist' }) };
      const conditions: Loose[] = [readyCondition];
      if (problem && printable === problem.status) conditions.push({ type: 'Failure', status: 'True', reason: problem.status, message: problem.message });
      status.conditions = conditions.map((c) => {
        const prev = old.find((p) => p.type === c.type);
        return { ...c, lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : now };
      });
      status.volumeSnapshotStatuses = this.snapshotStatuses(o as Loose);
      const after = JSON.stringify({ ...status, conditions: (status.conditions ?? []).map((c: Loose) => ({ ...c, lastTransitionTime: undefined })) });
      if (before === after) return false;
      (o as Loose).status = status;
    });
  }

  private snapshotStatuses(vm: Loose): Loose[] {
    const classes = this.api.list(this.snapshotClasses, undefined) as Loose[];
    return ((vm.spec?.template?.spec?.volumes ?? []) as Loose[]).map((v) => {
      const claimName = v.dataVolume?.name ?? v.persistentVolumeClaim?.claimName;
      if (!claimName) return { name: v.name, enabled: false, reason: `Snapshot is not supported for this volumeSource type [${v.name}]` };
      const claim = this.api.tryGet(this.claims, vm.metadata.namespace, claimName) as Loose | undefined;
      const sc = claim ? (this.api.tryGet(this.storageClasses, undefined, claim.spec?.storageClassName ?? '') as Loose | undefined) : undefined;
      const supported = sc && classes.some((c) => c.driver === sc.provisioner && (c.metadata.annotations?.[DEFAULT_SNAPSHOT_CLASS_ANNOTATION] === 'true' || classes.length === 1));
      return supported
        ? { name: v.name, enabled: true }
        : { name: v.name, enabled: false, reason: `No VolumeSnapshotClass: Volume snapshots are not configured for this StorageClass [${sc?.metadata.name ?? 'unknown'}] [${v.name}]` };
    });
  }

  /** PUT virtualmachines/<name>/start|stop|restart. */
  action(namespace: string, name: string, action: string, body: unknown): void {
    const vm = this.api.tryGet(this.vms, namespace, name) as Loose | undefined;
    if (!vm) throw notFound({ group: 'kubevirt.io', resource: 'virtualmachines', name });
    const strategy = runStrategyOf(vm);
    const vmi = this.vmiFor(vm);
    const running = vmi && !FINAL.has(vmi.status?.phase);
    const subject = { group: 'kubevirt.io', resource: 'virtualmachines', name };
    const grace = (body as { gracePeriod?: number } | undefined)?.gracePeriod;
    const addRequest = (request: Loose) =>
      this.api.mutate(this.vms, namespace, name, (o) => {
        const status: Loose = (o as Loose).status ?? {};
        status.stateChangeRequests = [...(status.stateChangeRequests ?? []), request];
        (o as Loose).status = status;
      });
    const setStrategy = (runStrategy: string) =>
      this.api.mutate(this.vms, namespace, name, (o) => {
        const spec = (o as Loose).spec;
        delete spec.running;
        spec.runStrategy = runStrategy;
      });
    switch (action) {
      case 'start':
        if (running) throw conflict(subject, 'VM is already running');
        if (strategy === 'Always' || strategy === 'Once') throw conflict(subject, `${strategy} does not support manual start requests`);
        if (strategy === 'Halted') setStrategy('Always');
        else addRequest({ action: 'Start' });
        return;
      case 'stop':
        // kubevirt/kubevirt pkg/virt-api/rest/lifecycle.go@v1.9.0 StopVMRequestHandler: Always and Once
        // only patch runStrategy to Halted (202), whatever the VMI; the others need a live VMI (409),
        // and only a live VMI's grace period is patched.
        if (!running && strategy !== 'Always' && strategy !== 'Once') throw conflict(subject, 'VM is not running');
        if (running && typeof grace === 'number') {
          this.api.mutate(this.vmis, namespace, name, (o) => {
            (o as Loose).spec.terminationGracePeriodSeconds = grace;
          });
        }
        if (strategy === 'Always' || strategy === 'Once') setStrategy('Halted');
        else addRequest({ action: 'Stop', ...(vmi ? { uid: vmi.metadata.uid } : {}) });
        if (strategy === 'Once' && vmi) this.deleteVmi(vm, vmi);
        return;
      case 'restart':
        if (!running) throw conflict(subject, 'VM is not running');
        if (strategy === 'Halted' || strategy === 'Once') throw conflict(subject, `${strategy} does not support manual restart requests`);
        this.deleteVmi(vm, vmi);
        if (strategy !== 'Always') addRequest({ action: 'Start' });
        return;
      default:
        throw badRequest(`the kube harness does not serve virtualmachines/${action}`);
    }
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.queue.close();
  }
}

/** Strategies that restart a failed VMI by themselves, so track start failures (vm.go@v1.9.0). */
const RESTARTING = new Set(['Always', 'RerunOnFailure', 'Once']);

function wasRunning(vmi: Loose | undefined): boolean {
  return ((vmi?.status?.phaseTransitionTimestamps ?? []) as Loose[]).some((t) => t.phase === 'Running');
}

/**
 * status.startFailure as kubevirt/kubevirt pkg/virt-controller/watch/vm/vm.go@v1.9.0
 * syncStartFailureStatus keeps it: cleared once a VMI has been Running or for a strategy other
 * than Always, RerunOnFailure and Once (shouldClearStartFailure); counted once per VMI that
 * ended without ever running (vmiFailedEarly), with retryAfterTimestamp
 * calculateStartBackoffTime's 10 s × count², plus up to half again at random.
 */
function nextStartFailure(current: Loose | undefined, vmi: Loose | undefined, strategy: string): Loose | undefined {
  if (wasRunning(vmi) || !RESTARTING.has(strategy)) return undefined;
  if (!vmi || !FINAL.has(vmi.status?.phase) || current?.lastFailedVMIUID === vmi.metadata.uid) return current;
  const count = (current?.consecutiveFailCount ?? 0) + 1;
  const delay = 10 * count * count;
  const retryAfter = new Date(Date.now() + (delay + Math.floor(Math.random() * (Math.floor(delay / 2) + 1))) * 1000);
  return { lastFailedVMIUID: vmi.metadata.uid, retryAfterTimestamp: retryAfter.toISOString().replace(/\.\d+Z$/, 'Z'), consecutiveFailCount: count };
}

/**
 * printableStatus CrashLoopBackOff (vm.go@v1.9.0 isVirtualMachineStatusCrashLoopBackOff): no
 * live VMI and start failures counted for Always, RerunOnFailure or Once. A Once VM whose only
 * VMI failed before running shows it although nothing will be retried.
 */
function startFailure(vm: Loose, vmi: Loose | undefined, strategy: string): boolean {
  const failure = nextStartFailure(vm.status?.startFailure, vmi, strategy);
  return RESTARTING.has(strategy) && (failure?.consecutiveFailCount ?? 0) > 0;
}
