/**
 * Typed readers for action inputs. @actions/core's own getBooleanInput throws a TypeError naming
 * the YAML 1.2 core schema; users need to hear which input was wrong and what it accepts, as a
 * user error (no stack trace). Every reader here names the input in its message.
 */
import * as core from '@actions/core';
import { UserError } from '../../core/errors.js';
import { checkDuration, MAX_DURATION_TEXT } from '../../core/duration.js';

export class InputError extends UserError {
  override name = 'InputError';
  constructor(
    readonly input: string,
    detail: string,
  ) {
    super(`input '${input}': ${detail}`);
  }
}

/** The trimmed value, '' when absent (action.yml defaults have already been applied by the runner). */
export function stringInput(name: string): string {
  return core.getInput(name);
}

export function optionalInput(name: string): string | undefined {
  const v = core.getInput(name);
  return v === '' ? undefined : v;
}

export function requiredInput(name: string, why = 'it is required'): string {
  const v = core.getInput(name);
  if (v === '') throw new InputError(name, `missing: ${why}`);
  return v;
}

/** true/false in any letter case; '' gives `fallback`. */
export function parseBoolean(name: string, text: string, fallback: boolean): boolean {
  const v = text.trim().toLowerCase();
  if (v === '') return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new InputError(name, `expected true or false, got '${text}'`);
}

export function booleanInput(name: string, fallback: boolean): boolean {
  return parseBoolean(name, core.getInput(name), fallback);
}

export function parseEnum<T extends string>(name: string, text: string, allowed: readonly T[], fallback: T): T {
  if (text === '') return fallback;
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw new InputError(name, `expected one of ${allowed.join(', ')}, got '${text}'`);
}

export function enumInput<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  return parseEnum(name, core.getInput(name), allowed, fallback);
}

/** A Go duration ("90s", "1h30m"); '' or "0" mean no limit (undefined). */
export function parseDurationInput(name: string, text: string): number | undefined {
  const v = text.trim();
  if (v === '' || v === '0') return undefined;
  const checked = checkDuration(v);
  if ('error' in checked || checked.ms < 0) throw new InputError(name, `expected a duration such as 90s, 20m or 1h30m, at most ${MAX_DURATION_TEXT}, got '${text}'`);
  return checked.ms;
}

export function durationInput(name: string): number | undefined {
  return parseDurationInput(name, core.getInput(name));
}

/**
 * Multiline `key=value` text (one pair a line, as in `vars: |`). Blank lines and lines starting
 * with # are skipped; the value is everything after the first '=' (it may contain '=' and spaces);
 * the key is trimmed, the value is kept as written apart from a trailing CR. A repeated key is a
 * mistake worth reporting: the later line would silently win otherwise.
 */
export function parseKeyValueLines(name: string, text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const eq = line.indexOf('=');
    const key = eq < 0 ? '' : line.slice(0, eq).trim();
    if (eq < 0 || key === '') throw new InputError(name, `line ${i + 1}: expected key=value, got '${line.trim()}'`);
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) throw new InputError(name, `line ${i + 1}: '${key}' is not a variable name (letters, digits, _ . -)`);
    if (Object.hasOwn(out, key)) throw new InputError(name, `line ${i + 1}: '${key}' is set twice`);
    out[key] = line.slice(eq + 1);
  }
  return out;
}

export function keyValueInput(name: string): Record<string, string> {
  return parseKeyValueLines(name, core.getInput(name, { trimWhitespace: false }));
}

/** A list given one item a line or comma-separated (tags, refs). */
export function parseList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('#'));
}

export function listInput(name: string): string[] {
  return parseList(core.getInput(name));
}

/**
 * An http(s) URL, possibly a template: `placeholders` (e.g. `{version}`) are filled with sample
 * values before checking, so a template is refused for the same mistakes as a plain URL.
 */
export function parseHttpUrl(name: string, text: string, placeholders: Record<string, string> = {}): string {
  const v = text.trim();
  let filled = v;
  for (const [key, sample] of Object.entries(placeholders)) filled = filled.replaceAll(key, sample);
  let url: URL | undefined;
  try {
    url = new URL(filled);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new InputError(name, `expected an http:// or https:// URL, got '${text}'`);
  // fetch() refuses URLs with credentials; say so here rather than as a download failure.
  if (url.username || url.password) throw new InputError(name, 'a URL with a user name or password in it cannot be downloaded; use a URL without credentials');
  return v;
}

export function httpUrlInput(name: string, fallback: string, placeholders: Record<string, string> = {}): string {
  const v = core.getInput(name);
  return v === '' ? fallback : parseHttpUrl(name, v, placeholders);
}

/**
 * The `force` input: `true` rebuilds every layer, `false` (or empty) none, else the names of the
 * layers to rebuild (one a line or comma-separated) — the CLI's --force and --force-layer.
 */
export function parseForce(name: string, text: string, layers: readonly string[]): { force?: boolean; forceLayers?: string[] } {
  const t = text.trim();
  if (t === '' || /^false$/i.test(t)) return {};
  if (/^true$/i.test(t)) return { force: true };
  const names = parseList(t);
  for (const n of names) {
    if (!layers.includes(n)) throw new InputError(name, `no layer '${n}'; expected true, false or layer names (layers: ${layers.join(', ')})`);
  }
  return { forceLayers: names };
}

export function forceInput(layers: readonly string[]): { force?: boolean; forceLayers?: string[] } {
  return parseForce('force', core.getInput('force'), layers);
}
