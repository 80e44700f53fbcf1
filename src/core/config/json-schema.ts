/**
 * The build file's JSON Schema (draft-07, which editors' YAML support handles best), generated
 * from build-spec.ts. It says what the structural checker says: the same types, enums, patterns,
 * required and exclusive keys. Rules that need the whole file (a NIC's subnet exists, `from`
 * names an earlier layer) are only checked by `ruddervirt validate`.
 */
import { buildSpec } from './build-spec.js';
import { FORMATS } from './formats.js';
import type { ObjectSpec, Spec, StringSpec } from './spec.js';

type JsonSchema = Record<string, unknown>;

export function buildJsonSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'RudderVirt build file',
    ...toSchema(buildSpec),
  };
}

/** The schema as schema/build.schema.json holds it and `ruddervirt schema` prints it. */
export function jsonSchemaText(): string {
  return JSON.stringify(buildJsonSchema(), null, 2) + '\n';
}

function annotations(spec: Spec): JsonSchema {
  const out: JsonSchema = { description: spec.description + (spec.defaultText ? ` Default: ${spec.defaultText}.` : '') };
  if (spec.default !== undefined) out.default = spec.default;
  return out;
}

function toSchema(spec: Spec): JsonSchema {
  switch (spec.type) {
    case 'string':
      return { ...annotations(spec), ...stringSchema(spec) };
    case 'integer': {
      const s: JsonSchema = { ...annotations(spec), type: 'integer' };
      if (spec.minimum !== undefined) s.minimum = spec.minimum;
      if (spec.maximum !== undefined) s.maximum = spec.maximum;
      return s;
    }
    case 'boolean':
      return { ...annotations(spec), type: 'boolean' };
    case 'scalar':
      return { ...annotations(spec), anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] };
    case 'array': {
      const s: JsonSchema = { ...annotations(spec), type: 'array', items: toSchema(spec.items) };
      if (spec.minItems !== undefined) s.minItems = spec.minItems;
      return s;
    }
    case 'map':
      return {
        ...annotations(spec),
        type: 'object',
        propertyNames: { pattern: anchored(FORMATS[spec.keyFormat].pattern) },
        additionalProperties: toSchema(spec.values),
      };
    case 'union':
      return { ...annotations(spec), anyOf: spec.options.map(toSchema) };
    case 'object':
      return { ...annotations(spec), ...objectSchema(spec) };
    case 'tagged': {
      const tags = Object.keys(spec.variants);
      return {
        ...annotations(spec),
        type: 'object',
        required: [spec.tag],
        properties: { [spec.tag]: { enum: tags } },
        allOf: Object.entries(spec.variants).map(([tag, variant]) => ({
          if: { properties: { [spec.tag]: { const: tag } }, required: [spec.tag] },
          then: objectSchema(variant),
        })),
      };
    }
  }
}

function stringSchema(spec: StringSpec): JsonSchema {
  if (spec.enum) return { type: 'string', enum: [...spec.enum] };
  if (!spec.format) return { type: 'string' };
  // A template is checked once rendered, so the schema lets any string with "{{" through.
  const pattern = anchored(FORMATS[spec.format].pattern);
  return { type: 'string', pattern: spec.template ? `${pattern}|\\{\\{` : pattern };
}

function anchored(pattern: string): string {
  return `^(?:${pattern})$`;
}

function objectSchema(spec: ObjectSpec): JsonSchema {
  const s: JsonSchema = {
    type: 'object',
    properties: Object.fromEntries(Object.entries(spec.properties).map(([k, v]) => [k, toSchema(v)])),
    additionalProperties: false,
  };
  if (spec.title) s.title = spec.title;
  if (spec.required?.length) s.required = [...spec.required];
  const allOf: JsonSchema[] = [];
  if (spec.exactlyOne) allOf.push({ oneOf: spec.exactlyOne.map((k) => ({ required: [k] })) });
  if (spec.anyOf) allOf.push({ anyOf: spec.anyOf.map((k) => ({ required: [k] })) });
  for (const [a, b] of spec.exclusive ?? []) allOf.push({ not: { required: [a, b] } });
  if (allOf.length) s.allOf = allOf;
  if (spec.requires) s.dependencies = Object.fromEntries(Object.entries(spec.requires).map(([k, v]) => [k, [...v]]));
  return s;
}
