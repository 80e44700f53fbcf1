/**
 * The field reference of docs/build-file.md, generated from build-spec.ts: one table per kind of
 * object, every field with its type, default and description. A test keeps the docs in step.
 */
import { buildSpec } from './build-spec.js';
import type { FORMATS } from './formats.js';
import type { ObjectSpec, Spec } from './spec.js';

export const REFERENCE_START = '<!-- field-reference:start (generated from src/core/config/build-spec.ts) -->';
export const REFERENCE_END = '<!-- field-reference:end -->';

interface Section {
  path: string;
  spec: ObjectSpec;
}

export function renderFieldReference(): string {
  const sections: Section[] = [];
  collect(buildSpec, '', sections);
  const out: string[] = [];
  for (const { path, spec } of sections) {
    out.push(`### ${spec.title ?? path}${path ? ` — \`${path}\`` : ''}`, '', spec.description, '');
    const rules = objectRules(spec);
    if (rules) out.push(rules, '');
    out.push('| Field | Type | Default | Description |', '|---|---|---|---|');
    for (const [key, field] of Object.entries(spec.properties)) {
      const required = spec.required?.includes(key) ? ' **(required)**' : '';
      out.push(`| \`${key}\`${required} | ${cell(typeOf(field))} | ${cell(defaultOf(field))} | ${cell(codeTemplates(field.description))} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

function collect(spec: Spec, path: string, out: Section[]): void {
  switch (spec.type) {
    case 'object':
      out.push({ path, spec });
      for (const [key, field] of Object.entries(spec.properties)) collect(field, path ? `${path}.${key}` : key, out);
      return;
    case 'array':
      collect(spec.items, `${path}[]`, out);
      return;
    case 'union':
      for (const option of spec.options) collect(option, path, out);
      return;
    case 'map':
      collect(spec.values, `${path}.*`, out);
      return;
    case 'tagged':
      for (const variant of Object.values(spec.variants)) collect(variant, path, out);
      return;
    default:
      return;
  }
}

function objectRules(spec: ObjectSpec): string {
  const rules: string[] = [];
  if (spec.exactlyOne) rules.push(`Exactly one of ${spec.exactlyOne.map(code).join(', ')}.`);
  if (spec.anyOf) rules.push(`At least one of ${spec.anyOf.map(code).join(', ')}.`);
  for (const [a, b] of spec.exclusive ?? []) rules.push(`${code(a)} and ${code(b)} cannot be used together.`);
  for (const [k, needs] of Object.entries(spec.requires ?? {})) rules.push(`${code(k)} needs ${needs.map(code).join(', ')}.`);
  return rules.join(' ');
}

function typeOf(spec: Spec): string {
  switch (spec.type) {
    case 'string':
      if (spec.enum) return spec.enum.map(code).join(' | ');
      if (spec.format) return `string (${formatName(spec.format)})`;
      if (spec.path) return 'string (path)';
      return 'string';
    case 'integer':
      return spec.minimum !== undefined && spec.maximum !== undefined ? `integer ${spec.minimum}–${spec.maximum}` : spec.minimum !== undefined ? `integer ≥ ${spec.minimum}` : 'integer';
    case 'boolean':
      return 'boolean';
    case 'scalar':
      return 'string, number or boolean';
    case 'array':
      return `list of ${
        spec.items.type === 'object'
          ? (spec.items.title ?? 'maps')
          : spec.items.type === 'tagged'
            ? 'provisioners'
            : typeOf(spec.items)
                .replace(/^string/, 'strings')
                .replace(/^integer/, 'integers')
      }`;
    case 'object':
      return spec.title ?? 'map';
    case 'map':
      return `map of ${KEY_NAMES[spec.keyFormat] ?? spec.keyFormat} → ${typeOf(spec.values)}`;
    case 'union':
      return spec.options.map(typeOf).join(' or ');
    case 'tagged':
      return 'provisioner';
  }
}

const KEY_NAMES: Partial<Record<keyof typeof FORMATS, string>> = { variableName: 'name', envName: 'NAME', httpPath: '/path' };

/** Template snippets in descriptions as code, so Markdown shows them as written. */
function codeTemplates(text: string): string {
  return text.replace(/\{\{[^}]*\}\}/g, (t) => (t.includes('`') ? '`` ' + t + ' ``' : '`' + t + '`'));
}

function formatName(format: keyof typeof FORMATS): string {
  const names: Partial<Record<keyof typeof FORMATS, string>> = {
    duration: 'Go duration',
    quantity: 'quantity, e.g. 2Gi',
    k8sName: 'Kubernetes name',
    checksum: 'algo:hex',
    cidr: 'IPv4 CIDR',
    url: 'URL',
    image: 'image reference',
    vmRef: 'layer/vm',
    envAssignment: 'KEY=value',
    volumeLabel: 'volume label',
    updateFilter: 'include:/exclude: filter',
  };
  return names[format] ?? format;
}

function defaultOf(spec: Spec): string {
  // A default text that starts with ` is Markdown already.
  if (spec.defaultText) return spec.defaultText.startsWith('`') ? spec.defaultText : codeTemplates(spec.defaultText);
  if (spec.default === undefined) return '';
  return '`' + (typeof spec.default === 'string' ? spec.default : JSON.stringify(spec.default)) + '`';
}

function code(s: string): string {
  return '`' + s + '`';
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
