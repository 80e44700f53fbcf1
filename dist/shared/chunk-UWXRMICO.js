import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  MAX_DURATION_MS,
  durationRangeProblem
} from "./chunk-YBXMTZXO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/core/bootcommand/go-duration-nanos.ts
var NANOS_PER_UNIT = {
  ns: 1n,
  us: 1000n,
  "\xB5s": 1000n,
  // U+00B5 MICRO SIGN
  "\u03BCs": 1000n,
  // U+03BC GREEK SMALL LETTER MU
  ms: 1000000n,
  s: 1000000000n,
  m: 60000000000n,
  h: 3600000000000n
};
var TWO_POW_63 = 1n << 63n;
var INT64_MAX = TWO_POW_63 - 1n;
var isDigit = (c) => c !== void 0 && c >= "0" && c <= "9";
function parseGoDurationNanos(text) {
  let s = text;
  let negative = false;
  if (s.startsWith("-") || s.startsWith("+")) {
    negative = s.startsWith("-");
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") return void 0;
  let total = 0n;
  while (s !== "") {
    if (!(s[0] === "." || isDigit(s[0]))) return void 0;
    let whole = 0n;
    let i = 0;
    for (; isDigit(s[i]); i++) {
      if (whole > TWO_POW_63 / 10n) return void 0;
      whole = whole * 10n + BigInt(s.charCodeAt(i) - 48);
      if (whole > TWO_POW_63) return void 0;
    }
    const hadWhole = i > 0;
    s = s.slice(i);
    let fraction = 0n;
    let scale = 1;
    let hadFraction = false;
    if (s[0] === ".") {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
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
    if (!hadWhole && !hadFraction) return void 0;
    let u = 0;
    while (u < s.length && s[u] !== "." && !isDigit(s[u])) u++;
    if (u === 0) return void 0;
    const unit = NANOS_PER_UNIT[s.slice(0, u)];
    s = s.slice(u);
    if (unit === void 0) return void 0;
    if (whole > TWO_POW_63 / unit) return void 0;
    let value = whole * unit;
    if (fraction > 0n) {
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (value > TWO_POW_63) return void 0;
    }
    total += value;
    if (total > TWO_POW_63) return void 0;
  }
  if (negative) return -total;
  return total > INT64_MAX ? void 0 : total;
}
function formatGoDurationNanos(nanos) {
  if (nanos === 0n) return "0s";
  const sign = nanos < 0n ? "-" : "";
  const u = nanos < 0n ? -nanos : nanos;
  if (u < 1000n) return `${sign}${u}ns`;
  if (u < 1000000n) return `${sign}${withFraction(u, 1000n, 3)}\xB5s`;
  if (u < 1000000000n) return `${sign}${withFraction(u, 1000000n, 6)}ms`;
  const totalSeconds = u / 1000000000n;
  const fraction = fractionDigits(u % 1000000000n, 9);
  let out = `${totalSeconds % 60n}${fraction}s`;
  const totalMinutes = totalSeconds / 60n;
  if (totalMinutes > 0n) {
    out = `${totalMinutes % 60n}m${out}`;
    const hours = totalMinutes / 60n;
    if (hours > 0n) out = `${hours}h${out}`;
  }
  return sign + out;
}
function withFraction(value, per, digits) {
  return `${value / per}${fractionDigits(value % per, digits)}`;
}
function fractionDigits(remainder, digits) {
  if (remainder === 0n) return "";
  return "." + remainder.toString().padStart(digits, "0").replace(/0+$/, "");
}
function wrapInt64(value) {
  return BigInt.asIntN(64, value);
}
function nanosToMs(nanos) {
  return Number(nanos) / 1e6;
}

// src/core/bootcommand/special-keys.ts
var fKeys = Array.from({ length: 12 }, (_, i) => ({
  name: `f${i + 1}`,
  keysym: 65470 + i,
  x11Name: `F${i + 1}`,
  since: "v0.4.0"
}));
var f = (n) => fKeys[n - 1];
var SPECIAL_KEYS = [
  { name: "bs", keysym: 65288, x11Name: "BackSpace", since: "v0.4.0" },
  { name: "del", keysym: 65535, x11Name: "Delete", since: "v0.4.0" },
  { name: "enter", keysym: 65293, x11Name: "Return", since: "v0.4.0" },
  { name: "esc", keysym: 65307, x11Name: "Escape", since: "v0.4.0" },
  f(10),
  f(11),
  f(12),
  f(1),
  f(2),
  f(3),
  f(4),
  f(5),
  f(6),
  f(7),
  f(8),
  f(9),
  { name: "return", keysym: 65293, x11Name: "Return", since: "v0.4.0" },
  { name: "tab", keysym: 65289, x11Name: "Tab", since: "v0.4.0" },
  { name: "up", keysym: 65362, x11Name: "Up", since: "v0.4.0" },
  { name: "down", keysym: 65364, x11Name: "Down", since: "v0.4.0" },
  // The space keysym, exactly what a literal ' ' sends.
  { name: "spacebar", keysym: 32, x11Name: "space", since: "v0.4.0" },
  { name: "insert", keysym: 65379, x11Name: "Insert", since: "v0.4.0" },
  { name: "home", keysym: 65360, x11Name: "Home", since: "v0.4.0" },
  { name: "end", keysym: 65367, x11Name: "End", since: "v0.4.0" },
  { name: "pageUp", keysym: 65365, x11Name: "Prior", since: "v0.4.0" },
  { name: "pageDown", keysym: 65366, x11Name: "Next", since: "v0.4.0" },
  { name: "leftAlt", keysym: 65513, x11Name: "Alt_L", since: "v0.4.0" },
  { name: "leftCtrl", keysym: 65507, x11Name: "Control_L", since: "v0.4.0" },
  { name: "leftShift", keysym: 65505, x11Name: "Shift_L", since: "v0.4.0" },
  { name: "rightAlt", keysym: 65514, x11Name: "Alt_R", since: "v0.4.0" },
  { name: "rightCtrl", keysym: 65508, x11Name: "Control_R", since: "v0.4.0" },
  { name: "rightShift", keysym: 65506, x11Name: "Shift_R", since: "v0.4.0" },
  { name: "leftSuper", keysym: 65515, x11Name: "Super_L", since: "v0.4.0" },
  { name: "rightSuper", keysym: 65516, x11Name: "Super_R", since: "v0.4.0" },
  // The SDK sends the Alt keysyms for Command (what QEMU maps to the Mac Command key) and Meta for Option.
  { name: "leftCommand", keysym: 65513, x11Name: "Alt_L", since: "v0.6.9" },
  { name: "rightCommand", keysym: 65514, x11Name: "Alt_R", since: "v0.6.9" },
  { name: "leftOption", keysym: 65511, x11Name: "Meta_L", since: "v0.6.9" },
  { name: "rightOption", keysym: 65512, x11Name: "Meta_R", since: "v0.6.9" },
  { name: "left", keysym: 65361, x11Name: "Left", since: "v0.4.0" },
  { name: "right", keysym: 65363, x11Name: "Right", since: "v0.4.0" },
  // In the VNC key map since v0.4.0 but only reachable through the grammar from v0.5.0 on.
  { name: "menu", keysym: 65383, x11Name: "Menu", since: "v0.5.0" }
];
var byLowerName = new Map(SPECIAL_KEYS.map((k) => [k.name.toLowerCase(), k]));
function specialKey(lowerName) {
  return byLowerName.get(lowerName);
}
var KEYSYM_NAMES = new Map(SPECIAL_KEYS.map((k) => [k.keysym, k.x11Name]));
var SHIFT_L = 65505;

// src/core/bootcommand/errors.ts
var defaultElementLabel = (element) => `element ${element + 1}`;
function formatProblem(problem, label = defaultElementLabel) {
  return `${problem.reason} (${label(problem.element)}, column ${problem.column}: ${JSON.stringify(problem.text)})`;
}
var BootCommandError = class extends UserError {
  constructor(problems, label = defaultElementLabel) {
    super(problems.map((p) => formatProblem(p, label)).join("\n"));
    this.problems = problems;
  }
  problems;
  name = "BootCommandError";
};

// src/core/bootcommand/parser.ts
var LT = 60;
var GT = 62;
var MINUS = 45;
var DOT = 46;
var ZERO = 48;
var NINE = 57;
var NANOS_PER_SECOND = 1000000000n;
var DEFAULT_WAIT_NANOS = NANOS_PER_SECOND;
var INT64_MAX2 = (1n << 63n) - 1n;
var MAX_WAIT_NANOS = BigInt(MAX_DURATION_MS) * 1000000n;
var codePointsOf = (s) => Array.from(s, (c) => c.codePointAt(0));
var WAIT = codePointsOf("wait");
var WAIT_SERIAL = codePointsOf("waitSerial");
var SPACE = 32;
var QUOTES = /* @__PURE__ */ new Set([39, 34]);
var ON = codePointsOf("on");
var OFF = codePointsOf("off");
var TIME_UNITS = ["ns", "us", "\xB5s", "ms", "s", "m", "h"].map(codePointsOf);
var SPECIAL_NAMES = SPECIAL_KEYS.map((k) => ({ lower: k.name.toLowerCase(), cps: codePointsOf(k.name.toLowerCase()) }));
function lowerForMatch(cp) {
  if (cp >= 65 && cp <= 90) return cp + 32;
  if (cp === 304) return 105;
  if (cp === 8490) return 107;
  return cp;
}
var isDigit2 = (cp) => cp !== void 0 && cp >= ZERO && cp <= NINE;
function regexProblem(pattern) {
  try {
    new RegExp(pattern);
    return void 0;
  } catch (err) {
    return err.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
  }
}
var Matcher = class {
  constructor(cps) {
    this.cps = cps;
  }
  cps;
  problems = [];
  seen = /* @__PURE__ */ new Set();
  tokens() {
    const out = [];
    let i = 0;
    while (i < this.cps.length) {
      const matched = this.waitText(i) ?? this.wait(i) ?? this.charToggle(i) ?? this.special(i);
      if (matched) {
        out.push({ action: matched.action, start: i, end: matched.end });
        i = matched.end;
      } else {
        out.push({ action: { kind: "literal", char: String.fromCodePoint(this.cps[i]), action: "press" }, start: i, end: i + 1 });
        i += 1;
      }
    }
    return out;
  }
  waitText(start) {
    if (this.cps[start] !== LT) return void 0;
    const keyword = this.exact(start + 1, WAIT_SERIAL) ? WAIT_SERIAL : this.exact(start + 1, WAIT) ? WAIT : void 0;
    if (!keyword) return void 0;
    let i = start + 1 + keyword.length;
    if (this.cps[i] !== SPACE) return void 0;
    const quote = this.cps[++i];
    if (quote === void 0 || !QUOTES.has(quote)) return void 0;
    const textStart = ++i;
    while (i < this.cps.length && this.cps[i] !== quote) i++;
    if (i === textStart || this.cps[i] !== quote || this.cps[i + 1] !== GT) return void 0;
    const pattern = this.text(textStart, i);
    const invalid = regexProblem(pattern);
    if (invalid) this.problem("invalid-pattern", `Invalid regular expression ${JSON.stringify(pattern)}: ${invalid}`, start, i + 1);
    const source = keyword === WAIT_SERIAL ? "serial" : "screen";
    return { action: { kind: "waitText", source, pattern }, end: i + 2 };
  }
  wait(start) {
    if (this.cps[start] !== LT || !this.exact(start + 1, WAIT)) return void 0;
    let i = start + 1 + WAIT.length;
    let nanos = DEFAULT_WAIT_NANOS;
    const duration = this.duration(start, i);
    if (duration) {
      i = duration.end;
      nanos = duration.nanos;
    } else {
      const integer = this.integer(start, i);
      if (integer) {
        i = integer.end;
        if (integer.value !== void 0) nanos = wrapInt64(integer.value * NANOS_PER_SECOND);
      }
    }
    if (this.cps[i] !== GT) return void 0;
    if (nanos > MAX_WAIT_NANOS) {
      this.problem("invalid-wait", `Wait ${formatGoDurationNanos(nanos)} is ${durationRangeProblem(Number(nanos / 1000000n))}`, start, i);
    }
    return { action: { kind: "wait", nanos }, end: i + 1 };
  }
  charToggle(start) {
    if (this.cps[start] !== LT || start + 1 >= this.cps.length) return void 0;
    const toggle = this.onOff(start + 2);
    if (!toggle || this.cps[toggle.end] !== GT) return void 0;
    const char = String.fromCodePoint(this.cps[start + 1]);
    return { action: { kind: "literal", char, action: toggle.action }, end: toggle.end + 1 };
  }
  special(start) {
    if (this.cps[start] !== LT) return void 0;
    const name = SPECIAL_NAMES.find((n) => this.caseless(start + 1, n.cps));
    if (!name) return void 0;
    let i = start + 1 + name.cps.length;
    let action = "press";
    const toggle = this.onOff(i);
    if (toggle) {
      action = toggle.action;
      i = toggle.end;
    }
    if (this.cps[i] !== GT) return void 0;
    return { action: { kind: "special", key: name.lower, action }, end: i + 1 };
  }
  onOff(i) {
    if (this.caseless(i, ON)) return { action: "on", end: i + ON.length };
    if (this.caseless(i, OFF)) return { action: "off", end: i + OFF.length };
    return void 0;
  }
  /** Duration <- (Number TimeUnit)+, its text then read by Go's ParseDuration. */
  duration(tokenStart, from) {
    let i = from;
    for (; ; ) {
      const number = this.number(tokenStart, i);
      if (number === void 0) break;
      const unit = TIME_UNITS.find((u) => this.exact(number, u));
      if (!unit) break;
      i = number + unit.length;
    }
    if (i === from) return void 0;
    const text = this.text(from, i);
    const nanos = parseGoDurationNanos(text);
    if (nanos === void 0) {
      const why = text.lastIndexOf("-") > 0 ? "a sign is only allowed at its start" : `it is ${durationRangeProblem(Infinity)}`;
      this.problem("invalid-wait", `Invalid wait duration ${JSON.stringify(text)}: ${why}`, tokenStart, i);
      return { nanos: 0n, end: i };
    }
    return { nanos, end: i };
  }
  /** Number <- "-"? Integer ("." Digit+)? ; returns the end index. */
  number(tokenStart, from) {
    let i = from;
    if (this.cps[i] === MINUS) i++;
    const integer = this.integer(tokenStart, i);
    if (!integer) return void 0;
    i = integer.end;
    if (this.cps[i] === DOT && isDigit2(this.cps[i + 1])) {
      i += 2;
      while (isDigit2(this.cps[i])) i++;
    }
    return i;
  }
  /** Integer <- "0" / [1-9][0-9]* ; only the second branch has a value (pigeon's action placement). */
  integer(tokenStart, from) {
    const first = this.cps[from];
    if (first === ZERO) return { end: from + 1 };
    if (first === void 0 || first <= ZERO || first > NINE) return void 0;
    let i = from + 1;
    while (isDigit2(this.cps[i])) i++;
    const digits = this.text(from, i);
    let value = BigInt(digits);
    if (value > INT64_MAX2) {
      this.problem("invalid-wait", `Invalid wait value ${digits}: out of range for a 64-bit integer (Go's strconv.ParseInt)`, tokenStart, i);
      value = INT64_MAX2;
    }
    return { value, end: i };
  }
  /** Spreading a long slice into String.fromCodePoint would overflow the argument limit. */
  text(from, to) {
    let out = "";
    for (let k = from; k < to; k++) out += String.fromCodePoint(this.cps[k]);
    return out;
  }
  exact(i, want) {
    return want.every((cp, k) => this.cps[i + k] === cp);
  }
  caseless(i, lowerWant) {
    return lowerWant.every((cp, k) => {
      const got = this.cps[i + k];
      return got !== void 0 && lowerForMatch(got) === cp;
    });
  }
  problem(kind, reason, start, end) {
    const key = `${start}:${end}:${reason}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.problems.push({ kind, reason, start, end });
  }
};
function scanBootCommand(command) {
  const elements = typeof command === "string" ? [command] : command;
  const cps = [];
  const utf16Offsets = [];
  const elementOf = [];
  const columnOf = [];
  let offset = 0;
  elements.forEach((element, index) => {
    let column = 1;
    for (const ch of element.toWellFormed()) {
      cps.push(ch.codePointAt(0));
      utf16Offsets.push(offset);
      elementOf.push(index);
      columnOf.push(column++);
      offset += ch.length;
    }
  });
  utf16Offsets.push(offset);
  const joined = elements.map((e) => e.toWellFormed()).join("");
  const textOf = (start, end) => joined.slice(utf16Offsets[start], utf16Offsets[end]);
  const matcher = new Matcher(cps);
  const tokens = matcher.tokens().map((t) => ({
    ...t.action,
    span: {
      start: utf16Offsets[t.start],
      end: utf16Offsets[t.end],
      element: elementOf[t.start],
      column: columnOf[t.start],
      lastElement: elementOf[t.end - 1],
      text: textOf(t.start, t.end)
    }
  }));
  const located = (p) => ({
    kind: p.kind,
    reason: p.reason,
    element: elementOf[p.start],
    column: columnOf[p.start],
    // Show the closing '>' when there is one: "<wait1m-30s>" reads better than "<wait1m-30s".
    text: textOf(p.start, cps[p.end] === GT ? p.end + 1 : p.end)
  });
  if (matcher.problems.length > 0) return { tokens, problems: matcher.problems.map(located) };
  const problems = [];
  for (const token of tokens) {
    if (token.kind === "wait" && token.nanos <= 0n) {
      problems.push({
        kind: "non-positive-wait",
        reason: `Expecting a positive wait value. Got ${formatGoDurationNanos(token.nanos)}`,
        element: token.span.element,
        column: token.span.column,
        text: token.span.text
      });
    }
  }
  return { tokens, problems };
}
function parseBootCommand(command, options = {}) {
  const { tokens, problems } = scanBootCommand(command);
  if (problems.length > 0) throw new BootCommandError(problems, options.elementLabel);
  return tokens;
}

export {
  formatGoDurationNanos,
  nanosToMs,
  specialKey,
  KEYSYM_NAMES,
  SHIFT_L,
  scanBootCommand,
  parseBootCommand
};
