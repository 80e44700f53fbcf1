/**
 * The PersistentVolume binder and provisioner of the harness's one storage class: a claim on an
 * existing StorageClass binds at once (the class is Immediate) to a volume that is a folder with
 * `disk.img`; its capacity is what it asked for. Claims carry `kubernetes.io/pvc-protection`, as
 * the admission plugin adds it: a claim in use by a running VMI is only deleted after the VMI
 * stopped. The volume's data is removed with the claim (reclaim policy Delete).
 */
import type { Logger } from '../../../src/core/log.js';
import { formatQuantity, parseQuantity } from '../../../src/core/config/quantity.js';
import type { ClusterApi } from '../cluster-api.js';
import type { KubeObject, StoreEvent } from '../object-store.js';
import { mustResource } from '../resources.js';
import { inBackground } from '../background.js';
import { WorkQueue } from '../work-queue.js';
import type { EventRecorder } from './event-recorder.js';
import type { VolumeFiles } from './volumes.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const PVC_PROTECTION = 'kubernetes.io/pvc-protection';
export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

export function quantityBytes(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const parsed = parseQuantity(value);
  return 'bytes' in parsed ? parsed.bytes : undefined;
}

/** VMIs that are not finished, i.e. whose launcher would hold their claims. */
export function activeVmis(api: ClusterApi, namespace: string): Loose[] {
  return api.list(mustResource('kubevirt.io', 'virtualmachineinstances'), namespace).filter((v) => !['Succeeded', 'Failed'].includes((v as Loose).status?.phase)) as Loose[];
}

/** The claim names a VMI spec uses (PVC and DataVolume volumes). */
export function claimsOf(vmiSpec: Loose | undefined): string[] {
  return ((vmiSpec?.volumes ?? []) as Loose[]).map((v) => v.persistentVolumeClaim?.claimName ?? v.dataVolume?.name).filter((c): c is string => typeof c === 'string');
}

export class ClaimController {
  private readonly claims = mustResource('', 'persistentvolumeclaims');
  private readonly classes = mustResource('storage.k8s.io', 'storageclasses');
  private readonly queue: WorkQueue;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly api: ClusterApi,
    private readonly files: VolumeFiles,
    private readonly events: EventRecorder,
    private readonly logger: Logger,
  ) {
    this.queue = new WorkQueue('pv-binder', (key) => this.reconcile(key), logger);
    this.unsubscribe = api.store.subscribe((e) => this.onEvent(e));
  }

  private onEvent(e: StoreEvent): void {
    const meta = e.object.metadata;
    if (e.resource.kind === 'PersistentVolumeClaim') {
      if (e.type === 'DELETED') inBackground(this.files.removeDirOf(this.files.claimFile(meta.namespace!, meta.name!)), this.logger, `removing the volume of ${meta.namespace}/${meta.name}`);
      else this.queue.add(`${meta.namespace}/${meta.name}`);
    }
    if (e.resource.kind === 'StorageClass') for (const c of this.api.store.list(this.claims)) this.queue.add(`${c.metadata.namespace}/${c.metadata.name}`);
    // A VMI that stops releases its claims.
    if (e.resource.kind === 'VirtualMachineInstance' && meta.namespace) {
      for (const c of this.api.store.list(this.claims, meta.namespace)) if (c.metadata.deletionTimestamp) this.queue.add(`${meta.namespace}/${c.metadata.name}`);
    }
  }

  defaultClass(): KubeObject | undefined {
    return this.api.list(this.classes, undefined).find((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
  }

  private async reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const claim = this.api.tryGet(this.claims, namespace, name) as Loose | undefined;
    if (!claim) return;
    if (claim.metadata.deletionTimestamp) {
      const inUse = activeVmis(this.api, namespace).some((v) => claimsOf(v.spec).includes(name));
      if (!inUse) this.api.removeFinalizer(this.claims, namespace, name, PVC_PROTECTION);
      return;
    }
    if (!(claim.metadata.finalizers ?? []).includes(PVC_PROTECTION)) {
      this.api.mutate(this.claims, namespace, name, (c) => {
        c.metadata.finalizers = [...(c.metadata.finalizers ?? []), PVC_PROTECTION];
      });
      return;
    }
    if (claim.status?.phase === 'Bound') return;
    const className: string | undefined = claim.spec?.storageClassName ?? this.defaultClass()?.metadata.name;
    const storageClass = className ? this.api.tryGet(this.classes, undefined, className) : undefined;
    if (!storageClass) {
      this.events.record(
        claim as KubeObject,
        'Warning',
        'ProvisioningFailed',
        className ? `storageclass.storage.k8s.io "${className}" not found` : 'no storage class is set and there is no default class',
        'persistentvolume-controller',
      );
      return;
    }
    const requested = quantityBytes(claim.spec?.resources?.requests?.storage);
    if (requested === undefined) {
      this.events.record(claim as KubeObject, 'Warning', 'ProvisioningFailed', 'spec.resources.requests.storage is required', 'persistentvolume-controller');
      return;
    }
    this.api.mutate(this.claims, namespace, name, (c) => {
      const o = c as Loose;
      o.spec.storageClassName = className;
      o.spec.volumeName = `pvc-${o.metadata.uid}`;
      o.metadata.annotations = {
        ...(o.metadata.annotations ?? {}),
        'pv.kubernetes.io/bind-completed': 'yes',
        'pv.kubernetes.io/bound-by-controller': 'yes',
        'volume.kubernetes.io/storage-provisioner': (storageClass as Loose).provisioner,
      };
      o.status = {
        phase: 'Bound',
        accessModes: o.spec.accessModes ?? ['ReadWriteOnce'],
        capacity: { storage: typeof o.spec.resources.requests.storage === 'string' ? o.spec.resources.requests.storage : formatQuantity(requested) },
      };
    });
    this.events.record(claim as KubeObject, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume pvc-${claim.metadata.uid}`, 'harness.ruddervirt.io/hostpath');
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.queue.close();
  }
}
