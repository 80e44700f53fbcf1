import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOOT_COMMAND_FIELDS, SHELL_EXECUTE_FIELDS } from '../../../src/core/template/fields.js';
import { parseTemplate } from '../../../src/core/template/parse.js';
import { bindTemplate, checkTemplate, renderTemplate } from '../../../src/core/template/render.js';
import { TemplateError } from '../../../src/core/template/template-error.js';

const boot = { fields: { HTTPIP: '10.0.2.2', HTTPPort: 8123, Name: 'web' } };

function errorOf(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TemplateError) return err;
    throw err;
  }
  throw new Error('expected a TemplateError');
}

describe('renderTemplate', () => {
  it('renders fields, with and without spaces', () => {
    expect(renderTemplate('http://{{ .HTTPIP }}:{{.HTTPPort}}/{{ .Name }}.cfg', boot)).toBe('http://10.0.2.2:8123/web.cfg');
  });

  it('renders env with double-quoted and raw-string arguments; unset variables are empty (as in Packer)', () => {
    const env = { HOME: '/root', EMPTY: '' };
    expect(renderTemplate('{{ env "HOME" }}|{{ env `HOME` }}|{{ env "UNSET" }}|{{ env `EMPTY` }}', { env })).toBe('/root|/root||');
  });

  it('renders user variables', () => {
    expect(renderTemplate('debian-{{ user "release" }}-{{ user `arch` }}', { variables: { release: '12', arch: 'amd64' } })).toBe('debian-12-amd64');
  });

  it('trims whitespace around {{- and -}} as Go does, and only with the space', () => {
    expect(renderTemplate('a  \n {{- .Name -}} \n  b', boot)).toBe('awebb');
    expect(renderTemplate('a {{- .Name }} b', boot)).toBe('aweb b');
    expect(renderTemplate('a {{ .Name -}} b', boot)).toBe('a webb');
    expect(errorOf(() => renderTemplate('{{ .Name-}}', boot)).message).toMatch(/unexpected "-"/);
  });

  it('renders string literals (the way to write a literal "{{") and drops comments', () => {
    expect(renderTemplate('{{ "{{" }} .X }}', {})).toBe('{{ .X }}');
    expect(renderTemplate('a{{/* why */}}b{{- /* trimmed */ -}} c', {})).toBe('abc');
    expect(renderTemplate('{{ "tab\\there \\u00e9" }}', {})).toBe('tab\there é');
  });

  it('leaves a lone "}}" and single braces alone', () => {
    expect(renderTemplate('a }} b { c } {', {})).toBe('a }} b { c } {');
  });

  it('names an unknown field, suggests the near one, and lists what is available', () => {
    const e = errorOf(() => renderTemplate('ip={{ .HTTPIp }}', boot));
    expect(e.message).toBe('unknown field ".HTTPIp" (available here: .HTTPIP, .HTTPPort, .Name); did you mean ".HTTPIP"?');
    expect(e.offset).toBe(6);
    expect(errorOf(() => renderTemplate('{{ .HTTPIP }}', {})).message).toBe('unknown field ".HTTPIP": no fields are available here');
  });

  it('names an unknown function and an unknown variable, with suggestions', () => {
    expect(errorOf(() => renderTemplate('{{ enb "HOME" }}', { env: {} })).message).toBe('unknown function "enb" (functions: env, user); did you mean "env"?');
    expect(errorOf(() => renderTemplate('{{ timestamp "x" }}', {})).message).toBe('unknown function "timestamp" (functions: env, user)');
    const e = errorOf(() => renderTemplate('x {{ user "relase" }}', { variables: { release: '12' } }));
    expect(e.message).toBe('unknown variable "relase" (declared: release); did you mean "release"?');
    expect(e.offset).toBe(10);
    expect(errorOf(() => renderTemplate('{{ user "x" }}', { variables: {} })).message).toMatch(/declares no variables/);
    expect(errorOf(() => renderTemplate('{{ env "X" }}', {})).message).toBe('the env function is not available here');
  });

  it('does not read inherited properties as variables or environment', () => {
    expect(renderTemplate('[{{ env "toString" }}]', { env: {} })).toBe('[]');
    expect(errorOf(() => renderTemplate('{{ user "constructor" }}', { variables: {} })).message).toMatch(/unknown variable "constructor"/);
  });

  it.each([
    ['{{ .HTTPIP', /unclosed action/],
    ['{{ }}', /empty template action/],
    ['{{ . }}', /expected a field name after "."/],
    ['{{ .A.B }}', /nested fields/],
    ['{{ env }}', /function "env" takes one quoted argument/],
    ['{{ env HOME }}', /function "env" takes one quoted argument/],
    ['{{ env "A" "B" }}', /unexpected string "B"/],
    ['{{ .Name .Name }}', /unexpected field ".Name"/],
    ['{{ .Name | printf }}', /unexpected "\|"/],
    ['{{ "abc }}', /unterminated string/],
    ['{{ `abc }}', /unterminated raw string/],
    ['{{ "\\q" }}', /invalid string literal/],
    ['{{/* never closed', /unclosed comment/],
    ['{{/* x */ .Name }}', /a comment must end with/],
  ])('rejects %s with a TemplateError saying what is supported', (text, message) => {
    expect(errorOf(() => renderTemplate(text, { ...boot, env: {}, variables: {} })).message).toMatch(message);
  });

  it('reports the offset of a syntax error', () => {
    expect(errorOf(() => renderTemplate('abc {{ .Name | x }}', boot)).offset).toBe(13);
  });
});

describe('checkTemplate', () => {
  it('returns every problem, not only the first', () => {
    const errors = checkTemplate('{{ .HTTPIp }} {{ .Nme }} {{ enb "x" }}', BOOT_COMMAND_FIELDS, { env: {} });
    expect(errors.map((e) => e.offset)).toEqual([3, 17, 28]);
  });

  it('accepts the shell execute fields where they exist and only there', () => {
    expect(checkTemplate("sudo sh -c '{{ .Vars }} {{ .Command }}'", SHELL_EXECUTE_FIELDS)).toEqual([]);
    expect(checkTemplate('{{ .Command }}', BOOT_COMMAND_FIELDS).map((e) => e.message)).toEqual(['unknown field ".Command" (available here: .HTTPIP, .HTTPPort, .Name)']);
  });
});

describe('bindTemplate', () => {
  it('evaluates env and user now and keeps the fields for later', () => {
    const bound = bindTemplate('{{ env "USER" }}@{{ .HTTPIP }}:{{- user "port" }}', BOOT_COMMAND_FIELDS, { env: { USER: 'me' }, variables: { port: '80' } });
    expect(bound.errors).toEqual([]);
    expect(bound.text).toBe('me@{{ .HTTPIP }}:80');
    expect(bound.hasFields).toBe(true);
    expect([...bound.envUsed]).toEqual([['USER', 'me']]);
  });

  it('renders completely where no fields exist, even values that contain "{{"', () => {
    const bound = bindTemplate('pw={{ env "P" }}', [], { env: { P: 'a{{b' } });
    expect(bound).toMatchObject({ text: 'pw=a{{b', hasFields: false, errors: [] });
  });

  it('re-quotes literal text that would read as an action later', () => {
    const env = { V: '{{ .Name }}', B: '{' };
    for (const text of ['{{ env "V" }}{{ .Name }}', 'x{{ env "B" }}{{ .Name }}', '{{ env "B" }}{{ env "B" }}', '{{ "{" }}{{ .Name }}']) {
      const bound = bindTemplate(text, BOOT_COMMAND_FIELDS, { env });
      expect(renderTemplate(bound.text, boot), text).toBe(renderTemplate(text, { ...boot, env }));
    }
  });
});

describe('properties', () => {
  const noBraces = fc.string().filter((s) => !s.includes('{{'));

  it('text without "{{" renders to itself', () => {
    fc.assert(
      fc.property(noBraces, (s) => {
        expect(renderTemplate(s, {})).toBe(s);
      }),
    );
  });

  it('never throws anything but TemplateError, for any text and any scope', () => {
    const pieces = fc.constantFrom('{{', '}}', '{{-', '-}}', ' ', '.', '.Name', '.HTTPIP', 'env', 'user', '"', '`', '"X"', '\\', '/*', '*/', '|', 'a', '\n', '{', '}', '(', '-');
    const text = fc.oneof(
      fc.string(),
      fc.array(pieces, { maxLength: 12 }).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(text, fc.boolean(), (t, withScope) => {
        try {
          renderTemplate(t, withScope ? { ...boot, env: { X: '1' }, variables: { X: '2' } } : {});
        } catch (err) {
          expect(err).toBeInstanceOf(TemplateError);
          expect((err as TemplateError).offset).toBeGreaterThanOrEqual(0);
          expect((err as TemplateError).offset).toBeLessThanOrEqual(t.length);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('binding then rendering equals rendering at once', () => {
    const value = fc.string({ maxLength: 5 }).map((s) => s.replace(/`/g, ''));
    const part = fc.oneof(
      fc.constantFrom('{{ .Name }}', '{{ .HTTPIP }}', '{{- .HTTPPort -}}', '{{ env "A" }}', '{{ env `B` }}', '{{ user "v" }}', '{', '}', ' ', 'x', '{{ "{{" }}', '{{/* c */}}'),
      value.filter((s) => !s.includes('{{')),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 8 }), value, value, (parts, a, b) => {
        const text = parts.join('');
        const scope = { env: { A: a, B: b + '{' }, variables: { v: a + '{{' } };
        let direct: string;
        try {
          direct = renderTemplate(text, { ...boot, ...scope });
        } catch (err) {
          expect(err).toBeInstanceOf(TemplateError);
          return;
        }
        const bound = bindTemplate(text, BOOT_COMMAND_FIELDS, scope);
        expect(bound.errors).toEqual([]);
        expect(renderTemplate(bound.text, boot)).toBe(direct);
      }),
      { numRuns: 1000 },
    );
  });

  it('parses what it renders: every part of a parse has an offset inside the text', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', ' ', '{{ .Name }}', '{{- .X -}}', '{{ env "Y" }}', '\n'), { maxLength: 10 }), (parts) => {
        const text = parts.join('');
        for (const p of parseTemplate(text)) {
          expect(p.offset).toBeGreaterThanOrEqual(0);
          expect(p.offset).toBeLessThan(text.length);
        }
      }),
    );
  });
});
