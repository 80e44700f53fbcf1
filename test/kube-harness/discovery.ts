/**
 * API discovery documents (/api, /api/v1, /apis, /apis/<group>, /apis/<group>/<version>) listing
 * exactly the groups, versions and resources the harness serves, in the legacy (non-aggregated)
 * format every client understands.
 */
import { KUBEVIRT_SUBRESOURCES, KUBEVIRT_SUBRESOURCE_GROUP, ServedResources, type ResourceType } from './resources.js';

const EVERYTHING = ServedResources.all();

export const SERVER_ADDRESS = [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }];

export function versionInfo(): Record<string, string> {
  return {
    major: '1',
    minor: '36',
    gitVersion: 'v1.36.0-ruddervirt-kube-harness',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-08-01T00:00:00Z',
    goVersion: 'go1.25',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function coreVersions(): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: SERVER_ADDRESS };
}

function groupDocument(name: string, versions: string[]): Record<string, unknown> {
  const list = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: list, preferredVersion: list[0] };
}

export function groupList(served: ServedResources = EVERYTHING): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: served.groups().map((g) => groupDocument(g.name, g.versions)) };
}

export function group(name: string, served: ServedResources = EVERYTHING): Record<string, unknown> | undefined {
  const g = served.groups().find((x) => x.name === name);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(g.name, g.versions) } : undefined;
}

function entries(t: ResourceType): Record<string, unknown>[] {
  const main = {
    name: t.plural,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: [...t.verbs],
    ...(t.shortNames ? { shortNames: [...t.shortNames] } : {}),
    ...(t.virtual ? {} : { storageVersionHash: Buffer.from(`${t.group}/${t.plural}`).toString('base64').slice(0, 11) }),
  };
  const subs: Record<string, unknown>[] = [];
  if (t.status) subs.push({ name: `${t.plural}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] });
  if (t.scale) subs.push({ name: `${t.plural}/scale`, singularName: '', namespaced: t.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
  for (const s of t.extraSubresources ?? []) subs.push({ name: `${t.plural}/${s.name}`, singularName: '', namespaced: t.namespaced, kind: s.kind ?? t.kind, verbs: [...s.verbs] });
  return [main, ...subs];
}

export function resourceList(groupName: string, version: string, served: ServedResources = EVERYTHING): Record<string, unknown> | undefined {
  const groupVersion = groupName ? `${groupName}/${version}` : version;
  if (groupName === KUBEVIRT_SUBRESOURCE_GROUP) {
    if (version !== 'v1' || !served.servesKubevirtSubresources()) return undefined;
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion,
      resources: KUBEVIRT_SUBRESOURCES.map((s) => ({ name: s.name, singularName: '', namespaced: true, kind: '', verbs: [...s.verbs] })),
    };
  }
  const types = served.list().filter((t) => t.group === groupName && t.versions.includes(version));
  if (types.length === 0) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources: types.flatMap(entries) };
}
