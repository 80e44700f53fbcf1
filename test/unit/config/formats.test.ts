/** Durations, quantities, checksums and names: examples and fast-check properties. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatGoDuration, parseGoDuration } from '../../../src/core/duration.js';
import { findBadWaits } from '../../../src/core/config/boot-waits.js';
import { CHECKSUM_HEX_LENGTH, parseChecksum } from '../../../src/core/config/checksum.js';
import { editDistance, suggest } from '../../../src/core/config/did-you-mean.js';
import { checkFormat, formatRegExp } from '../../../src/core/config/formats.js';
import { formatQuantity, parseQuantity } from '../../../src/core/config/quantity.js';

describe('durations (Go syntax)', () => {
  it.each([
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
    ['300ms', 300],
    ['-1s', -1000],
    ['0', 0],
    ['2h45m10s', 9_910_000],
  ])('%s is %d ms', (text, ms) => {
    expect(checkFormat('duration', text)).toBeUndefined();
    expect(parseGoDuration(text)).toBe(ms);
  });

  it.each(['5', '5 m', '1d', 'm', '', '1h30', '5M'])('%s is not a duration', (text) => {
    expect(checkFormat('duration', text)).toBeDefined();
    expect(parseGoDuration(text)).toBeUndefined();
  });

  const goDuration = fc
    .array(fc.tuple(fc.nat({ max: 999 }), fc.option(fc.nat({ max: 999 }), { nil: undefined }), fc.constantFrom('ns', 'us', 'µs', 'ms', 's', 'm', 'h')), { minLength: 1, maxLength: 4 })
    .chain((parts) => fc.constantFrom('', '-', '+').map((sign) => sign + parts.map(([i, f, u]) => `${i}${f === undefined ? '' : '.' + f}${u}`).join('')));

  it('the schema pattern accepts exactly what parseGoDuration parses (property)', () => {
    fc.assert(
      fc.property(fc.oneof(goDuration, fc.string({ maxLength: 8 })), (text) => {
        expect(formatRegExp('duration').test(text)).toBe(parseGoDuration(text) !== undefined);
      }),
      { numRuns: 3000 },
    );
  });

  it('formats and parses back to the same milliseconds (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10 * 86_400_000, max: 10 * 86_400_000 }), (ms) => {
        expect(parseGoDuration(formatGoDuration(ms))).toBeCloseTo(ms, 6);
      }),
    );
  });

  it('sums the parts of any well-formed duration (property)', () => {
    const unit = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 1000 }), fc.constantFrom(...(Object.keys(unit) as Array<keyof typeof unit>))), { minLength: 1, maxLength: 5 }), (parts) => {
        const text = parts.map(([n, u]) => `${n}${u}`).join('');
        const want = parts.reduce((acc, [n, u]) => acc + n * unit[u], 0);
        expect(parseGoDuration(text)).toBeCloseTo(want, 6);
      }),
    );
  });
});

describe('quantities (Kubernetes syntax)', () => {
  it.each([
    ['512Mi', 512 * 2 ** 20],
    ['2Gi', 2 * 2 ** 30],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['10G', 10e9],
    ['1k', 1000],
    ['1e3', 1000],
    ['1E9', 1e9],
    ['+4Ki', 4096],
    ['.5Ki', 512],
    ['100m', 1], // 0.1 byte, rounded up as Kubernetes does
    ['0.1Ki', 103],
    ['3', 3],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseQuantity(text)).toEqual({ bytes });
    expect(checkFormat('quantity', text)).toBeUndefined();
  });

  it.each([
    ['2GB', "did you mean '2Gi'?"],
    ['512 MiB', "did you mean '512Mi'?"],
    ['10g', "did you mean '10Gi'?"],
    ['-1Gi', 'expected a Kubernetes quantity'],
    ['Gi', 'expected a Kubernetes quantity'],
    ['1.2.3', 'expected a Kubernetes quantity'],
    ['16Ei', 'too large'],
  ])('%s is refused: %s', (text, message) => {
    const r = parseQuantity(text);
    expect('error' in r && r.error).toContain(message);
  });

  it('parses whole multiples of every suffix exactly (property)', () => {
    const suffixes = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 } as const;
    fc.assert(
      fc.property(fc.nat({ max: 4096 }), fc.constantFrom(...(Object.keys(suffixes) as Array<keyof typeof suffixes>)), (n, s) => {
        expect(parseQuantity(`${n}${s}`)).toEqual({ bytes: n * suffixes[s] });
      }),
    );
  });

  it('formatQuantity and parseQuantity round-trip (property)', () => {
    fc.assert(
      fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), (bytes) => {
        expect(parseQuantity(formatQuantity(bytes))).toEqual({ bytes });
      }),
    );
  });

  it('rounds fractions up, never down, and agrees with the schema pattern (property)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000 }), fc.nat({ max: 999 }), fc.constantFrom('Ki', 'Mi', 'k', 'M', ''), (whole, frac, suffix) => {
        const text = `${whole}.${String(frac).padStart(3, '0')}${suffix}`;
        const r = parseQuantity(text);
        expect(formatRegExp('quantity').test(text)).toBe(true);
        expect('bytes' in r).toBe(true);
        const unit = { Ki: 1024, Mi: 1024 ** 2, k: 1e3, M: 1e6, '': 1 }[suffix]!;
        const exact = (whole * 1000 + frac) * unit;
        const bytes = (r as { bytes: number }).bytes;
        expect(bytes * 1000).toBeGreaterThanOrEqual(exact);
        expect((bytes - 1) * 1000).toBeLessThan(exact);
      }),
    );
  });

  it('never throws, and every string is either bytes or an error (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        const r = parseQuantity(text);
        expect('bytes' in r ? Number.isSafeInteger(r.bytes) && r.bytes >= 0 : typeof r.error === 'string').toBe(true);
        expect('bytes' in r || !formatRegExp('quantity').test(text) || /too large|out of range/.test((r as { error: string }).error)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('checksums', () => {
  it('accepts algo:hex of the right length for every algorithm (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...(Object.keys(CHECKSUM_HEX_LENGTH) as Array<keyof typeof CHECKSUM_HEX_LENGTH>)), fc.nat(), (algorithm, seed) => {
        const n = CHECKSUM_HEX_LENGTH[algorithm];
        const hex = Array.from({ length: n }, (_, i) => '0123456789abcdefABCDEF'[(seed + i * 7) % 22]).join('');
        expect(parseChecksum(`${algorithm}:${hex}`)).toEqual({ checksum: { algorithm, hex: hex.toLowerCase() } });
        expect(checkFormat('checksum', `${algorithm}:${hex}`)).toBeUndefined();
        expect(parseChecksum(`${algorithm}:${hex}0`)).toHaveProperty('error');
        expect(parseChecksum(`${algorithm}:${hex.slice(1)}`)).toHaveProperty('error');
      }),
    );
  });

  it('the schema pattern and parseChecksum agree (property)', () => {
    const hexish = fc.string({ unit: fc.constantFrom(...'0123456789abcdefAG'), maxLength: 130 });
    fc.assert(
      fc.property(fc.constantFrom('md5:', 'sha1:', 'sha256:', 'sha512:', 'SHA256:', 'sha384:', ''), hexish, (prefix, hex) => {
        const text = prefix + hex;
        expect(formatRegExp('checksum').test(text)).toBe('checksum' in parseChecksum(text));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Kubernetes names', () => {
  it.each(['web', 'a', 'db-1', '0day', 'a'.repeat(63)])('%s is a name', (n) => expect(checkFormat('k8sName', n)).toBeUndefined());
  it.each(['Web', '-a', 'a-', 'a_b', 'a.b', '', 'a'.repeat(64)])('%s is not', (n) => expect(checkFormat('k8sName', n)).toBeDefined());

  it('every suggested fix is itself a valid name (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (n) => {
        const message = checkFormat('k8sName', n);
        const fix = message && /did you mean '([^']*)'\?/.exec(message)?.[1];
        if (fix) expect(checkFormat('k8sName', fix)).toBeUndefined();
      }),
    );
  });
});

describe('did you mean', () => {
  it.each([
    ['bootComand', 'bootCommand'],
    ['boot_command', 'bootCommand'],
    ['BOOTCOMMAND', 'bootCommand'],
    ['bootcommnad', 'bootCommand'],
    ['up', 'upload'],
    ['virtoi', 'virtio'],
    ['z', undefined],
    ['completely-different', undefined],
  ])('%s → %s', (input, want) => {
    expect(suggest(input, ['bootCommand', 'bootWait', 'upload', 'download', 'virtio', 'a'])).toBe(want);
  });

  it('edit distance is a metric on small strings (property)', () => {
    const s = fc.string({ maxLength: 8 });
    fc.assert(
      fc.property(s, s, (a, b) => {
        expect(editDistance(a, a)).toBe(0);
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });
});

describe('boot-command waits', () => {
  it.each([
    ['<wait>', 0],
    ['<wait0>', 0],
    ['<wait5>', 0],
    ['<wait1m30s>', 0],
    ['<wait00>', 0], // literal text in Packer's grammar
    ['<WAIT0s>', 0], // "wait" is case-sensitive: literal text
    ['<wait 0s>', 0],
    ['<wait0s>', 1],
    ['<wait-5s>', 1],
    ['<wait0.0s>', 1],
    ['<wait1m-30s>', 1],
  ])('%s: %d problem(s)', (cmd, n) => {
    expect(findBadWaits([cmd])).toHaveLength(n);
  });

  it('locates a bad wait in its element (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', '<', '>', 'x'), maxLength: 5 }), { maxLength: 4 }), fc.nat(), (elements, i) => {
        const at = elements.length ? i % (elements.length + 1) : 0;
        const withBad = [...elements.slice(0, at), '<wait0s>', ...elements.slice(at)];
        const bad = findBadWaits(withBad).find((b) => withBad[b.element]!.startsWith('<wait0s>', b.offset));
        expect(bad).toBeDefined();
      }),
    );
  });
});
