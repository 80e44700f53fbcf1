/**
 * A small vocabulary for describing the build file's shape. The one description (build-spec.ts)
 * drives the checker (check-structure.ts), the exported JSON Schema (json-schema.ts) and the field
 * reference in docs/build-file.md (field-reference.ts), so the three cannot drift apart.
 */
import type { TemplateUse } from '../template/fields.js';
import type { FormatName } from './formats.js';

interface Described {
  description: string;
  /** The default as the user would write it, for the schema and docs (applied by the resolver). */
  default?: unknown;
  /** A default that depends on other fields, in words. */
  defaultText?: string;
  /** Marks values that are masked in logs (passwords). */
  secret?: boolean;
}

export interface StringSpec extends Described {
  type: 'string';
  enum?: readonly string[];
  /** Values people try that are refused for a reason worth stating (disk bus ide). */
  rejected?: Readonly<Record<string, string>>;
  format?: FormatName;
  /** Which template fields the value may use; undefined = no templates (enums, keys). */
  template?: TemplateUse;
  /** A local path, resolved against the build file's folder; checked to exist unless 'unchecked'. */
  path?: 'file' | 'dir' | 'fileOrDir' | 'unchecked';
}

export interface IntegerSpec extends Described {
  type: 'integer';
  minimum?: number;
  maximum?: number;
}

export interface BooleanSpec extends Described {
  type: 'boolean';
}

/** A string, number or boolean, kept as a string (variables). */
export interface ScalarSpec extends Described {
  type: 'scalar';
}

export interface ArraySpec extends Described {
  type: 'array';
  items: Spec;
  minItems?: number;
}

export interface ObjectSpec extends Described {
  type: 'object';
  /** Heading in the docs (e.g. "VM"). */
  title?: string;
  properties: Readonly<Record<string, Spec>>;
  required?: readonly string[];
  /** Exactly one of these keys must be present. */
  exactlyOne?: readonly string[];
  /** At least one of these keys must be present. */
  anyOf?: readonly string[];
  /** Pairs of keys that cannot be used together. */
  exclusive?: ReadonlyArray<readonly [string, string]>;
  /** key → keys that must be present with it. */
  requires?: Readonly<Record<string, readonly string[]>>;
  /** Packer option names (and other likely guesses) → where that setting lives here. */
  hints?: Readonly<Record<string, string>>;
}

/** An object with user-chosen keys (variables, httpContent, env). */
export interface MapSpec extends Described {
  type: 'map';
  keyFormat: FormatName;
  values: Spec;
}

/** One of several specs, picked by the YAML node's kind (string / number / boolean / list / map). */
export interface UnionSpec extends Described {
  type: 'union';
  options: readonly Spec[];
}

/** Objects whose `tag` key picks the variant (provisioners by `type`). */
export interface TaggedSpec extends Described {
  type: 'tagged';
  tag: string;
  variants: Readonly<Record<string, ObjectSpec>>;
}

export type Spec = StringSpec | IntegerSpec | BooleanSpec | ScalarSpec | ArraySpec | ObjectSpec | MapSpec | UnionSpec | TaggedSpec;

/** The YAML node kinds a spec accepts; a union's options must not overlap. */
/** 'other': a scalar YAML gives as something else (a !!binary value), which no field accepts. */
export type NodeKind = 'string' | 'number' | 'boolean' | 'null' | 'list' | 'map' | 'other';

export function kindsOf(spec: Spec): NodeKind[] {
  switch (spec.type) {
    case 'string':
      return ['string'];
    case 'integer':
      return ['number'];
    case 'boolean':
      return ['boolean'];
    case 'scalar':
      return ['string', 'number', 'boolean'];
    case 'array':
      return ['list'];
    case 'object':
    case 'map':
    case 'tagged':
      return ['map'];
    case 'union':
      return spec.options.flatMap(kindsOf);
  }
}

/** "a string", "a list", "a string or a list" — for "expected …" messages. */
export function describeSpec(spec: Spec): string {
  switch (spec.type) {
    case 'string':
      if (spec.enum) return `one of ${spec.enum.join(', ')}`;
      return 'a string';
    case 'integer':
      return 'an integer' + (spec.minimum !== undefined && spec.maximum !== undefined ? ` from ${spec.minimum} to ${spec.maximum}` : spec.minimum !== undefined ? ` ≥ ${spec.minimum}` : '');
    case 'boolean':
      return 'true or false';
    case 'scalar':
      return 'a string, number or boolean';
    case 'array':
      return `a list of ${plural(describeSpec(spec.items))}`;
    case 'object':
    case 'tagged':
      return `a map${spec.type === 'object' && spec.title ? ` (${spec.title})` : ''}`;
    case 'map':
      return 'a map';
    case 'union':
      return spec.options.map(describeSpec).join(' or ');
  }
}

function plural(what: string): string {
  if (what.startsWith('a map')) return 'maps' + what.slice(5);
  if (what === 'a string') return 'strings';
  if (what.startsWith('an integer')) return 'integers' + what.slice(10);
  return what.replace(/^an? /, '');
}
