/**
 * The subset of Go's text/template that Packer templates use in practice:
 *
 *   {{ .Field }}            a value the place offers (HTTPIP, HTTPPort, Name, Path, Vars …)
 *   {{ env "NAME" }}        an environment variable ({{ env `NAME` }} works too)
 *   {{ user "name" }}       a build variable
 *   {{ "text" }}            a string literal (how to write a literal "{{")
 *   {{/* comment *\/}}      nothing
 *
 * with Go's whitespace trimming: "{{- " trims the whitespace before the action and " -}}" the
 * whitespace after it. Anything else is rejected with a TemplateError that says what is supported,
 * because a template that silently renders wrong is worse than one that fails at load time.
 */
import { TemplateError } from './template-error.js';

export type TemplatePart =
  | { kind: 'text'; text: string; offset: number }
  | { kind: 'field'; name: string; offset: number }
  | { kind: 'call'; fn: string; arg: string; offset: number; argOffset: number }
  | { kind: 'literal'; value: string; offset: number };

const SUPPORTED = 'supported: {{ .Field }}, {{ env "NAME" }}, {{ user "name" }}, {{ "text" }}';
const SPACE = new Set([' ', '\t', '\r', '\n']);

type Token = { t: 'field'; name: string; offset: number } | { t: 'ident'; name: string; offset: number } | { t: 'string'; value: string; offset: number };

/** Splits a template into parts; throws TemplateError at the first syntax error. */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let pos = 0;
  let trimNextText = false;
  while (pos <= text.length) {
    const open = text.indexOf('{{', pos);
    let chunk = text.slice(pos, open === -1 ? text.length : open);
    let chunkOffset = pos;
    if (trimNextText) {
      const trimmed = chunk.replace(/^[ \t\r\n]+/, '');
      chunkOffset += chunk.length - trimmed.length;
      chunk = trimmed;
    }
    if (open === -1) {
      if (chunk) parts.push({ kind: 'text', text: chunk, offset: chunkOffset });
      break;
    }
    let inner = open + 2;
    if (text[inner] === '-' && SPACE.has(text[inner + 1] ?? '')) {
      chunk = chunk.replace(/[ \t\r\n]+$/, '');
      inner += 2;
    }
    if (chunk) parts.push({ kind: 'text', text: chunk, offset: chunkOffset });
    const action = parseAction(text, inner, open);
    if (action.part) parts.push(action.part);
    trimNextText = action.trimRight;
    pos = action.end;
  }
  return parts;
}

function parseAction(text: string, start: number, open: number): { part?: TemplatePart; end: number; trimRight: boolean } {
  // A comment must follow the delimiter (and its trim marker) directly, as in Go.
  if (text.startsWith('/*', start)) {
    const close = text.indexOf('*/', start + 2);
    if (close === -1) throw new TemplateError('unclosed comment: expected "*/}}"', open);
    let after = close + 2;
    if (SPACE.has(text[after] ?? '') && text.startsWith('-}}', after + 1)) return { end: after + 4, trimRight: true };
    if (!text.startsWith('}}', after)) throw new TemplateError('a comment must end with "*/}}"', close);
    after += 2;
    return { end: after, trimRight: false };
  }
  const tokens: Token[] = [];
  let pos = start;
  for (;;) {
    while (SPACE.has(text[pos] ?? '')) pos++;
    if (pos >= text.length) throw new TemplateError('unclosed action: expected "}}"', open);
    const closing = closeDelimiter(text, pos);
    if (closing) return { part: toPart(tokens, open), end: closing.end, trimRight: closing.trimRight };
    const c = text[pos]!;
    if (c === '.') {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(pos + 1));
      if (!m) throw new TemplateError(`expected a field name after "." (${SUPPORTED})`, pos);
      tokens.push({ t: 'field', name: m[0], offset: pos });
      pos += 1 + m[0].length;
      if (text[pos] === '.') throw new TemplateError(`nested fields like ".${m[0]}.x" are not supported (${SUPPORTED})`, pos);
    } else if (c === '"') {
      const end = findQuoteEnd(text, pos, open);
      tokens.push({ t: 'string', value: decodeQuoted(text.slice(pos, end + 1), pos), offset: pos });
      pos = end + 1;
    } else if (c === '`') {
      const end = text.indexOf('`', pos + 1);
      if (end === -1) throw new TemplateError('unterminated raw string: expected a closing "`"', pos);
      tokens.push({ t: 'string', value: text.slice(pos + 1, end), offset: pos });
      pos = end + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(pos))!;
      tokens.push({ t: 'ident', name: m[0], offset: pos });
      pos += m[0].length;
    } else {
      throw new TemplateError(`unexpected "${c}" in template action (${SUPPORTED})`, pos);
    }
  }
}

/** At `pos`: "}}" or " -}}" (the trim marker needs the whitespace before it, as in Go). */
function closeDelimiter(text: string, pos: number): { end: number; trimRight: boolean } | undefined {
  if (text.startsWith('}}', pos)) return { end: pos + 2, trimRight: false };
  if (text.startsWith('-}}', pos) && SPACE.has(text[pos - 1] ?? '')) return { end: pos + 3, trimRight: true };
  return undefined;
}

function findQuoteEnd(text: string, start: number, open: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') return i;
    else if (c === '\n') break;
  }
  throw new TemplateError("unterminated string: expected a closing '\"'", open);
}

/** Go's interpreted string literal; JSON's escapes are the subset people use. */
function decodeQuoted(literal: string, offset: number): string {
  try {
    const v: unknown = JSON.parse(literal);
    if (typeof v === 'string') return v;
  } catch {
    // fall through to the error below
  }
  throw new TemplateError(`invalid string literal ${literal}: use \\" \\\\ \\n \\t or \\uXXXX escapes, or a \`raw\` string`, offset);
}

function toPart(tokens: Token[], open: number): TemplatePart {
  const [first, second, ...rest] = tokens;
  if (!first) throw new TemplateError(`empty template action (${SUPPORTED})`, open);
  const extra = rest[0] ?? (first.t !== 'ident' ? second : undefined);
  if (extra) throw new TemplateError(`unexpected ${describe(extra)} in template action (${SUPPORTED})`, extra.offset);
  switch (first.t) {
    case 'field':
      return { kind: 'field', name: first.name, offset: first.offset };
    case 'string':
      return { kind: 'literal', value: first.value, offset: first.offset };
    case 'ident':
      if (!second || second.t !== 'string') {
        throw new TemplateError(`function "${first.name}" takes one quoted argument, e.g. {{ ${first.name} "NAME" }}`, second?.offset ?? first.offset);
      }
      return { kind: 'call', fn: first.name, arg: second.value, offset: first.offset, argOffset: second.offset };
  }
}

function describe(t: Token): string {
  if (t.t === 'field') return `field ".${t.name}"`;
  if (t.t === 'ident') return `"${t.name}"`;
  return `string ${JSON.stringify(t.value)}`;
}
