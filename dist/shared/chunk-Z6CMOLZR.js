import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  suggest
} from "./chunk-PXB3LWWR.js";

// src/core/template/template-error.ts
var TemplateError = class extends Error {
  constructor(message, offset) {
    super(message);
    this.offset = offset;
  }
  offset;
  name = "TemplateError";
};

// src/core/template/parse.ts
var SUPPORTED = 'supported: {{ .Field }}, {{ env "NAME" }}, {{ user "name" }}, {{ "text" }}';
var SPACE = /* @__PURE__ */ new Set([" ", "	", "\r", "\n"]);
function parseTemplate(text) {
  const parts = [];
  let pos = 0;
  let trimNextText = false;
  while (pos <= text.length) {
    const open = text.indexOf("{{", pos);
    let chunk = text.slice(pos, open === -1 ? text.length : open);
    let chunkOffset = pos;
    if (trimNextText) {
      const trimmed = chunk.replace(/^[ \t\r\n]+/, "");
      chunkOffset += chunk.length - trimmed.length;
      chunk = trimmed;
    }
    if (open === -1) {
      if (chunk) parts.push({ kind: "text", text: chunk, offset: chunkOffset });
      break;
    }
    let inner = open + 2;
    if (text[inner] === "-" && SPACE.has(text[inner + 1] ?? "")) {
      chunk = chunk.replace(/[ \t\r\n]+$/, "");
      inner += 2;
    }
    if (chunk) parts.push({ kind: "text", text: chunk, offset: chunkOffset });
    const action = parseAction(text, inner, open);
    if (action.part) parts.push(action.part);
    trimNextText = action.trimRight;
    pos = action.end;
  }
  return parts;
}
function parseAction(text, start, open) {
  if (text.startsWith("/*", start)) {
    const close = text.indexOf("*/", start + 2);
    if (close === -1) throw new TemplateError('unclosed comment: expected "*/}}"', open);
    let after = close + 2;
    if (SPACE.has(text[after] ?? "") && text.startsWith("-}}", after + 1)) return { end: after + 4, trimRight: true };
    if (!text.startsWith("}}", after)) throw new TemplateError('a comment must end with "*/}}"', close);
    after += 2;
    return { end: after, trimRight: false };
  }
  const tokens = [];
  let pos = start;
  for (; ; ) {
    while (SPACE.has(text[pos] ?? "")) pos++;
    if (pos >= text.length) throw new TemplateError('unclosed action: expected "}}"', open);
    const closing = closeDelimiter(text, pos);
    if (closing) return { part: toPart(tokens, open), end: closing.end, trimRight: closing.trimRight };
    const c = text[pos];
    if (c === ".") {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(pos + 1));
      if (!m) throw new TemplateError(`expected a field name after "." (${SUPPORTED})`, pos);
      tokens.push({ t: "field", name: m[0], offset: pos });
      pos += 1 + m[0].length;
      if (text[pos] === ".") throw new TemplateError(`nested fields like ".${m[0]}.x" are not supported (${SUPPORTED})`, pos);
    } else if (c === '"') {
      const end = findQuoteEnd(text, pos, open);
      tokens.push({ t: "string", value: decodeQuoted(text.slice(pos, end + 1), pos), offset: pos });
      pos = end + 1;
    } else if (c === "`") {
      const end = text.indexOf("`", pos + 1);
      if (end === -1) throw new TemplateError('unterminated raw string: expected a closing "`"', pos);
      tokens.push({ t: "string", value: text.slice(pos + 1, end), offset: pos });
      pos = end + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(pos));
      tokens.push({ t: "ident", name: m[0], offset: pos });
      pos += m[0].length;
    } else {
      throw new TemplateError(`unexpected "${c}" in template action (${SUPPORTED})`, pos);
    }
  }
}
function closeDelimiter(text, pos) {
  if (text.startsWith("}}", pos)) return { end: pos + 2, trimRight: false };
  if (text.startsWith("-}}", pos) && SPACE.has(text[pos - 1] ?? "")) return { end: pos + 3, trimRight: true };
  return void 0;
}
function findQuoteEnd(text, start, open) {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") i++;
    else if (c === '"') return i;
    else if (c === "\n") break;
  }
  throw new TemplateError(`unterminated string: expected a closing '"'`, open);
}
function decodeQuoted(literal, offset) {
  try {
    const v = JSON.parse(literal);
    if (typeof v === "string") return v;
  } catch {
  }
  throw new TemplateError(`invalid string literal ${literal}: use \\" \\\\ \\n \\t or \\uXXXX escapes, or a \`raw\` string`, offset);
}
function toPart(tokens, open) {
  const [first, second, ...rest] = tokens;
  if (!first) throw new TemplateError(`empty template action (${SUPPORTED})`, open);
  const extra = rest[0] ?? (first.t !== "ident" ? second : void 0);
  if (extra) throw new TemplateError(`unexpected ${describe(extra)} in template action (${SUPPORTED})`, extra.offset);
  switch (first.t) {
    case "field":
      return { kind: "field", name: first.name, offset: first.offset };
    case "string":
      return { kind: "literal", value: first.value, offset: first.offset };
    case "ident":
      if (!second || second.t !== "string") {
        throw new TemplateError(`function "${first.name}" takes one quoted argument, e.g. {{ ${first.name} "NAME" }}`, second?.offset ?? first.offset);
      }
      return { kind: "call", fn: first.name, arg: second.value, offset: first.offset, argOffset: second.offset };
  }
}
function describe(t) {
  if (t.t === "field") return `field ".${t.name}"`;
  if (t.t === "ident") return `"${t.name}"`;
  return `string ${JSON.stringify(t.value)}`;
}

// src/core/template/render.ts
var TEMPLATE_FUNCTIONS = ["env", "user"];
function renderTemplate(text, scope) {
  const parts = parseTemplate(text);
  const fieldNames = Object.keys(scope.fields ?? {});
  let out = "";
  for (const part of parts) {
    const v = evaluate(part, fieldNames, scope);
    if (v instanceof TemplateError) throw v;
    out += v === KEEP ? String(scope.fields[part.name]) : v;
  }
  return out;
}
function bindTemplate(text, fields, scope = {}) {
  const envUsed = /* @__PURE__ */ new Map();
  let parts;
  try {
    parts = parseTemplate(text);
  } catch (err) {
    if (err instanceof TemplateError) return { text, errors: [err], envUsed, hasFields: false };
    throw err;
  }
  const errors = [];
  const chunks = [];
  for (const part of parts) {
    const v = evaluate(part, fields, scope);
    if (v instanceof TemplateError) {
      errors.push(v);
      continue;
    }
    if (v === KEEP) {
      chunks.push({ action: `{{ .${part.name} }}` });
      continue;
    }
    if (part.kind === "call" && part.fn === "env") envUsed.set(part.arg, v);
    const last = chunks.at(-1);
    if (last && "raw" in last) last.raw += v;
    else chunks.push({ raw: v });
  }
  if (fields.length === 0) {
    return { text: chunks.map((c) => "raw" in c ? c.raw : "").join(""), errors, envUsed, hasFields: false };
  }
  let out = "";
  let hasFields = false;
  chunks.forEach((c, i) => {
    if ("action" in c) {
      out += c.action;
      hasFields = true;
    } else if (c.raw.includes("{{") || c.raw.endsWith("{") && i < chunks.length - 1) {
      out += `{{ ${JSON.stringify(c.raw)} }}`;
      hasFields = true;
    } else {
      out += c.raw;
    }
  });
  return { text: out, errors, envUsed, hasFields };
}
var KEEP = /* @__PURE__ */ Symbol("keep the field action");
function evaluate(part, fields, scope) {
  switch (part.kind) {
    case "text":
      return part.text;
    case "literal":
      return part.value;
    case "field": {
      if (fields.includes(part.name)) return KEEP;
      if (fields.length === 0) return new TemplateError(`unknown field ".${part.name}": no fields are available here`, part.offset);
      const near = suggest(part.name, fields);
      const hint = near ? `; did you mean ".${near}"?` : "";
      return new TemplateError(`unknown field ".${part.name}" (available here: ${fields.map((f) => "." + f).join(", ")})${hint}`, part.offset);
    }
    case "call":
      if (part.fn === "env") {
        if (!scope.env) return new TemplateError("the env function is not available here", part.offset);
        return (Object.hasOwn(scope.env, part.arg) ? scope.env[part.arg] : void 0) ?? "";
      }
      if (part.fn === "user") {
        if (!scope.variables) return new TemplateError("the user function is not available here", part.offset);
        if (Object.hasOwn(scope.variables, part.arg)) return scope.variables[part.arg];
        const declared = Object.keys(scope.variables);
        if (declared.length === 0) return new TemplateError(`unknown variable "${part.arg}": the build declares no variables`, part.argOffset);
        const near = suggest(part.arg, declared);
        return new TemplateError(`unknown variable "${part.arg}" (declared: ${declared.join(", ")})${near ? `; did you mean "${near}"?` : ""}`, part.argOffset);
      } else {
        const near = suggest(part.fn, TEMPLATE_FUNCTIONS);
        return new TemplateError(`unknown function "${part.fn}" (functions: ${TEMPLATE_FUNCTIONS.join(", ")})${near ? `; did you mean "${near}"?` : ""}`, part.offset);
      }
  }
}

export {
  TemplateError,
  renderTemplate,
  bindTemplate
};
