/**
 * Label and field selectors with the API server's grammar (k8s.io/apimachinery labels and fields
 * packages): `a=b,c!=d,e in (f,g),h notin (i),j,!k` for labels; `metadata.name=x,status.phase!=y`
 * for fields, limited to the fields each kind supports. Bad syntax is a 400, as on a real server.
 */
import { badRequest } from './api-errors.js';
import type { KubeObject } from './object-store.js';

export type LabelRequirement = { key: string; op: 'in' | 'notin'; values: string[] } | { key: string; op: 'exists' | '!exists' };

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

const LABEL_KEY = /^(?:[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9](?:[-_.A-Za-z0-9]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-_.A-Za-z0-9]*[A-Za-z0-9])?)?$/;

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function checkKey(key: string, whole: string): string {
  if (!LABEL_KEY.test(key) || key.length > 316) throw badRequest(`unable to parse requirement: invalid label key "${key}" in selector "${whole}"`);
  return key;
}

function checkValue(value: string, whole: string): string {
  if (!LABEL_VALUE.test(value) || value.length > 63) throw badRequest(`unable to parse requirement: invalid label value "${value}" in selector "${whole}"`);
  return value;
}

export function parseLabelSelector(text: string | undefined): LabelRequirement[] {
  if (text === undefined || text.trim() === '') return [];
  const out: LabelRequirement[] = [];
  for (const raw of splitTopLevel(text)) {
    const part = raw.trim();
    if (part === '') throw badRequest(`unable to parse requirement: empty requirement in selector "${text}"`);
    const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
    if (set) {
      const values = set[3]!.split(',').map((v) => checkValue(v.trim(), text));
      out.push({ key: checkKey(set[1]!, text), op: set[2] as 'in' | 'notin', values });
      continue;
    }
    const eq = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (eq) {
      const value = checkValue(eq[3]!.trim(), text);
      out.push({ key: checkKey(eq[1]!, text), op: eq[2] === '!=' ? 'notin' : 'in', values: [value] });
      continue;
    }
    if (part.startsWith('!')) {
      out.push({ key: checkKey(part.slice(1).trim(), text), op: '!exists' });
      continue;
    }
    out.push({ key: checkKey(part, text), op: 'exists' });
  }
  return out;
}

export function formatLabelSelector(requirements: readonly LabelRequirement[]): string {
  return requirements
    .map((r) => {
      switch (r.op) {
        case 'exists':
          return r.key;
        case '!exists':
          return `!${r.key}`;
        default:
          return r.values.length === 1 ? `${r.key}${r.op === 'in' ? '=' : '!='}${r.values[0]}` : `${r.key} ${r.op} (${r.values.join(',')})`;
      }
    })
    .join(',');
}

export function matchesLabels(requirements: readonly LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return requirements.every((r) => {
    const has = Object.hasOwn(l, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case 'in':
        return has && r.values.includes(l[r.key]!);
      case 'notin':
        return !has || !r.values.includes(l[r.key]!);
    }
  });
}

/** Fields each kind can be selected by, beyond metadata.name and metadata.namespace. */
const KIND_FIELDS: Record<string, readonly string[]> = {
  Pod: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  Event: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  Secret: ['type'],
  Namespace: ['status.phase'],
  Node: ['spec.unschedulable'],
  PersistentVolumeClaim: [],
};

export function parseFieldSelector(text: string | undefined, kind: string): FieldRequirement[] {
  if (text === undefined || text.trim() === '') return [];
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(KIND_FIELDS[kind] ?? [])]);
  return text.split(',').map((raw) => {
    const m = /^\s*([^!=\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(raw);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${raw}'`);
    const field = m[1]!;
    if (!allowed.has(field)) throw badRequest(`"${field}" is not a known field selector: only "${[...allowed].join('", "')}"`);
    return { field, op: m[2] === '!=' ? '!=' : '=', value: m[3]! };
  });
}

function fieldValue(object: KubeObject, field: string): string {
  if (object.kind === 'Event' && field === 'source') {
    const source = (object as { source?: { component?: string } }).source;
    return source?.component ?? '';
  }
  let value: unknown = object;
  for (const part of field.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  return value === undefined || value === null ? '' : String(value);
}

export function matchesFields(requirements: readonly FieldRequirement[], object: KubeObject): boolean {
  return requirements.every((r) => (fieldValue(object, r.field) === r.value) === (r.op === '='));
}
