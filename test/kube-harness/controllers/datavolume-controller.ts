/**
 * CDI's DataVolume controller and its worker pods, in-process. A DataVolume gets a claim of its
 * name (owned by it, so deleting the DataVolume deletes the disk), then fills it by source:
 * - http: download with checksum and progress ("45.20%" in status.progress), gzip/xz, any image
 *   format converted to raw; failures restart the importer (status.restartCount, condition
 *   Running=False with CDI's message) as CDI does, for ever, unless `importRetries` says after how
 *   many restarts the DataVolume is Failed (a harness option); a checksum mismatch fails at once;
 * - registry: only with a `resolveRegistryImage` hook; otherwise Failed with a condition saying why;
 * - blank: a sparse disk of the claim's size;
 * - pvc / snapshot (clone): waits until the source is populated and no running VMI uses it (CDI's
 *   CloneSourceInUse), then copies it; a target smaller than the source gets no claim or waits
 *   in CloneScheduled, as CDI's validation paths decide (refusesSmallerClone, hostCloneProblem);
 * - upload: an upload pod appears and the DataVolume becomes UploadReady; data arrives through
 *   the upload proxy (upload-proxy.ts).
 * Phases, conditions (Bound, Running, Ready) and events follow CDI's (kubevirt/containerized-data-importer
 * staging/src/kubevirt.io/containerized-data-importer-api/pkg/apis/core/v1beta1/types.go and
 * doc/datavolumes.md, v1.66.0).
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Logger } from '../../../src/core/log.js';
import { ApiError } from '../api-errors.js';
import { timestamp, type ClusterApi } from '../cluster-api.js';
import type { KubeObject, StoreEvent } from '../object-store.js';
import { mustResource } from '../resources.js';
import { WorkQueue } from '../work-queue.js';
import { activeVmis, claimsOf, quantityBytes } from './claim-controller.js';
import { ImportError, convertToRaw, copyWithProgress, decompress, download, type HttpSource } from './disk-import.js';
import type { EventRecorder } from './event-recorder.js';
import { MANAGED_POD_ANNOTATION, NODE_NAME, runningPodStatus } from './pod-runtime.js';
import type { PodNetwork } from './pod-network.js';
import { StorageProfiles, type RenderedModes } from './storage-profiles.js';
import type { VolumeFiles } from './volumes.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface DataVolumeOptions {
  importRetries: number;
  resolveRegistryImage?: (url: string, signal: AbortSignal) => Promise<string>;
}

type ConditionState = [status: 'True' | 'False' | 'Unknown', reason: string, message: string];

interface StatusChange {
  phase?: string;
  progress?: string;
  bound?: ConditionState;
  running?: ConditionState;
  ready?: ConditionState;
  restartCount?: number;
}

const FINAL = new Set(['Succeeded', 'Failed']);
/** Work-queue keys of StorageClasses whose StorageProfile to reconcile. */
const PROFILE_KEY = 'storageprofile:';
const COMPONENT = 'datavolume-controller';
const CONTENT_TYPE_ANNOTATION = 'cdi.kubevirt.io/storage.contentType';
/** kubevirt/containerized-data-importer pkg/controller/common/util.go@v1.66.0 AnnPermissiveClone. */
const PERMISSIVE_CLONE_ANNOTATION = 'cdi.kubevirt.io/permissiveClone';
const MiB = 1024 * 1024;

/** kubevirt/containerized-data-importer pkg/controller/util.go@v1.66.0 simplifyKnownMessage. */
export function simplifyKnownMessage(message: string): string {
  const full = ['is larger than the reported available', 'no space left on device', 'file largest block is bigger than maxblock', 'disk quota exceeded'];
  return full.some((m) => message.includes(m)) ? 'DataVolume too small to contain image' : message;
}

function percent(fraction: number): string {
  return `${(Math.floor(fraction * 10000) / 100).toFixed(2)}%`;
}

export class DataVolumeController {
  private readonly dataVolumes = mustResource('cdi.kubevirt.io', 'datavolumes');
  private readonly claims = mustResource('', 'persistentvolumeclaims');
  private readonly pods = mustResource('', 'pods');
  private readonly secrets = mustResource('', 'secrets');
  private readonly configMaps = mustResource('', 'configmaps');
  private readonly snapshots = mustResource('snapshot.storage.k8s.io', 'volumesnapshots');
  private readonly storageClasses = mustResource('storage.k8s.io', 'storageclasses');
  private readonly cdiConfigs = mustResource('cdi.kubevirt.io', 'cdiconfigs');
  private readonly profiles: StorageProfiles;
  private readonly queue: WorkQueue;
  private readonly tasks = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly api: ClusterApi,
    private readonly files: VolumeFiles,
    private readonly network: PodNetwork,
    private readonly events: EventRecorder,
    private readonly logger: Logger,
    private readonly options: DataVolumeOptions,
  ) {
    this.profiles = new StorageProfiles(api);
    this.queue = new WorkQueue('datavolume-controller', (key) => (key.startsWith(PROFILE_KEY) ? Promise.resolve(this.profiles.reconcile(key.slice(PROFILE_KEY.length))) : this.reconcile(key)), logger);
    this.unsubscribe = api.store.subscribe((e) => this.onEvent(e));
  }

  private onEvent(e: StoreEvent): void {
    const meta = e.object.metadata;
    const kind = e.resource.kind;
    if (kind === 'DataVolume') {
      if (e.type === 'DELETED') this.cancel(meta.uid!);
      else this.queue.add(`${meta.namespace}/${meta.name}`);
    }
    // cdi-controller's storageprofile-controller, and the DataVolumes waiting for a profile that
    // can say their modes (datavolume/controller-base.go watches StorageClass and StorageProfile, v1.66.0).
    if (kind === 'StorageClass' || (kind === 'StorageProfile' && e.type !== 'DELETED')) this.queue.add(`${PROFILE_KEY}${meta.name}`);
    if (kind === 'StorageClass' || kind === 'StorageProfile') {
      for (const dv of this.api.store.list(this.dataVolumes)) if (!(dv as Loose).status?.phase) this.queue.add(`${dv.metadata.namespace}/${dv.metadata.name}`);
    }
    if (kind === 'PersistentVolumeClaim') {
      for (const ref of meta.ownerReferences ?? []) if (ref.kind === 'DataVolume') this.queue.add(`${meta.namespace}/${ref.name}`);
    }
    // Clones wait for their source to be populated and released.
    if (['PersistentVolumeClaim', 'DataVolume', 'VirtualMachineInstance', 'VolumeSnapshot'].includes(kind)) {
      for (const dv of this.api.store.list(this.dataVolumes)) {
        const source = (dv as Loose).spec?.source;
        if ((source?.pvc || source?.snapshot) && !FINAL.has((dv as Loose).status?.phase)) this.queue.add(`${dv.metadata.namespace}/${dv.metadata.name}`);
      }
    }
  }

  private cancel(uid: string): void {
    const task = this.tasks.get(uid);
    if (task) task.abort.abort(new Error('the DataVolume was deleted'));
  }

  private setStatus(dv: Loose, change: StatusChange): void {
    this.api.mutate(this.dataVolumes, dv.metadata.namespace, dv.metadata.name, (o) => {
      if (o.metadata.uid !== dv.metadata.uid) return false;
      const status: Loose = { ...((o as Loose).status ?? {}) };
      if (change.phase !== undefined) status.phase = change.phase;
      if (change.progress !== undefined) status.progress = change.progress;
      if (change.restartCount !== undefined) status.restartCount = change.restartCount;
      status.claimName = dv.metadata.name;
      const now = timestamp();
      const conditions: Loose[] = [...(status.conditions ?? [])];
      const set = (type: string, state: ConditionState | undefined, fallback: ConditionState) => {
        const [s, reason, message] = state ?? fallback;
        const old = conditions.find((c) => c.type === type);
        const entry = { type, status: s, reason, message, lastHeartbeatTime: now, lastTransitionTime: old && old.status === s ? old.lastTransitionTime : now };
        if (old) conditions.splice(conditions.indexOf(old), 1, entry);
        else conditions.push(entry);
      };
      const current = (type: string): ConditionState | undefined => {
        const c = conditions.find((x) => x.type === type);
        return c ? [c.status, c.reason ?? '', c.message ?? ''] : undefined;
      };
      set('Bound', change.bound ?? current('Bound'), ['False', 'Pending', 'PVC is not bound yet']);
      set('Running', change.running ?? current('Running'), ['False', '', '']);
      set('Ready', change.ready ?? current('Ready'), ['False', '', '']);
      status.conditions = conditions;
      (o as Loose).status = status;
    });
  }

  private async reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const dv = this.api.tryGet(this.dataVolumes, namespace, name) as Loose | undefined;
    if (!dv || dv.metadata.deletionTimestamp) return;
    const phase: string = dv.status?.phase ?? '';
    if (FINAL.has(phase) || this.tasks.has(dv.metadata.uid)) return;

    let claim = this.api.tryGet(this.claims, namespace, name) as Loose | undefined;
    if (!claim) {
      if (this.refusesSmallerClone(dv)) return;
      const modes: RenderedModes = dv.spec.pvc ? { accessModes: dv.spec.pvc.accessModes ?? ['ReadWriteOnce'], volumeMode: dv.spec.pvc.volumeMode ?? 'Filesystem' } : this.profiles.render(dv.spec.storage ?? {});
      if ('error' in modes) {
        this.claimNotValid(dv, modes.error, modes.event);
        return;
      }
      const created = this.createClaim(dv, modes);
      if (!created) return;
      claim = created;
      this.setStatus(dv, { phase: 'Pending', progress: 'N/A', bound: ['False', 'Pending', `PVC ${name} Pending`] });
      return;
    }
    if (!(claim.metadata.ownerReferences ?? []).some((r: Loose) => r.uid === dv.metadata.uid)) {
      this.setStatus(dv, { phase: 'Failed', running: ['False', 'ErrClaimNotValid', `PVC ${name} already exists and is not owned by this DataVolume`] });
      return;
    }
    if (claim.status?.phase !== 'Bound') return;
    const bound: ConditionState = ['True', 'Bound', `PVC ${name} Bound`];
    const size = quantityBytes(claim.status?.capacity?.storage) ?? 0;
    const target = this.files.claimFile(namespace, name);
    const source: Loose = dv.spec.source ?? {};

    if (source.blank) {
      await this.files.ensureBlank(target, size);
      return this.succeed(dv, bound, 'ImportSucceeded', 'Import Successful');
    }
    if (source.upload) return this.prepareUpload(dv, claim, bound);
    if (source.pvc || source.snapshot) return this.clone(dv, claim, bound, size, target);
    if (source.http) return this.runTask(dv, bound, (signal, progress) => this.importHttp(dv, source.http, size, target, signal, progress));
    if (source.registry) {
      const url: string = source.registry.url ?? '';
      const resolve = this.options.resolveRegistryImage;
      if (!resolve) {
        const message = `registry imports (${url}) are refused by the kube harness: it cannot pull images; start it with resolveRegistryImage to serve them from a local file`;
        this.setStatus(dv, { phase: 'Failed', bound, running: ['False', 'RegistryImportUnsupported', message], ready: ['False', 'RegistryImportUnsupported', message] });
        this.events.record(dv as KubeObject, 'Warning', 'ErrImportFailed', message, COMPONENT);
        return;
      }
      return this.runTask(dv, bound, async (signal, progress) => {
        const local = await resolve(url, signal);
        const work = `${target}.download`;
        await mkdir(path.dirname(target), { recursive: true });
        try {
          await copyWithProgress(local, work, signal, progress);
          await decompress(work, signal);
          await convertToRaw(work, target, size, signal);
        } finally {
          await rm(work, { force: true });
        }
      });
    }
    const kind = Object.keys(source)[0] ?? 'none';
    const message = `source ${kind} is not supported by the kube harness (http, registry, blank, pvc, snapshot and upload are)`;
    this.setStatus(dv, { phase: 'Failed', bound, running: ['False', 'UnsupportedSource', message] });
  }

  /**
   * A `storage` spec whose modes the StorageProfile cannot supply: no claim, no phase, Bound and
   * Ready False with reason ErrClaimNotValid and the error, and a Warning event; CDI retries when the
   * class or profile changes (kubevirt/containerized-data-importer
   * pkg/controller/datavolume/controller-base.go syncCommon and updateConditions,
   * conditions.go updateBoundCondition, v1.66.0).
   */
  private claimNotValid(dv: Loose, error: string, event: string): void {
    const bound = (dv.status?.conditions ?? []).find((c: Loose) => c.type === 'Bound');
    if (bound?.reason === 'ErrClaimNotValid' && bound.message === error) return;
    this.events.record(dv as KubeObject, 'Warning', 'ErrClaimNotValid', event, COMPONENT);
    this.api.mutate(this.dataVolumes, dv.metadata.namespace, dv.metadata.name, (o) => {
      if (o.metadata.uid !== dv.metadata.uid) return false;
      const now = timestamp();
      const condition = (type: string, reason: string, message: string) => ({ type, status: 'False', reason, message, lastHeartbeatTime: now, lastTransitionTime: now });
      (o as Loose).status = { conditions: [condition('Bound', 'ErrClaimNotValid', error), condition('Ready', 'ErrClaimNotValid', error), condition('Running', '', '')] };
    });
  }

  /**
   * The checks CDI makes before it creates a clone's claim; a failure gets no claim, only a Warning
   * CloneValidationFailed event with MessageCloneValidationFailed's text, and the phase is left as
   * it was (kubevirt/containerized-data-importer v1.66.0):
   * - pvc source, pkg/controller/datavolume/pvc-clone-controller.go@v1.66.0 validateClone: the
   *   content types must match; an explicit `pvc` spec must request at least the source claim's
   *   request (pkg/controller/common/util.go ValidateRequestedCloneSize). A `storage` spec is held
   *   to that only when it names a size and the source claim is Block ("TODO: Spec.Storage API
   *   needs a better more complex check ... to account for fsOverhead"); its size is the effective
   *   one (GetEffectiveStorageResources: raised to the StorageProfile's
   *   cdi.kubevirt.io/minimumSupportedPvcSize).
   * - snapshot source, pkg/controller/datavolume/snapshot-clone-controller.go@v1.66.0
   *   validateSnapshotClone: a named size (either spec) must be at least a non-zero restoreSize.
   */
  private refusesSmallerClone(dv: Loose): boolean {
    const problem = this.cloneValidationProblem(dv);
    if (problem === undefined) return false;
    this.events.record(dv as KubeObject, 'Warning', 'CloneValidationFailed', `The clone doesn't meet the validation requirements: ${problem}`, COMPONENT);
    return true;
  }

  private cloneValidationProblem(dv: Loose): string | undefined {
    const source: Loose = dv.spec.source ?? {};
    const explicitPvc = dv.spec.pvc !== undefined;
    const requested = explicitPvc ? dv.spec.pvc.resources?.requests?.storage : dv.spec.storage?.resources?.requests?.storage;
    const targetBytes = explicitPvc ? quantityBytes(requested) : this.effectiveSize(dv.spec.storage ?? {}, quantityBytes(requested));
    const tooSmall = (sourceBytes: number | undefined) =>
      sourceBytes === undefined || targetBytes === undefined
        ? 'source/target missing storage resource requests'
        : sourceBytes > targetBytes
          ? `target resources requests storage size is smaller than the source ${targetBytes} < ${sourceBytes}`
          : undefined;
    if (source.pvc) {
      const src = this.api.tryGet(this.claims, source.pvc.namespace ?? dv.metadata.namespace, source.pvc.name) as Loose | undefined;
      if (!src) return undefined; // CloneWithoutSource: the harness waits in clone()
      const sourceType: string = src.metadata.annotations?.[CONTENT_TYPE_ANNOTATION] || 'kubevirt';
      const targetType: string = dv.spec.contentType || 'kubevirt';
      if (sourceType !== targetType) return `Source contentType (${sourceType}) and target contentType (${targetType}) do not match`;
      if (explicitPvc || (requested !== undefined && (src.spec?.volumeMode ?? 'Filesystem') === 'Block')) return tooSmall(quantityBytes(src.spec?.resources?.requests?.storage));
      return undefined;
    }
    if (source.snapshot) {
      const snap = this.api.tryGet(this.snapshots, source.snapshot.namespace ?? dv.metadata.namespace, source.snapshot.name) as Loose | undefined;
      const restore = quantityBytes(snap?.status?.restoreSize);
      if (!snap?.status?.readyToUse || restore === undefined) return undefined; // the harness waits in clone()
      if (requested !== undefined && restore > 0) return tooSmall(restore);
      if (requested === undefined && restore === 0) return "size not specified by user/provisioner, can't tell how much needed for restore";
    }
    return undefined;
  }

  /**
   * kubevirt/containerized-data-importer pkg/controller/common/util.go@v1.66.0
   * GetEffectiveVolumeSize: a request below the class's StorageProfile annotation
   * cdi.kubevirt.io/minimumSupportedPvcSize is raised to it.
   */
  private effectiveSize(spec: Loose, bytes: number | undefined): number | undefined {
    if (bytes === undefined) return undefined;
    const className: string | undefined = spec.storageClassName ?? this.defaultClassName();
    const profile = className ? (this.api.tryGet(this.profiles.profiles, undefined, className) as Loose | undefined) : undefined;
    const minimum = quantityBytes(profile?.metadata?.annotations?.['cdi.kubevirt.io/minimumSupportedPvcSize']);
    return minimum !== undefined && bytes < minimum ? minimum : bytes;
  }

  private defaultClassName(): string | undefined {
    return this.api.list(this.storageClasses, undefined).find((c) => c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true')?.metadata.name;
  }

  /**
   * The filesystem overhead of a class: CDIConfig status.filesystemOverhead.storageClass[class],
   * else .global (kubevirt/containerized-data-importer pkg/controller/common/util.go@v1.66.0
   * GetFilesystemOverheadForStorageClass).
   */
  private filesystemOverhead(className: string | undefined): number {
    const config = this.api.tryGet(this.cdiConfigs, undefined, 'config') as Loose | undefined;
    const overhead = config?.status?.filesystemOverhead ?? {};
    return Number((className ? overhead.storageClass?.[className] : undefined) ?? overhead.global ?? '0.055');
  }

  /**
   * The size of a `storage`-spec PVC clone's claim, and whether the clone is permissive
   * (kubevirt/containerized-data-importer pkg/controller/datavolume/pvc-clone-controller.go@v1.66.0
   * detectCloneSize). Without a size, a Filesystem source of content type kubevirt gives its
   * image's virtual size (CDI's size-detection pod runs qemu-img on it once the source is
   * populated; the harness's images are raw, so the file's size), any other source its
   * status.capacity; a Filesystem target then gets the fs overhead on top
   * (common/util.go InflateSizeWithOverhead, pkg/util/util.go GetRequiredSpace: rounded up to 1 MiB,
   * times 1 + overhead). The clone is permissive (annotation cdi.kubevirt.io/permissiveClone, which
   * skips the clone controller's size check) when the source's capacity exceeds that virtual size,
   * or when a named size for a Block target of a Filesystem kubevirt source covers it.
   * `undefined` while the source cannot say its size yet.
   */
  private cloneSize(dv: Loose, volumeMode: string): { storage: string | number; permissive: boolean } | undefined {
    const spec: Loose = dv.spec.storage ?? {};
    const requested = spec.resources?.requests?.storage;
    const requestedBytes = quantityBytes(requested);
    const sizeRequired = requestedBytes === undefined || requestedBytes === 0;
    const src = this.sourceClaim(dv);
    const targetIsBlock = volumeMode === 'Block';
    const sourceIsFilesystem = (src?.spec?.volumeMode ?? 'Filesystem') === 'Filesystem';
    const sourceIsKubevirt = src?.metadata?.annotations?.[CONTENT_TYPE_ANNOTATION] === 'kubevirt';
    if (!sizeRequired && (!targetIsBlock || !sourceIsFilesystem || !sourceIsKubevirt)) return { storage: requested, permissive: false };
    const capacity = quantityBytes(src?.status?.capacity?.storage);
    let virtual: number | undefined;
    if (src && sourceIsFilesystem && sourceIsKubevirt) {
      if (!this.sourcePopulated(src)) return undefined;
      const file = this.files.claimFile(src.metadata.namespace, src.metadata.name);
      virtual = existsSync(file) ? statSync(file).size : capacity;
    } else virtual = capacity;
    if (virtual === undefined) return undefined;
    const permissive = sizeRequired ? capacity !== undefined && capacity > virtual : requestedBytes >= virtual;
    if (!sizeRequired) return { storage: requested, permissive };
    const overhead = this.filesystemOverhead(spec.storageClassName ?? this.defaultClassName());
    const storage = targetIsBlock ? virtual : Math.ceil(Math.ceil(virtual / MiB) * MiB * (1 + overhead));
    return { storage, permissive };
  }

  /** The source claim's DataVolume, if it has one, has Succeeded (common/util.go IsPopulated). */
  private sourcePopulated(src: Loose): boolean {
    const owner = (src.metadata.ownerReferences ?? []).find((r: Loose) => r.kind === 'DataVolume');
    if (!owner) return true;
    const ownerDv = this.api.tryGet(this.dataVolumes, src.metadata.namespace, owner.name) as Loose | undefined;
    return !ownerDv || ownerDv.status?.phase === 'Succeeded';
  }

  /**
   * The host-assisted clone controller's check before it starts the source pod
   * (kubevirt/containerized-data-importer pkg/controller/clone-controller.go@v1.66.0
   * ValidateCanCloneSourceAndTargetSpec and getUsableSpace): the volume modes may differ only for
   * content type kubevirt; unless the target claim is permissive, the source's usable space must not
   * exceed the target's, where a Filesystem claim's usable space is its request less the fs
   * overhead (pkg/util/util.go GetUsableSpace: ceil(request / (1 + overhead)) rounded down to 1 MiB)
   * and a Block claim's is its request. A failure is only returned to the work queue, which retries
   * it: no event, and the DataVolume stays CloneScheduled (clone-controller-base.go
   * updateStatusPhase). The harness serves no CSIDriver, so CDI would not use its clone populator
   * (datavolume/controller-base.go shouldUseCDIPopulator) and this is the path it takes.
   */
  private hostCloneProblem(src: Loose, target: Loose): string | undefined {
    const sourceMode: string = src.spec?.volumeMode ?? 'Filesystem';
    const targetMode: string = target.spec?.volumeMode ?? 'Filesystem';
    const contentType: string = src.metadata.annotations?.[CONTENT_TYPE_ANNOTATION] || 'kubevirt';
    if (sourceMode !== targetMode && contentType !== 'kubevirt') return `source volumeMode (${sourceMode}) and target volumeMode (${targetMode}) do not match, contentType (${contentType})`;
    const usable = (claim: Loose): number => {
      const request = quantityBytes(claim.spec?.resources?.requests?.storage) ?? 0;
      if ((claim.spec?.volumeMode ?? 'Filesystem') !== 'Filesystem') return request;
      const overhead = this.filesystemOverhead(claim.spec?.storageClassName);
      return Math.floor(Math.ceil(request / (1 + overhead)) / MiB) * MiB;
    };
    if (target.metadata.annotations?.[PERMISSIVE_CLONE_ANNOTATION] === undefined && usable(src) > usable(target)) return 'target resources requests storage size is smaller than the source';
    return undefined;
  }

  private createClaim(dv: Loose, modes: { accessModes: string[]; volumeMode?: string }): Loose | undefined {
    const spec: Loose = dv.spec.pvc ?? dv.spec.storage ?? {};
    let storage = spec.resources?.requests?.storage;
    let permissive = false;
    if (!dv.spec.pvc && dv.spec.source?.pvc) {
      const sized = this.cloneSize(dv, modes.volumeMode ?? 'Filesystem');
      if (!sized) return undefined; // waits for the clone source to say its size
      ({ storage, permissive } = sized);
      if (permissive) {
        this.api.mutate(this.dataVolumes, dv.metadata.namespace, dv.metadata.name, (o) => {
          if (o.metadata.annotations?.[PERMISSIVE_CLONE_ANNOTATION] === 'true') return false;
          o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [PERMISSIVE_CLONE_ANNOTATION]: 'true' };
        });
      }
    } else if (storage === undefined) {
      const sourceClaim = this.sourceClaim(dv);
      storage = sourceClaim?.status?.capacity?.storage;
      if (storage === undefined) return undefined; // waits for the clone source to say its size
    }
    const claim = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: dv.metadata.name,
        namespace: dv.metadata.namespace,
        labels: { app: 'containerized-data-importer', 'app.kubernetes.io/component': 'storage', 'app.kubernetes.io/managed-by': 'cdi-controller', ...(dv.metadata.labels ?? {}) },
        annotations: {
          [CONTENT_TYPE_ANNOTATION]: dv.spec.contentType ?? 'kubevirt',
          'cdi.kubevirt.io/createdForDataVolume': dv.metadata.uid,
          ...(permissive ? { [PERMISSIVE_CLONE_ANNOTATION]: 'true' } : {}),
        },
        ownerReferences: [{ apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', name: dv.metadata.name, uid: dv.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        accessModes: modes.accessModes,
        resources: { requests: { storage: typeof storage === 'number' ? String(storage) : storage } },
        volumeMode: modes.volumeMode ?? 'Filesystem',
        ...(spec.storageClassName ? { storageClassName: spec.storageClassName } : {}),
      },
    };
    try {
      return this.api.createInternal(this.claims, dv.metadata.namespace, claim) as Loose;
    } catch (err) {
      if (err instanceof ApiError && err.code === 409) return undefined;
      throw err;
    }
  }

  private sourceClaim(dv: Loose): Loose | undefined {
    const source = dv.spec.source ?? {};
    if (source.pvc) return this.api.tryGet(this.claims, source.pvc.namespace ?? dv.metadata.namespace, source.pvc.name) as Loose | undefined;
    if (source.snapshot) {
      const snap = this.api.tryGet(this.snapshots, source.snapshot.namespace ?? dv.metadata.namespace, source.snapshot.name) as Loose | undefined;
      return snap?.status?.restoreSize ? { status: { capacity: { storage: snap.status.restoreSize } } } : undefined;
    }
    return undefined;
  }

  private succeed(dv: Loose, bound: ConditionState, reason: string, message: string): void {
    this.setStatus(dv, { phase: 'Succeeded', progress: '100.0%', bound, running: ['False', 'Completed', ''], ready: ['True', '', ''] });
    this.events.record(dv as KubeObject, 'Normal', reason, message, COMPONENT);
  }

  private runTask(dv: Loose, bound: ConditionState, work: (signal: AbortSignal, progress: (f: number) => void) => Promise<void>): void {
    const abort = new AbortController();
    const uid: string = dv.metadata.uid;
    const restarts: number = dv.status?.restartCount ?? 0;
    this.setStatus(dv, { phase: 'ImportScheduled', progress: 'N/A', bound });
    this.events.record(dv as KubeObject, 'Normal', 'ImportScheduled', `Import into ${dv.metadata.name} scheduled`, COMPONENT);
    let last = 0;
    let lastText = '';
    const progress = (f: number) => {
      const text = percent(f);
      const now = Date.now();
      if (text === lastText || (now - last < 250 && f < 1)) return;
      last = now;
      lastText = text;
      this.setStatus(dv, { progress: text });
    };
    const done = (async () => {
      this.setStatus(dv, { phase: 'ImportInProgress', running: ['True', 'Pod is running', ''] });
      this.events.record(dv as KubeObject, 'Normal', 'ImportInProgress', `Import into ${dv.metadata.name} in progress`, COMPONENT);
      try {
        await work(abort.signal, progress);
        if (abort.signal.aborted) return;
        this.succeed(dv, bound, 'ImportSucceeded', 'Import Successful');
      } catch (err) {
        if (abort.signal.aborted) return;
        // kubevirt/containerized-data-importer v1.66.0: the importer pod restarts its container
        // (restartPolicy OnFailure, pkg/controller/import-controller.go) for ever, so the pod stays
        // Running and the DataVolume ImportInProgress (datavolume/import-controller.go
        // updateStatusPhase); restartCount is the container's (AnnPodRestarts), Running is False
        // with the terminated container's reason ("Error") and message, shortened by
        // pkg/controller/util.go simplifyKnownMessage, and Ready is False without a reason
        // (controller-base.go updateConditions). Only "checksum mismatch" is fatal
        // (import-controller.go updatePvcFromPod): the pod is deleted, Running reason ChecksumError,
        // the DataVolume Failed, restartCount as it was. The harness's `importRetries` (default
        // unlimited, as CDI) may end the retries sooner so a test sees Failed.
        const raw = err instanceof Error ? err.message : String(err);
        const message = simplifyKnownMessage(raw);
        const checksum = raw.includes('checksum mismatch');
        const count = checksum ? restarts : restarts + 1;
        const final = !(err instanceof ImportError) || checksum || count > this.options.importRetries;
        this.logger.debug(`kube harness: import into ${dv.metadata.namespace}/${dv.metadata.name} failed (${count}): ${raw}`);
        const claim = this.api.tryGet(this.claims, dv.metadata.namespace, dv.metadata.name) as Loose | undefined;
        if (claim) this.events.record(claim as KubeObject, 'Warning', 'ErrImportFailedPVC', message, 'import-controller');
        if (final) this.events.record(dv as KubeObject, 'Warning', 'ImportFailed', `Failed to import into PVC ${dv.metadata.name}`, COMPONENT);
        this.setStatus(dv, {
          phase: final ? 'Failed' : 'ImportInProgress',
          restartCount: count,
          running: ['False', checksum ? 'ChecksumError' : 'Error', message],
          ready: ['False', '', ''],
        });
        if (!final) this.queue.addAfter(`${dv.metadata.namespace}/${dv.metadata.name}`, Math.min(10_000, 500 * 2 ** restarts));
      }
    })().finally(() => this.tasks.delete(uid));
    this.tasks.set(uid, { abort, done });
  }

  private httpSource(dv: Loose, http: Loose): HttpSource {
    const namespace: string = dv.metadata.namespace;
    const headers: Record<string, string> = {};
    const addLine = (line: string) => {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim()] = line.slice(i + 1).trim();
    };
    for (const line of (http.extraHeaders ?? []) as string[]) addLine(line);
    const secretData = (name: string): Record<string, string> => {
      const secret = this.api.tryGet(this.secrets, namespace, name) as Loose | undefined;
      if (!secret) throw new ImportError(`secret "${name}" not found`);
      return Object.fromEntries(Object.entries((secret.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    };
    for (const name of (http.secretExtraHeaders ?? []) as string[]) for (const line of Object.values(secretData(name))) addLine(line);
    if (http.secretRef) {
      const data = secretData(http.secretRef);
      headers.authorization = `Basic ${Buffer.from(`${data.accessKeyId ?? ''}:${data.secretKey ?? ''}`).toString('base64')}`;
    }
    let ca: string | undefined;
    if (http.certConfigMap) {
      const cm = this.api.tryGet(this.configMaps, namespace, http.certConfigMap) as Loose | undefined;
      if (!cm) throw new ImportError(`configmap "${http.certConfigMap}" not found`);
      ca = Object.values((cm.data ?? {}) as Record<string, string>).join('\n');
    }
    return { url: http.url, ...(http.checksum ? { checksum: http.checksum } : {}), headers, ...(ca ? { ca } : {}), ...(http.insecureSkipVerify ? { insecureSkipVerify: true } : {}) };
  }

  private async importHttp(dv: Loose, http: Loose, size: number, target: string, signal: AbortSignal, progress: (f: number) => void): Promise<void> {
    const source = this.httpSource(dv, http);
    const work = `${target}.download`;
    await mkdir(path.dirname(target), { recursive: true });
    try {
      await download(source, work, signal, progress);
      await decompress(work, signal);
      await convertToRaw(work, target, size, signal);
    } finally {
      await rm(work, { force: true });
    }
  }

  private async clone(dv: Loose, claim: Loose, bound: ConditionState, size: number, target: string): Promise<void> {
    const source: Loose = dv.spec.source;
    const namespace: string = dv.metadata.namespace;
    let from: string;
    let sourceName: string;
    if (source.pvc) {
      const ns: string = source.pvc.namespace ?? namespace;
      sourceName = `${ns}/${source.pvc.name}`;
      const src = this.api.tryGet(this.claims, ns, source.pvc.name) as Loose | undefined;
      if (!src || src.status?.phase !== 'Bound') {
        this.setStatus(dv, { phase: 'CloneScheduled', bound, running: ['False', 'CloneScheduled', `Source PVC ${sourceName} is not available yet`] });
        return;
      }
      const owner = (src.metadata.ownerReferences ?? []).find((r: Loose) => r.kind === 'DataVolume');
      const ownerDv = owner ? (this.api.tryGet(this.dataVolumes, ns, owner.name) as Loose | undefined) : undefined;
      if (ownerDv && ownerDv.status?.phase !== 'Succeeded') {
        this.setStatus(dv, { phase: 'CloneScheduled', bound, running: ['False', 'CloneScheduled', `Source PVC ${sourceName} is not populated yet`] });
        return;
      }
      const users = activeVmis(this.api, ns).filter((v) => claimsOf(v.spec).includes(source.pvc.name));
      if (users.length > 0) {
        const message = `pod ${ns}/virt-launcher-${users[0]!.metadata.name} using PersistentVolumeClaim ${source.pvc.name}`;
        this.setStatus(dv, { phase: 'CloneScheduled', bound, running: ['False', 'CloneSourceInUse', message] });
        this.events.record(dv as KubeObject, 'Normal', 'CloneSourceInUse', message, COMPONENT);
        return;
      }
      const problem = this.hostCloneProblem(src, claim);
      if (problem) {
        this.logger.debug(`kube harness: host-assisted clone into ${namespace}/${claim.metadata.name} refused, retrying: ${problem}`);
        if (dv.status?.phase !== 'CloneScheduled') this.setStatus(dv, { phase: 'CloneScheduled', bound });
        this.queue.addAfter(`${namespace}/${dv.metadata.name}`, 1000);
        return;
      }
      from = this.files.claimFile(ns, source.pvc.name);
    } else {
      const ns: string = source.snapshot.namespace ?? namespace;
      sourceName = `${ns}/${source.snapshot.name}`;
      const snap = this.api.tryGet(this.snapshots, ns, source.snapshot.name) as Loose | undefined;
      if (!snap?.status?.readyToUse) {
        this.setStatus(dv, { phase: 'CloneScheduled', bound, running: ['False', 'CloneScheduled', `VolumeSnapshot ${sourceName} is not ready yet`] });
        return;
      }
      from = this.files.snapshotFile(ns, source.snapshot.name);
    }
    const uid: string = dv.metadata.uid;
    const abort = new AbortController();
    const done = (async () => {
      this.setStatus(dv, { phase: 'CloneInProgress', progress: '0.00%', bound, running: ['True', 'Pod is running', ''] });
      try {
        if (await this.files.exists(from)) await this.files.copy(from, target);
        await this.files.ensureBlank(target, size);
        if (abort.signal.aborted) return;
        this.setStatus(dv, { phase: 'Succeeded', progress: '100.0%', bound, running: ['False', 'Completed', ''], ready: ['True', '', ''] });
        this.events.record(dv as KubeObject, 'Normal', 'CloneSucceeded', `Successfully cloned from ${sourceName} into ${namespace}/${claim.metadata.name}`, COMPONENT);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.setStatus(dv, { phase: 'Failed', running: ['False', 'Error', message] });
      }
    })().finally(() => this.tasks.delete(uid));
    this.tasks.set(uid, { abort, done });
  }

  private uploadPodName(claim: string): string {
    return `cdi-upload-${claim}`.slice(0, 63);
  }

  private prepareUpload(dv: Loose, claim: Loose, bound: ConditionState): void {
    if (dv.status?.phase === 'UploadReady') return;
    const namespace: string = dv.metadata.namespace;
    const podName = this.uploadPodName(claim.metadata.name);
    if (!this.api.tryGet(this.pods, namespace, podName)) {
      const pod = this.api.createInternal(this.pods, namespace, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: podName,
          namespace,
          labels: { app: 'containerized-data-importer', 'cdi.kubevirt.io': 'cdi-upload-server', 'cdi.kubevirt.io/uploadTarget': claim.metadata.uid },
          annotations: { [MANAGED_POD_ANNOTATION]: 'cdi-upload' },
          ownerReferences: [{ apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: claim.metadata.name, uid: claim.metadata.uid, controller: true, blockOwnerDeletion: true }],
        },
        spec: {
          nodeName: NODE_NAME,
          restartPolicy: 'OnFailure',
          containers: [{ name: 'cdi-upload-server', image: 'quay.io/kubevirt/cdi-uploadserver:v1.66.0', ports: [{ name: 'uploadserver', containerPort: 8443, protocol: 'TCP' }] }],
          volumes: [{ name: 'cdi-data-vol', persistentVolumeClaim: { claimName: claim.metadata.name } }],
        },
      });
      this.api.mutate(this.pods, namespace, podName, (p) => {
        (p as Loose).status = runningPodStatus(pod as Loose, this.network.ipOf(namespace, podName));
      });
    }
    this.setStatus(dv, { phase: 'UploadReady', progress: 'N/A', bound, running: ['True', 'Pod is running', ''], ready: ['False', 'TransferRunning', ''] });
    this.events.record(dv as KubeObject, 'Normal', 'UploadReady', `Upload into ${claim.metadata.name} ready`, COMPONENT);
  }

  /**
   * An upload arrived for `claim` (from the upload proxy). `processed` resolves when the disk is
   * in place; `received` when the body has been read (what upload-async waits for).
   */
  receiveUpload(namespace: string, claimName: string, body: Readable, length: number | undefined): { received: Promise<void>; processed: Promise<void> } {
    const claim = this.api.tryGet(this.claims, namespace, claimName) as Loose | undefined;
    const owner = claim && (claim.metadata.ownerReferences ?? []).find((r: Loose) => r.kind === 'DataVolume');
    const dv = owner ? (this.api.tryGet(this.dataVolumes, namespace, owner.name) as Loose | undefined) : undefined;
    if (!claim || !dv || dv.status?.phase !== 'UploadReady' || this.tasks.has(dv.metadata.uid)) {
      const err = new ApiError(503, 'ServiceUnavailable', `uploadproxy: PVC ${claimName} is not ready for upload (DataVolume phase ${dv?.status?.phase ?? 'unknown'})`);
      return { received: Promise.reject(err), processed: Promise.reject(err) };
    }
    const size = quantityBytes(claim.status?.capacity?.storage) ?? 0;
    const target = this.files.claimFile(namespace, claimName);
    const work = `${target}.upload`;
    const abort = new AbortController();
    let markReceived: () => void = () => undefined;
    let failReceived: (e: unknown) => void = () => undefined;
    const received = new Promise<void>((resolve, reject) => {
      markReceived = resolve;
      failReceived = reject;
    });
    const bound: ConditionState = ['True', 'Bound', `PVC ${claimName} Bound`];
    const processed = (async () => {
      try {
        await mkdir(path.dirname(target), { recursive: true });
        await copyWithProgress(body, work, abort.signal, () => undefined, length);
        markReceived();
        await decompress(work, abort.signal);
        await convertToRaw(work, target, size, abort.signal);
        this.setStatus(dv, { phase: 'Succeeded', progress: '100.0%', bound, running: ['False', 'Completed', ''], ready: ['True', '', ''] });
        this.events.record(dv as KubeObject, 'Normal', 'UploadSucceeded', `Upload Successful`, COMPONENT);
        try {
          this.api.delete(this.pods, namespace, this.uploadPodName(claimName));
        } catch {
          // Already gone with its claim.
        }
      } catch (err) {
        failReceived(err);
        const message = err instanceof Error ? err.message : String(err);
        this.events.record(dv as KubeObject, 'Warning', 'Error', `Upload failed: ${message}`, COMPONENT);
        throw err;
      } finally {
        await rm(work, { force: true });
      }
    })().finally(() => this.tasks.delete(dv.metadata.uid));
    processed.catch(() => undefined);
    received.catch(() => undefined);
    this.tasks.set(dv.metadata.uid, { abort, done: processed.catch(() => undefined) });
    return { received, processed };
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Waits for running imports, clones and uploads to finish (or be cancelled). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.tasks.values()].map((t) => t.done));
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.queue.close();
    for (const t of this.tasks.values()) t.abort.abort(new Error('the kube harness is stopping'));
    await this.settle();
  }
}
