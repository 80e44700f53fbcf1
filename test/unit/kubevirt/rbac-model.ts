/**
 * An RBAC authorizer over Role/ClusterRole objects (as kube-apiserver evaluates them for one
 * ServiceAccount), for tests: which calls the shipped docs/rbac.yaml allows.
 */
import { parseAllDocuments } from 'yaml';
import type { AccessAttributes } from '../../../src/engines/kubevirt/discovery-client.js';
import { rulesAllow, type PolicyRule } from '../../../src/engines/kubevirt/rbac.js';

interface RbacDoc {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: PolicyRule[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace: string }[];
}

export interface Authorizer {
  allows(attributes: AccessAttributes): boolean;
  docs: RbacDoc[];
}

export function authorizerFor(yaml: string, subject: { name: string; namespace: string }): Authorizer {
  const docs = parseAllDocuments(yaml).map((d) => d.toJS() as RbacDoc);
  const bound = (binding: RbacDoc) => (binding.subjects ?? []).some((s) => s.kind === 'ServiceAccount' && s.name === subject.name && s.namespace === subject.namespace);
  const role = (kind: string, name: string, namespace?: string) => docs.find((d) => d.kind === kind && d.metadata.name === name && (kind === 'ClusterRole' || d.metadata.namespace === namespace));
  return {
    docs,
    allows(a) {
      const call = { verb: a.verb as never, group: a.group, resource: a.resource, ...(a.subresource ? { subresource: a.subresource } : {}), scope: 'namespace' as const, feature: 'core' as const, why: '' };
      for (const b of docs) {
        if (!bound(b)) continue;
        // A ClusterRoleBinding grants everywhere; a RoleBinding only in its namespace.
        if (b.kind === 'ClusterRoleBinding') {
          const r = role('ClusterRole', b.roleRef!.name);
          if (r && rulesAllow(r.rules ?? [], call)) return true;
        }
        if (b.kind === 'RoleBinding' && a.namespace === b.metadata.namespace) {
          const r = role(b.roleRef!.kind, b.roleRef!.name, b.metadata.namespace);
          if (r && rulesAllow(r.rules ?? [], call)) return true;
        }
      }
      return false;
    },
  };
}
