/**
 * Parses Kubernetes REST paths the way kube-apiserver routes them:
 *   /api/v1/<resource>[/<name>[/<subresource>…]]                 (cluster-scoped, or all namespaces)
 *   /api/v1/namespaces/<ns>/<resource>[/<name>[/<subresource>…]] (namespaced)
 *   /apis/<group>/<version>/…                                    (the same below a group)
 * and KubeVirt's aggregated subresource API
 *   /apis/subresources.kubevirt.io/v1/namespaces/<ns>/<virtualmachineinstances|virtualmachines>/<name>/<subresource…>
 */
import { KUBEVIRT_SUBRESOURCE_GROUP, ServedResources, type ResourceType } from './resources.js';

const EVERYTHING = ServedResources.all();

export type ParsedPath =
  | { type: 'core-versions' }
  | { type: 'groups' }
  | { type: 'group'; group: string }
  | { type: 'resource-list'; group: string; version: string }
  | { type: 'resource'; resource: ResourceType; group: string; version: string; namespace?: string; name?: string; subresource: string[] }
  | { type: 'kubevirt'; namespace: string; kind: 'virtualmachineinstances' | 'virtualmachines'; name: string; subresource: string[] }
  | { type: 'unknown' };

/** `served`: what the harness serves now (default: everything installed). */
export function parseRequestPath(pathname: string, served: ServedResources = EVERYTHING): ParsedPath {
  let segments: string[];
  try {
    segments = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return { type: 'unknown' };
  }
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (segments[0] === 'api') {
    if (segments.length === 1) return { type: 'core-versions' };
    group = '';
    version = segments[1];
    rest = segments.slice(2);
  } else if (segments[0] === 'apis') {
    if (segments.length === 1) return { type: 'groups' };
    group = segments[1]!;
    if (segments.length === 2) return { type: 'group', group };
    version = segments[2];
    rest = segments.slice(3);
  } else return { type: 'unknown' };
  if (version === undefined) return { type: 'unknown' };
  if (rest.length === 0) return { type: 'resource-list', group, version };

  if (group === KUBEVIRT_SUBRESOURCE_GROUP) {
    if (!served.servesKubevirtSubresources()) return { type: 'unknown' };
    const [ns, namespace, kind, name, ...subresource] = rest;
    if (ns !== 'namespaces' || !namespace || (kind !== 'virtualmachineinstances' && kind !== 'virtualmachines') || !name || subresource.length === 0) return { type: 'unknown' };
    return { type: 'kubevirt', namespace, kind, name, subresource };
  }

  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const resource = served.find(group, version, rest[2]!);
    if (resource?.namespaced) {
      return { type: 'resource', resource, group, version, namespace: rest[1]!, ...(rest[3] !== undefined ? { name: rest[3] } : {}), subresource: rest.slice(4) };
    }
  }
  const resource = served.find(group, version, rest[0]!);
  if (!resource) return { type: 'unknown' };
  // A namespaced resource without a namespace is only a list over all namespaces.
  if (resource.namespaced && rest.length > 1) return { type: 'unknown' };
  return { type: 'resource', resource, group, version, ...(rest[1] !== undefined ? { name: rest[1] } : {}), subresource: rest.slice(2) };
}
