import fc from 'fast-check';
import { expect, test } from 'vitest';
import { parseWwwAuthenticate } from '../../../src/core/oci/registry/www-authenticate.js';

test('a registry bearer challenge with a quoted scope containing commas', () => {
  expect(parseWwwAuthenticate('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"')).toEqual([
    { scheme: 'bearer', params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' } },
  ]);
});

test('basic challenge, several challenges, escapes, token values, spacing', () => {
  expect(parseWwwAuthenticate('Basic realm="Registry Realm"')).toEqual([{ scheme: 'basic', params: { realm: 'Registry Realm' } }]);
  expect(parseWwwAuthenticate('Basic realm="a", Bearer realm="b" , error=insufficient_scope')).toEqual([
    { scheme: 'basic', params: { realm: 'a' } },
    { scheme: 'bearer', params: { realm: 'b', error: 'insufficient_scope' } },
  ]);
  expect(parseWwwAuthenticate('Bearer realm="say \\"hi\\""')).toEqual([{ scheme: 'bearer', params: { realm: 'say "hi"' } }]);
  expect(parseWwwAuthenticate('Negotiate abc123==, Basic realm=x')).toEqual([
    { scheme: 'negotiate', params: {} },
    { scheme: 'basic', params: { realm: 'x' } },
  ]);
  expect(parseWwwAuthenticate('')).toEqual([]);
});

const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,10}$/);
const value = fc.string({ maxLength: 30 }).filter((s) => !/[\\"\u0000-\u001f]/.test(s));

test('property: quoted parameters of generated challenges come back exactly', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(token, fc.dictionary(token, value, { maxKeys: 4 })), { minLength: 1, maxLength: 3 }), (challenges) => {
      const header = challenges
        .map(([scheme, params]) =>
          `${scheme} ${Object.entries(params)
            .map(([k, v]) => `${k}="${v}"`)
            .join(', ')}`.trim(),
        )
        .join(', ');
      const parsed = parseWwwAuthenticate(header);
      const expected = challenges.map(([scheme, params]) => ({
        scheme: scheme.toLowerCase(),
        params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k.toLowerCase(), v])),
      }));
      // Parameters whose names differ only in case collapse; compare against the same collapse.
      expect(parsed).toEqual(expected);
    }),
  );
});

test('property: never throws on arbitrary input', () => {
  fc.assert(fc.property(fc.string({ maxLength: 120 }), (s) => void parseWwwAuthenticate(s)));
});
