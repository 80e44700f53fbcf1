import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  buildSpec
} from "./chunk-WBMFEUYZ.js";
import {
  FORMATS
} from "./chunk-NHD4EFUK.js";
import "./chunk-UWT5WVQO.js";
import {
  UsageError
} from "./chunk-K4LUY5QM.js";
import "./chunk-OYIX4NJ3.js";
import "./chunk-U4LSYZ75.js";

// src/core/config/json-schema.ts
function buildJsonSchema() {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "RudderVirt build file",
    ...toSchema(buildSpec)
  };
}
function jsonSchemaText() {
  return JSON.stringify(buildJsonSchema(), null, 2) + "\n";
}
function annotations(spec) {
  const out = { description: spec.description + (spec.defaultText ? ` Default: ${spec.defaultText}.` : "") };
  if (spec.default !== void 0) out.default = spec.default;
  return out;
}
function toSchema(spec) {
  switch (spec.type) {
    case "string":
      return { ...annotations(spec), ...stringSchema(spec) };
    case "integer": {
      const s = { ...annotations(spec), type: "integer" };
      if (spec.minimum !== void 0) s.minimum = spec.minimum;
      if (spec.maximum !== void 0) s.maximum = spec.maximum;
      return s;
    }
    case "boolean":
      return { ...annotations(spec), type: "boolean" };
    case "scalar":
      return { ...annotations(spec), anyOf: [{ type: "string" }, { type: "number" }, { type: "boolean" }] };
    case "array": {
      const s = { ...annotations(spec), type: "array", items: toSchema(spec.items) };
      if (spec.minItems !== void 0) s.minItems = spec.minItems;
      return s;
    }
    case "map":
      return {
        ...annotations(spec),
        type: "object",
        propertyNames: { pattern: anchored(FORMATS[spec.keyFormat].pattern) },
        additionalProperties: toSchema(spec.values)
      };
    case "union":
      return { ...annotations(spec), anyOf: spec.options.map(toSchema) };
    case "object":
      return { ...annotations(spec), ...objectSchema(spec) };
    case "tagged": {
      const tags = Object.keys(spec.variants);
      return {
        ...annotations(spec),
        type: "object",
        required: [spec.tag],
        properties: { [spec.tag]: { enum: tags } },
        allOf: Object.entries(spec.variants).map(([tag, variant]) => ({
          if: { properties: { [spec.tag]: { const: tag } }, required: [spec.tag] },
          then: objectSchema(variant)
        }))
      };
    }
  }
}
function stringSchema(spec) {
  if (spec.enum) return { type: "string", enum: [...spec.enum] };
  if (!spec.format) return { type: "string" };
  const pattern = anchored(FORMATS[spec.format].pattern);
  return { type: "string", pattern: spec.template ? `${pattern}|\\{\\{` : pattern };
}
function anchored(pattern) {
  return `^(?:${pattern})$`;
}
function objectSchema(spec) {
  const s = {
    type: "object",
    properties: Object.fromEntries(Object.entries(spec.properties).map(([k, v]) => [k, toSchema(v)])),
    additionalProperties: false
  };
  if (spec.title) s.title = spec.title;
  if (spec.required?.length) s.required = [...spec.required];
  const allOf = [];
  if (spec.exactlyOne) allOf.push({ oneOf: spec.exactlyOne.map((k) => ({ required: [k] })) });
  if (spec.anyOf) allOf.push({ anyOf: spec.anyOf.map((k) => ({ required: [k] })) });
  for (const [a, b] of spec.exclusive ?? []) allOf.push({ not: { required: [a, b] } });
  if (allOf.length) s.allOf = allOf;
  if (spec.requires) s.dependencies = Object.fromEntries(Object.entries(spec.requires).map(([k, v]) => [k, [...v]]));
  return s;
}

// src/cli/commands/schema.ts
var schemaCommand = {
  name: "schema",
  summary: "Print the build file's JSON Schema",
  usage: `Usage: ruddervirt schema

Prints the JSON Schema (draft-07) of build files. Editors with YAML support use it for completion
and inline errors; point them at it with a first line such as
  # yaml-language-server: $schema=../schema/build.schema.json
The schema checks each field on its own; 'ruddervirt validate' also checks the rules between
fields (a NIC's subnet exists, 'from' names an earlier layer, files exist).
`,
  async run(args, io) {
    if (args.length > 0) throw new UsageError(`unexpected argument '${args[0]}'`);
    io.stdout.write(jsonSchemaText());
    return 0;
  }
};
export {
  schemaCommand
};
