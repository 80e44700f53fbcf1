/**
 * The least-privilege RBAC for the kubevirt engine, generated from the table of calls
 * (api-calls.ts): one Role in the build namespace, a Role in CDI's namespace for uploads, and two
 * ClusterRoles — network (Kube-OVN VPCs and subnets are cluster-scoped: only builds that declare
 * network.vpcs need it) and discovery (read-only, optional). docs/rbac.yaml is this output for a
 * sample namespace; `ruddervirt render --rbac --namespace NS` prints it for yours.
 *
 * rulesAllow implements RBAC's matching (verbs, groups, resources, "resource/subresource", "*"),
 * so tests can check the shipped roles against every call.
 */
import { stringify } from 'yaml';
import { ALWAYS_ALLOWED_CALLS, API_CALLS, CDI_NAMESPACE, NON_RESOURCE_CALLS, type ApiCall, type CallScope, type Feature } from './api-calls.js';

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}

interface RbacObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  rules?: PolicyRule[];
  roleRef?: { apiGroup: string; kind: string; name: string };
  subjects?: { kind: string; name: string; namespace: string }[];
}

const VERB_ORDER = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

function ruleResource(call: ApiCall): string {
  return call.subresource ? `${call.resource}/${call.subresource}` : call.resource;
}

/** Rules granting exactly `calls`: one rule per group and verb set, resources sorted. */
export function rulesFor(calls: readonly ApiCall[]): PolicyRule[] {
  const verbsByResource = new Map<string, Set<string>>();
  for (const call of calls) {
    const key = `${call.group}\u0000${ruleResource(call)}`;
    const verbs = verbsByResource.get(key) ?? new Set<string>();
    verbs.add(call.verb);
    verbsByResource.set(key, verbs);
  }
  const rules = new Map<string, PolicyRule>();
  for (const [key, verbSet] of verbsByResource) {
    const [group = '', resource = ''] = key.split('\u0000');
    const verbs = [...verbSet].sort((a, b) => VERB_ORDER.indexOf(a) - VERB_ORDER.indexOf(b));
    const ruleKey = `${group}\u0000${verbs.join(',')}`;
    const rule = rules.get(ruleKey) ?? { apiGroups: [group], resources: [], verbs };
    rule.resources!.push(resource);
    rules.set(ruleKey, rule);
  }
  const list = [...rules.values()];
  for (const r of list) r.resources!.sort();
  return list.sort((a, b) => a.apiGroups![0]!.localeCompare(b.apiGroups![0]!) || a.resources![0]!.localeCompare(b.resources![0]!) || a.verbs.join().localeCompare(b.verbs.join()));
}

function matches(list: readonly string[] | undefined, value: string): boolean {
  return (list ?? []).some((v) => v === '*' || v === value);
}

/** Whether `rules` allow `call`, by Kubernetes RBAC's matching. */
export function rulesAllow(rules: readonly PolicyRule[], call: ApiCall): boolean {
  const resource = ruleResource(call);
  return rules.some(
    (r) => matches(r.verbs, call.verb) && matches(r.apiGroups, call.group) && (r.resources ?? []).some((res) => res === '*' || res === resource || (call.subresource !== undefined && res === `*/${call.subresource}`)),
  );
}

export function rulesAllowPath(rules: readonly PolicyRule[], verb: string, path: string): boolean {
  return rules.some((r) => matches(r.verbs, verb) && (r.nonResourceURLs ?? []).some((u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1)))));
}

export interface RoleSet {
  name: string;
  kind: 'Role' | 'ClusterRole';
  /** For a Role: where it lives. */
  namespace?: string;
  calls: ApiCall[];
  nonResource: boolean;
  purpose: string;
}

export const ROLE_NAMES = {
  builder: 'ruddervirt-builder',
  upload: 'ruddervirt-builder-upload',
  network: 'ruddervirt-builder-network',
  discovery: 'ruddervirt-builder-discovery',
} as const;

/** Which role each call belongs to. */
export function roleOf(call: ApiCall): keyof typeof ROLE_NAMES {
  const byScope: Record<CallScope, (f: Feature) => keyof typeof ROLE_NAMES> = {
    namespace: () => 'builder',
    'cdi-namespace': () => 'upload',
    cluster: (f) => (f === 'network' ? 'network' : 'discovery'),
  };
  return byScope[call.scope](call.feature);
}

export function roleSets(namespace: string): RoleSet[] {
  const all = [...API_CALLS, ...ALWAYS_ALLOWED_CALLS];
  const of = (role: keyof typeof ROLE_NAMES) => all.filter((c) => roleOf(c) === role);
  return [
    { name: ROLE_NAMES.builder, kind: 'Role', namespace, calls: of('builder'), nonResource: false, purpose: 'everything a build does in its namespace' },
    { name: ROLE_NAMES.upload, kind: 'Role', namespace: CDI_NAMESPACE, calls: of('upload'), nonResource: false, purpose: 'uploads of local disks and ISOs through cdi-uploadproxy' },
    { name: ROLE_NAMES.network, kind: 'ClusterRole', calls: of('network'), nonResource: false, purpose: 'Kube-OVN VPCs and subnets (only for builds with network.vpcs)' },
    { name: ROLE_NAMES.discovery, kind: 'ClusterRole', calls: of('discovery'), nonResource: true, purpose: 'read-only discovery of what the cluster offers (optional)' },
  ];
}

export interface RbacOptions {
  /** The build namespace. */
  namespace: string;
  /** The ServiceAccount the bindings name (in the build namespace). */
  serviceAccount: string;
}

const LABELS = { 'app.kubernetes.io/managed-by': 'ruddervirt', 'app.kubernetes.io/component': 'rbac' };

export function rbacObjects(options: RbacOptions): RbacObject[] {
  const subject = { kind: 'ServiceAccount', name: options.serviceAccount, namespace: options.namespace };
  const out: RbacObject[] = [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: options.serviceAccount, namespace: options.namespace, labels: LABELS } }];
  for (const set of roleSets(options.namespace)) {
    const rules = rulesFor(set.calls);
    if (set.nonResource) rules.push({ nonResourceURLs: NON_RESOURCE_CALLS.map((c) => c.path), verbs: ['get'] });
    const ns = set.namespace ? { namespace: set.namespace } : {};
    out.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: set.kind, metadata: { name: set.name, ...ns, labels: LABELS }, rules });
    out.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: set.kind === 'Role' ? 'RoleBinding' : 'ClusterRoleBinding',
      metadata: { name: set.kind === 'ClusterRole' ? `${set.name}-${options.namespace}-${options.serviceAccount}` : set.name, ...ns, labels: LABELS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: set.kind, name: set.name },
      subjects: [subject],
    });
  }
  return out;
}

export function rbacYaml(options: RbacOptions): string {
  const header = [
    '# Least-privilege RBAC for the RudderVirt kubevirt engine, generated from',
    '# src/engines/kubevirt/api-calls.ts (ruddervirt render --rbac --namespace NS [--service-account SA]).',
    ...roleSets(options.namespace).map((s) => `#   ${s.name} (${s.kind}${s.namespace ? ` in ${s.namespace}` : ''}): ${s.purpose}`),
    '# Secrets are only created and deleted, never read. Bind the ServiceAccount (or your CI user) and',
    '# drop the network ClusterRole when no build declares network.vpcs.',
  ].join('\n');
  return `${header}\n${rbacObjects(options)
    .map((o) => `---\n${stringify(o, { lineWidth: 0 })}`)
    .join('')}`;
}
