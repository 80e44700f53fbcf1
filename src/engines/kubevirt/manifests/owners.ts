/**
 * Owner references, filled in at creation time: once the run's root ConfigMap (and each Vpc) has
 * a uid, every object it owns gets a reference to it, so deleting the root deletes the run's
 * namespaced objects and deleting a Vpc its Subnets (Kubernetes garbage collection).
 *
 * blockOwnerDeletion stays unset: setting it needs `update` on the owner's finalizers, one more
 * permission for no gain (we never wait on foreground deletion of the root).
 */
import type { Owner, RenderedObject } from './rendered.js';
import type { AnyManifest, OwnerReference } from './types.js';

export interface CreatedOwner {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

export interface OwnerUids {
  run: CreatedOwner;
  /** By Vpc object name. */
  vpcs: ReadonlyMap<string, CreatedOwner>;
}

export function ownerReference(owner: CreatedOwner): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid };
}

/** The owner of a rendered object once its owner exists; undefined for unowned objects. */
export function resolveOwner(owner: Owner, uids: OwnerUids): CreatedOwner | undefined {
  switch (owner.kind) {
    case 'run':
      return uids.run;
    case 'vpc': {
      const vpc = uids.vpcs.get(owner.name);
      if (!vpc) throw new Error(`internal: Vpc ${owner.name} must be created before the objects it owns`);
      return vpc;
    }
    case 'none':
      return undefined;
  }
}

/** A copy of the object with its owner reference set (the rendered object is left as it is). */
export function withOwner<T extends AnyManifest>(rendered: RenderedObject & { object: T }, uids: OwnerUids): T {
  const owner = resolveOwner(rendered.owner, uids);
  const copy = structuredClone(rendered.object);
  if (owner) copy.metadata.ownerReferences = [ownerReference(owner)];
  return copy;
}
