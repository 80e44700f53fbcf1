/**
 * Sizes written the Packer way: 20G is 20 GiB to Packer and 20 GB to Kubernetes, so a build file
 * must say which one it means; the explicit spellings keep working.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseQuantity, parseSize } from '../../../src/core/config/quantity.js';
import { problemsOf, oneVm } from './helpers.js';

describe('sizes: single-letter k, M, G, T suffixes are refused', () => {
  it('20G names both readings and both explicit spellings', () => {
    expect(parseSize('20G')).toEqual({
      error: "'20G' is ambiguous: Packer reads it as 20 GiB (21474836480 bytes), Kubernetes as 20 GB (20000000000 bytes); write 20Gi for GiB, or 20e9 for GB",
    });
    expect(parseSize('512M')).toMatchObject({ error: expect.stringContaining('write 512Mi for MiB, or 512e6 for MB') });
  });

  it('is reported at the field in a build file', () => {
    expect(problemsOf(oneVm('source: { path: x }\ndisks: [{ name: root, size: 20G }]'), { checkFiles: false })).toEqual([
      expect.stringMatching(/^7:\d+: layers\[0\]\.vms\[0\]\.disks\[0\]\.size: '20G' is ambiguous: Packer reads it as 20 GiB/),
    ]);
  });

  it('the suggested spellings mean what they say (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8000 }), fc.constantFrom(['k', 1], ['M', 2], ['G', 3], ['T', 4]), (n, [suffix, power]) => {
        const r = parseSize(`${n}${suffix}`);
        expect('error' in r).toBe(true);
        const [, binary, decimal] = /write (\S+) for \S+, or (\S+) for/.exec((r as { error: string }).error)!;
        expect(parseSize(binary!)).toEqual({ bytes: n * 1024 ** power });
        expect(parseSize(decimal!)).toEqual({ bytes: n * 1000 ** power });
      }),
    );
  });

  it('other quantities parse as Kubernetes does', () => {
    for (const text of ['20Gi', '512Mi', '1.5Gi', '20e9', '1073741824', '1P']) expect(parseSize(text)).toEqual(parseQuantity(text));
  });
});
