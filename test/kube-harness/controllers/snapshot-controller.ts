/**
 * The CSI snapshot controller with a copying "driver", and KubeVirt's VM snapshot controller:
 * - VolumeSnapshot: the class (named, or the default one for the claim's provisioner) must have
 *   the claim's StorageClass provisioner as its driver; the populated claim's disk is copied;
 *   status gets readyToUse, restoreSize, creationTime and a bound content name (contents are not
 *   served). Problems go to status.error, as the snapshot controller reports them.
 * - VirtualMachineSnapshot: a VirtualMachineSnapshotContent (the VM's spec and one volume backup
 *   per PVC/DataVolume volume) and a VolumeSnapshot per volume whose storage has a snapshot class
 *   (`vmsnapshot-<uid>-volume-<volume>`, owned by the content); volumes without one are listed as
 *   excluded. The snapshot ends Succeeded and readyToUse when its volume snapshots are.
 * - Transient errors on demand (`setTransientErrors`): each new VolumeSnapshot first shows
 *   status.error (readyToUse false) for a while and then succeeds with the error cleared, as the
 *   snapshot controller retries ("The snapshot controller will keep retrying when an error occurs
 *   during the snapshot creation. Upon success, this error field will be cleared",
 *   kubernetes-csi/external-snapshotter client/apis/volumesnapshot/v1/types.go, v8.6.0). A VM
 *   snapshot copies its volume snapshots' errors into status.error while in progress and clears
 *   them when ready (kubevirt/kubevirt pkg/storage/snapshot/snapshot.go, v1.9.0).
 */
import type { Logger } from '../../../src/core/log.js';
import { timestamp, type ClusterApi } from '../cluster-api.js';
import type { KubeObject, StoreEvent } from '../object-store.js';
import { mustResource } from '../resources.js';
import { inBackground } from '../background.js';
import { WorkQueue } from '../work-queue.js';
import { activeVmis } from './claim-controller.js';
import type { EventRecorder } from './event-recorder.js';
import type { VolumeFiles } from './volumes.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const DEFAULT_SNAPSHOT_CLASS_ANNOTATION = 'snapshot.storage.kubernetes.io/is-default-class';

/** An error every new VolumeSnapshot shows for `forMs` before it succeeds. */
export interface TransientSnapshotError {
  message: string;
  forMs: number;
}

export class SnapshotController {
  private readonly volumeSnapshots = mustResource('snapshot.storage.k8s.io', 'volumesnapshots');
  private readonly snapshotClasses = mustResource('snapshot.storage.k8s.io', 'volumesnapshotclasses');
  private readonly storageClasses = mustResource('storage.k8s.io', 'storageclasses');
  private readonly claims = mustResource('', 'persistentvolumeclaims');
  private readonly dataVolumes = mustResource('cdi.kubevirt.io', 'datavolumes');
  private readonly vms = mustResource('kubevirt.io', 'virtualmachines');
  private readonly vmSnapshots = mustResource('snapshot.kubevirt.io', 'virtualmachinesnapshots');
  private readonly contents = mustResource('snapshot.kubevirt.io', 'virtualmachinesnapshotcontents');
  private readonly queue: WorkQueue;
  private readonly unsubscribe: () => void;
  private transient: TransientSnapshotError | undefined;
  /** When each VolumeSnapshot (by uid) began showing the transient error. */
  private readonly erroredSince = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly api: ClusterApi,
    private readonly files: VolumeFiles,
    private readonly events: EventRecorder,
    private readonly logger: Logger,
  ) {
    this.queue = new WorkQueue('snapshot-controller', (key) => this.reconcile(key), logger);
    this.unsubscribe = api.store.subscribe((e) => this.onEvent(e));
  }

  private onEvent(e: StoreEvent): void {
    const meta = e.object.metadata;
    const kind = e.resource.kind;
    if (kind === 'VolumeSnapshot') {
      if (e.type === 'DELETED') inBackground(this.files.removeDirOf(this.files.snapshotFile(meta.namespace!, meta.name!)), this.logger, `removing the data of snapshot ${meta.namespace}/${meta.name}`);
      else this.queue.add(`vs/${meta.namespace}/${meta.name}`);
      // A VM snapshot waits for its volume snapshots.
      for (const s of this.api.store.list(this.vmSnapshots, meta.namespace)) this.queue.add(`vms/${s.metadata.namespace}/${s.metadata.name}`);
      return;
    }
    if (kind === 'VirtualMachineSnapshot' && e.type !== 'DELETED') {
      this.queue.add(`vms/${meta.namespace}/${meta.name}`);
      return;
    }
    if (['PersistentVolumeClaim', 'DataVolume', 'VolumeSnapshotClass', 'VirtualMachine'].includes(kind)) {
      for (const s of this.api.store.list(this.volumeSnapshots, kind === 'VolumeSnapshotClass' ? undefined : meta.namespace)) {
        if (!(s as Loose).status?.readyToUse) this.queue.add(`vs/${s.metadata.namespace}/${s.metadata.name}`);
      }
      for (const s of this.api.store.list(this.vmSnapshots, kind === 'VolumeSnapshotClass' ? undefined : meta.namespace)) this.queue.add(`vms/${s.metadata.namespace}/${s.metadata.name}`);
    }
  }

  /** The snapshot class for a claim: by name, else the default one whose driver provisions the claim. */
  private classFor(claim: Loose, named?: string): { cls?: Loose; error?: string } {
    const storageClass = this.api.tryGet(this.storageClasses, undefined, claim.spec?.storageClassName ?? '') as Loose | undefined;
    const provisioner = storageClass?.provisioner;
    if (named) {
      const cls = this.api.tryGet(this.snapshotClasses, undefined, named) as Loose | undefined;
      if (!cls) return { error: `Failed to get snapshot class with error volumesnapshotclass.snapshot.storage.k8s.io "${named}" not found` };
      if (cls.driver !== provisioner) return { error: `snapshot class ${named} has driver ${cls.driver}, but the claim's storage is provisioned by ${provisioner}` };
      return { cls };
    }
    const candidates = this.api.list(this.snapshotClasses, undefined).filter((c) => (c as Loose).driver === provisioner) as Loose[];
    const cls = candidates.find((c) => c.metadata.annotations?.[DEFAULT_SNAPSHOT_CLASS_ANNOTATION] === 'true');
    return cls ? { cls } : { error: `cannot find default snapshot class for driver ${String(provisioner)}` };
  }

  private populated(namespace: string, claimName: string): Loose | undefined {
    const claim = this.api.tryGet(this.claims, namespace, claimName) as Loose | undefined;
    if (!claim || claim.status?.phase !== 'Bound') return undefined;
    const owner = (claim.metadata.ownerReferences ?? []).find((r: Loose) => r.kind === 'DataVolume');
    const dv = owner ? (this.api.tryGet(this.dataVolumes, namespace, owner.name) as Loose | undefined) : undefined;
    return dv && dv.status?.phase !== 'Succeeded' ? undefined : claim;
  }

  private async reconcile(key: string): Promise<void> {
    const [kind, namespace, name] = key.split('/') as [string, string, string];
    if (kind === 'vs') return this.reconcileVolumeSnapshot(namespace, name);
    return this.reconcileVmSnapshot(namespace, name);
  }

  private async reconcileVolumeSnapshot(namespace: string, name: string): Promise<void> {
    const snap = this.api.tryGet(this.volumeSnapshots, namespace, name) as Loose | undefined;
    if (!snap || snap.metadata.deletionTimestamp || snap.status?.readyToUse) return;
    const claimName: string = snap.spec.source.persistentVolumeClaimName;
    const fail = (message: string) =>
      this.api.mutate(this.volumeSnapshots, namespace, name, (o) => {
        const s = o as Loose;
        if (s.status?.error?.message === message) return false;
        s.status = { ...(s.status ?? {}), readyToUse: false, error: { message, time: timestamp() } };
      });
    if (!claimName) return void fail('the harness snapshots PersistentVolumeClaims only (spec.source.persistentVolumeClaimName)');
    const claim = this.api.tryGet(this.claims, namespace, claimName) as Loose | undefined;
    if (!claim) return void fail(`Failed to get PVC ${claimName} from snapshot source: persistentvolumeclaim "${claimName}" not found`);
    if (!this.populated(namespace, claimName)) return;
    const { cls, error } = this.classFor(claim, snap.spec.volumeSnapshotClassName);
    if (!cls) return void fail(error ?? 'no snapshot class');
    if (this.transient || this.erroredSince.has(snap.metadata.uid)) {
      const since = this.erroredSince.get(snap.metadata.uid);
      if (since === undefined) {
        const { message, forMs } = this.transient!;
        this.erroredSince.set(snap.metadata.uid, Date.now());
        fail(message);
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.queue.add(`vs/${namespace}/${name}`);
        }, forMs);
        this.timers.add(timer);
        return;
      }
      if (this.transient && Date.now() - since < this.transient.forMs) return;
    }
    await this.files.copy(this.files.claimFile(namespace, claimName), this.files.snapshotFile(namespace, name));
    this.api.mutate(this.volumeSnapshots, namespace, name, (o) => {
      const s = o as Loose;
      s.spec.volumeSnapshotClassName ??= cls.metadata.name;
      s.status = { boundVolumeSnapshotContentName: `snapcontent-${s.metadata.uid}`, creationTime: timestamp(), readyToUse: true, restoreSize: claim.status.capacity.storage };
    });
    this.events.record(snap as KubeObject, 'Normal', 'SnapshotReady', `Snapshot ${namespace}/${name} is ready to use.`, 'snapshot-controller');
  }

  private async reconcileVmSnapshot(namespace: string, name: string): Promise<void> {
    const snap = this.api.tryGet(this.vmSnapshots, namespace, name) as Loose | undefined;
    if (!snap || snap.metadata.deletionTimestamp || snap.status?.phase === 'Succeeded') return;
    const vm = this.api.tryGet(this.vms, namespace, snap.spec.source.name) as Loose | undefined;
    const now = timestamp();
    const cond = (type: string, status: 'True' | 'False', reason: string) => ({ type, status, reason, lastTransitionTime: now });
    if (!vm) {
      this.api.mutate(this.vmSnapshots, namespace, name, (o) => {
        const s = o as Loose;
        if (s.status?.phase === 'InProgress' && s.status.conditions?.[0]?.reason === 'Source does not exist') return false;
        s.status = { phase: 'InProgress', readyToUse: false, conditions: [cond('Progressing', 'False', 'Source does not exist'), cond('Ready', 'False', 'Source does not exist')] };
      });
      return;
    }
    const contentName = `vmsnapshot-content-${snap.metadata.uid}`;
    const volumes: Loose[] = ((vm.spec?.template?.spec?.volumes ?? []) as Loose[]).filter((v) => v.dataVolume || v.persistentVolumeClaim);
    const online = activeVmis(this.api, namespace).some((v) => v.metadata.name === vm.metadata.name);
    const included: string[] = [];
    const excluded: string[] = [];
    const backups: Loose[] = [];
    for (const v of volumes) {
      const claimName: string = v.dataVolume?.name ?? v.persistentVolumeClaim.claimName;
      const claim = this.populated(namespace, claimName);
      if (!claim) return; // waits for the disk to exist
      const { cls } = this.classFor(claim);
      const snapshotName = cls ? `vmsnapshot-${snap.metadata.uid}-volume-${v.name}`.slice(0, 253) : undefined;
      (cls ? included : excluded).push(v.name);
      backups.push({
        volumeName: v.name,
        persistentVolumeClaim: { metadata: { name: claimName, ...(claim.metadata.labels ? { labels: claim.metadata.labels } : {}) }, spec: claim.spec },
        ...(snapshotName ? { volumeSnapshotName: snapshotName } : {}),
      });
    }
    let content = this.api.tryGet(this.contents, namespace, contentName) as Loose | undefined;
    if (!content) {
      const retain = snap.spec.deletionPolicy === 'Retain';
      content = this.api.createInternal(this.contents, namespace, {
        apiVersion: 'snapshot.kubevirt.io/v1beta1',
        kind: 'VirtualMachineSnapshotContent',
        metadata: {
          name: contentName,
          namespace,
          ...(retain ? {} : { ownerReferences: [{ apiVersion: snap.apiVersion, kind: 'VirtualMachineSnapshot', name, uid: snap.metadata.uid, controller: true, blockOwnerDeletion: true }] }),
        },
        spec: {
          source: { virtualMachine: { metadata: { name: vm.metadata.name, namespace, ...(vm.metadata.labels ? { labels: vm.metadata.labels } : {}) }, spec: vm.spec } },
          virtualMachineSnapshotName: name,
          volumeBackups: backups,
        },
        status: { readyToUse: false },
      }) as Loose;
      this.events.record(snap as KubeObject, 'Normal', 'SuccessfulVirtualMachineSnapshotContentCreate', `Successfully created VirtualMachineSnapshotContent ${contentName}`, 'snapshot-controller');
      this.api.mutate(this.vmSnapshots, namespace, name, (o) => {
        (o as Loose).status = {
          phase: 'InProgress',
          readyToUse: false,
          sourceUID: vm.metadata.uid,
          virtualMachineSnapshotContentName: contentName,
          indications: online ? ['Online', 'NoGuestAgent'] : [],
          conditions: [cond('Progressing', 'True', 'Source locked and operation in progress'), cond('Ready', 'False', 'Not ready')],
        };
      });
    }
    const owner = { apiVersion: 'snapshot.kubevirt.io/v1beta1', kind: 'VirtualMachineSnapshotContent', name: contentName, uid: content.metadata.uid, controller: true, blockOwnerDeletion: true };
    let allReady = true;
    for (const b of backups) {
      if (!b.volumeSnapshotName) continue;
      const existing = this.api.tryGet(this.volumeSnapshots, namespace, b.volumeSnapshotName) as Loose | undefined;
      if (!existing) {
        this.api.createInternal(this.volumeSnapshots, namespace, {
          apiVersion: 'snapshot.storage.k8s.io/v1',
          kind: 'VolumeSnapshot',
          metadata: { name: b.volumeSnapshotName, namespace, ownerReferences: [owner] },
          spec: { source: { persistentVolumeClaimName: b.persistentVolumeClaim.metadata.name } },
        });
        allReady = false;
      } else if (!existing.status?.readyToUse) {
        allReady = false;
        const message = existing.status?.error?.message;
        if (message) {
          const error = { time: existing.status.error.time ?? timestamp(), message: `VolumeSnapshot ${b.volumeSnapshotName} error: ${message}` };
          this.api.mutate(this.vmSnapshots, namespace, name, (o) => {
            const st = (o as Loose).status ?? {};
            if (st.error?.message === error.message) return false;
            (o as Loose).status = { ...st, error };
          });
        }
      }
    }
    if (!allReady) return;
    const created = timestamp();
    this.api.mutate(this.contents, namespace, contentName, (o) => {
      (o as Loose).status = {
        readyToUse: true,
        creationTime: created,
        volumeSnapshotStatus: backups.filter((b) => b.volumeSnapshotName).map((b) => ({ volumeSnapshotName: b.volumeSnapshotName, readyToUse: true, creationTime: created })),
      };
    });
    this.api.mutate(this.vmSnapshots, namespace, name, (o) => {
      const s = o as Loose;
      const { error: _cleared, ...rest } = (s.status ?? {}) as Loose;
      s.status = {
        ...rest,
        phase: 'Succeeded',
        readyToUse: true,
        creationTime: created,
        sourceUID: vm.metadata.uid,
        virtualMachineSnapshotContentName: contentName,
        snapshotVolumes: { includedVolumes: included, excludedVolumes: excluded },
        conditions: [cond('Progressing', 'False', 'Operation complete'), cond('Ready', 'True', 'Operation complete')],
      };
    });
    this.events.record(snap as KubeObject, 'Normal', 'SuccessfulVirtualMachineSnapshotCreate', `Successfully created VirtualMachineSnapshot ${name}`, 'snapshot-controller');
  }

  setTransientErrors(transient: TransientSnapshotError | undefined): void {
    this.transient = transient;
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.unsubscribe();
    await this.queue.close();
  }
}
