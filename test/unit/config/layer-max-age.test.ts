/** A layer's maxAge: a Go duration like every duration of the build file, bounded the same way. */
import { describe, expect, it } from 'vitest';
import { buildOf, problemsOf } from './helpers.js';

const withMaxAge = (maxAge: string) => `name: refresh
layers:
  - name: base
    maxAge: ${maxAge}
    vms:
      - name: web
        source: { containerDisk: quay.io/containerdisks/debian:12 }
        communicator: { type: none }
`;

describe('layers[].maxAge', () => {
  it('is read in milliseconds; absent, a cached layer is reused whatever its age', () => {
    expect(buildOf(withMaxAge('168h')).layers[0]!.maxAge).toBe(168 * 3_600_000);
    expect(buildOf(withMaxAge('90m')).layers[0]!.maxAge).toBe(90 * 60_000);
    expect(buildOf(withMaxAge('1h').replace('    maxAge: 1h\n', '')).layers[0]!.maxAge).toBeUndefined();
  });

  it('refuses days (Go durations have none), zero, negative and too long values, located', () => {
    expect(problemsOf(withMaxAge('7d'))).toEqual(["4:13: layers[0].maxAge: Go durations have no d unit; did you mean '168h'?"]);
    expect(problemsOf(withMaxAge('0s'))).toEqual(["4:13: layers[0].maxAge: '0s' would rebuild the layer every time; expected a duration above 0 (or no maxAge)"]);
    expect(problemsOf(withMaxAge('-1h'))[0]).toMatch(/^4:13: layers\[0\]\.maxAge: .*negative/);
    expect(problemsOf(withMaxAge('1000h'))[0]).toMatch(/^4:13: layers\[0\]\.maxAge: .*longer than the longest duration, 596h31m23\.647s/);
    expect(problemsOf(withMaxAge('maxAge').replace('maxAge: maxAge', 'max_age: 1h'))[0]).toMatch(/max_age.*maxAge/);
  });
});
