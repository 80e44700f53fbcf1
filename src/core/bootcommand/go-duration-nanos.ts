/**
 * Go's time.ParseDuration and Duration.String, exact to the nanosecond on int64 semantics.
 *
 * Why not src/core/duration.ts: a `<waitXX>` token has to behave exactly like Packer's, including the
 * cases where Go rejects a duration the grammar accepted (an overflow past ~292 years, a second '-'),
 * the int64 wrap-around of `<wait9223372036854775807>` and Go's own printing of a duration in the
 * "Expecting a positive wait value. Got -1m0s" message. Floating-point milliseconds cannot do that.
 */

const NANOS_PER_UNIT: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 MICRO SIGN
  'μs': 1_000n, // U+03BC GREEK SMALL LETTER MU
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const TWO_POW_63 = 1n << 63n;
const INT64_MAX = TWO_POW_63 - 1n;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Nanoseconds, or undefined where Go's time.ParseDuration returns an error. */
export function parseGoDurationNanos(text: string): bigint | undefined {
  let s = text;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s.startsWith('-');
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) return undefined;
    let whole = 0n;
    let i = 0;
    // Go's leadingInt: fails once the value passes 2^63.
    for (; isDigit(s[i]); i++) {
      if (whole > TWO_POW_63 / 10n) return undefined;
      whole = whole * 10n + BigInt(s.charCodeAt(i) - 48);
      if (whole > TWO_POW_63) return undefined;
    }
    const hadWhole = i > 0;
    s = s.slice(i);
    let fraction = 0n;
    let scale = 1;
    let hadFraction = false;
    if (s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      // Go's leadingFraction: digits past int64 precision are dropped, not an error.
      for (; isDigit(s[j]); j++) {
        if (overflow) continue;
        if (fraction > INT64_MAX / 10n) {
          overflow = true;
          continue;
        }
        const next = fraction * 10n + BigInt(s.charCodeAt(j) - 48);
        if (next > TWO_POW_63) {
          overflow = true;
          continue;
        }
        fraction = next;
        scale *= 10;
      }
      hadFraction = j > 0;
      s = s.slice(j);
    }
    if (!hadWhole && !hadFraction) return undefined;
    let u = 0;
    while (u < s.length && s[u] !== '.' && !isDigit(s[u])) u++;
    if (u === 0) return undefined; // missing unit
    const unit = NANOS_PER_UNIT[s.slice(0, u)];
    s = s.slice(u);
    if (unit === undefined) return undefined;
    if (whole > TWO_POW_63 / unit) return undefined;
    let value = whole * unit;
    if (fraction > 0n) {
      // Go computes the fractional part in float64 and truncates; so do we, bit for bit.
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (value > TWO_POW_63) return undefined;
    }
    total += value;
    if (total > TWO_POW_63) return undefined;
  }
  if (negative) return -total;
  return total > INT64_MAX ? undefined : total;
}

/** Go's time.Duration.String: "1h0m0s", "4m0.000000002s", "1.5s", "300ms", "100µs", "2ns". */
export function formatGoDurationNanos(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  const sign = nanos < 0n ? '-' : '';
  const u = nanos < 0n ? -nanos : nanos;
  if (u < 1_000n) return `${sign}${u}ns`;
  if (u < 1_000_000n) return `${sign}${withFraction(u, 1_000n, 3)}µs`;
  if (u < 1_000_000_000n) return `${sign}${withFraction(u, 1_000_000n, 6)}ms`;
  const totalSeconds = u / 1_000_000_000n;
  const fraction = fractionDigits(u % 1_000_000_000n, 9);
  let out = `${totalSeconds % 60n}${fraction}s`;
  const totalMinutes = totalSeconds / 60n;
  if (totalMinutes > 0n) {
    out = `${totalMinutes % 60n}m${out}`;
    const hours = totalMinutes / 60n;
    if (hours > 0n) out = `${hours}h${out}`;
  }
  return sign + out;
}

function withFraction(value: bigint, per: bigint, digits: number): string {
  return `${value / per}${fractionDigits(value % per, digits)}`;
}

/** ".5", ".000000002" or "" — trailing zeros dropped, as Go does. */
function fractionDigits(remainder: bigint, digits: number): string {
  if (remainder === 0n) return '';
  return '.' + remainder.toString().padStart(digits, '0').replace(/0+$/, '');
}

/** Go's int64 arithmetic wraps; `time.Duration(n) * time.Second` does too. */
export function wrapInt64(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}

/** Milliseconds for timers and the JSON stream; exact wherever a double can be. */
export function nanosToMs(nanos: bigint): number {
  return Number(nanos) / 1e6;
}
