import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BootAction, BootToken, KeyAction } from '../../../src/core/bootcommand/actions.js';
import { BootCommandError } from '../../../src/core/bootcommand/errors.js';
import { MAX_DURATION_MS } from '../../../src/core/duration.js';
import { formatGoDurationNanos } from '../../../src/core/bootcommand/go-duration-nanos.js';
import { planBootCommand } from '../../../src/core/bootcommand/plan.js';
import { parseBootCommand, scanBootCommand } from '../../../src/core/bootcommand/parser.js';
import { SPECIAL_KEYS } from '../../../src/core/bootcommand/special-keys.js';

const RUNS = { numRuns: 500 };

const randomCase = (word: string) => fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }).map((upper) => Array.from(word, (c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));

/** Pieces that make tokens, near-tokens and noise likely when strung together. */
const numberish = fc.oneof({ arbitrary: fc.constantFrom('0', '1', '5', '12', '0.5', '1.5', '.5', '00'), weight: 10 }, fc.constantFrom('99999999999999999999', '-1', '3000000'));
const unitish = fc.oneof({ arbitrary: fc.constantFrom('ns', 'us', 'µs', 'ms', 's', 'm', 'h', ''), weight: 10 }, fc.constantFrom('μs', 'S', 'd', '-'));
const durationish = fc.tuple(fc.constantFrom('', '', '', '-'), fc.array(fc.tuple(numberish, unitish), { maxLength: 3 })).map(([sign, parts]) => sign + parts.map(([n, u]) => n + u).join(''));
const tokenBody = fc.oneof(
  fc.tuple(fc.constantFrom('wait', 'wait', 'WAIT'), durationish).map(([w, d]) => w + d),
  fc.tuple(fc.constantFrom(...SPECIAL_KEYS.map((k) => k.name)).chain(randomCase), fc.constantFrom('', '', 'on', 'off', 'On', 'OFF')).map(([k, t]) => k + t),
  fc.tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.constantFrom('on', 'off', 'oN', 'Off')).map(([c, t]) => c + t),
);
const tokenish = fc.tuple(fc.constantFrom('<', '<', '<', ''), tokenBody, fc.constantFrom('>', '>', '>', '')).map((parts) => parts.join(''));
const fragment = fc.oneof(
  { arbitrary: tokenish, weight: 4 },
  fc.constantFrom('<', '>', 'wait', 'on', 'off', '-', '0', 'İ', ' ', '\n'),
  fc.string({ unit: 'binary', maxLength: 3 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 3 }),
);
const command = fc.array(fragment, { maxLength: 25 }).map((parts) => parts.join(''));
const elements = fc.array(command, { maxLength: 5 });

const actionOnly = (t: BootToken): BootAction => {
  const { span: _span, ...action } = t;
  return action;
};

describe('parser properties', () => {
  it('never throws except for a wait Packer refuses, and always refuses a wait ≤ 0', () => {
    fc.assert(
      fc.property(command, (text) => {
        const { tokens, problems } = scanBootCommand(text); // never throws
        const nonPositive = tokens.filter((t) => t.kind === 'wait' && t.nanos <= 0n);
        let thrown: unknown;
        try {
          parseBootCommand(text);
        } catch (err) {
          thrown = err;
        }
        if (thrown === undefined) {
          expect(problems).toEqual([]);
          expect(nonPositive).toEqual([]);
          return;
        }
        expect(thrown).toBeInstanceOf(BootCommandError);
        for (const problem of (thrown as BootCommandError).problems) {
          if (problem.kind === 'non-positive-wait') {
            expect(nonPositive.some((t) => t.span.column === problem.column && t.span.text === problem.text)).toBe(true);
          } else {
            // Go could not read the number of a <wait…>: only ever a digit or a '-' after "<wait".
            expect(problem.text).toMatch(/^<wait[-0-9]/);
          }
        }
        if (nonPositive.length > 0 && !problems.some((p) => p.kind === 'invalid-wait')) {
          expect((thrown as BootCommandError).problems).toHaveLength(nonPositive.length);
        }
      }),
      RUNS,
    );
  });

  it('text without "<" is typed character for character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (raw) => {
        const text = raw.replaceAll('<', '');
        const tokens = parseBootCommand(text);
        expect(tokens.every((t) => t.kind === 'literal' && t.action === 'press')).toBe(true);
        expect(tokens.map((t) => (t.kind === 'literal' ? t.char : '')).join('')).toBe(text.toWellFormed());
        expect(tokens.map((t) => t.span.text).join('')).toBe(text.toWellFormed());
      }),
      RUNS,
    );
  });

  it('a list parses exactly as its concatenation', () => {
    fc.assert(
      fc.property(elements, (parts) => {
        const split = scanBootCommand(parts);
        const joined = scanBootCommand(parts.join(''));
        expect(split.tokens.map(actionOnly)).toEqual(joined.tokens.map(actionOnly));
        expect(split.problems.map((p) => [p.kind, p.reason, p.text])).toEqual(joined.problems.map((p) => [p.kind, p.reason, p.text]));
        if (split.problems.length === 0) {
          const plan = planBootCommand(parts);
          expect(plan.events).toEqual(planBootCommand(parts.join('')).events);
          expect(plan.elementEnds).toHaveLength(parts.length);
          expect(plan.elementEnds.at(-1) ?? 0).toBe(parts.length === 0 ? 0 : plan.events.length);
          plan.elementEnds.forEach((end, i) => expect(end).toBeGreaterThanOrEqual(plan.elementEnds[i - 1] ?? 0));
        }
      }),
      RUNS,
    );
  });

  it('spans tile the command: every character belongs to exactly one token', () => {
    fc.assert(
      fc.property(elements, (parts) => {
        const { tokens } = scanBootCommand(parts);
        expect(tokens.map((t) => t.span.text).join('')).toBe(parts.join('').toWellFormed());
        tokens.forEach((t, i) => expect(t.span.start).toBe(tokens[i - 1]?.span.end ?? 0));
      }),
      RUNS,
    );
  });
});

// Writing actions back as text, with the shortest spelling Packer documents, must parse back to them.
const keyAction = fc.constantFrom<KeyAction>('press', 'on', 'off');
const suffix: Record<KeyAction, string> = { press: '', on: 'on', off: 'off' };
const action: fc.Arbitrary<BootAction> = fc.oneof(
  fc.bigInt({ min: 1n, max: BigInt(MAX_DURATION_MS) * 1_000_000n }).map((nanos): BootAction => ({ kind: 'wait', nanos })),
  fc.integer({ min: 1, max: 100_000 }).map((s): BootAction => ({ kind: 'wait', nanos: BigInt(s) * 1_000_000_000n })),
  fc.record({ key: fc.constantFrom(...SPECIAL_KEYS.map((k) => k.name.toLowerCase())), action: keyAction }).map((a): BootAction => ({ kind: 'special', ...a })),
  // A press of '<' could start a token with what follows; everything else is safe anywhere.
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 1 })
    .filter((c) => [...c].length === 1 && c !== '<')
    .map((char): BootAction => ({ kind: 'literal', char, action: 'press' })),
  fc.record({ char: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }).filter((c) => [...c].length === 1), action: fc.constantFrom<KeyAction>('on', 'off') }).map((a): BootAction => ({ kind: 'literal', ...a })),
);

function render(a: BootAction, asSeconds: boolean): string {
  switch (a.kind) {
    case 'wait':
      return asSeconds && a.nanos % 1_000_000_000n === 0n ? `<wait${a.nanos / 1_000_000_000n}>` : `<wait${formatGoDurationNanos(a.nanos)}>`;
    case 'special':
      return `<${a.key}${suffix[a.action]}>`;
    case 'literal':
      return a.action === 'press' ? a.char : `<${a.char}${suffix[a.action]}>`;
    case 'waitText':
      return `<${a.source === 'serial' ? 'waitSerial' : 'wait'} ${a.pattern.includes("'") ? `"${a.pattern}"` : `'${a.pattern}'`}>`;
  }
}

describe('round trip', () => {
  it('actions written as Packer text parse back to the same actions', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 20 }), fc.boolean(), (actions, asSeconds) => {
        const text = actions.map((a) => render(a, asSeconds)).join('');
        expect(parseBootCommand(text).map(actionOnly)).toEqual(actions);
      }),
      RUNS,
    );
  });
});
