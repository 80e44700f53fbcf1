/**
 * Any mutation of a valid build file either loads or yields located problems: never a crash, never
 * a problem without a real line and column, never a stack trace.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBuildText } from '../../../src/core/config/load.js';
import { BuildFileError } from '../../../src/core/config/problems.js';
import { repoRoot } from '../../helpers/node24.js';

const examplesDir = path.join(repoRoot, 'examples');
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => ({ file: path.join(examplesDir, f), text: readFileSync(path.join(examplesDir, f), 'utf8') }));

function loadsOrLocates(file: string, text: string): void {
  try {
    loadBuildText(text, file, { env: { SSH_PASSWORD: 'x' } });
  } catch (err) {
    if (!(err instanceof BuildFileError)) throw err;
    const lines = text.split('\n').length;
    expect(err.problems.length).toBeGreaterThan(0);
    for (const p of err.problems) {
      expect(p.file).toBe(file);
      expect(p.line).toBeGreaterThanOrEqual(1);
      expect(p.line).toBeLessThanOrEqual(lines + 1);
      expect(p.column).toBeGreaterThanOrEqual(1);
      expect(p.message.length).toBeGreaterThan(5);
      expect(err.message).not.toMatch(/\n\s+at /);
    }
  }
}

const snippets = fc.constantFrom(
  ':',
  '- ',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '#',
  '&a ',
  '*a',
  '<<: *a\n',
  '\t',
  '\n',
  '  ',
  'null',
  '~',
  'true',
  '-1',
  '1e999',
  '0x10',
  '{{',
  '}}',
  '{{ .HTTPIP }}',
  '{{ env `X` }}',
  '{{ user `nope` }}',
  '<wait0s>',
  'ide',
  'sata',
  'Gi',
  'm',
  'sha256:',
  '/',
  '../',
  '__proto__',
  'constructor',
  '\u0000',
  'é',
  '!!binary ',
  '!tag ',
  '? ',
  '|\n',
  '>-\n',
  '%YAML 1.1\n',
  '---\n',
  '...\n',
);

type Edit = { at: number; remove: number; insert: string };
const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 12 }),
  insert: fc.oneof(snippets, fc.string({ maxLength: 6 })),
});

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of edits) {
    const at = out.length ? e.at % (out.length + 1) : 0;
    out = out.slice(0, at) + e.insert + out.slice(at + e.remove);
  }
  return out;
}

function applyLineEdit(text: string, kind: 'delete' | 'duplicate' | 'swap' | 'indent' | 'dedent', pick: number): string {
  const lines = text.split('\n');
  const i = pick % lines.length;
  const j = (i + 1) % lines.length;
  if (kind === 'delete') lines.splice(i, 1);
  else if (kind === 'duplicate') lines.splice(i, 0, lines[i]!);
  else if (kind === 'swap') [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  else if (kind === 'indent') lines[i] = '  ' + lines[i];
  else lines[i] = lines[i]!.replace(/^ {1,2}/, '');
  return lines.join('\n');
}

describe('mutated build files', () => {
  it('every example loads unmutated', () => {
    for (const e of examples) expect(() => loadBuildText(e.text, e.file, { env: {} }), e.file).not.toThrow();
  });

  it('character edits: load or located problems, never a crash (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...examples), fc.array(edit, { minLength: 1, maxLength: 4 }), (example, edits) => {
        loadsOrLocates(example.file, applyEdits(example.text, edits));
      }),
      { numRuns: 400 },
    );
  });

  it('line edits: load or located problems, never a crash (property)', () => {
    const lineEdit = fc.tuple(fc.constantFrom('delete', 'duplicate', 'swap', 'indent', 'dedent') as fc.Arbitrary<'delete' | 'duplicate' | 'swap' | 'indent' | 'dedent'>, fc.nat());
    fc.assert(
      fc.property(fc.constantFrom(...examples), fc.array(lineEdit, { minLength: 1, maxLength: 5 }), (example, edits) => {
        let text = example.text;
        for (const [kind, pick] of edits) text = applyLineEdit(text, kind, pick);
        loadsOrLocates(example.file, text);
      }),
      { numRuns: 400 },
    );
  });

  it('arbitrary text: load or located problems, never a crash (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.array(snippets, { maxLength: 30 }).map((s) => s.join('')),
        ),
        (text) => {
          loadsOrLocates(path.join(examplesDir, 'fuzz.yaml'), text);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('survives alias bombs with a located problem', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
      'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]',
      'name: x',
      'layers: [{ name: l, vms: [{ name: v, source: { path: x }, bootCommand: *f }] }]',
    ].join('\n');
    loadsOrLocates(path.join(examplesDir, 'bomb.yaml'), bomb);
  });
});
