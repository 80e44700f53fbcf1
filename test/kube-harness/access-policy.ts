/**
 * Authorization: everything is allowed except what a test denies. Denials answer both
 * SelfSubjectAccessReviews (allowed: false with an RBAC-like reason) and the requests themselves
 * (403 Forbidden with kube-apiserver's wording), so a client's permission check and its real calls
 * agree, as with RBAC.
 */
import { ApiError } from './api-errors.js';

export const HARNESS_USER = 'system:serviceaccount:ruddervirt:builder';

export interface AccessRule {
  verb?: string;
  /** "" is the core group. */
  group?: string;
  resource?: string;
  subresource?: string;
  /** Undefined matches every namespace and cluster-scoped requests. */
  namespace?: string;
}

export interface AccessAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export class AccessPolicy {
  private denials: AccessRule[] = [];

  setDenials(rules: readonly AccessRule[]): void {
    this.denials = rules.map((r) => ({ ...r }));
  }

  private deniedBy(a: AccessAttributes): AccessRule | undefined {
    return this.denials.find(
      (r) =>
        (r.verb === undefined || r.verb === a.verb) &&
        (r.group === undefined || r.group === a.group) &&
        (r.resource === undefined || r.resource === a.resource) &&
        (r.subresource === undefined || r.subresource === (a.subresource ?? '')) &&
        (r.namespace === undefined || r.namespace === a.namespace),
    );
  }

  allowed(a: AccessAttributes): boolean {
    return this.deniedBy(a) === undefined;
  }

  /** Throws kube-apiserver's 403 when `a` is denied. */
  authorize(a: AccessAttributes): void {
    if (this.allowed(a)) return;
    const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    const qualified = a.group ? `${a.resource}.${a.group}` : a.resource;
    const where = a.namespace ? ` in the namespace "${a.namespace}"` : ' at the cluster scope';
    throw new ApiError(403, 'Forbidden', `${qualified}${a.name ? ` "${a.name}"` : ''} is forbidden: User "${HARNESS_USER}" cannot ${a.verb} resource "${resource}" in API group "${a.group}"${where}`, {
      ...(a.name ? { name: a.name } : {}),
      ...(a.group ? { group: a.group } : {}),
      kind: a.resource,
    });
  }

  /** The status of a SelfSubjectAccessReview for `spec`. */
  review(spec: { resourceAttributes?: Partial<AccessAttributes>; nonResourceAttributes?: { path?: string; verb?: string } }): { allowed: boolean; denied?: boolean; reason?: string } {
    const r = spec.resourceAttributes;
    if (!r) return { allowed: true, reason: 'the kube harness allows every non-resource request' };
    const attributes: AccessAttributes = {
      verb: r.verb ?? '',
      group: r.group ?? '',
      resource: r.resource ?? '',
      ...(r.subresource ? { subresource: r.subresource } : {}),
      ...(r.namespace ? { namespace: r.namespace } : {}),
    };
    return this.allowed(attributes) ? { allowed: true, reason: 'RBAC: allowed by the kube harness' } : { allowed: false, denied: true, reason: 'RBAC: denied by a rule of the test' };
  }
}
