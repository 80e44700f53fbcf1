import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGoDuration } from '../../../src/core/duration.js';
import { formatGoDurationNanos, nanosToMs, parseGoDurationNanos, wrapInt64 } from '../../../src/core/bootcommand/go-duration-nanos.js';

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

describe('parseGoDurationNanos (Go time.ParseDuration)', () => {
  it.each<[string, bigint | undefined]>([
    ['0', 0n],
    ['-0', 0n],
    ['+0', 0n],
    ['0s', 0n],
    ['5s', 5_000_000_000n],
    ['1m30s', 90_000_000_000n],
    ['1.5s', 1_500_000_000n],
    ['.5s', 500_000_000n],
    ['5.s', 5_000_000_000n],
    ['-1m', -60_000_000_000n],
    ['+1h', 3_600_000_000_000n],
    ['100µs', 100_000n],
    ['100μs', 100_000n],
    ['100us', 100_000n],
    ['4m2ns', 240_000_000_002n],
    ['0.1ns', 0n],
    ['1.0000000001s', 1_000_000_000n],
    ['2562047h47m16.854775807s', INT64_MAX],
    ['-2562047h47m16.854775808s', INT64_MIN],
    ['9223372036854775807ns', INT64_MAX],
    ['-9223372036854775808ns', INT64_MIN],
    ['9223372036854775808ns', undefined],
    ['2562048h', undefined],
    ['1m-30s', undefined],
    ['', undefined],
    ['-', undefined],
    ['5', undefined],
    ['1d', undefined],
    ['.s', undefined],
    ['1S', undefined],
  ])('%j → %s', (text, nanos) => {
    expect(parseGoDurationNanos(text)).toBe(nanos);
  });

  it('agrees with src/core/duration.ts wherever that is in range', () => {
    const part = fc.tuple(fc.nat({ max: 5000 }), fc.option(fc.nat({ max: 999_999 }), { nil: undefined }), fc.constantFrom('ns', 'us', 'µs', 'ms', 's', 'm', 'h'));
    fc.assert(
      fc.property(fc.boolean(), fc.array(part, { minLength: 1, maxLength: 4 }), (negative, parts) => {
        const text = (negative ? '-' : '') + parts.map(([n, f, u]) => `${n}${f === undefined ? '' : `.${f}`}${u}`).join('');
        const nanos = parseGoDurationNanos(text);
        expect(nanos).toBeDefined();
        const ms = parseGoDuration(text)!;
        // duration.ts works in floating-point ms; Go truncates fractions to whole nanoseconds.
        expect(Math.abs(nanosToMs(nanos!) - ms)).toBeLessThanOrEqual(1e-6 * parts.length + Math.abs(ms) * 1e-12);
      }),
      { numRuns: 500 },
    );
  });
});

describe('formatGoDurationNanos (Go Duration.String)', () => {
  it.each<[bigint, string]>([
    [0n, '0s'],
    [1n, '1ns'],
    [1_100n, '1.1µs'],
    [2_200_000n, '2.2ms'],
    [300_000_000n, '300ms'],
    [1_000_000_000n, '1s'],
    [1_500_000_000n, '1.5s'],
    [60_000_000_000n, '1m0s'],
    [-60_000_000_000n, '-1m0s'],
    [3_600_000_000_000n, '1h0m0s'],
    [240_000_000_002n, '4m0.000000002s'],
    [INT64_MAX, '2562047h47m16.854775807s'],
    [INT64_MIN, '-2562047h47m16.854775808s'],
  ])('%s → %s', (nanos, text) => {
    expect(formatGoDurationNanos(nanos)).toBe(text);
  });

  it('round-trips through parseGoDurationNanos for every int64', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), (nanos) => {
        expect(parseGoDurationNanos(formatGoDurationNanos(nanos))).toBe(nanos);
      }),
      { numRuns: 500 },
    );
  });

  it('wraps int64 products like Go does', () => {
    expect(wrapInt64(INT64_MAX * 1_000_000_000n)).toBe(-1_000_000_000n);
    expect(wrapInt64(5n * 1_000_000_000n)).toBe(5_000_000_000n);
  });
});
