import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { apiHost, formatImageReference, ImageReferenceError, isLoopbackRegistry, parseImageReference } from '../../../src/core/oci/reference.js';

describe('parseImageReference', () => {
  test.each([
    ['debian', { registry: 'docker.io', repository: 'library/debian' }],
    ['debian:12', { registry: 'docker.io', repository: 'library/debian', tag: '12' }],
    ['quay.io/containerdisks/debian:12', { registry: 'quay.io', repository: 'containerdisks/debian', tag: '12' }],
    ['localhost/disk', { registry: 'localhost', repository: 'disk' }],
    ['127.0.0.1:5000/a/b/c:v1.2-rc_3', { registry: '127.0.0.1:5000', repository: 'a/b/c', tag: 'v1.2-rc_3' }],
    ['index.docker.io/user/img', { registry: 'docker.io', repository: 'user/img' }],
    ['[::1]:5000/disk:x', { registry: '[::1]:5000', repository: 'disk', tag: 'x' }],
    [`ghcr.io/o/r@sha256:${'a'.repeat(64)}`, { registry: 'ghcr.io', repository: 'o/r', digest: `sha256:${'a'.repeat(64)}` }],
  ])('%s', (text, expected) => {
    expect(parseImageReference(text)).toEqual(expected);
  });

  test.each([
    ['', /empty/],
    ['registry.io/Upper', /lowercase/],
    ['registry.io/a//b', /empty path component/],
    ['registry.io/a:-bad', /tag '-bad'/],
    ['registry.io/a@sha256:xyz!', /not a digest/],
    ['registry.io/-a', /lowercase letters and digits/],
  ])('rejects %j', (text, message) => {
    expect(() => parseImageReference(text)).toThrow(ImageReferenceError);
    expect(() => parseImageReference(text)).toThrow(message);
  });

  const component = fc.stringMatching(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/).filter((s) => s.length > 0 && s.length < 30);
  const host = fc
    .tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/), fc.stringMatching(/^[a-z]{2,5}$/), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }))
    .map(([a, b, port]) => `${a}.${b}${port === undefined ? '' : `:${port}`}`);
  const tag = fc.stringMatching(/^[\w][\w.-]{0,20}$/);

  test('property: a formatted reference parses back to itself', () => {
    fc.assert(
      fc.property(host, fc.array(component, { minLength: 1, maxLength: 4 }), fc.option(tag, { nil: undefined }), (registry, parts, t) => {
        const ref = { registry, repository: parts.join('/'), ...(t === undefined ? {} : { tag: t }) };
        expect(parseImageReference(formatImageReference(ref))).toEqual(ref);
      }),
    );
  });

  test('property: parsing never throws anything but ImageReferenceError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        try {
          parseImageReference(text);
        } catch (err) {
          expect(err).toBeInstanceOf(ImageReferenceError);
        }
      }),
    );
  });
});

test('apiHost and loopback detection', () => {
  expect(apiHost('docker.io')).toBe('registry-1.docker.io');
  expect(apiHost('ghcr.io')).toBe('ghcr.io');
  expect(['localhost:5000', '127.0.0.1:5000', '127.1.2.3', '[::1]:80'].map(isLoopbackRegistry)).toEqual([true, true, true, true]);
  expect(['ghcr.io', '10.0.0.1:5000', 'localhost.example.com'].map(isLoopbackRegistry)).toEqual([false, false, false]);
});
