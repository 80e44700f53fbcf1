/** Kubernetes names of a run: examples, and properties over arbitrary input (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRunId, isDnsLabel, kubeName, newRunId, stableRunId } from '../../../src/engines/kubevirt/manifests/names.js';
import { RunNames } from '../../../src/engines/kubevirt/manifests/run-names.js';

const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;

describe('kubeName', () => {
  it('joins valid short parts unchanged', () => {
    expect(kubeName(['debian-cloud', 'base', 'web', 'k3x9a'])).toBe('debian-cloud-base-web-k3x9a');
    expect(kubeName(['debian', 'base', 'web', 'k3x9a'], { suffix: 'root' })).toBe('debian-base-web-k3x9a-root');
  });

  it('shortens long names, keeps the suffix and adds a hash', () => {
    const long = 'a'.repeat(60);
    const name = kubeName([long, 'layer', 'vm', 'run1'], { suffix: 'export-token' });
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^a+-[0-9a-f]{8}-export-token$/);
    expect(kubeName([long, 'layer', 'vm', 'run2'], { suffix: 'export-token' })).not.toBe(name);
  });

  it('hashes input it had to change, so "Web" and "web" differ', () => {
    expect(kubeName(['Web'])).toMatch(/^web-[0-9a-f]{8}$/);
    expect(kubeName(['Web'])).not.toBe(kubeName(['web']));
  });

  it('shortens a suffix that alone is too long', () => {
    const name = kubeName(['b', 'l', 'v', 'r'], { suffix: `disk-${'d'.repeat(63)}` });
    expect(isDnsLabel(name)).toBe(true);
  });

  it('keeps within a smaller maximum (egress gateways)', () => {
    const names = new RunNames('a-rather-long-build-name-for-testing', 'abc123');
    expect(names.egressGateway('a-long-vpc-name').length).toBeLessThanOrEqual(40);
  });

  it('always gives a DNS label within the maximum, the same for the same input (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 80 }), { maxLength: 6 }), fc.option(fc.string({ maxLength: 90 }), { nil: undefined }), fc.integer({ min: 9, max: 63 }), (parts, suffix, maxLength) => {
        const options = { ...(suffix !== undefined ? { suffix } : {}), maxLength };
        const name = kubeName(parts, options);
        expect(name.length).toBeLessThanOrEqual(maxLength);
        expect(name).toMatch(DNS_LABEL);
        expect(kubeName(parts, options)).toBe(name);
      }),
      { numRuns: 500 },
    );
  });

  it('gives different names to different inputs (property)', () => {
    const part = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);
    fc.assert(
      fc.property(fc.array(fc.oneof(part, fc.string({ maxLength: 70 })), { minLength: 1, maxLength: 5 }), fc.array(fc.oneof(part, fc.string({ maxLength: 70 })), { minLength: 1, maxLength: 5 }), (a, b) => {
        // Joining with '-' is the one ambiguity by design ("a-b"+"c" = "a"+"b-c"); renderBuild
        // reports such collisions. Every other difference must show.
        fc.pre(a.join('-') !== b.join('-'));
        expect(kubeName(a)).not.toBe(kubeName(b));
      }),
      { numRuns: 500 },
    );
  });

  it('leaves valid names that fit exactly as they are (property)', () => {
    const part = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/);
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), (parts) => {
        expect(kubeName(parts)).toBe(parts.join('-'));
      }),
    );
  });
});

describe('run ids', () => {
  it('accepts 1-12 lower-case letters and digits only', () => {
    expect(checkRunId('a1b2c3')).toBeUndefined();
    expect(checkRunId('')).toMatch(/1 to 12/);
    expect(checkRunId('ABC')).toMatch(/lower-case/);
    expect(checkRunId('a-b')).toBeDefined();
    expect(checkRunId('a'.repeat(13))).toBeDefined();
  });

  it('makes valid random and stable ids (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), fc.string(), (bytes, plan) => {
        expect(checkRunId(newRunId(() => Buffer.from(bytes)))).toBeUndefined();
        expect(checkRunId(stableRunId(plan))).toBeUndefined();
        expect(stableRunId(plan)).toBe(stableRunId(plan));
      }),
    );
  });

  it('gives fresh ids each time', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newRunId()));
    expect(ids.size).toBe(50);
  });
});
