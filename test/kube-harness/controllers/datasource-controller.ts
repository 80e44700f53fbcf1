/**
 * CDI's DataSource controller (kubevirt/containerized-data-importer v1.66.0
 * pkg/controller/datasource-controller.go), for the sources builds use: `spec.source.pvc` and
 * `spec.source.snapshot` (a `dataSource` reference chain is not modelled).
 *
 * - pvc: Ready when the PVC exists and no DataVolume of that name exists, or that DataVolume is
 *   Succeeded; "Import DataVolume phase <phase>" (reason the phase) while it is not; "PVC not
 *   found" (reason NotFound) when neither exists (handlePvcSource).
 * - snapshot: Ready when the VolumeSnapshot is readyToUse; "Snapshot not found" (NotFound), or
 *   "Snapshot phase is not ready" (SnapshotNotReady) (handleSnapshotSource).
 * - Ready: message "DataSource is ready to be consumed", reason Ready; `status.source` is the
 *   resolved spec.source, emptied while not Ready (update).
 * - When Ready, the source's labels that match `^([\w.]+\.kubevirt.io|kubevirt.io)/[\w.-]+$`
 *   (pkg/controller/common/util.go validLabelsMatch) are copied onto the DataSource, overwriting
 *   (CopyAllowedLabels(…, true)): DataVolume's, then PVC's, or the snapshot's. That is how a
 *   DataSource picks up instancetype.kubevirt.io/default-* labels from its source.
 * The source namespace defaults to the DataSource's (cc.GetNamespace).
 */
import type { Logger } from '../../../src/core/log.js';
import type { ClusterApi } from '../cluster-api.js';
import type { StoreEvent } from '../object-store.js';
import { mustResource } from '../resources.js';
import { WorkQueue } from '../work-queue.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ALLOWED_LABEL = /^([\w.]+\.kubevirt.io|kubevirt.io)\/[\w.-]+$/;

interface ReadyState {
  ready: boolean;
  reason: string;
  message: string;
  /** Labels to copy when ready. */
  labels: Record<string, string>[];
}

export class DataSourceController {
  private readonly dataSources = mustResource('cdi.kubevirt.io', 'datasources');
  private readonly dataVolumes = mustResource('cdi.kubevirt.io', 'datavolumes');
  private readonly claims = mustResource('', 'persistentvolumeclaims');
  private readonly snapshots = mustResource('snapshot.storage.k8s.io', 'volumesnapshots');
  private readonly queue: WorkQueue;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly api: ClusterApi,
    logger: Logger,
  ) {
    this.queue = new WorkQueue('datasource-controller', (key) => this.reconcile(key), logger);
    this.unsubscribe = api.store.subscribe((e) => this.onEvent(e));
  }

  private onEvent(e: StoreEvent): void {
    const meta = e.object.metadata;
    if (e.resource.kind === 'DataSource') {
      if (e.type !== 'DELETED') this.queue.add(`${meta.namespace}/${meta.name}`);
      return;
    }
    if (!['PersistentVolumeClaim', 'DataVolume', 'VolumeSnapshot'].includes(e.resource.kind)) return;
    // The controller watches its sources (and those of other namespaces' DataSources).
    for (const ds of this.api.store.list(this.dataSources, undefined)) this.queue.add(`${ds.metadata.namespace}/${ds.metadata.name}`);
  }

  private pvcState(namespace: string, name: string): ReadyState {
    const pvc = this.api.tryGet(this.claims, namespace, name) as Loose | undefined;
    const dv = this.api.tryGet(this.dataVolumes, namespace, name) as Loose | undefined;
    if (!dv) {
      if (!pvc) return { ready: false, reason: 'NotFound', message: 'PVC not found', labels: [] };
      return { ready: true, reason: 'Ready', message: 'DataSource is ready to be consumed', labels: [pvc.metadata.labels ?? {}] };
    }
    if (dv.status?.phase === 'Succeeded') return { ready: true, reason: 'Ready', message: 'DataSource is ready to be consumed', labels: [dv.metadata.labels ?? {}, pvc?.metadata.labels ?? {}] };
    const phase = String(dv.status?.phase ?? '');
    return { ready: false, reason: phase, message: `Import DataVolume phase ${phase}`, labels: [] };
  }

  private snapshotState(namespace: string, name: string): ReadyState {
    const snap = this.api.tryGet(this.snapshots, namespace, name) as Loose | undefined;
    if (!snap) return { ready: false, reason: 'NotFound', message: 'Snapshot not found', labels: [] };
    if (snap.status?.readyToUse === true) return { ready: true, reason: 'Ready', message: 'DataSource is ready to be consumed', labels: [snap.metadata.labels ?? {}] };
    return { ready: false, reason: 'SnapshotNotReady', message: 'Snapshot phase is not ready', labels: [] };
  }

  private reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const ds = this.api.tryGet(this.dataSources, namespace, name) as Loose | undefined;
    if (!ds || ds.metadata.deletionTimestamp) return Promise.resolve();
    const source: Loose = ds.spec?.source ?? {};
    const state: ReadyState = source.pvc
      ? this.pvcState(source.pvc.namespace || namespace, source.pvc.name)
      : source.snapshot
        ? this.snapshotState(source.snapshot.namespace || namespace, source.snapshot.name)
        : { ready: false, reason: 'NoSource', message: 'No source PVC set', labels: [] };
    this.api.mutate(this.dataSources, namespace, name, (o) => {
      const next = o as Loose;
      const before = JSON.stringify({ l: next.metadata.labels ?? {}, s: next.status ?? {} });
      if (state.ready) {
        const labels = { ...(next.metadata.labels ?? {}) };
        for (const from of state.labels) for (const [k, v] of Object.entries(from)) if (ALLOWED_LABEL.test(k)) labels[k] = v;
        next.metadata.labels = labels;
      }
      const previous = (next.status?.conditions ?? []).find((c: Loose) => c.type === 'Ready');
      const status = state.ready ? 'True' : 'False';
      const unchanged = previous && previous.status === status && previous.reason === state.reason && previous.message === state.message;
      const condition = unchanged ? previous : { type: 'Ready', status, reason: state.reason, message: state.message, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
      next.status = { ...(state.ready ? { source: structuredClone(source) } : { source: {} }), conditions: [condition] };
      return JSON.stringify({ l: next.metadata.labels ?? {}, s: next.status }) !== before;
    });
    return Promise.resolve();
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.queue.close();
  }
}
