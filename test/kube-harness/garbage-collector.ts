/**
 * Kubernetes' garbage collector and namespace controller, driven by the store's events:
 * - an object whose owners are all gone is deleted (one that still has a live owner only loses
 *   the dangling reference);
 * - Foreground deletion: the owner keeps a `foregroundDeletion` finalizer until every dependent is
 *   gone, and its dependents are deleted in the foreground too;
 * - Orphan deletion: dependents lose their reference to the owner, then the owner goes;
 * - a terminating namespace has all its contents deleted, then disappears.
 */
import type { Logger } from '../../src/core/log.js';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER, type ClusterApi } from './cluster-api.js';
import type { KubeObject, StoreEvent } from './object-store.js';
import { RESOURCE_TYPES, mustResource, type ResourceType } from './resources.js';
import { WorkQueue } from './work-queue.js';

export class GarbageCollector {
  private readonly queue: WorkQueue;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly api: ClusterApi,
    logger: Logger,
  ) {
    this.queue = new WorkQueue('garbage-collector', (key) => this.work(key), logger);
    this.unsubscribe = api.store.subscribe((e) => this.onEvent(e));
  }

  private onEvent(event: StoreEvent): void {
    const meta = event.object.metadata;
    if (event.type === 'DELETED') {
      this.queue.add(`owner:${meta.uid}`);
      for (const ref of meta.ownerReferences ?? []) this.queue.add(`owner:${ref.uid}`);
      if (meta.namespace && event.resource.namespaced) this.queue.add(`ns:${meta.namespace}`);
      return;
    }
    if (meta.deletionTimestamp) {
      if (event.resource.kind === 'Namespace') this.queue.add(`ns:${meta.name}`);
      else if ((meta.finalizers ?? []).some((f) => f === FOREGROUND_FINALIZER || f === ORPHAN_FINALIZER)) this.queue.add(`owner:${meta.uid}`);
      else if (meta.namespace) this.queue.add(`ns:${meta.namespace}`);
    }
    // An object created with an owner that is already gone is garbage from the start.
    if (event.type === 'ADDED') for (const ref of meta.ownerReferences ?? []) this.queue.add(`owner:${ref.uid}`);
  }

  private findByUid(uid: string): { resource: ResourceType; object: KubeObject } | undefined {
    return this.api.store.all().find((e) => e.object.metadata.uid === uid);
  }

  private dependentsOf(uid: string): { resource: ResourceType; object: KubeObject }[] {
    return this.api.store.all().filter((e) => (e.object.metadata.ownerReferences ?? []).some((r) => r.uid === uid));
  }

  private async work(key: string): Promise<void> {
    if (key.startsWith('ns:')) return this.finishNamespace(key.slice(3));
    const uid = key.slice('owner:'.length);
    const owner = this.findByUid(uid);
    const dependents = this.dependentsOf(uid);
    if (!owner) {
      const live = new Set(this.api.store.all().map((e) => e.object.metadata.uid));
      for (const d of dependents) {
        const meta = d.object.metadata;
        const others = (meta.ownerReferences ?? []).filter((r) => r.uid !== uid && live.has(r.uid));
        if (others.length > 0) {
          this.api.mutate(d.resource, meta.namespace, meta.name!, (o) => {
            o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
          });
        } else if (!meta.deletionTimestamp) this.deleteQuietly(d.resource, d.object, 'Background');
      }
      return;
    }
    const meta = owner.object.metadata;
    if (!meta.deletionTimestamp) return;
    const finalizers = meta.finalizers ?? [];
    if (finalizers.includes(ORPHAN_FINALIZER)) {
      for (const d of dependents) {
        this.api.mutate(d.resource, d.object.metadata.namespace, d.object.metadata.name!, (o) => {
          o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
          if (o.metadata.ownerReferences.length === 0) delete o.metadata.ownerReferences;
        });
      }
      this.api.removeFinalizer(owner.resource, meta.namespace, meta.name!, ORPHAN_FINALIZER);
      return;
    }
    if (finalizers.includes(FOREGROUND_FINALIZER)) {
      for (const d of dependents) if (!d.object.metadata.deletionTimestamp) this.deleteQuietly(d.resource, d.object, 'Foreground');
      if (this.dependentsOf(uid).length === 0) this.api.removeFinalizer(owner.resource, meta.namespace, meta.name!, FOREGROUND_FINALIZER);
    }
  }

  private deleteQuietly(resource: ResourceType, object: KubeObject, policy: 'Background' | 'Foreground'): void {
    try {
      this.api.delete(resource, object.metadata.namespace, object.metadata.name!, { propagationPolicy: policy, preconditions: { uid: object.metadata.uid! } });
    } catch {
      // Gone or replaced meanwhile: nothing left to collect.
    }
  }

  private finishNamespace(name: string): void {
    const namespaces = mustResource('', 'namespaces');
    const ns = this.api.tryGet(namespaces, undefined, name);
    if (!ns?.metadata.deletionTimestamp) return;
    let remaining = 0;
    for (const resource of RESOURCE_TYPES) {
      if (!resource.namespaced || resource.virtual) continue;
      for (const object of this.api.store.list(resource, name)) {
        remaining++;
        if (!object.metadata.deletionTimestamp) this.deleteQuietly(resource, object, 'Background');
      }
    }
    if (remaining === 0) this.api.store.remove(namespaces, undefined, name);
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.queue.close();
  }
}
