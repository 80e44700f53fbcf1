/**
 * Go's time.ParseDuration, which Packer uses for every duration option and for `<waitXX>` in boot
 * commands. Values are returned in milliseconds (fractional for ns/µs) so callers can hand them
 * straight to timers.
 */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3, // U+00B5 MICRO SIGN
  'μs': 1e-3, // U+03BC GREEK SMALL LETTER MU
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * The longest duration RudderVirt accepts anywhere: the longest delay a Node.js timer holds. Node
 * clamps a longer setTimeout delay to 1 ms with a TimeoutOverflowWarning (nodejs/node,
 * lib/internal/timers.js, TIMEOUT_MAX = 2 ** 31 - 1), so `shutdownTimeout: 600h` would force the VM
 * off at once. Every duration — build-file fields, boot-command waits, action inputs, the key
 * interval — is checked against this one bound when it is read, so no timer ever sees more.
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;
/** 596h31m23.647s */
export const MAX_DURATION_TEXT = formatGoDuration(MAX_DURATION_MS);

/** Why a duration is out of range, or undefined when a timer can hold it (the sign is ignored). */
export function durationRangeProblem(ms: number): string | undefined {
  if (Math.abs(ms) <= MAX_DURATION_MS) return undefined;
  return `longer than the longest duration, ${MAX_DURATION_TEXT} (the longest a timer can hold)`;
}

/** Milliseconds, or why `text` is not a usable duration: not a Go duration, or beyond MAX_DURATION_MS. */
export function checkDuration(text: string): { ms: number } | { error: string } {
  const ms = parseGoDuration(text);
  if (ms === undefined) return { error: `'${text}' is not a Go duration such as 500ms, 30s, 5m or 1h30m` };
  const tooLong = durationRangeProblem(ms);
  return tooLong ? { error: `'${text}' is ${tooLong}` } : { ms };
}

/**
 * The delay to hand to setTimeout/setInterval. A caller that passes an unchecked duration is a bug;
 * refusing here keeps it from turning into an instant timeout.
 */
export function timerDelay(ms: number): number {
  if (!(ms <= MAX_DURATION_MS)) throw new RangeError(`timer delay ${ms} ms is ${durationRangeProblem(ms) ?? 'not a number'}`);
  return Math.max(0, ms);
}

// Longest units first so "ms" is not read as "m" followed by garbage.
const UNIT_PATTERN = '(?:ns|us|µs|μs|ms|s|m|h)';
const GO_DURATION = new RegExp(`^[-+]?(?:(?:\\d+(?:\\.\\d*)?|\\.\\d+)${UNIT_PATTERN})+$`, 'u');
const PART = new RegExp(`(\\d+(?:\\.\\d*)?|\\.\\d+)(${UNIT_PATTERN})`, 'gu');

/** Milliseconds, or undefined when `text` is not a Go duration. "0" alone is valid, as in Go. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0' || text === '+0' || text === '-0') return 0;
  if (!GO_DURATION.test(text)) return undefined;
  const sign = text.startsWith('-') ? -1 : 1;
  let total = 0;
  for (const m of text.matchAll(PART)) {
    total += Number(m[1]) * (UNIT_MS[m[2]!] ?? NaN);
  }
  return Number.isFinite(total) ? sign * total : undefined;
}

/** Formats milliseconds the way Go prints a time.Duration (1h30m0s, 1.5s, 300ms). */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1) {
    const us = rest * 1000;
    return us < 1 ? `${sign}${trim(us * 1000)}ns` : `${sign}${trim(us)}µs`;
  }
  if (rest < 1000) return `${sign}${trim(rest)}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = `${trim(rest / 1000)}s`;
  if (h > 0) return `${sign}${h}h${m}m${s}`;
  if (m > 0) return `${sign}${m}m${s}`;
  return sign + s;
}

function trim(n: number): string {
  return String(Number(n.toFixed(9)));
}
