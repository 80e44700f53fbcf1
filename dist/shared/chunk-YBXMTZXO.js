import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);

// src/core/duration.ts
var UNIT_MS = {
  ns: 1e-6,
  us: 1e-3,
  "\xB5s": 1e-3,
  // U+00B5 MICRO SIGN
  "\u03BCs": 1e-3,
  // U+03BC GREEK SMALL LETTER MU
  ms: 1,
  s: 1e3,
  m: 6e4,
  h: 36e5
};
var MAX_DURATION_MS = 2 ** 31 - 1;
var MAX_DURATION_TEXT = formatGoDuration(MAX_DURATION_MS);
function durationRangeProblem(ms) {
  if (Math.abs(ms) <= MAX_DURATION_MS) return void 0;
  return `longer than the longest duration, ${MAX_DURATION_TEXT} (the longest a timer can hold)`;
}
function checkDuration(text) {
  const ms = parseGoDuration(text);
  if (ms === void 0) return { error: `'${text}' is not a Go duration such as 500ms, 30s, 5m or 1h30m` };
  const tooLong = durationRangeProblem(ms);
  return tooLong ? { error: `'${text}' is ${tooLong}` } : { ms };
}
function timerDelay(ms) {
  if (!(ms <= MAX_DURATION_MS)) throw new RangeError(`timer delay ${ms} ms is ${durationRangeProblem(ms) ?? "not a number"}`);
  return Math.max(0, ms);
}
var UNIT_PATTERN = "(?:ns|us|\xB5s|\u03BCs|ms|s|m|h)";
var GO_DURATION = new RegExp(`^[-+]?(?:(?:\\d+(?:\\.\\d*)?|\\.\\d+)${UNIT_PATTERN})+$`, "u");
var PART = new RegExp(`(\\d+(?:\\.\\d*)?|\\.\\d+)(${UNIT_PATTERN})`, "gu");
function parseGoDuration(text) {
  if (text === "0" || text === "+0" || text === "-0") return 0;
  if (!GO_DURATION.test(text)) return void 0;
  const sign = text.startsWith("-") ? -1 : 1;
  let total = 0;
  for (const m of text.matchAll(PART)) {
    total += Number(m[1]) * (UNIT_MS[m[2]] ?? NaN);
  }
  return Number.isFinite(total) ? sign * total : void 0;
}
function formatGoDuration(ms) {
  if (ms === 0) return "0s";
  const sign = ms < 0 ? "-" : "";
  let rest = Math.abs(ms);
  if (rest < 1) {
    const us = rest * 1e3;
    return us < 1 ? `${sign}${trim(us * 1e3)}ns` : `${sign}${trim(us)}\xB5s`;
  }
  if (rest < 1e3) return `${sign}${trim(rest)}ms`;
  const h = Math.floor(rest / 36e5);
  rest -= h * 36e5;
  const m = Math.floor(rest / 6e4);
  rest -= m * 6e4;
  const s = `${trim(rest / 1e3)}s`;
  if (h > 0) return `${sign}${h}h${m}m${s}`;
  if (m > 0) return `${sign}${m}m${s}`;
  return sign + s;
}
function trim(n) {
  return String(Number(n.toFixed(9)));
}

export {
  MAX_DURATION_MS,
  MAX_DURATION_TEXT,
  durationRangeProblem,
  checkDuration,
  timerDelay,
  formatGoDuration
};
