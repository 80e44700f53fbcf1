/**
 * Properties of the harness's parsers and patch engines (fast-check), plus examples: label
 * selectors round-trip and match as their definition says; merge, strategic merge and JSON
 * patches and server-side apply behave as their specifications require; REST paths parse into
 * the parts they were built from.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../kube-harness/api-errors.js';
import type { KubeObject } from '../../kube-harness/object-store.js';
import { jsonPatch, mergePatch, strategicMergePatch, type Json } from '../../kube-harness/patches.js';
import { parseRequestPath } from '../../kube-harness/request-path.js';
import { formatLabelSelector, matchesLabels, parseFieldSelector, parseLabelSelector, type LabelRequirement } from '../../kube-harness/selectors.js';
import { serverSideApply } from '../../kube-harness/server-side-apply.js';

const labelName = fc.stringMatching(/^[a-z0-9]([-a-z0-9_.]{0,10}[a-z0-9])?$/);
const labelKey = fc.tuple(fc.option(fc.stringMatching(/^[a-z]{1,5}\.io$/), { nil: undefined }), labelName).map(([p, n]) => (p ? `${p}/${n}` : n));
const labelValue = fc.stringMatching(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,8}[A-Za-z0-9])?)?$/);
const requirement: fc.Arbitrary<LabelRequirement> = fc.oneof(
  fc.record({ key: labelKey, op: fc.constantFrom('in' as const, 'notin' as const), values: fc.array(labelValue, { minLength: 1, maxLength: 3 }) }),
  fc.record({ key: labelKey, op: fc.constantFrom('exists' as const, '!exists' as const) }),
);
const labels = fc.dictionary(labelKey, labelValue, { maxKeys: 4 });

const jsonLeaf = fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.boolean());
const jsonMap: fc.Arbitrary<Record<string, Json>> = fc.letrec((tie) => ({
  map: fc.dictionary(fc.stringMatching(/^[a-z]{1,4}$/), fc.oneof({ depthSize: 'small' }, jsonLeaf, tie('map') as fc.Arbitrary<Json>, fc.array(jsonLeaf, { maxLength: 3 })), { maxKeys: 4 }),
})).map as fc.Arbitrary<Record<string, Json>>;

describe('label selectors', () => {
  it('parse what they format', () => {
    fc.assert(
      fc.property(fc.array(requirement, { minLength: 1, maxLength: 4 }), (reqs) => {
        expect(parseLabelSelector(formatLabelSelector(reqs))).toEqual(reqs);
      }),
    );
  });

  it('match by their definition', () => {
    fc.assert(
      fc.property(fc.array(requirement, { maxLength: 4 }), labels, (reqs, l) => {
        const expected = reqs.every((r) => {
          const has = Object.hasOwn(l, r.key);
          if (r.op === 'exists') return has;
          if (r.op === '!exists') return !has;
          if (r.op === 'in') return has && r.values.includes(l[r.key]!);
          if (r.op === 'notin') return !has || !r.values.includes(l[r.key]!);
          return false;
        });
        expect(matchesLabels(reqs, l)).toBe(expected);
      }),
    );
  });

  it('read the forms kubectl writes, and refuse nonsense with a 400', () => {
    expect(parseLabelSelector('app=web,tier in (a, b),!legacy,env!=prod')).toEqual([
      { key: 'app', op: 'in', values: ['web'] },
      { key: 'tier', op: 'in', values: ['a', 'b'] },
      { key: 'legacy', op: '!exists' },
      { key: 'env', op: 'notin', values: ['prod'] },
    ]);
    for (const bad of ['a=b,', 'bad key=x', '=x']) {
      expect(() => parseLabelSelector(bad)).toThrow(ApiError);
    }
    expect(() => parseFieldSelector('spec.foo=bar', 'ConfigMap')).toThrow(/not a known field selector/);
    expect(parseFieldSelector('involvedObject.name=x,type!=Normal', 'Event')).toEqual([
      { field: 'involvedObject.name', op: '=', value: 'x' },
      { field: 'type', op: '!=', value: 'Normal' },
    ]);
  });
});

describe('patches', () => {
  it('merge patches are idempotent and set every leaf they carry (RFC 7386)', () => {
    fc.assert(
      fc.property(jsonMap, jsonMap, (target, patch) => {
        const once = mergePatch(target, patch);
        expect(mergePatch(once, patch)).toEqual(once);
        for (const [k, v] of Object.entries(patch)) {
          if (typeof v !== 'object' || v === null || Array.isArray(v)) expect((once as Record<string, Json>)[k]).toEqual(v);
        }
      }),
    );
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 } }, { a: null, b: { c: null, e: 4 } })).toEqual({ b: { d: 3, e: 4 } });
  });

  it('strategic merge patches merge keyed lists idempotently and keep elements they do not name', () => {
    const container = fc.record({ name: fc.constantFrom('a', 'b', 'c', 'd'), image: fc.string({ maxLength: 4 }) });
    fc.assert(
      fc.property(fc.uniqueArray(container, { selector: (c) => c.name, maxLength: 4 }), fc.uniqueArray(container, { selector: (c) => c.name, maxLength: 4 }), (current, patch) => {
        const target = { spec: { containers: current } } as unknown as Json;
        const body = { spec: { containers: patch } } as unknown as Json;
        const once = strategicMergePatch(target, body) as { spec: { containers: { name: string; image: string }[] } };
        expect(strategicMergePatch(once as unknown as Json, body)).toEqual(once);
        for (const c of current) expect(once.spec.containers.some((x) => x.name === c.name)).toBe(true);
        for (const p of patch) expect(once.spec.containers.find((x) => x.name === p.name)?.image).toBe(p.image);
      }),
    );
    const deleted = strategicMergePatch({ spec: { volumes: [{ name: 'a' }, { name: 'b' }] } }, { spec: { volumes: [{ name: 'a', $patch: 'delete' }] } });
    expect(deleted).toEqual({ spec: { volumes: [{ name: 'b' }] } });
    const finalizers = strategicMergePatch({ metadata: { finalizers: ['x', 'y'] } }, { metadata: { $deleteFromPrimitiveList: undefined, '$deleteFromPrimitiveList/finalizers': ['x'] } as unknown as Json });
    expect(finalizers).toEqual({ metadata: { finalizers: ['y'] } });
  });

  it('JSON patches: remove undoes add, and a failed test changes nothing', () => {
    fc.assert(
      fc.property(jsonMap, fc.stringMatching(/^[a-z]{5,6}$/), jsonLeaf, (doc, key, value) => {
        fc.pre(!(key in doc));
        const added = jsonPatch(doc, [{ op: 'add', path: `/${key}`, value }]);
        expect(jsonPatch(added, [{ op: 'remove', path: `/${key}` }])).toEqual(doc);
      }),
    );
    expect(() => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow(/test failed/);
    expect(
      jsonPatch({ l: [1, 3] }, [
        { op: 'add', path: '/l/1', value: 2 },
        { op: 'add', path: '/l/-', value: 4 },
      ]),
    ).toEqual({ l: [1, 2, 3, 4] });
  });

  it('server-side apply is idempotent and only removes what its manager stopped applying', () => {
    const base = (data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' }, data });
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[a-z]{1,3}$/), fc.string({ maxLength: 3 }), { maxKeys: 5 }),
        fc.dictionary(fc.stringMatching(/^[A-Z]{1,3}$/), fc.string({ maxLength: 3 }), { maxKeys: 5 }),
        (mine, theirs) => {
          const apply = (live: KubeObject | undefined, data: Record<string, string>, manager: string) =>
            serverSideApply({ live, applied: base(data), manager, force: false, builtIn: true, qualifiedName: 'configmaps', now: '2026-01-01T00:00:00Z' });
          const withTheirs = apply(undefined, theirs, 'them');
          const once = apply(withTheirs, mine, 'me');
          const twice = apply(once, mine, 'me');
          expect(twice).toEqual(once);
          const dropped = apply(once, {}, 'me');
          expect((dropped as { data?: Record<string, string> }).data ?? {}).toEqual(theirs);
        },
      ),
    );
  });
});

describe('REST paths', () => {
  const dns = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/);
  it('parse into the namespace, resource, name and subresource they were built from', () => {
    fc.assert(
      fc.property(dns, dns, fc.constantFrom('', '/status'), (ns, name, sub) => {
        const parsed = parseRequestPath(`/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachines/${name}${sub}`);
        expect(parsed).toMatchObject({ type: 'resource', namespace: ns, name, subresource: sub ? ['status'] : [] });
        expect(parseRequestPath(`/apis/subresources.kubevirt.io/v1/namespaces/${ns}/virtualmachineinstances/${name}/portforward/22/tcp`)).toEqual({
          type: 'kubevirt',
          namespace: ns,
          kind: 'virtualmachineinstances',
          name,
          subresource: ['portforward', '22', 'tcp'],
        });
      }),
    );
    expect(parseRequestPath('/api/v1/namespaces/x')).toMatchObject({ type: 'resource', name: 'x', subresource: [] });
    expect(parseRequestPath('/api/v1/namespaces/x/finalize')).toMatchObject({ type: 'resource', name: 'x', subresource: ['finalize'] });
    expect(parseRequestPath('/api/v1/pods')).toMatchObject({ type: 'resource', subresource: [] });
    expect(parseRequestPath('/api/v1/pods/x')).toEqual({ type: 'unknown' });
    expect(parseRequestPath('/apis/nowhere.io/v1/things')).toEqual({ type: 'unknown' });
  });
});
