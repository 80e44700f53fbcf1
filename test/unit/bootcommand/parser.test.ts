import { describe, expect, it } from 'vitest';
import { formatPackerAst } from '../../../src/core/bootcommand/actions.js';
import { BootCommandError } from '../../../src/core/bootcommand/errors.js';
import { parseBootCommand, scanBootCommand } from '../../../src/core/bootcommand/parser.js';
import { SPECIAL_KEYS } from '../../../src/core/bootcommand/special-keys.js';
import { UserError } from '../../../src/core/errors.js';

/** The parse in the notation of packer-plugin-sdk's own tests. */
const ast = (command: string | string[]): string[] => parseBootCommand(command).map(formatPackerAst);
const literals = (text: string, action = 'Press'): string[] => Array.from(text, (c) => `LIT-${action}(${c})`);
const problemsOf = (command: string | string[]) => scanBootCommand(command).problems;

describe('packer-plugin-sdk bootcommand tests', () => {
  it('Test_parse: waits, literals, char toggles, unknown names, specials', () => {
    const input = '<wait><wait20><wait3s><wait4m2ns>' + 'foo/bar > one 界' + '<fon> b<fOff>' + '<foo><f3><f12><spacebar><leftalt><rightshift><rightsuper><menu>';
    expect(ast(input)).toEqual([
      'Wait<1s>',
      'Wait<20s>',
      'Wait<3s>',
      'Wait<4m0.000000002s>',
      ...literals('foo/bar > one 界'),
      'LIT-On(f)',
      'LIT-Press( )',
      'LIT-Press(b)',
      'LIT-Off(f)',
      ...literals('<foo>'),
      'Spec-Press(f3)',
      'Spec-Press(f12)',
      'Spec-Press(spacebar)',
      'Spec-Press(leftalt)',
      'Spec-Press(rightshift)',
      'Spec-Press(rightsuper)',
      'Spec-Press(menu)',
    ]);
  });

  it.each([
    ['<rightShift><rightshift><RIGHTSHIFT>', 'Spec-Press(rightshift)'],
    ['<delon><delON><deLoN><DELON>', 'Spec-On(del)'],
    ['<enteroff><enterOFF><eNtErOfF><ENTEROFF>', 'Spec-Off(enter)'],
  ])('Test_special: %s is %s four times', (input, expected) => {
    expect(ast(input)).toEqual(input.split('><').map(() => expected));
  });

  it.each([
    ['<wait1m>', true],
    ['<wait-1m>', false],
    ['<f1>', true],
    ['<', true],
  ])('Test_validation: %s valid=%s', (input, valid) => {
    const { tokens, problems } = scanBootCommand(input);
    expect(tokens).toHaveLength(1);
    expect(problems.length === 0).toBe(valid);
  });

  it('Test_empty: an empty command is an empty sequence', () => {
    expect(parseBootCommand('')).toEqual([]);
    expect(parseBootCommand([])).toEqual([]);
    expect(parseBootCommand(['', ''])).toEqual([]);
  });
});

describe('grammar: ordered choice Wait > CharToggle > Special > Literal', () => {
  it.each<[string, string[]]>([
    // No escapes: '<' and '>' are typed whenever they do not form a token.
    ['a<b', literals('a<b')],
    ['<<enter>', ['LIT-Press(<)', 'Spec-Press(enter)']],
    ['<foo>', literals('<foo>')],
    ['<f13>', literals('<f13>')],
    ['<<on><<off>enter>', ['LIT-On(<)', 'LIT-Off(<)', ...literals('enter>')]],
    ['>>', literals('>>')],
    ['<', literals('<')],
    ['<>', literals('<>')],
    ['<enter', literals('<enter')],
    // Whitespace is never allowed inside a token.
    ['<wait 5>', literals('<wait 5>')],
    ['<wait5 >', literals('<wait5 >')],
    ['< enter>', literals('< enter>')],
    // CharToggle: any single code point plus on/off.
    ['<fon>', ['LIT-On(f)']],
    ['<Aoff>', ['LIT-Off(A)']],
    ['<éon>', ['LIT-On(é)']],
    ['<1on>', ['LIT-On(1)']],
    ['<<on>', ['LIT-On(<)']],
    ['<>on>', ['LIT-On(>)']],
    ['<界OFF>', ['LIT-Off(界)']],
    ['<😀on>', ['LIT-On(😀)']],
    ['<on>', literals('<on>')],
    ['<ON>', literals('<ON>')],
    ['<oon>', ['LIT-On(o)']],
    ['<onon>', literals('<onon>')],
    // CharToggle wins over Special, and SpecialKey commits to the first name that matches.
    ['<f1on>', ['Spec-On(f1)']],
    ['<f10on>', ['Spec-On(f10)']],
    ['<f10n>', literals('<f10n>')],
    ['<lefton>', ['Spec-On(left)']],
    ['<leftoff>', ['Spec-Off(left)']],
    ['<enterofff>', literals('<enterofff>')],
    ['<enteron', literals('<enteron')],
    // Key names and on/off are case-insensitive, `wait` is not.
    ['<ENTER><PageUp><leftCTRLon><pAgEdOwNoFf>', ['Spec-Press(enter)', 'Spec-Press(pageup)', 'Spec-On(leftctrl)', 'Spec-Off(pagedown)']],
    ['<WAIT5>', literals('<WAIT5>')],
    ['<Wait>', literals('<Wait>')],
    // Go's unicode.ToLower maps U+0130 to 'i', so pigeon's case-insensitive match accepts it.
    ['<İnsert><rİght>', ['Spec-Press(insert)', 'Spec-Press(right)']],
    // Waits cannot be toggled.
    ['<waiton>', literals('<waiton>')],
    ['<wait5on>', literals('<wait5on>')],
    // Newer names (SDK v0.5.0 menu, v0.6.9 Command/Option) are accepted.
    ['<menu><leftCommand><RIGHTCOMMAND><leftoption><rightOptionOn>', ['Spec-Press(menu)', 'Spec-Press(leftcommand)', 'Spec-Press(rightcommand)', 'Spec-Press(leftoption)', 'Spec-On(rightoption)']],
    ['<leftMeta>', literals('<leftMeta>')],
    // Control characters are literals like any other code point.
    ['a\nb\t{', ['LIT-Press(a)', 'LIT-Press(\n)', 'LIT-Press(b)', 'LIT-Press(\t)', 'LIT-Press({)']],
  ])('%j', (input, expected) => {
    expect(ast(input)).toEqual(expected);
  });
});

describe('waits', () => {
  it.each<[string, string]>([
    ['<wait>', 'Wait<1s>'],
    ['<wait0>', 'Wait<1s>'], // the Integer "0" branch carries no value: Packer's default 1 s
    ['<wait5>', 'Wait<5s>'],
    ['<wait20>', 'Wait<20s>'],
    ['<wait123>', 'Wait<2m3s>'],
    ['<wait1m30s>', 'Wait<1m30s>'],
    ['<wait1.5s>', 'Wait<1.5s>'],
    ['<wait2h45m>', 'Wait<2h45m0s>'],
    ['<wait300ms>', 'Wait<300ms>'],
    ['<wait100µs>', 'Wait<100µs>'],
    ['<wait100us>', 'Wait<100µs>'],
    ['<wait5ns>', 'Wait<5ns>'],
    ['<wait0.5ms>', 'Wait<500µs>'],
    ['<wait1.0001s>', 'Wait<1.0001s>'],
    ['<wait1h1m1s1ms1us1ns>', 'Wait<1h1m1.001001001s>'],
    ['<wait0s1ms>', 'Wait<1ms>'],
    ['<wait1s1s>', 'Wait<2s>'],
    ['<wait596h31m23.647s>', 'Wait<596h31m23.647s>'], // the longest wait: the longest a timer holds
  ])('%s is %s', (input, expected) => {
    expect(ast(input)).toEqual([expected]);
  });

  it.each([
    '<wait00>',
    '<wait05>',
    '<wait1m30>', // no unit on the last number
    '<wait1d>',
    '<wait.5s>',
    '<wait+1s>',
    '<wait1.s>',
    '<wait-5>',
    '<wait0.5>',
    '<wait1mus>', // Duration commits to "1m", then '>' is missing
    '<wait100μs>', // GREEK SMALL LETTER MU is not in the grammar's TimeUnit (MICRO SIGN is)
    '<wait1S>',
    '<wait1M>',
  ])('%s is literal text', (input) => {
    expect(ast(input)).toEqual(literals(input));
  });

  it.each<[string, string]>([
    ['<wait0s>', 'Expecting a positive wait value. Got 0s'],
    ['<wait-0s>', 'Expecting a positive wait value. Got 0s'],
    ['<wait-1m>', 'Expecting a positive wait value. Got -1m0s'],
    ['<wait-1.5s>', 'Expecting a positive wait value. Got -1.5s'],
    ['<wait0.1ns>', 'Expecting a positive wait value. Got 0s'], // Go truncates below a nanosecond
    ['<wait0ms0s>', 'Expecting a positive wait value. Got 0s'],
    // Go multiplies seconds in wrapping int64 arithmetic: (2^63-1) * 1e9 wraps to -1 s.
    ['<wait9223372036854775807>', 'Expecting a positive wait value. Got -1s'],
  ])('%s is refused: %s', (input, reason) => {
    expect(problemsOf(input)).toEqual([{ kind: 'non-positive-wait', reason, element: 0, column: 1, text: input }]);
    expect(() => parseBootCommand(input)).toThrow(reason);
  });

  it.each([
    ['<wait1m-30s>', 'a sign is only allowed at its start'],
    ['<wait2562048h>', 'it is longer than the longest duration, 596h31m23.647s'],
    // Go reads these; RudderVirt refuses them, as no timer can hold them (they would end at once):
    ['<wait596h31m23.648s>', 'Wait 596h31m23.648s is longer than the longest duration, 596h31m23.647s'],
    ['<wait99999999999h>', 'it is longer than the longest duration, 596h31m23.647s'],
    ['<wait2562047h47m16.854775807s>', 'longer than the longest duration, 596h31m23.647s'],
    ['<wait2147484>', 'Wait 596h31m24s is longer than the longest duration'],
    ['<wait99999999999999999999>', 'out of range for a 64-bit integer'],
    // pigeon records an action's error even when the rule around it then fails:
    ['<wait1m-30s', 'a sign is only allowed at its start'],
    ['<wait99999999999999999999', 'out of range for a 64-bit integer'],
    ['<wait1s99999999999999999999x', 'out of range for a 64-bit integer'],
  ])('%s is an error in Packer too (%s)', (input, reason) => {
    const problems = problemsOf(input);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'invalid-wait', element: 0, column: 1 });
    expect(problems[0]!.reason).toContain(reason);
  });

  it('handles very long commands and numbers', () => {
    const digits = '1'.repeat(300_000);
    expect(problemsOf(`<wait${digits}>`)[0]!.reason).toContain('out of range');
    expect(problemsOf(`<wait${digits}s>`)[0]!.kind).toBe('invalid-wait');
    expect(parseBootCommand('a<enter>'.repeat(50_000))).toHaveLength(100_000);
  });

  it('reports every refused wait with its element and column', () => {
    let error: unknown;
    try {
      parseBootCommand(['ab', 'x<wait0s>y', '<wait>', 'é<wait-2s>']);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(BootCommandError);
    expect(error).toBeInstanceOf(UserError);
    const problems = (error as BootCommandError).problems;
    expect(problems.map((p) => [p.element, p.column, p.text])).toEqual([
      [1, 2, '<wait0s>'],
      [3, 2, '<wait-2s>'],
    ]);
    expect((error as Error).message).toBe('Expecting a positive wait value. Got 0s (element 2, column 2: "<wait0s>")\n' + 'Expecting a positive wait value. Got -2s (element 4, column 2: "<wait-2s>")');
  });

  it('names elements the way the caller wants', () => {
    expect(() => parseBootCommand(['a', '<wait0s>'], { elementLabel: (i) => `bootCommand[${i}]` })).toThrow('Expecting a positive wait value. Got 0s (bootCommand[1], column 1: "<wait0s>")');
  });
});

describe('special keys', () => {
  it('the table is in a valid ordered-choice order: no name is shadowed by an earlier prefix', () => {
    const names = SPECIAL_KEYS.map((k) => k.name.toLowerCase());
    names.forEach((later, j) => names.slice(0, j).forEach((earlier) => expect(later.startsWith(earlier), `${earlier} shadows ${later}`).toBe(false)));
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(SPECIAL_KEYS.map((k) => [k.name]))('<%s> with every action and any case', (name) => {
    const lower = name.toLowerCase();
    const upper = name.toUpperCase();
    expect(ast(`<${name}><${lower}on><${upper}OFF><${name}On><${lower}oFf>`)).toEqual([`Spec-Press(${lower})`, `Spec-On(${lower})`, `Spec-Off(${lower})`, `Spec-On(${lower})`, `Spec-Off(${lower})`]);
  });
});

describe('elements', () => {
  it('are concatenated before parsing, as Packer does: a token may span elements', () => {
    const tokens = parseBootCommand(['ab<ent', 'er>', '', '<wait', '5>c']);
    expect(tokens.map(formatPackerAst)).toEqual(['LIT-Press(a)', 'LIT-Press(b)', 'Spec-Press(enter)', 'Wait<5s>', 'LIT-Press(c)']);
    expect(tokens.map((t) => [t.span.element, t.span.lastElement, t.span.column, t.span.text])).toEqual([
      [0, 0, 1, 'a'],
      [0, 0, 2, 'b'],
      [0, 1, 3, '<enter>'],
      [3, 4, 1, '<wait5>'],
      [4, 4, 3, 'c'],
    ]);
  });

  it('count columns in code points and offsets in UTF-16 units', () => {
    const tokens = parseBootCommand(['😀<enter>', '界x']);
    expect(tokens.map((t) => [t.span.start, t.span.end, t.span.column])).toEqual([
      [0, 2, 1],
      [2, 9, 2],
      [9, 10, 1],
      [10, 11, 2],
    ]);
  });

  it('lone surrogates become U+FFFD, as they would in a Go string', () => {
    expect(ast(['a\ud800', '\udc00b'])).toEqual(['LIT-Press(a)', 'LIT-Press(\ufffd)', 'LIT-Press(\ufffd)', 'LIT-Press(b)']);
  });
});
