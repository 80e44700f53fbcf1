import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPackerAst, type BootAction, type BootToken } from '../../../src/core/bootcommand/actions.js';
import { describeKeyEvent } from '../../../src/core/bootcommand/describe.js';
import { BootCommandError } from '../../../src/core/bootcommand/errors.js';
import { planBootCommand } from '../../../src/core/bootcommand/plan.js';
import { parseBootCommand, scanBootCommand } from '../../../src/core/bootcommand/parser.js';
import { typeKeyEvents } from '../../../src/core/bootcommand/type-key-events.js';
import type { TextWait } from '../../../src/core/bootcommand/types.js';

const actions = (text: string | string[]): BootAction[] =>
  parseBootCommand(text).map((t: BootToken) => {
    const { span: _span, ...action } = t;
    return action;
  });
const literal = (s: string): BootAction[] => [...s].map((char) => ({ kind: 'literal', char, action: 'press' }));

describe('<wait TEXT> and <waitSerial TEXT>', () => {
  it('reads single- and double-quoted screen waits and serial waits', () => {
    expect(actions("<wait 'boot:'>")).toEqual([{ kind: 'waitText', source: 'screen', pattern: 'boot:' }]);
    expect(actions('<wait "Install">')).toEqual([{ kind: 'waitText', source: 'screen', pattern: 'Install' }]);
    expect(actions("<waitSerial 'login: $'>")).toEqual([{ kind: 'waitText', source: 'serial', pattern: 'login: $' }]);
    // The other quote and '>' may appear inside.
    expect(actions(`<wait "it's up"><wait 'a "b" > c'>`)).toEqual([
      { kind: 'waitText', source: 'screen', pattern: "it's up" },
      { kind: 'waitText', source: 'screen', pattern: 'a "b" > c' },
    ]);
  });

  it('sits among Packer tokens without changing them', () => {
    expect(actions("<esc><wait 'boot:'>guest<enter><wait5>")).toEqual([
      { kind: 'special', key: 'esc', action: 'press' },
      { kind: 'waitText', source: 'screen', pattern: 'boot:' },
      ...literal('guest'),
      { kind: 'special', key: 'enter', action: 'press' },
      { kind: 'wait', nanos: 5_000_000_000n },
    ]);
  });

  it('leaves near-misses literal, as Packer types them', () => {
    for (const text of ["<wait ''>", "<wait 'x'", "<wait  'x'>", "<wait'x'>", "<WAIT 'x'>", "<waitserial 'x'>", "<wait 'x' >", '<wait `x`>', '<wait \'x">', "<waitSerial'x'>"]) {
      expect(actions(text), text).toEqual(literal(text));
    }
    // Packer's own wait tokens are untouched.
    expect(actions('<wait><wait5><wait1m30s>').map((a) => formatPackerAst(a))).toEqual(['Wait<1s>', 'Wait<5s>', 'Wait<1m30s>']);
  });

  it('refuses a TEXT that is not a regular expression, naming the element and column', () => {
    const { problems } = scanBootCommand(['<enter>', "ab<wait 'boot: ('>"]);
    expect(problems).toEqual([expect.objectContaining({ kind: 'invalid-pattern', element: 1, column: 3, text: "<wait 'boot: ('>" })]);
    expect(problems[0]!.reason).toMatch(/^Invalid regular expression "boot: \(": Unterminated group/);
    expect(() => parseBootCommand("<waitSerial '['>", { elementLabel: (i) => `bootCommand[${i}]` })).toThrow(BootCommandError);
    expect(() => parseBootCommand("<waitSerial '['>", { elementLabel: (i) => `bootCommand[${i}]` })).toThrow(/bootCommand\[0\], column 1/);
  });

  it('a token split across elements is not a token (elements are joined, then parsed)', () => {
    // Joined, "<wait 'bo" + "ot:'>" is one token again, like any Packer token split in two.
    expect(actions(["<wait 'bo", "ot:'>"])).toEqual([{ kind: 'waitText', source: 'screen', pattern: 'boot:' }]);
  });

  it('becomes one text-wait event, described for people and in Packer-style notation', () => {
    const plan = planBootCommand(["<wait 'boot:'>", 'a<enter>']);
    expect(plan.events[0]).toEqual({ waitText: { source: 'screen', pattern: 'boot:' } });
    expect(plan.elementEnds).toEqual([1, plan.events.length]);
    expect(describeKeyEvent(plan.events[0]!)).toBe('wait    for screen text /boot:/');
    expect(describeKeyEvent({ waitText: { source: 'serial', pattern: 'login:' } })).toBe('wait    for serial console text /login:/');
    expect(formatPackerAst({ kind: 'waitText', source: 'serial', pattern: 'x' })).toBe('WaitText<serial "x">');
  });

  it('typing hands each text wait to waitForText in order, between the keys', async () => {
    const log: string[] = [];
    const plan = planBootCommand("a<wait 'one'>b<waitSerial 'two'>");
    await typeKeyEvents(
      plan,
      { keyEvent: async (k, down) => void log.push(`${down ? '+' : '-'}${String.fromCodePoint(k)}`) },
      {
        intervalMs: 0,
        waitForText: async (w: TextWait) => void log.push(`${w.source}:${w.pattern}`),
      },
    );
    expect(log).toEqual(['+a', '-a', 'screen:one', '+b', '-b', 'serial:two']);
    await expect(typeKeyEvents(plan, { keyEvent: async () => {} }, { intervalMs: 0 })).rejects.toThrow(/waits for screen text \/one\/, and nothing here can watch for text/);
  });
});

describe('text-wait properties', () => {
  const quote = fc.constantFrom("'", '"');
  const patternChars = fc.string({ unit: fc.constantFrom('a', 'b', ':', ' ', '>', '<', '.', '*', '\\d', '$', "'", '"', 'é'), minLength: 1, maxLength: 12 });

  it('any well-formed token reads back as its source and pattern', () => {
    fc.assert(
      fc.property(fc.boolean(), quote, patternChars, (serial, q, raw) => {
        const pattern = raw.replaceAll(q, '');
        fc.pre(pattern.length > 0);
        let valid = true;
        try {
          new RegExp(pattern);
        } catch {
          valid = false;
        }
        const text = `<${serial ? 'waitSerial' : 'wait'} ${q}${pattern}${q}>`;
        const { tokens, problems } = scanBootCommand(text);
        expect(tokens.map((t) => t.kind)).toEqual(['waitText']);
        expect(tokens[0]).toMatchObject({ source: serial ? 'serial' : 'screen', pattern, span: { start: 0, end: text.length, text } });
        expect(problems.map((p) => p.kind)).toEqual(valid ? [] : ['invalid-pattern']);
      }),
      { numRuns: 500 },
    );
  });

  it('text without "<wait " or "<waitSerial " followed by a quote parses exactly as before', () => {
    // Packer's grammar gives no token a space after "<wait", so removing the text-wait alternative
    // can only change commands holding that sequence.
    const piece = fc.constantFrom('<', '>', 'wait', 'Serial', ' ', "'", '"', 'x', '5', 'on', '<enter>', '<wait5>', '<wait>');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), (pieces) => {
        const text = pieces.join('');
        const kinds = scanBootCommand(text).tokens.map((t) => t.kind);
        if (!/<wait(Serial)? ['"]/.test(text)) expect(kinds).not.toContain('waitText');
        // Whatever the text, the tokens cover it exactly, in order.
        const spans = scanBootCommand(text)
          .tokens.map((t) => t.span.text)
          .join('');
        expect(spans).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});
