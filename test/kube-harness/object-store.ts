/**
 * The harness's etcd: every stored object under one global, increasing resourceVersion, and a
 * bounded history of changes so watches can resume from a resourceVersion (and get 410 Gone when
 * it has been compacted away, as etcd compaction does). Objects are copied in and out: nobody
 * holds a reference into the store.
 */
import type { ResourceType } from './resources.js';
import { resourceKey } from './resources.js';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  resourceVersion: number;
  resource: ResourceType;
  object: KubeObject;
  /** The object before a MODIFIED or DELETED change. */
  previous?: KubeObject;
}

export type StoreListener = (event: StoreEvent) => void;

export function objectKey(resource: Pick<ResourceType, 'group' | 'plural'>, namespace: string | undefined, name: string): string {
  return `${resourceKey(resource)}|${namespace ?? ''}|${name}`;
}

export function copy<T>(value: T): T {
  return structuredClone(value);
}

export class ObjectStore {
  private revision: number;
  private readonly objects = new Map<string, { resource: ResourceType; object: KubeObject }>();
  private history: StoreEvent[] = [];
  /** The oldest resourceVersion a watch may still resume from. */
  private oldestResumable: number;
  private readonly listeners = new Set<StoreListener>();

  constructor(
    private readonly historyLimit = 5000,
    startRevision = 1000,
  ) {
    this.revision = startRevision;
    this.oldestResumable = startRevision;
  }

  get currentRevision(): number {
    return this.revision;
  }

  get oldestRevision(): number {
    return this.oldestResumable;
  }

  get(resource: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const entry = this.objects.get(objectKey(resource, resource.namespaced ? namespace : undefined, name));
    return entry ? copy(entry.object) : undefined;
  }

  /** Objects of a resource (in one namespace, or all), oldest resourceVersion first. */
  list(resource: ResourceType, namespace?: string): KubeObject[] {
    const prefix = `${resourceKey(resource)}|`;
    const out: KubeObject[] = [];
    for (const [key, entry] of this.objects) {
      if (!key.startsWith(prefix)) continue;
      if (namespace !== undefined && resource.namespaced && entry.object.metadata.namespace !== namespace) continue;
      out.push(copy(entry.object));
    }
    return out.sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
  }

  /** Every stored object with its resource. */
  all(): { resource: ResourceType; object: KubeObject }[] {
    return [...this.objects.values()].map((e) => ({ resource: e.resource, object: copy(e.object) }));
  }

  /** Stores an object (new or replacing), stamping the next resourceVersion; returns the stored copy. */
  put(resource: ResourceType, object: KubeObject): KubeObject {
    const key = objectKey(resource, resource.namespaced ? object.metadata.namespace : undefined, object.metadata.name ?? '');
    const previous = this.objects.get(key)?.object;
    const stored = copy(object);
    stored.metadata.resourceVersion = String(++this.revision);
    this.objects.set(key, { resource, object: stored });
    this.emit({ type: previous ? 'MODIFIED' : 'ADDED', resourceVersion: this.revision, resource, object: copy(stored), ...(previous ? { previous: copy(previous) } : {}) });
    return copy(stored);
  }

  remove(resource: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const key = objectKey(resource, resource.namespaced ? namespace : undefined, name);
    const entry = this.objects.get(key);
    if (!entry) return undefined;
    this.objects.delete(key);
    const gone = copy(entry.object);
    // A deletion is a change: watchers see the object at the deletion's resourceVersion.
    gone.metadata.resourceVersion = String(++this.revision);
    this.emit({ type: 'DELETED', resourceVersion: this.revision, resource, object: copy(gone), previous: copy(entry.object) });
    return gone;
  }

  /** Changes after `resourceVersion` (exclusive), or undefined when they were compacted. */
  changesSince(resourceVersion: number): StoreEvent[] | undefined {
    if (resourceVersion < this.oldestResumable) return undefined;
    return this.history.filter((e) => e.resourceVersion > resourceVersion).map((e) => copy(e));
  }

  /** Forgets the history, as etcd compaction does: older resourceVersions now answer 410 Gone. */
  compact(): void {
    this.history = [];
    this.oldestResumable = this.revision;
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.oldestResumable = dropped[dropped.length - 1]!.resourceVersion;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(copy(event));
      } catch {
        // A listener's failure is its own; the store's state is already consistent.
      }
    }
  }
}
