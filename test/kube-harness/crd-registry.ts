/**
 * apiextensions-apiserver's part: a stored CustomResourceDefinition is accepted and Established a
 * moment later (`establishMs`, asynchronously as on a real server), and from then on its resource
 * is served — discovery lists it and its objects can be written. As kubernetes/kubernetes
 * staging/src/k8s.io/apiextensions-apiserver at v1.34.0: pkg/controller/status/naming_controller.go
 * sets NamesAccepted (reason NoConflicts, "no conflicts found") and status.acceptedNames, then
 * pkg/controller/establish/establishing_controller.go sets Established (reason
 * InitialNamesAccepted, "the initial names have been accepted"); a deleted CRD stops being served.
 *
 * The resource comes from the harness's catalogue when it knows the group and plural (KubeVirt's,
 * Kube-OVN's: schemas, subresources and controllers as with everything installed), otherwise from
 * the CRD's spec, stored without a schema check (resources.ts `fromCrd`).
 */
import type { Logger } from '../../src/core/log.js';
import { timestamp, type ClusterApi } from './cluster-api.js';
import type { StoreEvent } from './object-store.js';
import { RESOURCE_TYPES, mustResource, resource, type ResourceType, type ServedResources } from './resources.js';
import { WorkQueue } from './work-queue.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const established = (crd: Loose) => (crd.status?.conditions ?? []).some((c: Loose) => c.type === 'Established' && c.status === 'True');

/** The resource a CRD defines: the catalogue's when it has one, else one made from the CRD. */
export function resourceOfCrd(crd: Loose): ResourceType {
  const spec = crd.spec ?? {};
  const names = spec.names ?? {};
  const known = RESOURCE_TYPES.find((t) => t.group === spec.group && t.plural === names.plural);
  const versions = ((spec.versions ?? []) as Loose[]).filter((v) => v.served !== false);
  const storage = versions.find((v) => v.storage === true) ?? versions[0];
  const ordered = [storage, ...versions.filter((v) => v !== storage)].filter(Boolean) as Loose[];
  // The CRD decides the served versions (a v1.8 KubeVirt's export CRD has no v1), the catalogue the rest.
  if (known) return ordered.length ? { ...known, versions: ordered.map((v) => String(v.name)) } : known;
  const scale = storage?.subresources?.scale as Loose | undefined;
  return resource({
    group: String(spec.group),
    versions: ordered.map((v) => String(v.name)),
    plural: String(names.plural),
    singular: String(names.singular || String(names.kind).toLowerCase()),
    kind: String(names.kind),
    namespaced: spec.scope === 'Namespaced',
    status: storage?.subresources?.status !== undefined,
    ...(scale ? { scale: { specReplicasPath: String(scale.specReplicasPath).replace(/^\./, ''), statusReplicasPath: String(scale.statusReplicasPath).replace(/^\./, '') } } : {}),
    ...(Array.isArray(names.shortNames) ? { shortNames: names.shortNames as string[] } : {}),
    fromCrd: true,
  });
}

export class CrdRegistry {
  private readonly crds = mustResource('apiextensions.k8s.io', 'customresourcedefinitions');
  private readonly queue: WorkQueue;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly api: ClusterApi,
    private readonly served: ServedResources,
    logger: Logger,
    /** How long a stored CRD takes to be Established. */
    private readonly establishMs = 100,
  ) {
    this.queue = new WorkQueue('apiextensions-apiserver', (key) => this.reconcile(key), logger);
    this.unsubscribe = api.store.subscribe((e) => this.onEvent(e));
  }

  private onEvent(e: StoreEvent): void {
    if (e.resource.kind !== 'CustomResourceDefinition') return;
    const name = e.object.metadata.name!;
    if (e.type === 'DELETED') {
      const t = resourceOfCrd(e.object);
      this.served.remove(t.group, t.plural);
      return;
    }
    if (!established(e.object)) this.queue.addAfter(name, this.establishMs);
  }

  private reconcile(name: string): Promise<void> {
    const crd = this.api.tryGet(this.crds, undefined, name) as Loose | undefined;
    if (!crd || crd.metadata.deletionTimestamp) return Promise.resolve();
    const type = resourceOfCrd(crd);
    this.served.add(type);
    this.api.mutate(this.crds, undefined, name, (o) => {
      const next = o as Loose;
      if (established(next)) return false;
      const now = timestamp();
      next.status = {
        conditions: [
          { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: now },
          { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: now },
        ],
        acceptedNames: structuredClone(next.spec?.names ?? {}),
        storedVersions: [type.versions[0]!],
      };
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
