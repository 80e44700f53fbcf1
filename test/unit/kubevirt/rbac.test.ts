/**
 * The shipped least-privilege RBAC (docs/rbac.yaml): generated from the table of calls, covering
 * every call we make in the scope we make it, granting nothing else, and no wildcards.
 * Regenerate the doc with `npm run generate` after changing api-calls.ts.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALWAYS_ALLOWED_CALLS, API_CALLS, CDI_NAMESPACE, NON_RESOURCE_CALLS, describeCall, type ApiCall } from '../../../src/engines/kubevirt/api-calls.js';
import { rulesAllow, rulesAllowPath, rulesFor } from '../../../src/engines/kubevirt/rbac.js';
import { RBAC_DOC, RBAC_NAMESPACE, RBAC_SERVICE_ACCOUNT, rbacDoc } from '../../../scripts/generated-files.js';
import { authorizerFor } from './rbac-model.js';
import { requestAttributes, unmappedRequests } from '../../helpers/api-call-coverage.js';

const DOC = RBAC_DOC;
const NAMESPACE = RBAC_NAMESPACE;
const SA = { name: RBAC_SERVICE_ACCOUNT, namespace: NAMESPACE };

function namespaceOf(call: ApiCall): string | undefined {
  return call.scope === 'namespace' ? NAMESPACE : call.scope === 'cdi-namespace' ? CDI_NAMESPACE : undefined;
}

describe('docs/rbac.yaml', () => {
  it('is what the table of calls generates', () => {
    expect(readFileSync(DOC, 'utf8'), 'docs/rbac.yaml is stale: run npm run generate').toBe(rbacDoc());
  });

  it('allows every call we make, in the scope we make it', () => {
    const authz = authorizerFor(readFileSync(DOC, 'utf8'), SA);
    const missing = [...API_CALLS, ...ALWAYS_ALLOWED_CALLS].filter((c) => {
      const ns = namespaceOf(c);
      return !authz.allows({ ...(ns ? { namespace: ns } : {}), verb: c.verb, group: c.group, resource: c.resource, ...(c.subresource ? { subresource: c.subresource } : {}) });
    });
    expect(missing.map(describeCall)).toEqual([]);
    const clusterRules = authz.docs.filter((d) => d.kind === 'ClusterRole').flatMap((d) => d.rules ?? []);
    for (const c of NON_RESOURCE_CALLS) expect(rulesAllowPath(clusterRules, c.verb, c.path)).toBe(true);
  });

  it('grants nothing we do not call, and no wildcards', () => {
    const authz = authorizerFor(readFileSync(DOC, 'utf8'), SA);
    const all = [...API_CALLS, ...ALWAYS_ALLOWED_CALLS];
    const extra: string[] = [];
    for (const doc of authz.docs) {
      for (const rule of doc.rules ?? []) {
        expect(rule.verbs).not.toContain('*');
        expect(rule.apiGroups ?? []).not.toContain('*');
        expect(rule.resources ?? []).not.toContain('*');
        for (const group of rule.apiGroups ?? []) {
          for (const res of rule.resources ?? []) {
            const [resource, ...sub] = res.split('/');
            for (const verb of rule.verbs) {
              const used = all.some(
                (c) =>
                  c.group === group &&
                  c.resource === resource &&
                  (c.subresource ?? '') === sub.join('/') &&
                  c.verb === verb &&
                  (doc.kind === 'ClusterRole' ? c.scope === 'cluster' : namespaceOf(c) === doc.metadata.namespace),
              );
              if (!used) extra.push(`${doc.kind} ${doc.metadata.name}: ${verb} ${group}/${res}`);
            }
          }
        }
      }
    }
    expect(extra).toEqual([]);
  });

  it('never reads Secrets', () => {
    const authz = authorizerFor(readFileSync(DOC, 'utf8'), SA);
    for (const verb of ['get', 'list', 'watch']) expect(authz.allows({ namespace: NAMESPACE, verb, group: '', resource: 'secrets' })).toBe(false);
    expect(authz.allows({ namespace: NAMESPACE, verb: 'create', group: '', resource: 'secrets' })).toBe(true);
    // A Role in the build namespace grants nothing elsewhere.
    expect(authz.allows({ namespace: 'other', verb: 'create', group: 'kubevirt.io', resource: 'virtualmachines' })).toBe(false);
  });
});

describe('rulesFor and rulesAllow', () => {
  const key = (c: ApiCall) => `${c.verb} ${c.group} ${c.resource} ${c.subresource ?? ''}`;

  it('rules generated for any subset of calls allow exactly that subset (property)', () => {
    fc.assert(
      fc.property(fc.subarray([...API_CALLS]), (subset) => {
        const rules = rulesFor(subset);
        const granted = new Set(subset.map(key));
        for (const call of API_CALLS) expect(rulesAllow(rules, call)).toBe(granted.has(key(call)));
      }),
      { numRuns: 200 },
    );
  });

  it('follows RBAC wildcards and subresource matching', () => {
    const vnc: ApiCall = { verb: 'get', group: 'subresources.kubevirt.io', resource: 'virtualmachineinstances', subresource: 'vnc', scope: 'namespace', feature: 'core', why: '' };
    expect(rulesAllow([{ apiGroups: ['subresources.kubevirt.io'], resources: ['virtualmachineinstances'], verbs: ['get'] }], vnc)).toBe(false);
    expect(rulesAllow([{ apiGroups: ['subresources.kubevirt.io'], resources: ['virtualmachineinstances/vnc'], verbs: ['get'] }], vnc)).toBe(true);
    expect(rulesAllow([{ apiGroups: ['*'], resources: ['*/vnc'], verbs: ['*'] }], vnc)).toBe(true);
    expect(rulesAllow([{ apiGroups: ['kubevirt.io'], resources: ['*'], verbs: ['get'] }], vnc)).toBe(false);
    const screenshot = { ...vnc, subresource: 'vnc/screenshot' };
    expect(rulesAllow([{ apiGroups: ['subresources.kubevirt.io'], resources: ['virtualmachineinstances/vnc'], verbs: ['get'] }], screenshot)).toBe(false);
  });
});

describe('unmappedRequests (the e2e check that every request is a row of the table)', () => {
  const req = (method: string, url: string) => {
    const u = new URL(url, 'https://cluster');
    return { method, path: u.pathname, query: u.searchParams };
  };

  it('derives RBAC attributes as kube-apiserver and virt-api do', () => {
    expect(requestAttributes(req('GET', '/apis/subresources.kubevirt.io/v1/namespaces/ns/virtualmachineinstances/vm/portforward/22/tcp'))).toEqual({
      verb: 'get',
      group: 'subresources.kubevirt.io',
      resource: 'virtualmachineinstances',
      subresource: 'portforward',
      namespace: 'ns',
    });
    expect(requestAttributes(req('GET', '/apis/subresources.kubevirt.io/v1/namespaces/ns/virtualmachineinstances/vm/vnc/screenshot'))).toMatchObject({ subresource: 'vnc/screenshot' });
    expect(requestAttributes(req('GET', '/api/v1/namespaces/ns/pods/p/log'))).toEqual({ verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: 'ns' });
    expect(requestAttributes(req('GET', '/api/v1/namespaces/ns/pods?watch=1'))).toMatchObject({ verb: 'watch', resource: 'pods' });
    expect(requestAttributes(req('GET', '/api/v1/namespaces/ns/pods?watch=false'))).toMatchObject({ verb: 'list' });
    expect(requestAttributes(req('GET', '/api/v1/namespaces/ns/pods/p?watch=true'))).toMatchObject({ verb: 'get' });
    expect(requestAttributes(req('DELETE', '/api/v1/namespaces/ns/secrets'))).toMatchObject({ verb: 'deletecollection' });
    expect(requestAttributes(req('GET', '/apis/kubevirt.io/v1/kubevirts'))).toEqual({ verb: 'list', group: 'kubevirt.io', resource: 'kubevirts' });
    expect(requestAttributes(req('GET', '/apis/kubevirt.io/v1'))).toEqual({ nonResource: '/apis/kubevirt.io/v1', verb: 'get' });
  });

  it('lists what the table lacks, scope included, once per missing row', () => {
    const fine = [
      req('GET', '/apis/subresources.kubevirt.io/v1/namespaces/ns/virtualmachineinstances/vm/vnc?preserveSession=false'),
      req('POST', `/api/v1/namespaces/${CDI_NAMESPACE}/pods/cdi-uploadproxy-0/portforward`),
      req('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'),
      req('GET', '/apis'),
      req('GET', '/version'),
    ];
    expect(unmappedRequests(fine)).toEqual([]);
    expect(
      unmappedRequests([
        ...fine,
        req('GET', '/apis/subresources.kubevirt.io/v1/namespaces/ns/virtualmachineinstances/vm/vnc/screenshot'),
        req('GET', '/apis/subresources.kubevirt.io/v1/namespaces/ns/virtualmachineinstances/other/vnc/screenshot'),
        req('GET', '/api/v1/namespaces/ns/secrets/s'),
        // A namespaced row does not cover the same call cluster-wide.
        req('GET', '/api/v1/pods'),
        req('GET', '/metrics'),
      ]),
    ).toEqual([
      'get /metrics (non-resource) ← GET /metrics',
      'get core/secrets (namespace ns) ← GET /api/v1/namespaces/ns/secrets/s',
      'get subresources.kubevirt.io/virtualmachineinstances/vnc/screenshot (namespace ns) ← GET /apis/subresources.kubevirt.io/v1/namespaces/ns/virtualmachineinstances/vm/vnc/screenshot',
      'list core/pods (cluster) ← GET /api/v1/pods',
    ]);
  });
});
