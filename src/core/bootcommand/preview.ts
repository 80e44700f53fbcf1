/**
 * A boot command as a build will type it, before any VM runs: its template fields filled in with
 * the values known now, the ones only a running build knows (the HTTP server's port, a pod's IP)
 * kept as marked placeholders, and secret values (a sensitive variable's value, a password from
 * the environment) masked. Used by `ruddervirt boot-command --build-file`.
 *
 * How: each placeholder field is rendered as a private-use character no element contains, so the
 * command parses exactly as written (Packer's grammar: elements joined, then parsed) and the one
 * literal token that character becomes is shown as the placeholder. A token any of whose
 * characters falls inside a secret's text is masked, and adjacent masked tokens of one element
 * show as one "***", so neither the value nor its length per character shows.
 */
import type { BootToken } from './actions.js';
import { keyEventsFor } from './key-events.js';
import { planBootCommand } from './plan.js';
import type { KeyEvent } from './types.js';
import { renderTemplate } from '../template/render.js';

/** A field's value for the preview: known (typed as is), or a placeholder with why it is unknown. */
export type PreviewField = string | number | { placeholder: string };

export type PreviewEntry =
  /** What the build sends, exactly. */
  | { kind: 'event'; event: KeyEvent; token: BootToken }
  /** The keys of a field whose value is known only while the build runs. */
  | { kind: 'placeholder'; field: string; why: string }
  /** The keys of a secret value (or of tokens that hold part of one). */
  | { kind: 'masked'; tokens: number };

export interface PreviewElement {
  /** The element after rendering, placeholders as `{{ .Field }}` and secrets as `***`. */
  text: string;
  entries: PreviewEntry[];
}

export interface BootCommandPreview {
  elements: PreviewElement[];
  /** Key events sent outside placeholders and masked values. */
  keyEvents: number;
  /** Pauses from <waitX> tokens, in ms. */
  waitMs: number;
  waits: number;
  textWaits: number;
  placeholders: number;
  masked: number;
}

/** `{{ .Field }}` as the user writes it. */
export function fieldText(field: string): string {
  return `{{ .${field} }}`;
}

const PRIVATE_USE_FIRST = 0xe000;
const PRIVATE_USE_LAST = 0xf8ff;

/** One private-use character per placeholder field that occurs in none of `texts`. */
function sentinels(fields: readonly string[], texts: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const joined = texts.join('');
  let code = PRIVATE_USE_FIRST;
  for (const field of fields) {
    while (code <= PRIVATE_USE_LAST && joined.includes(String.fromCodePoint(code))) code++;
    if (code > PRIVATE_USE_LAST) throw new Error('internal: no private-use character is free for a placeholder');
    out.set(field, String.fromCodePoint(code++));
  }
  return out;
}

/** Offsets of `text` inside any secret's occurrence. */
function secretOffsets(text: string, secrets: readonly string[]): boolean[] {
  const masked: boolean[] = new Array<boolean>(text.length).fill(false);
  for (const secret of secrets) {
    if (!secret) continue;
    for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) {
      for (let i = at; i < at + secret.length; i++) masked[i] = true;
    }
  }
  return masked;
}

/**
 * Renders `elements` (bootCommand as loaded: env and user already evaluated) with `fields` and
 * plans the key events. Throws BootCommandError (a UserError) where a build would refuse the
 * command; its message may quote the command, so the caller masks it.
 */
export function previewBootCommand(elements: readonly string[], fields: Readonly<Record<string, PreviewField>>, secrets: readonly string[]): BootCommandPreview {
  const unknown = Object.entries(fields).filter((e): e is [string, { placeholder: string }] => typeof e[1] === 'object');
  const marks = sentinels(
    unknown.map(([f]) => f),
    elements,
  );
  const byMark = new Map([...marks].map(([field, mark]) => [mark, field]));
  const why = new Map(unknown.map(([field, f]) => [field, f.placeholder]));
  const values: Record<string, string | number> = {};
  for (const [field, value] of Object.entries(fields)) values[field] = typeof value === 'object' ? marks.get(field)! : value;
  const rendered = elements.map((e) => renderTemplate(e, { fields: values }));
  const plan = planBootCommand(rendered, { elementLabel: (i) => `bootCommand[${i}]` });
  const command = rendered.join('');
  const secret = secretOffsets(command, secrets);

  const starts: number[] = [];
  rendered.reduce((offset, e) => (starts.push(offset), offset + e.length), 0);
  const shown = (from: number, to: number): string => {
    let out = '';
    for (let i = from; i < to; i++) {
      if (secret[i]) {
        if (i === from || !secret[i - 1]) out += '***';
        continue;
      }
      const field = byMark.get(command[i]!);
      out += field ? fieldText(field) : command[i];
    }
    return out;
  };

  const result: BootCommandPreview = {
    elements: rendered.map((e, i) => ({ text: shown(starts[i]!, starts[i]! + e.length), entries: [] })),
    keyEvents: 0,
    waitMs: 0,
    waits: 0,
    textWaits: 0,
    placeholders: 0,
    masked: 0,
  };
  for (const token of plan.tokens) {
    const entries = result.elements[token.span.lastElement]!.entries;
    let isSecret = false;
    for (let i = token.span.start; i < token.span.end && !isSecret; i++) isSecret = secret[i]!;
    if (isSecret) {
      const last = entries.at(-1);
      if (last?.kind === 'masked') last.tokens++;
      else {
        entries.push({ kind: 'masked', tokens: 1 });
        result.masked++;
      }
      continue;
    }
    const field = token.kind === 'literal' ? byMark.get(token.char) : undefined;
    if (field !== undefined) {
      entries.push({ kind: 'placeholder', field, why: why.get(field)! });
      result.placeholders++;
      continue;
    }
    for (const event of keyEventsFor(token)) {
      if ('waitText' in event) {
        // A pattern may hold a placeholder's character: show the field instead.
        const pattern = [...event.waitText.pattern].map((c) => (byMark.has(c) ? fieldText(byMark.get(c)!) : c)).join('');
        entries.push({ kind: 'event', event: { waitText: { ...event.waitText, pattern } }, token });
        result.textWaits++;
      } else {
        entries.push({ kind: 'event', event, token });
        if ('wait' in event) {
          result.waits++;
          result.waitMs += event.wait;
        } else result.keyEvents++;
      }
    }
  }
  return result;
}
