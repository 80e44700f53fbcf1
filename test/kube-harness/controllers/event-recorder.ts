/**
 * core/v1 Events about objects, as the real controllers record them (reason, message, type,
 * source component); a repeat of the same event bumps its count and lastTimestamp instead of
 * adding another, as client-go's event correlator does.
 */
import { randomBytes } from 'node:crypto';
import { timestamp, type ClusterApi } from '../cluster-api.js';
import type { KubeObject } from '../object-store.js';
import { mustResource } from '../resources.js';

export class EventRecorder {
  private readonly events = mustResource('', 'events');
  private readonly namespaces = mustResource('', 'namespaces');

  constructor(private readonly api: ClusterApi) {}

  record(involved: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string): void {
    const namespace = involved.metadata.namespace ?? 'default';
    const ns = this.api.tryGet(this.namespaces, undefined, namespace);
    if (!ns || ns.metadata.deletionTimestamp) return;
    const same = this.api.list(this.events, namespace, { fieldSelector: `involvedObject.uid=${involved.metadata.uid},reason=${reason}` }).find((e) => (e as { message?: string }).message === message);
    const now = timestamp();
    if (same) {
      this.api.mutate(this.events, namespace, same.metadata.name!, (e) => {
        const ev = e as { count?: number; lastTimestamp?: string };
        ev.count = (ev.count ?? 1) + 1;
        ev.lastTimestamp = now;
      });
      return;
    }
    try {
      this.api.createInternal(this.events, namespace, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${involved.metadata.name}.${randomBytes(8).toString('hex')}`, namespace },
        involvedObject: {
          apiVersion: involved.apiVersion,
          kind: involved.kind,
          name: involved.metadata.name,
          namespace: involved.metadata.namespace,
          uid: involved.metadata.uid,
          resourceVersion: involved.metadata.resourceVersion,
        },
        reason,
        message,
        type,
        source: { component },
        reportingComponent: component,
        reportingInstance: 'harness-node',
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      });
    } catch {
      // The namespace began terminating meanwhile: an event about it is not worth an error.
    }
  }
}
