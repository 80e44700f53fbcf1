/**
 * Which recorded API requests the table of calls (src/engines/kubevirt/api-calls.ts) does not
 * cover. The shipped RBAC is generated from that table, so a request outside it is one a
 * least-privilege builder would be refused on a real cluster. The request is turned into RBAC
 * attributes here, from its method, path and query alone, the way the real authorizers do —
 * not by the harness's router nor by the engine — so neither side can agree with itself by mistake:
 * - kube-apiserver's RequestInfoFactory (kubernetes/kubernetes
 *   staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go@v1.34.0): the subresource
 *   is the one path segment after the name; GET on a collection is list, or watch with ?watch;
 * - virt-api's authorizer for KubeVirt's aggregated subresources (kubevirt/kubevirt
 *   pkg/virt-api/rest/authorizer.go@v1.9.0): everything after the name is the subresource,
 *   except portforward, whose port and protocol are not subject to RBAC.
 */
import { ALWAYS_ALLOWED_CALLS, API_CALLS, CDI_NAMESPACE, NON_RESOURCE_CALLS, describeCall, type ApiCall, type CallScope } from '../../src/engines/kubevirt/api-calls.js';

/** What the harness's request log holds of a request (test/kube-harness/request-log.ts). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
}

export interface RequestAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
}

const KUBEVIRT_SUBRESOURCES = 'subresources.kubevirt.io';

function verbOf(method: string, named: boolean, query: URLSearchParams): string {
  switch (method.toUpperCase()) {
    case 'GET':
    case 'HEAD': {
      if (named) return 'get';
      // Any value but false or 0 is a watch; a named GET stays a get.
      const watch = query.get('watch');
      return watch !== null && !['false', '0'].includes(watch.toLowerCase()) ? 'watch' : 'list';
    }
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/** The RBAC attributes of a request, or a non-resource path ('/api', '/apis/kubevirt.io', …). */
export function requestAttributes(r: RecordedRequest): RequestAttributes | { nonResource: string; verb: string } {
  const parts = r.path.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) {
    group = '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1]!;
    rest = parts.slice(3);
  } else return { nonResource: r.path, verb: r.method.toLowerCase() };
  if (rest.length === 0) return { nonResource: r.path, verb: r.method.toLowerCase() };
  // The deprecated /watch/ prefix: a watch of what follows.
  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  // A namespace's own subresources (status, finalize) stay on the namespaces resource.
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !['status', 'finalize'].includes(rest[2]!)) rest = rest.slice(2);
  }
  const [resource = '', name, ...after] = rest;
  let subresource: string | undefined;
  if (after.length > 0) subresource = group === KUBEVIRT_SUBRESOURCES ? (after[0] === 'portforward' ? 'portforward' : after.join('/')) : after[0];
  const verb = watchPrefix ? 'watch' : verbOf(r.method, name !== undefined, r.query);
  return { verb, group, resource, ...(subresource ? { subresource } : {}), ...(namespace !== undefined ? { namespace } : {}) };
}

function scopeOf(a: RequestAttributes): CallScope {
  if (a.namespace === undefined) return 'cluster';
  return a.namespace === CDI_NAMESPACE ? 'cdi-namespace' : 'namespace';
}

function nonResourceAllowed(path: string, verb: string): boolean {
  return NON_RESOURCE_CALLS.some((c) => c.verb === verb && (c.path === path || (c.path.endsWith('*') && path.startsWith(c.path.slice(0, -1)))));
}

/** The rows of the table `a` maps to (verb, group, resource/subresource and scope all equal). */
export function rowsFor(a: RequestAttributes): ApiCall[] {
  return [...API_CALLS, ...ALWAYS_ALLOWED_CALLS].filter((c) => c.verb === a.verb && c.group === a.group && c.resource === a.resource && (c.subresource ?? '') === (a.subresource ?? '') && c.scope === scopeOf(a));
}

function describe(a: RequestAttributes): string {
  const where = a.namespace === undefined ? 'cluster' : `namespace ${a.namespace}`;
  return `${describeCall({ verb: a.verb as ApiCall['verb'], group: a.group, resource: a.resource, ...(a.subresource ? { subresource: a.subresource } : {}), scope: scopeOf(a), feature: 'core', why: '' })} (${where})`;
}

/**
 * The calls no row of the table covers, each as "verb group/resource[/sub] (where) ← METHOD path"
 * of the first request that made it, sorted; [] when the table covers every request.
 */
export function unmappedRequests(requests: readonly RecordedRequest[]): string[] {
  // One line per missing row, with the first request that needed it.
  const out = new Map<string, string>();
  for (const r of requests) {
    const a = requestAttributes(r);
    const missing = 'nonResource' in a ? (nonResourceAllowed(a.nonResource, a.verb) ? undefined : `${a.verb} ${a.nonResource} (non-resource)`) : rowsFor(a).length === 0 ? describe(a) : undefined;
    if (missing && !out.has(missing)) out.set(missing, `${missing} ← ${r.method} ${r.path}`);
  }
  return [...out.values()].sort();
}
