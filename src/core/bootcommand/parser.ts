/**
 * The boot-command parser: Packer's PEG (packer-plugin-sdk bootcommand/boot_command.pigeon),
 * reimplemented as a hand-written recursive-descent matcher with the same ordered-choice semantics.
 *
 *   Input      <- ( WaitText / Wait / CharToggle / Special / Literal )*
 *   WaitText   <- "<" ( "waitSerial" / "wait" ) " " ( "'" [^']+ "'" / '"' [^"]+ '"' ) ">"
 *   Wait       <- "<" "wait" ( Duration / Integer )? ">"          "wait" is case-sensitive
 *   CharToggle <- "<" Literal ( On / Off ) ">"
 *   Special    <- "<" SpecialKey ( On / Off )? ">"                 key names case-insensitive
 *   Duration   <- ( Number TimeUnit )+                              read with Go's ParseDuration
 *   Number     <- "-"? Integer ( "." Digit+ )?
 *   Integer    <- "0" / [1-9] Digit*
 *   TimeUnit   <- "ns" / "us" / "µs" / "ms" / "s" / "m" / "h"
 *   On <- "on"i   Off <- "off"i   Literal <- any code point
 *
 * PEG choices commit: once an alternative matched, a later failure in the same sequence fails the
 * whole rule instead of trying the next alternative. Every matcher below is written that way, which is
 * what makes `<wait1mus>` literal text (Duration takes "1m", then ">" is missing) and `<f10n>` literal
 * (SpecialKey takes "f10", never "f1").
 *
 * WaitText is ours, not Packer's: packer-plugin-tart's `<wait 'TEXT'>` (cirruslabs/packer-plugin-tart
 * builder/tart/step_run.go; TEXT is a regular expression here), plus `<waitSerial 'TEXT'>` for the
 * serial console. Packer types these as literal text (a token holds no whitespace), so no boot
 * command Packer gives meaning to changes meaning. TEXT cannot hold its own quote: use the other one.
 *
 * Two pigeon behaviours are reproduced on purpose:
 * - Integer's action is attached to its second branch only, so `<wait0>` carries no number and
 *   means the default 1 s.
 * - An action's error (Go's ParseInt/ParseDuration failing) is recorded even when the surrounding
 *   rule later fails, and any recorded error fails the whole parse.
 */
import type { BootAction, BootToken, KeyAction } from './actions.js';
import { durationRangeProblem, MAX_DURATION_MS } from '../duration.js';
import { BootCommandError, type BootCommandProblem, type ElementLabel } from './errors.js';
import { formatGoDurationNanos, parseGoDurationNanos, wrapInt64 } from './go-duration-nanos.js';
import { SPECIAL_KEYS } from './special-keys.js';

const LT = 0x3c;
const GT = 0x3e;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const NANOS_PER_SECOND = 1_000_000_000n;
const DEFAULT_WAIT_NANOS = NANOS_PER_SECOND;
const INT64_MAX = (1n << 63n) - 1n;
const MAX_WAIT_NANOS = BigInt(MAX_DURATION_MS) * 1_000_000n;

const codePointsOf = (s: string): number[] => Array.from(s, (c) => c.codePointAt(0)!);
const WAIT = codePointsOf('wait');
const WAIT_SERIAL = codePointsOf('waitSerial');
const SPACE = 0x20;
const QUOTES = new Set([0x27, 0x22]); // ' and "

const ON = codePointsOf('on');
const OFF = codePointsOf('off');
const TIME_UNITS = ['ns', 'us', 'µs', 'ms', 's', 'm', 'h'].map(codePointsOf);
const SPECIAL_NAMES = SPECIAL_KEYS.map((k) => ({ lower: k.name.toLowerCase(), cps: codePointsOf(k.name.toLowerCase()) }));

/**
 * Go's unicode.ToLower as far as it can yield an ASCII letter: besides A–Z, U+0130 (İ) lowers to
 * 'i' and U+212A (Kelvin sign) to 'k', so `<İnsert>` is a key in Packer and here.
 */
function lowerForMatch(cp: number): number {
  if (cp >= 0x41 && cp <= 0x5a) return cp + 0x20;
  if (cp === 0x130) return 0x69;
  if (cp === 0x212a) return 0x6b;
  return cp;
}

const isDigit = (cp: number | undefined): boolean => cp !== undefined && cp >= ZERO && cp <= NINE;

interface RawToken {
  action: BootAction;
  start: number; // code-point index
  end: number;
}

interface RawProblem {
  kind: BootCommandProblem['kind'];
  reason: string;
  start: number;
  end: number;
}

/** Why `pattern` is not a JavaScript regular expression, or undefined when it is one. */
function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (err) {
    return (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
  }
}

/** One pass of the grammar over the code points of the whole (concatenated) command. */
class Matcher {
  readonly problems: RawProblem[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly cps: readonly number[]) {}

  tokens(): RawToken[] {
    const out: RawToken[] = [];
    let i = 0;
    while (i < this.cps.length) {
      const matched = this.waitText(i) ?? this.wait(i) ?? this.charToggle(i) ?? this.special(i);
      if (matched) {
        out.push({ action: matched.action, start: i, end: matched.end });
        i = matched.end;
      } else {
        out.push({ action: { kind: 'literal', char: String.fromCodePoint(this.cps[i]!), action: 'press' }, start: i, end: i + 1 });
        i += 1;
      }
    }
    return out;
  }

  private waitText(start: number): { action: BootAction; end: number } | undefined {
    if (this.cps[start] !== LT) return undefined;
    const keyword = this.exact(start + 1, WAIT_SERIAL) ? WAIT_SERIAL : this.exact(start + 1, WAIT) ? WAIT : undefined;
    if (!keyword) return undefined;
    let i = start + 1 + keyword.length;
    if (this.cps[i] !== SPACE) return undefined;
    const quote = this.cps[++i];
    if (quote === undefined || !QUOTES.has(quote)) return undefined;
    const textStart = ++i;
    while (i < this.cps.length && this.cps[i] !== quote) i++;
    if (i === textStart || this.cps[i] !== quote || this.cps[i + 1] !== GT) return undefined;
    const pattern = this.text(textStart, i);
    const invalid = regexProblem(pattern);
    if (invalid) this.problem('invalid-pattern', `Invalid regular expression ${JSON.stringify(pattern)}: ${invalid}`, start, i + 1);
    const source = keyword === WAIT_SERIAL ? 'serial' : 'screen';
    return { action: { kind: 'waitText', source, pattern }, end: i + 2 };
  }

  private wait(start: number): { action: BootAction; end: number } | undefined {
    if (this.cps[start] !== LT || !this.exact(start + 1, WAIT)) return undefined;
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
        // A bare integer is seconds, multiplied in Go's wrapping int64 arithmetic.
        if (integer.value !== undefined) nanos = wrapInt64(integer.value * NANOS_PER_SECOND);
      }
    }
    if (this.cps[i] !== GT) return undefined;
    // Stricter than Packer, on purpose: a wait no timer can hold would end at once (see MAX_DURATION_MS).
    if (nanos > MAX_WAIT_NANOS) {
      this.problem('invalid-wait', `Wait ${formatGoDurationNanos(nanos)} is ${durationRangeProblem(Number(nanos / 1_000_000n))}`, start, i);
    }
    return { action: { kind: 'wait', nanos }, end: i + 1 };
  }

  private charToggle(start: number): { action: BootAction; end: number } | undefined {
    if (this.cps[start] !== LT || start + 1 >= this.cps.length) return undefined;
    const toggle = this.onOff(start + 2);
    if (!toggle || this.cps[toggle.end] !== GT) return undefined;
    const char = String.fromCodePoint(this.cps[start + 1]!);
    return { action: { kind: 'literal', char, action: toggle.action }, end: toggle.end + 1 };
  }

  private special(start: number): { action: BootAction; end: number } | undefined {
    if (this.cps[start] !== LT) return undefined;
    const name = SPECIAL_NAMES.find((n) => this.caseless(start + 1, n.cps));
    if (!name) return undefined;
    let i = start + 1 + name.cps.length;
    let action: KeyAction = 'press';
    const toggle = this.onOff(i);
    if (toggle) {
      action = toggle.action;
      i = toggle.end;
    }
    if (this.cps[i] !== GT) return undefined;
    return { action: { kind: 'special', key: name.lower, action }, end: i + 1 };
  }

  private onOff(i: number): { action: KeyAction; end: number } | undefined {
    if (this.caseless(i, ON)) return { action: 'on', end: i + ON.length };
    if (this.caseless(i, OFF)) return { action: 'off', end: i + OFF.length };
    return undefined;
  }

  /** Duration <- (Number TimeUnit)+, its text then read by Go's ParseDuration. */
  private duration(tokenStart: number, from: number): { nanos: bigint; end: number } | undefined {
    let i = from;
    for (;;) {
      const number = this.number(tokenStart, i);
      if (number === undefined) break;
      const unit = TIME_UNITS.find((u) => this.exact(number, u));
      if (!unit) break;
      i = number + unit.length;
    }
    if (i === from) return undefined;
    const text = this.text(from, i);
    const nanos = parseGoDurationNanos(text);
    if (nanos === undefined) {
      // Go's own limit is 2562047h47m16.854775807s; ours (MAX_DURATION_MS) is lower and is the one to name.
      const why = text.lastIndexOf('-') > 0 ? 'a sign is only allowed at its start' : `it is ${durationRangeProblem(Infinity)}`;
      this.problem('invalid-wait', `Invalid wait duration ${JSON.stringify(text)}: ${why}`, tokenStart, i);
      return { nanos: 0n, end: i };
    }
    return { nanos, end: i };
  }

  /** Number <- "-"? Integer ("." Digit+)? ; returns the end index. */
  private number(tokenStart: number, from: number): number | undefined {
    let i = from;
    if (this.cps[i] === MINUS) i++;
    const integer = this.integer(tokenStart, i);
    if (!integer) return undefined;
    i = integer.end;
    if (this.cps[i] === DOT && isDigit(this.cps[i + 1])) {
      i += 2;
      while (isDigit(this.cps[i])) i++;
    }
    return i;
  }

  /** Integer <- "0" / [1-9][0-9]* ; only the second branch has a value (pigeon's action placement). */
  private integer(tokenStart: number, from: number): { value?: bigint; end: number } | undefined {
    const first = this.cps[from];
    if (first === ZERO) return { end: from + 1 };
    if (first === undefined || first <= ZERO || first > NINE) return undefined;
    let i = from + 1;
    while (isDigit(this.cps[i])) i++;
    const digits = this.text(from, i);
    let value = BigInt(digits);
    if (value > INT64_MAX) {
      this.problem('invalid-wait', `Invalid wait value ${digits}: out of range for a 64-bit integer (Go's strconv.ParseInt)`, tokenStart, i);
      value = INT64_MAX; // what ParseInt returns alongside its range error
    }
    return { value, end: i };
  }

  /** Spreading a long slice into String.fromCodePoint would overflow the argument limit. */
  private text(from: number, to: number): string {
    let out = '';
    for (let k = from; k < to; k++) out += String.fromCodePoint(this.cps[k]!);
    return out;
  }

  private exact(i: number, want: readonly number[]): boolean {
    return want.every((cp, k) => this.cps[i + k] === cp);
  }

  private caseless(i: number, lowerWant: readonly number[]): boolean {
    return lowerWant.every((cp, k) => {
      const got = this.cps[i + k];
      return got !== undefined && lowerForMatch(got) === cp;
    });
  }

  private problem(kind: RawProblem['kind'], reason: string, start: number, end: number): void {
    // pigeon de-duplicates identical errors; the same number can be read twice (as a Duration's
    // Number, then as the Integer alternative).
    const key = `${start}:${end}:${reason}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.problems.push({ kind, reason, start, end });
  }
}

export interface ScanResult {
  tokens: BootToken[];
  /** Non-empty when Packer would refuse the command; `tokens` is then only indicative. */
  problems: BootCommandProblem[];
}

/**
 * Parses a boot command without throwing. A list is concatenated first, exactly as Packer's
 * FlatBootCommand does, so a token may span elements; each token records where it starts and ends.
 */
export function scanBootCommand(command: string | readonly string[]): ScanResult {
  const elements = typeof command === 'string' ? [command] : command;
  const cps: number[] = [];
  const utf16Offsets: number[] = [];
  const elementOf: number[] = [];
  const columnOf: number[] = [];
  let offset = 0;
  elements.forEach((element, index) => {
    // Packer's strings are UTF-8: a lone surrogate arrives there as U+FFFD.
    let column = 1;
    for (const ch of element.toWellFormed()) {
      cps.push(ch.codePointAt(0)!);
      utf16Offsets.push(offset);
      elementOf.push(index);
      columnOf.push(column++);
      offset += ch.length;
    }
  });
  utf16Offsets.push(offset);
  const joined = elements.map((e) => e.toWellFormed()).join('');
  const textOf = (start: number, end: number): string => joined.slice(utf16Offsets[start], utf16Offsets[end]);

  const matcher = new Matcher(cps);
  const tokens: BootToken[] = matcher.tokens().map((t) => ({
    ...t.action,
    span: {
      start: utf16Offsets[t.start]!,
      end: utf16Offsets[t.end]!,
      element: elementOf[t.start]!,
      column: columnOf[t.start]!,
      lastElement: elementOf[t.end - 1]!,
      text: textOf(t.start, t.end),
    },
  }));
  const located = (p: RawProblem): BootCommandProblem => ({
    kind: p.kind,
    reason: p.reason,
    element: elementOf[p.start]!,
    column: columnOf[p.start]!,
    // Show the closing '>' when there is one: "<wait1m-30s>" reads better than "<wait1m-30s".
    text: textOf(p.start, cps[p.end] === GT ? p.end + 1 : p.end),
  });
  if (matcher.problems.length > 0) return { tokens, problems: matcher.problems.map(located) };

  // Packer's config validation, which only runs on a command that parsed.
  const problems: BootCommandProblem[] = [];
  for (const token of tokens) {
    if (token.kind === 'wait' && token.nanos <= 0n) {
      problems.push({
        kind: 'non-positive-wait',
        reason: `Expecting a positive wait value. Got ${formatGoDurationNanos(token.nanos)}`,
        element: token.span.element,
        column: token.span.column,
        text: token.span.text,
      });
    }
  }
  return { tokens, problems };
}

export interface ParseOptions {
  /** Names an element in error messages ("argument 2", "bootCommand[1]"). */
  elementLabel?: ElementLabel;
}

/** Parses and validates a boot command; throws BootCommandError where Packer would refuse it. */
export function parseBootCommand(command: string | readonly string[], options: ParseOptions = {}): BootToken[] {
  const { tokens, problems } = scanBootCommand(command);
  if (problems.length > 0) throw new BootCommandError(problems, options.elementLabel);
  return tokens;
}
