import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  ResolveContext,
  SECRET_NAME,
  bool,
  checkStructure,
  isRaw,
  isTemplated,
  kubevirtSpec,
  list,
  num,
  obj,
  parseChecksum,
  resolveKubevirt,
  scalarOffset,
  str,
  strings
} from "./chunk-S7VYGFYM.js";
import {
  BuildFileError,
  formatPath,
  sortProblems
} from "./chunk-ZTKUTTM7.js";
import {
  parseSize,
  require_dist
} from "./chunk-6QKVNAOZ.js";
import {
  tryLock
} from "./chunk-BTHCCTGH.js";
import {
  cdromBus
} from "./chunk-CRBZ5IG5.js";
import {
  SecretMasker,
  didYouMean,
  suggest
} from "./chunk-PXB3LWWR.js";
import {
  MAX_DURATION_MS,
  durationRangeProblem
} from "./chunk-YBXMTZXO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import {
  __toESM
} from "./chunk-U4LSYZ75.js";

// src/core/bootcommand/go-duration-nanos.ts
var NANOS_PER_UNIT = {
  ns: 1n,
  us: 1000n,
  "\xB5s": 1000n,
  // U+00B5 MICRO SIGN
  "\u03BCs": 1000n,
  // U+03BC GREEK SMALL LETTER MU
  ms: 1000000n,
  s: 1000000000n,
  m: 60000000000n,
  h: 3600000000000n
};
var TWO_POW_63 = 1n << 63n;
var INT64_MAX = TWO_POW_63 - 1n;
var isDigit = (c) => c !== void 0 && c >= "0" && c <= "9";
function parseGoDurationNanos(text3) {
  let s = text3;
  let negative = false;
  if (s.startsWith("-") || s.startsWith("+")) {
    negative = s.startsWith("-");
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") return void 0;
  let total = 0n;
  while (s !== "") {
    if (!(s[0] === "." || isDigit(s[0]))) return void 0;
    let whole = 0n;
    let i = 0;
    for (; isDigit(s[i]); i++) {
      if (whole > TWO_POW_63 / 10n) return void 0;
      whole = whole * 10n + BigInt(s.charCodeAt(i) - 48);
      if (whole > TWO_POW_63) return void 0;
    }
    const hadWhole = i > 0;
    s = s.slice(i);
    let fraction = 0n;
    let scale = 1;
    let hadFraction = false;
    if (s[0] === ".") {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      for (; isDigit(s[j]); j++) {
        if (overflow) continue;
        if (fraction > INT64_MAX / 10n) {
          overflow = true;
          continue;
        }
        const next = fraction * 10n + BigInt(s.charCodeAt(j) - 48);
        if (next > TWO_POW_63) {
          overflow = true;
          continue;
        }
        fraction = next;
        scale *= 10;
      }
      hadFraction = j > 0;
      s = s.slice(j);
    }
    if (!hadWhole && !hadFraction) return void 0;
    let u = 0;
    while (u < s.length && s[u] !== "." && !isDigit(s[u])) u++;
    if (u === 0) return void 0;
    const unit = NANOS_PER_UNIT[s.slice(0, u)];
    s = s.slice(u);
    if (unit === void 0) return void 0;
    if (whole > TWO_POW_63 / unit) return void 0;
    let value = whole * unit;
    if (fraction > 0n) {
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (value > TWO_POW_63) return void 0;
    }
    total += value;
    if (total > TWO_POW_63) return void 0;
  }
  if (negative) return -total;
  return total > INT64_MAX ? void 0 : total;
}
function formatGoDurationNanos(nanos) {
  if (nanos === 0n) return "0s";
  const sign = nanos < 0n ? "-" : "";
  const u = nanos < 0n ? -nanos : nanos;
  if (u < 1000n) return `${sign}${u}ns`;
  if (u < 1000000n) return `${sign}${withFraction(u, 1000n, 3)}\xB5s`;
  if (u < 1000000000n) return `${sign}${withFraction(u, 1000000n, 6)}ms`;
  const totalSeconds = u / 1000000000n;
  const fraction = fractionDigits(u % 1000000000n, 9);
  let out = `${totalSeconds % 60n}${fraction}s`;
  const totalMinutes = totalSeconds / 60n;
  if (totalMinutes > 0n) {
    out = `${totalMinutes % 60n}m${out}`;
    const hours = totalMinutes / 60n;
    if (hours > 0n) out = `${hours}h${out}`;
  }
  return sign + out;
}
function withFraction(value, per, digits) {
  return `${value / per}${fractionDigits(value % per, digits)}`;
}
function fractionDigits(remainder, digits) {
  if (remainder === 0n) return "";
  return "." + remainder.toString().padStart(digits, "0").replace(/0+$/, "");
}
function wrapInt64(value) {
  return BigInt.asIntN(64, value);
}
function nanosToMs(nanos) {
  return Number(nanos) / 1e6;
}

// src/core/config/data-source-output.ts
var INSTANCETYPE_KINDS = ["VirtualMachineClusterInstancetype", "VirtualMachineInstancetype"];
var PREFERENCE_KINDS = ["VirtualMachineClusterPreference", "VirtualMachinePreference"];
var NAME = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
var REFERENCE = /^[a-z0-9](?:[-a-z0-9.]{0,61}[a-z0-9])?$/;
var text = (description, extra = {}) => ({ type: "string", description, template: "load", ...extra });
var dataSourceSpec = {
  type: "object",
  title: "DataSource output",
  description: "kubevirt engine: keep the output in the cluster as a golden image \u2014 the DataVolume (PVC) or VolumeSnapshot the build captured, with a CDI DataSource of this name pointing at it, labelled like KubeVirt\u2019s common boot sources. A later build points the DataSource at its new output and removes the previous one. The local engine ignores it.",
  properties: {
    name: text("The DataSource name (a DNS-1123 label), in the build\u2019s namespace.", { format: "k8sName" }),
    instancetype: text("Label instancetype.kubevirt.io/default-instancetype: the instance type a VM booting from it takes by default, e.g. u1.medium."),
    instancetypeKind: { type: "string", enum: INSTANCETYPE_KINDS, description: "Label instancetype.kubevirt.io/default-instancetype-kind (KubeVirt assumes VirtualMachineClusterInstancetype)." },
    preference: text("Label instancetype.kubevirt.io/default-preference: the preference a VM booting from it takes by default, e.g. debian."),
    preferenceKind: { type: "string", enum: PREFERENCE_KINDS, description: "Label instancetype.kubevirt.io/default-preference-kind (KubeVirt assumes VirtualMachineClusterPreference)." }
  },
  required: ["name"]
};
function referenceProblem(value) {
  return REFERENCE.test(value) ? void 0 : `expected a name of up to 63 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (it becomes a label value), got '${value}'`;
}
function resolveDataSource(raw, report) {
  if (!raw || typeof raw.name !== "string") return void 0;
  const out = { name: raw.name };
  for (const field of ["instancetype", "preference"]) {
    const value = raw[field];
    if (typeof value !== "string") continue;
    const problem = referenceProblem(value);
    if (problem) report(field, problem);
    else out[field] = value;
  }
  if (typeof raw.instancetypeKind === "string") out.instancetypeKind = raw.instancetypeKind;
  if (typeof raw.preferenceKind === "string") out.preferenceKind = raw.preferenceKind;
  if (out.instancetypeKind && !out.instancetype) report("instancetypeKind", "instancetypeKind needs instancetype");
  if (out.preferenceKind && !out.preference) report("preferenceKind", "preferenceKind needs preference");
  return out;
}
var OPTION_KEYS = ["instancetype", "instancetypeKind", "preference", "preferenceKind"];
function parseDataSourceOption(value, what) {
  const [name = "", ...rest] = value.split(",").map((s) => s.trim());
  const fail = (message) => {
    throw new UserError(`${what} '${value}': ${message}; expected NAME[,instancetype=X][,preference=Y][,instancetypeKind=K][,preferenceKind=K], e.g. debian-12,instancetype=u1.medium,preference=debian`);
  };
  if (!NAME.test(name)) fail(`the DataSource name '${name}' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63)`);
  const out = { name };
  const seen = /* @__PURE__ */ new Set();
  for (const part of rest) {
    const eq = part.indexOf("=");
    const key = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? "" : part.slice(eq + 1);
    if (!OPTION_KEYS.includes(key)) fail(`unknown key '${key}'`);
    if (seen.has(key)) fail(`'${key}' is given twice`);
    seen.add(key);
    if (eq < 0 || v === "") fail(`'${key}' needs a value`);
    switch (key) {
      case "instancetype":
      case "preference": {
        const problem = referenceProblem(v);
        if (problem) fail(`${key}: ${problem}`);
        out[key] = v;
        break;
      }
      case "instancetypeKind":
        if (!INSTANCETYPE_KINDS.includes(v)) fail(`instancetypeKind must be one of ${INSTANCETYPE_KINDS.join(", ")}`);
        out.instancetypeKind = v;
        break;
      case "preferenceKind":
        if (!PREFERENCE_KINDS.includes(v)) fail(`preferenceKind must be one of ${PREFERENCE_KINDS.join(", ")}`);
        out.preferenceKind = v;
        break;
    }
  }
  if (out.instancetypeKind && !out.instancetype) fail("instancetypeKind needs instancetype");
  if (out.preferenceKind && !out.preference) fail("preferenceKind needs preference");
  return out;
}
function applyDataSourceOption(build, ds, what) {
  const last = build.layers.at(-1);
  if (!last || last.vms.length !== 1) {
    throw new UserError(`${what}: the last layer of build ${build.name} has ${last?.vms.length ?? 0} VMs; name each golden image in the build file instead (output.dataSource of a VM)`);
  }
  const vm2 = last.vms[0];
  vm2.output = { ...vm2.output, dataSource: ds };
  return vm2;
}

// src/core/config/load.ts
var import_yaml3 = __toESM(require_dist(), 1);
import { readFileSync as readFileSync2 } from "node:fs";
import path3 from "node:path";

// src/core/template/fields.ts
var BUILD_FIELDS = ["HTTPIP", "HTTPPort", "Name"];
var BOOT_COMMAND_FIELDS = BUILD_FIELDS;
var SHELL_INLINE_FIELDS = BUILD_FIELDS;
var SHELL_EXECUTE_FIELDS = ["Path", "Vars", "EnvVarFile", "Command", ...BUILD_FIELDS];
var LOAD_TIME_FIELDS = [];
var FIELDS_BY_USE = {
  load: LOAD_TIME_FIELDS,
  boot: BOOT_COMMAND_FIELDS,
  shellInline: SHELL_INLINE_FIELDS,
  shellExecute: SHELL_EXECUTE_FIELDS
};

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
function parseTemplate(text3) {
  const parts = [];
  let pos = 0;
  let trimNextText = false;
  while (pos <= text3.length) {
    const open = text3.indexOf("{{", pos);
    let chunk = text3.slice(pos, open === -1 ? text3.length : open);
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
    if (text3[inner] === "-" && SPACE.has(text3[inner + 1] ?? "")) {
      chunk = chunk.replace(/[ \t\r\n]+$/, "");
      inner += 2;
    }
    if (chunk) parts.push({ kind: "text", text: chunk, offset: chunkOffset });
    const action = parseAction(text3, inner, open);
    if (action.part) parts.push(action.part);
    trimNextText = action.trimRight;
    pos = action.end;
  }
  return parts;
}
function parseAction(text3, start, open) {
  if (text3.startsWith("/*", start)) {
    const close = text3.indexOf("*/", start + 2);
    if (close === -1) throw new TemplateError('unclosed comment: expected "*/}}"', open);
    let after = close + 2;
    if (SPACE.has(text3[after] ?? "") && text3.startsWith("-}}", after + 1)) return { end: after + 4, trimRight: true };
    if (!text3.startsWith("}}", after)) throw new TemplateError('a comment must end with "*/}}"', close);
    after += 2;
    return { end: after, trimRight: false };
  }
  const tokens = [];
  let pos = start;
  for (; ; ) {
    while (SPACE.has(text3[pos] ?? "")) pos++;
    if (pos >= text3.length) throw new TemplateError('unclosed action: expected "}}"', open);
    const closing = closeDelimiter(text3, pos);
    if (closing) return { part: toPart(tokens, open), end: closing.end, trimRight: closing.trimRight };
    const c = text3[pos];
    if (c === ".") {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text3.slice(pos + 1));
      if (!m) throw new TemplateError(`expected a field name after "." (${SUPPORTED})`, pos);
      tokens.push({ t: "field", name: m[0], offset: pos });
      pos += 1 + m[0].length;
      if (text3[pos] === ".") throw new TemplateError(`nested fields like ".${m[0]}.x" are not supported (${SUPPORTED})`, pos);
    } else if (c === '"') {
      const end = findQuoteEnd(text3, pos, open);
      tokens.push({ t: "string", value: decodeQuoted(text3.slice(pos, end + 1), pos), offset: pos });
      pos = end + 1;
    } else if (c === "`") {
      const end = text3.indexOf("`", pos + 1);
      if (end === -1) throw new TemplateError('unterminated raw string: expected a closing "`"', pos);
      tokens.push({ t: "string", value: text3.slice(pos + 1, end), offset: pos });
      pos = end + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text3.slice(pos));
      tokens.push({ t: "ident", name: m[0], offset: pos });
      pos += m[0].length;
    } else {
      throw new TemplateError(`unexpected "${c}" in template action (${SUPPORTED})`, pos);
    }
  }
}
function closeDelimiter(text3, pos) {
  if (text3.startsWith("}}", pos)) return { end: pos + 2, trimRight: false };
  if (text3.startsWith("-}}", pos) && SPACE.has(text3[pos - 1] ?? "")) return { end: pos + 3, trimRight: true };
  return void 0;
}
function findQuoteEnd(text3, start, open) {
  for (let i = start + 1; i < text3.length; i++) {
    const c = text3[i];
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
function renderTemplate(text3, scope) {
  const parts = parseTemplate(text3);
  const fieldNames = Object.keys(scope.fields ?? {});
  let out = "";
  for (const part of parts) {
    const v = evaluate(part, fieldNames, scope);
    if (v instanceof TemplateError) throw v;
    out += v === KEEP ? String(scope.fields[part.name]) : v;
  }
  return out;
}
function bindTemplate(text3, fields, scope = {}) {
  const envUsed = /* @__PURE__ */ new Map();
  let parts;
  try {
    parts = parseTemplate(text3);
  } catch (err) {
    if (err instanceof TemplateError) return { text: text3, errors: [err], envUsed, hasFields: false };
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
      return new TemplateError(`unknown field ".${part.name}" (available here: ${fields.map((f2) => "." + f2).join(", ")})${hint}`, part.offset);
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

// src/core/config/verify-spec.ts
var check = {
  type: "object",
  title: "Verify check",
  description: "A command run over SSH in the booted image; it passes when its exit code is one of validExitCodes.",
  properties: {
    name: { type: "string", template: "load", description: "A label for logs and the summary (default: the command)." },
    run: { type: "string", template: "load", description: "The command, run by the communicator user's login shell." },
    validExitCodes: { type: "array", items: { type: "integer", description: "Exit code." }, description: "Exit codes that pass.", default: [0], minItems: 1 },
    timeout: { type: "string", format: "duration", template: "load", description: "Fail the check when it runs longer.", default: "5m" }
  },
  required: ["run"],
  hints: { inline: "run", command: "run", valid_exit_codes: "validExitCodes", exitCodes: "validExitCodes", exitCode: "validExitCodes" }
};
var checkItem = {
  type: "union",
  description: "A command (it must exit 0), or a check with its own exit codes and timeout.",
  options: [{ type: "string", template: "load", description: "A command that must exit 0." }, check]
};
var verifySpec = {
  type: "object",
  title: "Verify",
  description: "Checks the finished image before it is published (ruddervirt verify, actions/verify, and the build action before it publishes): the output boots as a new VM \u2014 with a fresh cloud-init seed (new instance-id, a throw-away SSH key for the communicator's user) when the VM has a cidata cdrom, else with the communicator settings as they are \u2014 and each check runs over SSH. The VM is then stopped and removed; the image is not changed.",
  properties: {
    checks: { type: "array", items: checkItem, description: "Commands that must pass, in order; every check runs, and verify fails if any failed.", minItems: 1 },
    bootCommand: {
      type: "union",
      description: "Keys to type when the image boots, in boot-command syntax (for an image that stops at its boot loader's prompt). Default none: the image boots by itself.",
      default: [],
      options: [
        { type: "string", template: "boot", description: "Keys to type." },
        { type: "array", items: { type: "string", template: "boot", description: "Keys to type." }, description: "Keys to type; elements are joined." }
      ]
    },
    bootWait: {
      type: "string",
      format: "bootWait",
      template: "load",
      description: "Wait before typing bootCommand: a duration, or <wait 'TEXT'> / <waitSerial 'TEXT'>, as the VM's bootWait.",
      defaultText: "10s with a bootCommand (none when it starts with <wait 'TEXT'>), else none"
    },
    timeout: { type: "string", format: "duration", template: "load", description: "Limit for the whole verify of this VM: boot, SSH and every check.", default: "15m" }
  },
  required: ["checks"],
  hints: { commands: "checks", inline: "checks", tests: "checks", boot_command: "bootCommand" }
};

// src/core/config/build-spec.ts
function text2(description, extra = {}) {
  return { type: "string", description, template: "load", ...extra };
}
function formatted(format, description, extra = {}) {
  return text2(description, { format, ...extra });
}
function choice(values, description, extra = {}) {
  return { type: "string", enum: values, description, ...extra };
}
function duration(description, def, extra = {}) {
  return formatted("duration", description, def === void 0 ? extra : { default: def, ...extra });
}
function integer(description, extra = {}) {
  return { type: "integer", description, ...extra };
}
function flag(description, def = false) {
  return { type: "boolean", description, default: def };
}
function list2(items, description, extra = {}) {
  return { type: "array", items, description, ...extra };
}
function map(keyFormat, values, description) {
  return { type: "map", keyFormat, values, description };
}
function object(title, description, properties, extra = {}) {
  return { type: "object", title, description, properties, ...extra };
}
function oneOrMany(item, description, extra = {}) {
  return { type: "union", description, options: [{ ...item, description }, list2(item, description)], ...extra };
}
function size(description, extra = {}) {
  return {
    type: "union",
    description,
    options: [formatted("size", description), integer(`${description} In bytes.`, { minimum: 1 })],
    ...extra
  };
}
var k8sName = (description) => formatted("k8sName", description);
var localPath = (description, kind, extra = {}) => text2(description, { path: kind, ...extra });
var templated = (use, description, extra = {}) => text2(description, { template: use, ...extra });
var checksumText = `algo:hex (md5, sha1, sha256 or sha512), or file:URL / file:PATH (Packer's form): the entry for this file name in a checksum file such as SHA256SUMS (lines "HASH  name", "HASH *name" or "SHA256 (name) = HASH"), read before the build starts; a path is relative to the build file.`;
var downloadFields = (what) => ({
  url: formatted("url", `Where to download ${what}.`),
  urls: list2(formatted("url", "A URL of the same file."), `Mirrors of ${what} (Packer's iso_urls), tried in order until one downloads and matches the checksum; each failure is logged with its reason. Instead of url.`, {
    minItems: 1
  }),
  checksum: formatted("checksum", `The digest of ${what}: ${checksumText}`),
  checksumSignature: text2(
    "A detached OpenPGP signature of the checksum file (URL or path), as Debian publishes SHA512SUMS.sign and Ubuntu SHA256SUMS.gpg; checked with gpgv against checksumKeyring before the checksum file is read. Needs checksum: file:\u2026."
  ),
  checksumKeyring: localPath("The OpenPGP keyring the signature must come from (binary, armored or a GnuPG keybox), relative to the build file, e.g. /usr/share/keyrings/debian-keyring.gpg.", "file")
});
var downloadChecks = { requires: { checksumSignature: ["checksumKeyring", "checksum"], checksumKeyring: ["checksumSignature"] } };
var source = object(
  "Source",
  "Where the root disk comes from: exactly one of url or urls (with checksum), containerDisk, iso, path or from.",
  {
    ...downloadFields("the disk image (qcow2 or raw); downloads are cached by URL and checksum"),
    containerDisk: formatted("image", "A containerDisk image (a disk under /disk in an OCI image), e.g. quay.io/containerdisks/debian:12."),
    iso: object("ISO", "An installer ISO, attached as a cdrom and booted; the root disk starts empty (size from disks[0].size).", downloadFields("the ISO"), {
      required: ["checksum"],
      exactlyOne: ["url", "urls"],
      ...downloadChecks,
      hints: { iso_url: "url", iso_urls: "urls", iso_checksum: "checksum" }
    }),
    path: localPath("A local disk image (qcow2 or raw), relative to the build file; read when the build runs.", "unchecked"),
    from: formatted("vmRef", "Another VM's output, `<layer>/<vm>`, from an earlier layer.")
  },
  {
    exactlyOne: ["url", "urls", "containerDisk", "iso", "path", "from"],
    requires: { url: ["checksum"], urls: ["checksum"], ...downloadChecks.requires },
    hints: { iso_url: "iso: { url, checksum }", iso_urls: "iso: { urls, checksum }", iso_checksum: "iso: { url, checksum }", disk_image: "url (a disk image) or iso (an installer)" }
  }
);
var disk = object(
  "Disk",
  "A disk of the VM. The first is the root disk, made from the source.",
  {
    name: k8sName("Disk name, unique within the VM (disks and cdroms share names)."),
    size: size("Disk size. The root disk grows to it (never shrinks); other disks are created empty with it.", { defaultText: "40Gi for the root disk (Packer: 40960M); required for other disks" }),
    bus: choice(["virtio", "sata", "scsi"], "The bus the disk is attached to. virtio needs guest drivers (Windows: virtio-win).", {
      default: "virtio",
      rejected: { ide: 'KubeVirt rejects the IDE bus ("IDE bus is not supported" in its admission webhook)' }
    })
  },
  { required: ["name"], hints: { disk_size: "size", disk_interface: "bus", interface: "bus" } }
);
var cdrom = object(
  "CD-ROM",
  "A cdrom: files packed into an ISO with a volume label (cloud-init cidata, Windows answer files), or an existing ISO.",
  {
    name: k8sName("Cdrom name, unique within the VM."),
    files: list2(localPath("A file or folder (relative to the build file) put at the root of the ISO.", "fileOrDir"), "Files and folders to pack into the ISO.", { minItems: 1 }),
    iso: localPath("An existing ISO file, relative to the build file.", "file"),
    label: formatted("volumeLabel", "The ISO volume label the guest looks for (cidata for cloud-init NoCloud, OEMDRV for kickstart).", { default: "packer" }),
    type: choice(
      ["cdrom", "disk"],
      "How the guest sees the ISO: a cdrom, or a read-only disk holding it \u2014 how KubeVirt attaches its own cloudInitNoCloud seed (a virtio disk), for guests without a SATA (AHCI) or SCSI cdrom driver, such as Debian's cloud kernel.",
      { default: "cdrom" }
    ),
    bus: choice(["sata", "scsi", "virtio"], "The bus, as in KubeVirt: sata or scsi for a cdrom; virtio, sata or scsi for type: disk.", {
      defaultText: "sata for a cdrom (KubeVirt's default), virtio for type: disk",
      rejected: { ide: 'KubeVirt rejects the IDE bus ("IDE bus is not supported" in its admission webhook)' }
    })
  },
  { required: ["name"], exactlyOne: ["files", "iso"], exclusive: [["iso", "label"]], hints: { cd_files: "files", cd_label: "label", interface: "bus", cdrom_interface: "bus" } }
);
var nic = object(
  "NIC",
  "A network interface.",
  {
    model: choice(["virtio", "e1000", "e1000e", "rtl8139"], "The NIC model the guest sees. e1000e works in Windows without drivers.", { default: "virtio" }),
    subnet: k8sName("A subnet declared under network.vpcs[].subnets; omitted = the default network (with internet).")
  },
  { hints: { net_device: "model" } }
);
var communicator = object(
  "Communicator",
  "How RudderVirt reaches the guest to provision it (Packer communicator options).",
  {
    type: choice(["ssh", "none"], "ssh, or none for a VM that needs no connection (it powers itself off, e.g. an unattended installer).", {
      defaultText: "ssh when the VM has provisioners or a shutdownCommand, else none"
    }),
    sshHost: text2("Host to connect to; by default the engine knows (a forwarded port, the VM pod IP)."),
    sshPort: integer("SSH port in the guest.", { minimum: 1, maximum: 65535, default: 22 }),
    sshUsername: text2("User to log in as. Required with type ssh."),
    sshPassword: text2("Password (also used for keyboard-interactive). Masked in logs; use {{ env `NAME` }} to keep it out of the file.", { secret: true }),
    sshPrivateKeyFile: localPath("Private key file (relative to the build file; ~ is your home).", "file"),
    sshAgentAuth: flag("Authenticate with the SSH agent at SSH_AUTH_SOCK."),
    sshTimeout: duration("How long to wait for SSH to come up.", void 0, { defaultText: "5m when neither sshTimeout nor sshHandshakeAttempts is set, else unlimited" }),
    sshHandshakeAttempts: integer("Authentication failures tolerated while waiting (0 = unlimited).", { minimum: 0, defaultText: "10 when neither sshTimeout nor sshHandshakeAttempts is set, else unlimited" }),
    sshPty: flag("Request a pseudo-terminal for commands."),
    sshKeepAliveInterval: duration("Interval between keep-alive messages; negative disables them.", "5s"),
    sshBastionHost: text2("A bastion (jump) host to connect through."),
    sshBastionPort: integer("Bastion SSH port.", { minimum: 1, maximum: 65535, default: 22 }),
    sshBastionUsername: text2("Bastion user."),
    sshBastionPassword: text2("Bastion password. Masked in logs.", { secret: true }),
    sshBastionPrivateKeyFile: localPath("Bastion private key file; defaults to sshPrivateKeyFile.", "file"),
    pauseBeforeConnecting: duration("After SSH first answers, disconnect, wait this long and connect again (for guests that reboot once after first boot).", "0s")
  },
  {
    hints: {
      ssh_username: "sshUsername",
      ssh_password: "sshPassword",
      ssh_wait_timeout: "sshTimeout",
      communicator: "type",
      winrm_username: "WinRM is not supported: install OpenSSH in the guest and use type: ssh",
      winrm_password: "WinRM is not supported: install OpenSSH in the guest and use type: ssh"
    }
  }
);
var provisionerCommon = {
  name: text2("A label for logs."),
  pauseBefore: duration("Wait this long before running the provisioner.", "0s"),
  timeout: duration("Fail the provisioner if it runs longer (0 = no limit). Unlike Packer, it also applies when pauseBefore is set.", "0s"),
  maxRetries: integer("Run the provisioner again up to this many times after a failure.", { minimum: 0, default: 0 })
};
var shell = object(
  "shell provisioner",
  "Runs shell commands or scripts in the guest (Packer shell provisioner).",
  {
    type: choice(["shell"], "Provisioner type."),
    ...provisionerCommon,
    inline: {
      type: "union",
      description: "Commands, written into one script (after the inlineShebang line) and run.",
      options: [templated("shellInline", "Commands, written into one script and run."), list2(templated("shellInline", "A command line."), "Commands, one per line of the script.", { minItems: 1 })]
    },
    script: localPath("A local script to upload and run.", "file"),
    scripts: list2(localPath("A local script.", "file"), "Local scripts to upload and run in order.", { minItems: 1 }),
    environmentVars: list2(
      formatted("envAssignment", "KEY=value"),
      "Environment variables for the scripts, KEY=value; values are single-quoted for the shell. Values of keys that look secret (PASSWORD, TOKEN, SECRET\u2026) are masked."
    ),
    env: map("envName", text2("Value"), "Environment variables as a map; overrides environmentVars with the same key."),
    executeCommand: templated("shellExecute", "How to run each script. Fields: .Path, .Vars, .EnvVarFile, .Command (plus .HTTPIP, .HTTPPort, .Name).", {
      defaultText: "`chmod +x {{ .Path }}; {{ .Vars }} {{ .Path }}`, with useEnvVarFile `chmod +x {{ .Path }}; . {{ .EnvVarFile }} && {{ .Path }}`"
    }),
    inlineShebang: text2("First line of the script made from inline.", { default: "/bin/sh -e" }),
    remoteFolder: text2("Guest folder scripts are uploaded to.", { default: "/tmp" }),
    remoteFile: text2("Guest file name of the uploaded script.", { defaultText: "script_<random>.sh" }),
    remotePath: text2("Full guest path of the uploaded script.", { defaultText: "<remoteFolder>/<remoteFile>" }),
    validExitCodes: list2(integer("Exit code."), "Exit codes that count as success.", { default: [0] }),
    expectDisconnect: flag("Accept the connection dropping (a script that reboots the guest)."),
    startRetryTimeout: duration("How long upload and start are retried (e.g. while the guest reboots).", "5m"),
    skipClean: flag("Leave the uploaded script in the guest."),
    binary: flag("Upload scripts unchanged (otherwise CRLF line ends become LF)."),
    useEnvVarFile: flag("Pass the variables in a file that is sourced, instead of on the command line.")
  },
  {
    required: ["type"],
    exactlyOne: ["inline", "script", "scripts"],
    hints: { environment_vars: "environmentVars", execute_command: "executeCommand", expect_disconnect: "expectDisconnect", valid_exit_codes: "validExitCodes" }
  }
);
var file = object(
  "file provisioner",
  "Copies files or folders to (or from) the guest (Packer file provisioner).",
  {
    type: choice(["file"], "Provisioner type."),
    ...provisionerCommon,
    source: text2("A file or folder: local for upload (relative to the build file), in the guest for download. A folder with a trailing / copies its contents."),
    sources: list2(text2("A file or folder."), "Several sources; destination is then a folder.", { minItems: 1 }),
    content: text2("Text to write to destination instead of a source file."),
    destination: text2("Where to put it: in the guest for upload, locally (relative to the build file) for download. A trailing / means a folder."),
    direction: choice(["upload", "download"], "Copy into the guest or out of it.", { default: "upload" }),
    generated: flag("The source is made during the build, so it is not checked when the file is loaded.")
  },
  {
    required: ["type", "destination"],
    anyOf: ["source", "sources", "content"],
    exclusive: [
      ["content", "source"],
      ["content", "sources"]
    ]
  }
);
var windowsUpdate = object(
  "windows-update provisioner",
  "Installs Windows updates and reboots until none are left (like rgl/packer-plugin-windows-update).",
  {
    type: choice(["windows-update"], "Provisioner type."),
    ...provisionerCommon,
    searchCriteria: text2("Windows Update search criteria.", { default: "BrowseOnly=0 and IsInstalled=0" }),
    filters: list2(formatted("updateFilter", "include:EXPR or exclude:EXPR"), "Filters over $_ (the update); the first that matches decides; no match = not installed.", { defaultText: "[include:$true]" }),
    updateLimit: integer("Updates installed per cycle.", { minimum: 1, default: 1e3 }),
    updateMaxRetries: integer("Retries of a failed update run.", { minimum: 0, default: 5 }),
    restartTimeout: duration("How long a restart may take.", "4h"),
    maxReboots: integer("Stop with an error after this many reboots (guards against reboot loops); 0 = no limit.", { minimum: 0, default: 10 })
  },
  { required: ["type"], hints: { search_criteria: "searchCriteria", update_limit: "updateLimit", restart_timeout: "restartTimeout" } }
);
var windowsRestart = object(
  "windows-restart provisioner",
  "Restarts Windows and waits until it is back (Packer windows-restart provisioner).",
  {
    type: choice(["windows-restart"], "Provisioner type."),
    ...provisionerCommon,
    restartCommand: text2("Command that restarts the guest.", { default: 'shutdown /r /f /t 0 /c "packer restart"' }),
    restartCheckCommand: text2('Command whose output contains "restarted." once the guest is back.', { default: `powershell -Command "echo ($env:COMPUTERNAME + ' restarted.')"` }),
    restartTimeout: duration("How long the restart may take.", "5m"),
    checkRegistry: flag("Also wait until no pending-reboot registry keys remain.")
  },
  { required: ["type"], hints: { restart_timeout: "restartTimeout", restart_command: "restartCommand" } }
);
var provisioner = {
  type: "tagged",
  tag: "type",
  description: "A provisioner; `type` picks which.",
  variants: { shell, file, "windows-update": windowsUpdate, "windows-restart": windowsRestart }
};
var output = object("Output", "The image the VM leaves behind.", {
  format: choice(["qcow2", "raw"], "Disk format.", { default: "qcow2" }),
  compress: flag("Compress the qcow2 (qemu-img convert -c). Not with raw."),
  compressionType: choice(
    ["zstd", "zlib"],
    "How a compressed qcow2 is compressed. zstd is several times faster to write at about the same size, and QEMU 5.1+ (KubeVirt, CDI) reads it; zlib for older readers (Packer writes zlib).",
    { default: "zstd" }
  ),
  sbom: flag(
    "Read the guest's package database (dpkg, rpm or apk) over SSH after the provisioners into an SPDX 2.3 document beside the image (<image>.spdx.json); publishing pushes it as an OCI referrer of the image. Skipped, with a note, for a guest without one.",
    true
  ),
  dataSource: dataSourceSpec
});
var vm = object(
  "VM",
  "A virtual machine to build.",
  {
    name: k8sName("VM name, unique within the layer."),
    source,
    cpu: integer("Virtual CPUs.", { minimum: 1, maximum: 512, default: 1 }),
    cpuModel: text2(
      "CPU model the guest sees (QEMU -cpu, KubeVirt domain.cpu.model), e.g. host (KubeVirt host-passthrough), max, Nehalem, Haswell-noTSX. Default: host under KVM; max under software emulation (everything TCG can emulate, so x86-64-v2/v3 guests boot)."
    ),
    memory: size("Memory.", { default: "512Mi" }),
    machineType: choice(
      ["q35", "pc"],
      "The chipset. q35 (PCIe, SATA through the board's AHCI) is what KubeVirt gives every amd64 VM; pc (i440fx) is Packer's QEMU default and runs on the local engine only \u2014 KubeVirt refuses it.",
      { default: "q35" }
    ),
    efiFirmware: {
      type: "union",
      description: "Boot with UEFI (OVMF) instead of BIOS. true = UEFI without Secure Boot.",
      default: false,
      options: [flag("Boot with UEFI (OVMF) instead of BIOS."), object("EFI", "UEFI settings.", { secureBoot: flag("Enable Secure Boot (KubeVirt then also enables SMM).") })]
    },
    disks: list2(disk, "Disks; the first is the root disk.", { minItems: 1, defaultText: "[{ name: root, size: 40Gi, bus: virtio }]" }),
    cdroms: list2(cdrom, "CD-ROMs attached besides an installer ISO.", { default: [] }),
    nics: list2(nic, "Network interfaces.", { minItems: 1, defaultText: "[{ model: virtio }] on the default network" }),
    httpDirectory: localPath("A folder served over HTTP to the guest during the build (preseed, kickstart); see {{ .HTTPIP }}/{{ .HTTPPort }}.", "dir"),
    httpContent: map("httpPath", text2("File content"), "Files served over HTTP, URL path \u2192 content. Not with httpDirectory."),
    bootWait: formatted(
      "bootWait",
      "Wait after the VM starts before typing bootCommand: a duration (0 means the default; negative means no wait, as in Packer), or a text to wait for, <wait 'TEXT'> on the screen (OCR) or <waitSerial 'TEXT'> on the serial console, TEXT a regular expression.",
      { defaultText: "10s, or none when bootCommand starts with <wait 'TEXT'> or <waitSerial 'TEXT'>" }
    ),
    bootTextTimeout: duration("How long each <wait 'TEXT'> and <waitSerial 'TEXT'> (in bootCommand or bootWait) waits for its text before the build fails.", "5m"),
    bootKeyInterval: duration("Pause after each key event while typing.", void 0, { defaultText: "PACKER_KEY_INTERVAL, else 100ms" }),
    bootCommand: oneOrMany(
      templated("boot", "Keys to type over VNC, in Packer boot-command syntax (<enter>, <wait5>, <leftCtrlOn> \u2026)."),
      "Keys to type over VNC in Packer boot-command syntax; list elements are joined before parsing. Fields: .HTTPIP, .HTTPPort, .Name.",
      { default: [] }
    ),
    communicator,
    provisioners: list2(provisioner, "Provisioners, run in order once the communicator connects.", { default: [] }),
    shutdownCommand: text2("Command that shuts the guest down; without it the VM is powered off (ACPI, then forced)."),
    shutdownTimeout: duration("How long to wait for the guest to stop after shutdownCommand.", "5m"),
    output,
    vmName: formatted("fileName", "The output image's file name in the output folder, as written (Packer's vm_name: no extension is added); also {{ .Name }} in bootCommand. Unique within the build.", {
      defaultText: "<layer>-<name>.qcow2 (.img for raw)"
    }),
    qemuArgs: list2(
      list2(text2("The switch, then its value in parts that are joined without a separator (as Packer joins them)."), "One QEMU switch with its value, e.g. [-device, virtio-gpu-pci].", { minItems: 1 }),
      "Extra QEMU arguments (Packer's qemuargs), local engine only: appended after RudderVirt's own, so options QEMU takes once (-m, -smp, -cpu) override them and -device or -drive add to them. The kubevirt engine refuses them: virt-launcher builds QEMU's command line there. Switches RudderVirt needs to drive the VM (-vnc, -qmp, -monitor, -mon, -serial, -chardev, -daemonize, -display, -nographic, -S) are refused."
    ),
    dependsOn: list2(
      k8sName("A VM of the same layer."),
      "VMs of the same layer whose provisioning this one waits for: all VMs of a layer boot together; this one connects and provisions once these have provisioned, and they stay up until it is done.",
      { default: [] }
    ),
    verify: verifySpec,
    kubevirt: kubevirtSpec
  },
  {
    required: ["name", "source"],
    exclusive: [["httpDirectory", "httpContent"]],
    hints: {
      cpus: "cpu",
      cpu_model: "cpuModel",
      vm_name: "vmName",
      qemuargs: "qemuArgs",
      iso_url: "source: { iso: { url, checksum } }",
      iso_urls: "source: { iso: { urls, checksum } }",
      iso_checksum: "source: { iso: { url, checksum } }",
      disk_size: "disks: [{ name: root, size }]",
      disk_interface: "disks[].bus",
      format: "output: { format }",
      boot_steps: "bootCommand",
      efi_boot: "efiFirmware",
      firmware: "efiFirmware",
      machine_type: "machineType",
      cd_files: "cdroms: [{ name, files, label }]",
      net_device: "nics: [{ model }]",
      headless: "not needed: builds always run without a display",
      ssh_username: "communicator: { sshUsername }",
      ssh_password: "communicator: { sshPassword }",
      shutdown_command: "shutdownCommand",
      depends_on: "dependsOn"
    }
  }
);
var layer = object(
  "Layer",
  "A set of VMs built together; layers run in order.",
  {
    name: k8sName("Layer name, unique in the build."),
    vms: list2(vm, "The VMs of the layer; they boot together on their networks.", { minItems: 1 }),
    maxAge: duration(
      "Rebuild the layer when its cached output is older than this, even if nothing in its key changed: for provisioners that pull updates (apt-get upgrade). A Go duration (168h for a week), at most 596h31m23.647s; without it a cached layer is reused whatever its age."
    )
  },
  { required: ["name", "vms"], hints: { max_age: "maxAge" } }
);
var subnet = object(
  "Subnet",
  "A subnet of a VPC.",
  {
    name: k8sName("Subnet name, unique in the build; NICs name it."),
    cidr: formatted("cidr", "The subnet range, e.g. 10.20.0.0/24.")
  },
  { required: ["name", "cidr"], hints: { cidrBlock: "cidr" } }
);
var vpc = object(
  "VPC",
  "An isolated network (a Kube-OVN VPC on KubeVirt).",
  {
    name: k8sName("VPC name, unique in the build."),
    internet: flag("Whether VMs can reach the internet (the egress gateway runs, or is scaled to zero).", true),
    subnets: list2(subnet, "Subnets of the VPC.", { minItems: 1 })
  },
  { required: ["name", "subnets"] }
);
var buildSpec = object(
  "Build",
  "A RudderVirt build file.",
  {
    name: k8sName("Names the build: resources, outputs and cache keys."),
    variables: map("variableName", { type: "scalar", description: "Default value" }, "Variables with their defaults, used as {{ user `name` }}; overridden with --var-file FILE and --var name=value."),
    sensitiveVariables: list2(
      formatted("variableName", "A variable declared under variables."),
      "Variables whose values are secrets (Packer's sensitive-variables): their values, whether a default, a var file or --var gave them, and the environment values their defaults read, show as `***` in every log, message, manifest, summary and state file; shell provisioners then pass their environment in a sourced file rather than on the command line."
    ),
    network: object(
      "Network",
      "Networks the VMs attach to. Without it, every NIC is on the default network, which has internet.",
      {
        vpcs: list2(vpc, "VPCs.", { minItems: 1 })
      },
      { required: ["vpcs"] }
    ),
    layers: list2(layer, "Layers, built in order; a VM may start from an earlier layer's output.", { minItems: 1 }),
    kubevirt: kubevirtSpec
  },
  { required: ["name", "layers"], hints: { builders: "layers[].vms", sources: "layers[].vms", provisioners: "layers[].vms[].provisioners" } }
);

// src/core/output-folder.ts
import { access, constants, mkdir, readdir, stat, unlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
var LOCK_FILE = ".ruddervirt-build.lock";
async function prepareOutputFolder(dir, label = `--output ${dir}`) {
  const st = await stat(dir).catch(() => void 0);
  if (st && !st.isDirectory()) throw new UserError(`${label}: it is a file; expected a folder`);
  try {
    await makeFolders(dir);
  } catch (err) {
    throw new UserError(`${label}: ${explain(err)}`);
  }
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new UserError(`${label}: ${explain(err)}`);
  }
}
async function makeFolders(dir) {
  const missing = [];
  let at = path.resolve(dir);
  while (!await stat(at).catch(() => void 0)) {
    missing.unshift(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const folder of missing) {
    try {
      await mkdir(folder);
    } catch (err) {
      if (err.code === "EEXIST" && (await stat(folder)).isDirectory()) continue;
      if (err.code === "ENOENT") throw new Error(`no folder can be made in ${path.dirname(folder)} (a file system that takes no new folders); expected a writable folder`);
      throw err;
    }
  }
}
function explain(err) {
  const code = err.code;
  if (code === "EEXIST" || code === "ENOTDIR") return "it (or a folder above it) is a file; expected a folder";
  if (code === "EACCES" || code === "EPERM") return "the folder cannot be written (permission denied)";
  if (code === "EROFS") return "the folder is on a read-only file system";
  return err instanceof Error ? err.message : String(err);
}
async function lockOutputFolder(dir, label = `--output ${dir}`, other = "choose another --output") {
  const file3 = path.join(dir, LOCK_FILE);
  let got;
  try {
    got = await tryLock(file3);
  } catch (err) {
    throw new UserError(`${label}: cannot create the build lock: ${explain(err)}`);
  }
  if (got.heldBy) {
    const owner = got.heldBy;
    throw new UserError(
      `${label}: another build (pid ${owner.pid}${owner.host !== os.hostname() ? ` on ${owner.host}` : ""}, started ${owner.startedAt}) is writing to this folder; wait for it, or ${other} (the lock is ${file3})`
    );
  }
  await removePartials(dir);
  return { release: got.release };
}
async function removePartials(dir, depth = 2) {
  const removed = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isFile() && e.name.endsWith(".partial")) {
      await unlink(p).catch(() => void 0);
      removed.push(p);
    } else if (e.isDirectory() && depth > 1) {
      removed.push(...await removePartials(p, depth - 1));
    }
  }
  return removed;
}

// src/core/config/output-file-names.ts
function outputFileName(layer2, vm2) {
  return vm2.vmName ?? `${layer2.name}-${vm2.name}.${vm2.output.format === "raw" ? "img" : "qcow2"}`;
}
var OUTPUT_SIDECARS = [".sha256", ".spdx.json"];
function outputFilesOf(image) {
  return [image, ...OUTPUT_SIDECARS.map((s) => image + s)];
}
function reservedOutputName(image) {
  for (const file3 of outputFilesOf(image)) {
    if (file3 === "manifest.json") return `'${file3}' is the build's manifest in the output folder`;
    if (file3 === "logs") return "'logs' is the output folder's log folder";
    if (file3 === LOCK_FILE) return `'${file3}' is the output folder's build lock`;
  }
  if (image.endsWith(".partial")) return "a name ending in .partial marks an unfinished file, which the next build removes";
  return void 0;
}

// src/core/config/resolve-network.ts
function resolveNetwork(ctx, build) {
  const network = obj(build, "network");
  if (!network) return { vpcs: [] };
  const vpcs = [];
  const vpcNames = /* @__PURE__ */ new Set();
  const subnetNames = /* @__PURE__ */ new Set();
  (list(network, "vpcs") ?? []).forEach((rawVpc, i) => {
    if (!isRaw(rawVpc)) return;
    const p = ["network", "vpcs", i];
    const name = str(rawVpc, "name") ?? "";
    if (name && vpcNames.has(name)) ctx.report([...p, "name"], `VPC '${name}' is declared twice; VPC names must be unique`);
    vpcNames.add(name);
    const subnets = [];
    (list(rawVpc, "subnets") ?? []).forEach((rawSubnet, j) => {
      if (!isRaw(rawSubnet)) return;
      const sp = [...p, "subnets", j];
      const subnetName = str(rawSubnet, "name") ?? "";
      if (subnetName && subnetNames.has(subnetName)) {
        ctx.report([...sp, "name"], `subnet '${subnetName}' is declared twice; subnet names must be unique in the build (NICs refer to them by name)`);
      }
      subnetNames.add(subnetName);
      const cidr = str(rawSubnet, "cidr") ?? "";
      const range = cidr ? checkCidr(ctx, [...sp, "cidr"], cidr) : void 0;
      for (const other of subnets) {
        if (range && other.range && range[0] <= other.range[1] && other.range[0] <= range[1]) {
          ctx.report([...sp, "cidr"], `${cidr} overlaps ${other.cidr} (subnet '${other.name}') in the same VPC; expected disjoint ranges`);
        }
      }
      subnets.push({ name: subnetName, cidr, range, index: j });
    });
    vpcs.push({ name, internet: bool(rawVpc, "internet") ?? true, subnets: subnets.map(({ name: n, cidr }) => ({ name: n, cidr })) });
  });
  return { vpcs };
}
function checkCidr(ctx, p, cidr) {
  const [ip = "", bitsText = ""] = cidr.split("/");
  const octets = ip.split(".").map(Number);
  if (octets.length !== 4) return void 0;
  const bits = Number(bitsText);
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size2 = 2 ** (32 - bits);
  const network = Math.floor(address / size2) * size2;
  if (network !== address) {
    const fixed = [24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join(".");
    ctx.report(p, `${cidr} has host bits set; did you mean ${fixed}/${bits}?`);
  }
  if (bits > 29) ctx.report(p, `/${bits} leaves no room for VMs next to the gateway; expected a prefix of /29 or shorter`);
  return [network, network + size2 - 1];
}

// src/core/bootcommand/errors.ts
var defaultElementLabel = (element) => `element ${element + 1}`;
function formatProblem(problem, label = defaultElementLabel) {
  return `${problem.reason} (${label(problem.element)}, column ${problem.column}: ${JSON.stringify(problem.text)})`;
}
var BootCommandError = class extends UserError {
  constructor(problems, label = defaultElementLabel) {
    super(problems.map((p) => formatProblem(p, label)).join("\n"));
    this.problems = problems;
  }
  problems;
  name = "BootCommandError";
};

// src/core/bootcommand/special-keys.ts
var fKeys = Array.from({ length: 12 }, (_, i) => ({
  name: `f${i + 1}`,
  keysym: 65470 + i,
  x11Name: `F${i + 1}`,
  since: "v0.4.0"
}));
var f = (n) => fKeys[n - 1];
var SPECIAL_KEYS = [
  { name: "bs", keysym: 65288, x11Name: "BackSpace", since: "v0.4.0" },
  { name: "del", keysym: 65535, x11Name: "Delete", since: "v0.4.0" },
  { name: "enter", keysym: 65293, x11Name: "Return", since: "v0.4.0" },
  { name: "esc", keysym: 65307, x11Name: "Escape", since: "v0.4.0" },
  f(10),
  f(11),
  f(12),
  f(1),
  f(2),
  f(3),
  f(4),
  f(5),
  f(6),
  f(7),
  f(8),
  f(9),
  { name: "return", keysym: 65293, x11Name: "Return", since: "v0.4.0" },
  { name: "tab", keysym: 65289, x11Name: "Tab", since: "v0.4.0" },
  { name: "up", keysym: 65362, x11Name: "Up", since: "v0.4.0" },
  { name: "down", keysym: 65364, x11Name: "Down", since: "v0.4.0" },
  // The space keysym, exactly what a literal ' ' sends.
  { name: "spacebar", keysym: 32, x11Name: "space", since: "v0.4.0" },
  { name: "insert", keysym: 65379, x11Name: "Insert", since: "v0.4.0" },
  { name: "home", keysym: 65360, x11Name: "Home", since: "v0.4.0" },
  { name: "end", keysym: 65367, x11Name: "End", since: "v0.4.0" },
  { name: "pageUp", keysym: 65365, x11Name: "Prior", since: "v0.4.0" },
  { name: "pageDown", keysym: 65366, x11Name: "Next", since: "v0.4.0" },
  { name: "leftAlt", keysym: 65513, x11Name: "Alt_L", since: "v0.4.0" },
  { name: "leftCtrl", keysym: 65507, x11Name: "Control_L", since: "v0.4.0" },
  { name: "leftShift", keysym: 65505, x11Name: "Shift_L", since: "v0.4.0" },
  { name: "rightAlt", keysym: 65514, x11Name: "Alt_R", since: "v0.4.0" },
  { name: "rightCtrl", keysym: 65508, x11Name: "Control_R", since: "v0.4.0" },
  { name: "rightShift", keysym: 65506, x11Name: "Shift_R", since: "v0.4.0" },
  { name: "leftSuper", keysym: 65515, x11Name: "Super_L", since: "v0.4.0" },
  { name: "rightSuper", keysym: 65516, x11Name: "Super_R", since: "v0.4.0" },
  // The SDK sends the Alt keysyms for Command (what QEMU maps to the Mac Command key) and Meta for Option.
  { name: "leftCommand", keysym: 65513, x11Name: "Alt_L", since: "v0.6.9" },
  { name: "rightCommand", keysym: 65514, x11Name: "Alt_R", since: "v0.6.9" },
  { name: "leftOption", keysym: 65511, x11Name: "Meta_L", since: "v0.6.9" },
  { name: "rightOption", keysym: 65512, x11Name: "Meta_R", since: "v0.6.9" },
  { name: "left", keysym: 65361, x11Name: "Left", since: "v0.4.0" },
  { name: "right", keysym: 65363, x11Name: "Right", since: "v0.4.0" },
  // In the VNC key map since v0.4.0 but only reachable through the grammar from v0.5.0 on.
  { name: "menu", keysym: 65383, x11Name: "Menu", since: "v0.5.0" }
];
var byLowerName = new Map(SPECIAL_KEYS.map((k) => [k.name.toLowerCase(), k]));
function specialKey(lowerName) {
  return byLowerName.get(lowerName);
}
var KEYSYM_NAMES = new Map(SPECIAL_KEYS.map((k) => [k.keysym, k.x11Name]));
var SHIFT_L = 65505;

// src/core/bootcommand/parser.ts
var LT = 60;
var GT = 62;
var MINUS = 45;
var DOT = 46;
var ZERO = 48;
var NINE = 57;
var NANOS_PER_SECOND = 1000000000n;
var DEFAULT_WAIT_NANOS = NANOS_PER_SECOND;
var INT64_MAX2 = (1n << 63n) - 1n;
var MAX_WAIT_NANOS = BigInt(MAX_DURATION_MS) * 1000000n;
var codePointsOf = (s) => Array.from(s, (c) => c.codePointAt(0));
var WAIT = codePointsOf("wait");
var WAIT_SERIAL = codePointsOf("waitSerial");
var SPACE2 = 32;
var QUOTES = /* @__PURE__ */ new Set([39, 34]);
var ON = codePointsOf("on");
var OFF = codePointsOf("off");
var TIME_UNITS = ["ns", "us", "\xB5s", "ms", "s", "m", "h"].map(codePointsOf);
var SPECIAL_NAMES = SPECIAL_KEYS.map((k) => ({ lower: k.name.toLowerCase(), cps: codePointsOf(k.name.toLowerCase()) }));
function lowerForMatch(cp) {
  if (cp >= 65 && cp <= 90) return cp + 32;
  if (cp === 304) return 105;
  if (cp === 8490) return 107;
  return cp;
}
var isDigit2 = (cp) => cp !== void 0 && cp >= ZERO && cp <= NINE;
function regexProblem(pattern) {
  try {
    new RegExp(pattern);
    return void 0;
  } catch (err) {
    return err.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
  }
}
var Matcher = class {
  constructor(cps) {
    this.cps = cps;
  }
  cps;
  problems = [];
  seen = /* @__PURE__ */ new Set();
  tokens() {
    const out = [];
    let i = 0;
    while (i < this.cps.length) {
      const matched = this.waitText(i) ?? this.wait(i) ?? this.charToggle(i) ?? this.special(i);
      if (matched) {
        out.push({ action: matched.action, start: i, end: matched.end });
        i = matched.end;
      } else {
        out.push({ action: { kind: "literal", char: String.fromCodePoint(this.cps[i]), action: "press" }, start: i, end: i + 1 });
        i += 1;
      }
    }
    return out;
  }
  waitText(start) {
    if (this.cps[start] !== LT) return void 0;
    const keyword = this.exact(start + 1, WAIT_SERIAL) ? WAIT_SERIAL : this.exact(start + 1, WAIT) ? WAIT : void 0;
    if (!keyword) return void 0;
    let i = start + 1 + keyword.length;
    if (this.cps[i] !== SPACE2) return void 0;
    const quote = this.cps[++i];
    if (quote === void 0 || !QUOTES.has(quote)) return void 0;
    const textStart = ++i;
    while (i < this.cps.length && this.cps[i] !== quote) i++;
    if (i === textStart || this.cps[i] !== quote || this.cps[i + 1] !== GT) return void 0;
    const pattern = this.text(textStart, i);
    const invalid = regexProblem(pattern);
    if (invalid) this.problem("invalid-pattern", `Invalid regular expression ${JSON.stringify(pattern)}: ${invalid}`, start, i + 1);
    const source2 = keyword === WAIT_SERIAL ? "serial" : "screen";
    return { action: { kind: "waitText", source: source2, pattern }, end: i + 2 };
  }
  wait(start) {
    if (this.cps[start] !== LT || !this.exact(start + 1, WAIT)) return void 0;
    let i = start + 1 + WAIT.length;
    let nanos = DEFAULT_WAIT_NANOS;
    const duration2 = this.duration(start, i);
    if (duration2) {
      i = duration2.end;
      nanos = duration2.nanos;
    } else {
      const integer2 = this.integer(start, i);
      if (integer2) {
        i = integer2.end;
        if (integer2.value !== void 0) nanos = wrapInt64(integer2.value * NANOS_PER_SECOND);
      }
    }
    if (this.cps[i] !== GT) return void 0;
    if (nanos > MAX_WAIT_NANOS) {
      this.problem("invalid-wait", `Wait ${formatGoDurationNanos(nanos)} is ${durationRangeProblem(Number(nanos / 1000000n))}`, start, i);
    }
    return { action: { kind: "wait", nanos }, end: i + 1 };
  }
  charToggle(start) {
    if (this.cps[start] !== LT || start + 1 >= this.cps.length) return void 0;
    const toggle = this.onOff(start + 2);
    if (!toggle || this.cps[toggle.end] !== GT) return void 0;
    const char = String.fromCodePoint(this.cps[start + 1]);
    return { action: { kind: "literal", char, action: toggle.action }, end: toggle.end + 1 };
  }
  special(start) {
    if (this.cps[start] !== LT) return void 0;
    const name = SPECIAL_NAMES.find((n) => this.caseless(start + 1, n.cps));
    if (!name) return void 0;
    let i = start + 1 + name.cps.length;
    let action = "press";
    const toggle = this.onOff(i);
    if (toggle) {
      action = toggle.action;
      i = toggle.end;
    }
    if (this.cps[i] !== GT) return void 0;
    return { action: { kind: "special", key: name.lower, action }, end: i + 1 };
  }
  onOff(i) {
    if (this.caseless(i, ON)) return { action: "on", end: i + ON.length };
    if (this.caseless(i, OFF)) return { action: "off", end: i + OFF.length };
    return void 0;
  }
  /** Duration <- (Number TimeUnit)+, its text then read by Go's ParseDuration. */
  duration(tokenStart, from) {
    let i = from;
    for (; ; ) {
      const number = this.number(tokenStart, i);
      if (number === void 0) break;
      const unit = TIME_UNITS.find((u) => this.exact(number, u));
      if (!unit) break;
      i = number + unit.length;
    }
    if (i === from) return void 0;
    const text3 = this.text(from, i);
    const nanos = parseGoDurationNanos(text3);
    if (nanos === void 0) {
      const why = text3.lastIndexOf("-") > 0 ? "a sign is only allowed at its start" : `it is ${durationRangeProblem(Infinity)}`;
      this.problem("invalid-wait", `Invalid wait duration ${JSON.stringify(text3)}: ${why}`, tokenStart, i);
      return { nanos: 0n, end: i };
    }
    return { nanos, end: i };
  }
  /** Number <- "-"? Integer ("." Digit+)? ; returns the end index. */
  number(tokenStart, from) {
    let i = from;
    if (this.cps[i] === MINUS) i++;
    const integer2 = this.integer(tokenStart, i);
    if (!integer2) return void 0;
    i = integer2.end;
    if (this.cps[i] === DOT && isDigit2(this.cps[i + 1])) {
      i += 2;
      while (isDigit2(this.cps[i])) i++;
    }
    return i;
  }
  /** Integer <- "0" / [1-9][0-9]* ; only the second branch has a value (pigeon's action placement). */
  integer(tokenStart, from) {
    const first = this.cps[from];
    if (first === ZERO) return { end: from + 1 };
    if (first === void 0 || first <= ZERO || first > NINE) return void 0;
    let i = from + 1;
    while (isDigit2(this.cps[i])) i++;
    const digits = this.text(from, i);
    let value = BigInt(digits);
    if (value > INT64_MAX2) {
      this.problem("invalid-wait", `Invalid wait value ${digits}: out of range for a 64-bit integer (Go's strconv.ParseInt)`, tokenStart, i);
      value = INT64_MAX2;
    }
    return { value, end: i };
  }
  /** Spreading a long slice into String.fromCodePoint would overflow the argument limit. */
  text(from, to) {
    let out = "";
    for (let k = from; k < to; k++) out += String.fromCodePoint(this.cps[k]);
    return out;
  }
  exact(i, want) {
    return want.every((cp, k) => this.cps[i + k] === cp);
  }
  caseless(i, lowerWant) {
    return lowerWant.every((cp, k) => {
      const got = this.cps[i + k];
      return got !== void 0 && lowerForMatch(got) === cp;
    });
  }
  problem(kind, reason, start, end) {
    const key = `${start}:${end}:${reason}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.problems.push({ kind, reason, start, end });
  }
};
function scanBootCommand(command) {
  const elements = typeof command === "string" ? [command] : command;
  const cps = [];
  const utf16Offsets = [];
  const elementOf = [];
  const columnOf = [];
  let offset = 0;
  elements.forEach((element, index) => {
    let column = 1;
    for (const ch of element.toWellFormed()) {
      cps.push(ch.codePointAt(0));
      utf16Offsets.push(offset);
      elementOf.push(index);
      columnOf.push(column++);
      offset += ch.length;
    }
  });
  utf16Offsets.push(offset);
  const joined = elements.map((e) => e.toWellFormed()).join("");
  const textOf = (start, end) => joined.slice(utf16Offsets[start], utf16Offsets[end]);
  const matcher = new Matcher(cps);
  const tokens = matcher.tokens().map((t) => ({
    ...t.action,
    span: {
      start: utf16Offsets[t.start],
      end: utf16Offsets[t.end],
      element: elementOf[t.start],
      column: columnOf[t.start],
      lastElement: elementOf[t.end - 1],
      text: textOf(t.start, t.end)
    }
  }));
  const located = (p) => ({
    kind: p.kind,
    reason: p.reason,
    element: elementOf[p.start],
    column: columnOf[p.start],
    // Show the closing '>' when there is one: "<wait1m-30s>" reads better than "<wait1m-30s".
    text: textOf(p.start, cps[p.end] === GT ? p.end + 1 : p.end)
  });
  if (matcher.problems.length > 0) return { tokens, problems: matcher.problems.map(located) };
  const problems = [];
  for (const token of tokens) {
    if (token.kind === "wait" && token.nanos <= 0n) {
      problems.push({
        kind: "non-positive-wait",
        reason: `Expecting a positive wait value. Got ${formatGoDurationNanos(token.nanos)}`,
        element: token.span.element,
        column: token.span.column,
        text: token.span.text
      });
    }
  }
  return { tokens, problems };
}
function parseBootCommand(command, options = {}) {
  const { tokens, problems } = scanBootCommand(command);
  if (problems.length > 0) throw new BootCommandError(problems, options.elementLabel);
  return tokens;
}

// src/core/config/boot-waits.ts
var WAIT2 = /<wait((?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+|0|[1-9]\d*)?>/gu;
var TEXT_WAIT = /<wait(?:Serial)? (?:'([^']+)'|"([^"]+)")>/g;
function findBadWaits(elements) {
  const joined = elements.join("");
  const starts = [];
  let at = 0;
  for (const e of elements) {
    starts.push(at);
    at += e.length;
  }
  const bad = [];
  for (const m of joined.matchAll(WAIT2)) {
    const spec = m[1];
    const problem = scanBootCommand(m[0]).problems[0];
    let message;
    if (problem?.kind === "non-positive-wait" && spec !== void 0 && !/^\d+$/.test(spec)) message = `'${m[0]}' waits ${spec}; expected a positive wait such as <wait5> or <wait500ms>`;
    else if (problem) message = `'${m[0]}' is not a valid wait: ${problem.reason}`;
    if (message) {
      let element = starts.length - 1;
      while (element > 0 && starts[element] > m.index) element--;
      bad.push({ element, offset: m.index - starts[element], message });
    }
  }
  for (const m of joined.matchAll(TEXT_WAIT)) {
    const pattern = m[1] ?? m[2] ?? "";
    try {
      new RegExp(pattern);
    } catch (err) {
      const why = err.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
      let element = starts.length - 1;
      while (element > 0 && starts[element] > m.index) element--;
      bad.push({ element, offset: m.index - starts[element], message: `'${m[0]}' waits for ${JSON.stringify(pattern)}, which is not a regular expression: ${why}` });
    }
  }
  return bad.sort((a, b) => a.element - b.element || a.offset - b.offset);
}

// src/core/config/qemu-switches.ts
var RESERVED = /* @__PURE__ */ new Set(["-vnc", "-qmp", "-qmp-pretty", "-monitor", "-mon", "-serial", "-chardev", "-daemonize", "-display", "-nographic", "-S", "-pidfile", "-name", "-incoming", "-loadvm"]);
function qemuSwitchProblem(flag2) {
  if (!flag2.startsWith("-")) return `expected a QEMU switch starting with '-', e.g. [-device, virtio-gpu-pci]; found '${flag2}'`;
  if (RESERVED.has(flag2.replace(/^--/, "-"))) return `${flag2} is set by RudderVirt, which drives the VM through it (VNC for bootCommand, QMP, the serial log); remove this entry`;
  return void 0;
}

// src/core/config/resolve-provisioner.ts
var MINUTE = 6e4;
var DEFAULT_EXECUTE_COMMAND = "chmod +x {{ .Path }}; {{ .Vars }} {{ .Path }}";
var DEFAULT_EXECUTE_COMMAND_ENV_FILE = "chmod +x {{ .Path }}; . {{ .EnvVarFile }} && {{ .Path }}";
var DEFAULT_RESTART_COMMAND = 'shutdown /r /f /t 0 /c "packer restart"';
var DEFAULT_RESTART_CHECK_COMMAND = `powershell -Command "echo ($env:COMPUTERNAME + ' restarted.')"`;
function resolveProvisioner(ctx, raw, p) {
  const common = {
    pauseBefore: ctx.duration(raw, "pauseBefore", p, 0, 0),
    timeout: ctx.duration(raw, "timeout", p, 0, 0),
    maxRetries: num(raw, "maxRetries") ?? 0
  };
  const name = str(raw, "name");
  if (name !== void 0) common.name = name;
  switch (str(raw, "type")) {
    case "shell":
      return shell2(ctx, raw, p, common);
    case "file":
      return file2(ctx, raw, p, common);
    case "windows-update":
      return windowsUpdate2(ctx, raw, p, common);
    case "windows-restart":
      return windowsRestart2(ctx, raw, p, common);
    default:
      return void 0;
  }
}
function shell2(ctx, raw, p, common) {
  const environmentVars = [];
  (list(raw, "environmentVars") ?? []).forEach((assignment) => {
    if (typeof assignment !== "string") return;
    environmentVars.push(assignment);
    const eq = assignment.indexOf("=");
    if (eq > 0 && SECRET_NAME.test(assignment.slice(0, eq)) && eq < assignment.length - 1) ctx.secrets.push(assignment.slice(eq + 1));
  });
  const env = Object.fromEntries(Object.entries(obj(raw, "env") ?? {}).filter((e) => typeof e[1] === "string"));
  for (const [k, v] of Object.entries(env)) if (SECRET_NAME.test(k) && v) ctx.secrets.push(v);
  const known = [...ctx.secrets];
  const values = [...environmentVars.map((a) => a.slice(a.indexOf("=") + 1)), ...Object.values(env)];
  const secretValues = values.filter((v) => v && known.some((secret) => v.includes(secret)));
  ctx.secrets.push(...secretValues);
  const useEnvVarFile = bool(raw, "useEnvVarFile") ?? (secretValues.length > 0 && str(raw, "executeCommand") === void 0);
  const out = {
    type: "shell",
    ...common,
    environmentVars,
    env,
    executeCommand: str(raw, "executeCommand") ?? (useEnvVarFile ? DEFAULT_EXECUTE_COMMAND_ENV_FILE : DEFAULT_EXECUTE_COMMAND),
    inlineShebang: str(raw, "inlineShebang") ?? "/bin/sh -e",
    remoteFolder: str(raw, "remoteFolder") ?? "/tmp",
    validExitCodes: (list(raw, "validExitCodes") ?? [0]).filter((c) => typeof c === "number"),
    expectDisconnect: bool(raw, "expectDisconnect") ?? false,
    startRetryTimeout: ctx.duration(raw, "startRetryTimeout", p, 5 * MINUTE, 0),
    skipClean: bool(raw, "skipClean") ?? false,
    binary: bool(raw, "binary") ?? false,
    useEnvVarFile
  };
  const inline = strings(raw, "inline");
  if (inline) out.inline = inline;
  const script = str(raw, "script");
  if (script !== void 0) out.script = ctx.localPath([...p, "script"], script, "file");
  const scripts = list(raw, "scripts");
  if (scripts) out.scripts = scripts.flatMap((s, i) => typeof s === "string" ? [ctx.localPath([...p, "scripts", i], s, "file")] : []);
  for (const key of ["remoteFile", "remotePath"]) {
    const v = str(raw, key);
    if (v !== void 0) out[key] = v;
  }
  return out;
}
function file2(ctx, raw, p, common) {
  const direction = str(raw, "direction") === "download" ? "download" : "upload";
  const generated = bool(raw, "generated") ?? false;
  const written = [];
  const source2 = str(raw, "source");
  if (source2 !== void 0) written.push({ value: source2, path: [...p, "source"] });
  (list(raw, "sources") ?? []).forEach((s, i) => {
    if (typeof s === "string") written.push({ value: s, path: [...p, "sources", i] });
  });
  const destination = str(raw, "destination") ?? "";
  const content = str(raw, "content");
  if (content !== void 0 && direction === "download") ctx.report([...p, "content"], "content only works with direction 'upload'");
  const keepSlash = (written2, abs) => written2.endsWith("/") && !abs.endsWith("/") ? abs + "/" : abs;
  const sources = written.map(({ value, path: path4 }) => direction === "upload" ? keepSlash(value, ctx.localPath(path4, value.replace(/\/+$/, "") || value, generated ? "unchecked" : "fileOrDir")) : value);
  if (sources.length > 1 && direction === "upload" && destination && !destination.endsWith("/")) {
    ctx.report([...p, "destination"], `several sources go into a folder; end destination with '/' (e.g. '${destination}/')`);
  }
  const out = {
    type: "file",
    ...common,
    sources,
    destination: direction === "download" && destination ? keepSlash(destination, ctx.resolvePath(destination)) : destination,
    direction,
    generated
  };
  if (content !== void 0) out.content = content;
  return out;
}
function windowsUpdate2(ctx, raw, p, common) {
  return {
    type: "windows-update",
    ...common,
    searchCriteria: str(raw, "searchCriteria") ?? "BrowseOnly=0 and IsInstalled=0",
    filters: strings(raw, "filters") ?? ["include:$true"],
    updateLimit: num(raw, "updateLimit") ?? 1e3,
    updateMaxRetries: num(raw, "updateMaxRetries") ?? 5,
    restartTimeout: ctx.duration(raw, "restartTimeout", p, 4 * 60 * MINUTE, 0),
    maxReboots: num(raw, "maxReboots") ?? 10
  };
}
function windowsRestart2(ctx, raw, p, common) {
  return {
    type: "windows-restart",
    ...common,
    restartCommand: str(raw, "restartCommand") ?? DEFAULT_RESTART_COMMAND,
    restartCheckCommand: str(raw, "restartCheckCommand") ?? DEFAULT_RESTART_CHECK_COMMAND,
    restartTimeout: ctx.duration(raw, "restartTimeout", p, 5 * MINUTE, 0),
    checkRegistry: bool(raw, "checkRegistry") ?? false
  };
}

// src/core/config/resolve-verify.ts
var MINUTE2 = 6e4;
var DEFAULT_VERIFY_TIMEOUT_MS = 15 * MINUTE2;
var DEFAULT_CHECK_TIMEOUT_MS = 5 * MINUTE2;
var DEFAULT_BOOT_WAIT_MS = 1e4;
function resolveVerify(ctx, vmRaw, p, communicator2) {
  const raw = obj(vmRaw, "verify");
  if (!raw) return void 0;
  const vp = [...p, "verify"];
  if (communicator2.type !== "ssh") {
    ctx.report(vp, "verify runs its checks over SSH; expected a communicator of type 'ssh' (with sshUsername) on this VM", "key");
  }
  const checks = [];
  (list(raw, "checks") ?? []).forEach((c, i) => {
    const cp = [...vp, "checks", i];
    if (typeof c === "string") {
      if (c.trim() === "") ctx.report(cp, "an empty command; expected a command to run in the guest, e.g. systemctl is-active ssh");
      else checks.push({ run: c, validExitCodes: [0], timeout: DEFAULT_CHECK_TIMEOUT_MS });
      return;
    }
    if (!isRaw(c)) return;
    const run = str(c, "run") ?? "";
    if (run.trim() === "" && typeof c.run === "string") ctx.report([...cp, "run"], "an empty command; expected a command to run in the guest");
    const codes = (list(c, "validExitCodes") ?? [0]).filter((x) => typeof x === "number");
    const name = str(c, "name");
    checks.push({ run, validExitCodes: codes.length > 0 ? codes : [0], timeout: ctx.duration(c, "timeout", cp, DEFAULT_CHECK_TIMEOUT_MS, 1), ...name ? { name } : {} });
  });
  const bootCommand = strings(raw, "bootCommand") ?? [];
  const single = typeof raw.bootCommand === "string";
  for (const bad of findBadWaits(bootCommand)) {
    ctx.reportInside(single ? [...vp, "bootCommand"] : [...vp, "bootCommand", bad.element], bootCommand[bad.element], bad.offset, bad.message);
  }
  const settings = { checks, bootCommand, bootWait: -1, timeout: ctx.duration(raw, "timeout", vp, DEFAULT_VERIFY_TIMEOUT_MS, 1) };
  resolveBootWait(ctx, raw, vp, settings);
  return settings;
}
function resolveBootWait(ctx, raw, p, v) {
  const text3 = str(raw, "bootWait");
  if (text3 !== void 0 && /^<wait/.test(text3)) {
    const { tokens, problems } = scanBootCommand(text3);
    const token = tokens[0];
    if (problems.length > 0) ctx.report([...p, "bootWait"], problems[0].reason);
    else if (tokens.length === 1 && token?.kind === "waitText") v.bootWaitText = { source: token.source, pattern: token.pattern };
    if (v.bootCommand.length === 0) ctx.report([...p, "bootWait"], "bootWait waits before typing bootCommand, and verify has no bootCommand; expected a bootCommand, or no bootWait");
    return;
  }
  if (text3 === void 0) {
    const head = v.bootCommand.join("").slice(0, 4096);
    v.bootWait = v.bootCommand.length === 0 || scanBootCommand(head).tokens[0]?.kind === "waitText" ? -1 : DEFAULT_BOOT_WAIT_MS;
    return;
  }
  if (v.bootCommand.length === 0) ctx.report([...p, "bootWait"], "bootWait waits before typing bootCommand, and verify has no bootCommand; expected a bootCommand, or no bootWait");
  const ms = ctx.duration(raw, "bootWait", p, DEFAULT_BOOT_WAIT_MS);
  v.bootWait = ms === 0 ? DEFAULT_BOOT_WAIT_MS : ms;
}

// src/core/config/resolve-vm.ts
var MINUTE3 = 6e4;
var MIB = 1024 ** 2;
var DEFAULT_ROOT_DISK_BYTES = 40 * 1024 ** 3;
var DEFAULT_MEMORY_BYTES = 512 * MIB;
var DEFAULT_BOOT_WAIT_MS2 = 1e4;
var DEFAULT_BOOT_TEXT_TIMEOUT_MS = 5 * MINUTE3;
function resolveVm(ctx, raw, p, scope) {
  const communicator2 = resolveCommunicator(ctx, raw, p);
  const provisioners = [];
  (list(raw, "provisioners") ?? []).forEach((rp, i) => {
    const prov = isRaw(rp) ? resolveProvisioner(ctx, rp, [...p, "provisioners", i]) : void 0;
    if (prov) provisioners.push(prov);
  });
  if (communicator2.type === "none" && provisioners.length > 0) {
    ctx.report([...p, "communicator", "type"], "provisioners need a communicator; expected type 'ssh' (or no provisioners)");
  }
  if (communicator2.type === "none" && str(raw, "shutdownCommand") !== void 0) {
    ctx.report([...p, "shutdownCommand"], "shutdownCommand runs over SSH; expected communicator type 'ssh', or no shutdownCommand (the guest then powers itself off)");
  }
  const vm2 = {
    name: str(raw, "name") ?? "",
    source: resolveSource(ctx, obj(raw, "source"), [...p, "source"]),
    cpu: num(raw, "cpu") ?? 1,
    memoryBytes: bytes(ctx, raw, "memory", p, DEFAULT_MEMORY_BYTES, "memory"),
    disks: resolveDisks(ctx, raw, p),
    cdroms: resolveCdroms(ctx, raw, p),
    nics: resolveNics(ctx, raw, p, scope),
    bootWait: DEFAULT_BOOT_WAIT_MS2,
    bootCommand: resolveBootCommand(ctx, raw, p),
    bootTextTimeout: ctx.duration(raw, "bootTextTimeout", p, DEFAULT_BOOT_TEXT_TIMEOUT_MS, 1),
    communicator: communicator2,
    provisioners,
    shutdownTimeout: ctx.duration(raw, "shutdownTimeout", p, 5 * MINUTE3, 0),
    output: resolveOutput(ctx, raw, p),
    dependsOn: strings(raw, "dependsOn") ?? [],
    positions: ctx.positionsBelow(p)
  };
  resolveBootWait2(ctx, raw, p, vm2);
  const efi = resolveEfi(raw);
  if (efi) vm2.efiFirmware = efi;
  const machineType = str(raw, "machineType");
  if (machineType === "pc" || machineType === "q35") vm2.machineType = machineType;
  if (machineType === "pc" && efi?.secureBoot) ctx.report([...p, "machineType"], "Secure Boot needs SMM, which needs the q35 machine type; expected q35 (the default)");
  warnUnseenCdroms(ctx, vm2, p);
  const httpDirectory = str(raw, "httpDirectory");
  if (httpDirectory !== void 0) vm2.httpDirectory = ctx.localPath([...p, "httpDirectory"], httpDirectory, "dir");
  const httpContent = obj(raw, "httpContent");
  if (httpContent) vm2.httpContent = Object.fromEntries(Object.entries(httpContent).filter((e) => typeof e[1] === "string"));
  const interval = str(raw, "bootKeyInterval");
  if (interval !== void 0) {
    const ms = ctx.duration(raw, "bootKeyInterval", p, 0, 0);
    if (ms > 0) vm2.bootKeyInterval = ms;
  }
  const cpuModel = str(raw, "cpuModel");
  if (cpuModel) vm2.cpuModel = cpuModel;
  const vmName = str(raw, "vmName");
  if (vmName) vm2.vmName = vmName;
  const qemuArgs = resolveQemuArgs(ctx, raw, p);
  if (qemuArgs) vm2.qemuArgs = qemuArgs;
  const shutdownCommand = str(raw, "shutdownCommand");
  if (shutdownCommand) vm2.shutdownCommand = shutdownCommand;
  const kubevirt = resolveKubevirt(ctx, obj(raw, "kubevirt"), [...p, "kubevirt"]);
  if (kubevirt) vm2.kubevirt = kubevirt;
  checkUniqueDeviceNames(ctx, vm2, p);
  const verify = resolveVerify(ctx, raw, p, communicator2);
  if (verify) vm2.verify = verify;
  return vm2;
}
function resolveSource(ctx, raw, p) {
  const download = (r, at) => {
    const urls = strings(r, "urls") ?? [str(r, "url") ?? ""];
    const [url = "", ...mirrors] = urls;
    return { url, ...mirrors.length > 0 ? { mirrors } : {}, checksum: downloadChecksum(ctx, r, at) };
  };
  if (str(raw, "url") !== void 0 || list(raw, "urls")) return { kind: "url", ...download(raw, p) };
  const image = str(raw, "containerDisk");
  if (image !== void 0) return { kind: "containerDisk", image };
  const iso = obj(raw, "iso");
  if (iso) return { kind: "iso", ...download(iso, [...p, "iso"]) };
  const path4 = str(raw, "path");
  if (path4 !== void 0) return { kind: "path", path: ctx.localPath([...p, "path"], path4, "unchecked") };
  const from = str(raw, "from");
  if (from !== void 0) {
    const [layer2 = "", vm2 = ""] = from.split("/");
    return { kind: "from", layer: layer2, vm: vm2 };
  }
  return { kind: "path", path: "" };
}
function downloadChecksum(ctx, r, at) {
  const text3 = str(r, "checksum") ?? "";
  const parsed = parseChecksum(text3);
  const signature = str(r, "checksumSignature");
  const keyring = str(r, "checksumKeyring");
  if ("error" in parsed) {
    if (/^file:/i.test(text3)) ctx.report([...at, "checksum"], parsed.error);
    return { algorithm: "sha256", hex: "" };
  }
  if ("checksum" in parsed) {
    if (signature !== void 0) ctx.report([...at, "checksumSignature"], "a signature is checked on a checksum file; expected checksum: file:URL (the file it signs), or no checksumSignature");
    return parsed.checksum;
  }
  const isUrl = (v) => /^[a-z][a-z0-9+.-]*:\/\//i.test(v);
  const file3 = isUrl(parsed.file) ? parsed.file : ctx.localPath([...at, "checksum"], parsed.file, "file");
  return {
    file: file3,
    ...signature !== void 0 ? { signature: isUrl(signature) ? signature : ctx.localPath([...at, "checksumSignature"], signature, "file") } : {},
    ...keyring !== void 0 ? { keyring: ctx.localPath([...at, "checksumKeyring"], keyring, "file") } : {}
  };
}
function resolveQemuArgs(ctx, raw, p) {
  const entries = list(raw, "qemuArgs");
  if (!entries) return void 0;
  return entries.flatMap((e, i) => {
    if (!Array.isArray(e) || !e.every((x) => typeof x === "string")) return [];
    const entry = e;
    const problem = qemuSwitchProblem(entry[0] ?? "");
    if (problem) ctx.report([...p, "qemuArgs", i, 0], problem);
    return problem ? [] : [entry];
  });
}
function bytes(ctx, raw, key, p, fallback, what) {
  const v = raw[key];
  if (v === void 0) return fallback;
  const at = [...p, key];
  const r = typeof v === "number" ? { bytes: v } : typeof v === "string" ? parseSize(v) : void 0;
  if (!r) return fallback;
  if ("error" in r) {
    ctx.report(at, r.error);
    return fallback;
  }
  if (r.bytes < MIB) {
    const text3 = String(v);
    const milli = /^([\d.]+)m$/.exec(text3);
    const hint = milli ? `; 'm' means milli (thousandths), did you mean '${milli[1]}Mi'?` : /^\d+$/.test(text3) ? `; a bare number is bytes, did you mean '${text3}Mi'?` : "";
    ctx.report(at, `${text3} is ${r.bytes} byte${r.bytes === 1 ? "" : "s"}, too small for ${what}; expected at least 1Mi${hint}`);
    return fallback;
  }
  return r.bytes;
}
function resolveDisks(ctx, raw, p) {
  const rawDisks = list(raw, "disks");
  if (!rawDisks) return [{ name: "root", sizeBytes: DEFAULT_ROOT_DISK_BYTES, bus: "virtio" }];
  return rawDisks.flatMap((d, i) => {
    if (!isRaw(d)) return [];
    const dp = [...p, "disks", i];
    if (i > 0 && d.size === void 0 && !ctx.has([...dp, "size"])) ctx.report(dp, "missing 'size'; every disk after the root disk needs one, e.g. size: 10Gi");
    const sizeBytes = bytes(ctx, d, "size", dp, DEFAULT_ROOT_DISK_BYTES, "a disk");
    return [{ name: str(d, "name") ?? "", sizeBytes, bus: str(d, "bus") ?? "virtio" }];
  });
}
function resolveCdroms(ctx, raw, p) {
  return (list(raw, "cdroms") ?? []).flatMap((c, i) => {
    if (!isRaw(c)) return [];
    const cp = [...p, "cdroms", i];
    const cdrom2 = { name: str(c, "name") ?? "" };
    const files = list(c, "files");
    if (files) {
      cdrom2.files = files.flatMap((f2, j) => typeof f2 === "string" ? [ctx.localPath([...cp, "files", j], f2, "fileOrDir")] : []);
      cdrom2.label = str(c, "label") ?? "packer";
    }
    const iso = str(c, "iso");
    if (iso !== void 0) cdrom2.iso = ctx.localPath([...cp, "iso"], iso, "file");
    const type = str(c, "type");
    if (type === "disk" || type === "cdrom") cdrom2.type = type;
    const bus = str(c, "bus");
    if (bus !== void 0) {
      if (bus === "virtio" && cdrom2.type !== "disk") ctx.report([...cp, "bus"], "a cdrom cannot be on the virtio bus (KubeVirt refuses it); expected sata or scsi, or type: disk for a virtio disk holding the ISO");
      cdrom2.bus = bus;
    }
    return [cdrom2];
  });
}
var NO_AHCI_SOURCE = /genericcloud/i;
function warnUnseenCdroms(ctx, vm2, p) {
  const source2 = vm2.source.kind === "url" ? vm2.source.url : vm2.source.kind === "containerDisk" ? vm2.source.image : vm2.source.kind === "path" ? vm2.source.path : "";
  if (!NO_AHCI_SOURCE.test(source2)) return;
  vm2.cdroms.forEach((c, i) => {
    if (cdromBus(c) !== "sata") return;
    const what = c.type === "disk" ? "a sata disk" : "a sata cdrom";
    ctx.warn(
      [...p, "cdroms", i, c.bus ? "bus" : "name"],
      `${what}: the source's Debian cloud kernel has no AHCI (SATA) driver, so the guest will not see it${c.label === "cidata" ? " and cloud-init will not find its seed" : ""}; use type: disk (a virtio disk, as KubeVirt attaches cloudInitNoCloud) or bus: scsi`
    );
  });
}
function resolveNics(ctx, raw, p, scope) {
  const rawNics = list(raw, "nics");
  if (!rawNics) return [{ model: "virtio" }];
  return rawNics.flatMap((n, i) => {
    if (!isRaw(n)) return [];
    const nic2 = { model: str(n, "model") ?? "virtio" };
    const subnet2 = str(n, "subnet");
    if (subnet2 !== void 0) {
      if (!scope.subnets.includes(subnet2)) {
        const declared = scope.subnets.length ? `declared: ${scope.subnets.join(", ")}` : "no subnets are declared under network.vpcs";
        ctx.report([...p, "nics", i, "subnet"], `unknown subnet '${subnet2}'; expected a subnet from network.vpcs[].subnets (${declared})${didYouMean(subnet2, scope.subnets)}`);
      }
      nic2.subnet = subnet2;
    }
    return [nic2];
  });
}
function resolveEfi(raw) {
  const v = raw.efiFirmware;
  if (v === true) return { secureBoot: false };
  if (isRaw(v)) return { secureBoot: bool(v, "secureBoot") ?? false };
  return void 0;
}
function resolveBootWait2(ctx, raw, p, vm2) {
  const text3 = str(raw, "bootWait");
  if (text3 !== void 0 && /^<wait/.test(text3)) {
    const { tokens, problems } = scanBootCommand(text3);
    const token = tokens[0];
    if (problems.length > 0) ctx.report([...p, "bootWait"], problems[0].reason);
    else if (tokens.length === 1 && token?.kind === "waitText") {
      vm2.bootWaitText = { source: token.source, pattern: token.pattern };
      if (vm2.bootCommand.length === 0) ctx.report([...p, "bootWait"], `bootWait waits for a text before typing bootCommand, and there is no bootCommand; expected a duration, or a bootCommand`);
    }
    vm2.bootWait = -1;
    return;
  }
  if (text3 === void 0) {
    const head = vm2.bootCommand.join("").slice(0, 4096);
    vm2.bootWait = scanBootCommand(head).tokens[0]?.kind === "waitText" ? -1 : DEFAULT_BOOT_WAIT_MS2;
    return;
  }
  const ms = ctx.duration(raw, "bootWait", p, DEFAULT_BOOT_WAIT_MS2);
  vm2.bootWait = ms === 0 ? DEFAULT_BOOT_WAIT_MS2 : ms;
}
function resolveBootCommand(ctx, raw, p) {
  const elements = strings(raw, "bootCommand") ?? [];
  const single = typeof raw.bootCommand === "string";
  for (const bad of findBadWaits(elements)) {
    ctx.reportInside(single ? [...p, "bootCommand"] : [...p, "bootCommand", bad.element], elements[bad.element], bad.offset, bad.message);
  }
  return elements;
}
function resolveCommunicator(ctx, raw, p) {
  const c = obj(raw, "communicator") ?? {};
  const cp = [...p, "communicator"];
  const needsSsh = (list(raw, "provisioners") ?? []).length > 0 || str(raw, "shutdownCommand") !== void 0;
  const type = (str(c, "type") ?? (needsSsh ? "ssh" : "none")) === "none" ? "none" : "ssh";
  const timeoutSet = str(c, "sshTimeout") !== void 0;
  const attemptsSet = num(c, "sshHandshakeAttempts") !== void 0;
  const out = {
    type,
    sshPort: num(c, "sshPort") ?? 22,
    sshAgentAuth: bool(c, "sshAgentAuth") ?? false,
    // Packer SDK ≥ 0.3.1: 5m and 10 attempts only when neither is set; setting one leaves the other unlimited.
    sshTimeout: ctx.duration(c, "sshTimeout", cp, timeoutSet || attemptsSet ? 0 : 5 * MINUTE3, 0),
    sshHandshakeAttempts: num(c, "sshHandshakeAttempts") ?? (timeoutSet ? 0 : 10),
    sshPty: bool(c, "sshPty") ?? false,
    sshKeepAliveInterval: ctx.duration(c, "sshKeepAliveInterval", cp, 5e3),
    sshBastionPort: num(c, "sshBastionPort") ?? 22,
    pauseBeforeConnecting: ctx.duration(c, "pauseBeforeConnecting", cp, 0, 0)
  };
  for (const key2 of ["sshHost", "sshUsername", "sshPassword", "sshBastionHost", "sshBastionUsername", "sshBastionPassword"]) {
    const v = str(c, key2);
    if (v !== void 0) out[key2] = v;
  }
  const key = str(c, "sshPrivateKeyFile");
  if (key !== void 0) out.sshPrivateKeyFile = ctx.localPath([...cp, "sshPrivateKeyFile"], key, "file");
  const bastionKey = str(c, "sshBastionPrivateKeyFile");
  if (bastionKey !== void 0) out.sshBastionPrivateKeyFile = ctx.localPath([...cp, "sshBastionPrivateKeyFile"], bastionKey, "file");
  else if (out.sshBastionHost && out.sshPrivateKeyFile) out.sshBastionPrivateKeyFile = out.sshPrivateKeyFile;
  if (type === "ssh") {
    if (!out.sshUsername && !ctx.has([...cp, "sshUsername"])) {
      ctx.report(ctx.has(cp) ? cp : p, "the ssh communicator needs 'sshUsername' (or set communicator.type: none for a VM without provisioners)");
    }
    if (out.sshBastionHost && !out.sshBastionPassword && !out.sshBastionPrivateKeyFile && !out.sshAgentAuth) {
      ctx.report([...cp, "sshBastionHost"], "a bastion needs sshBastionPassword, sshBastionPrivateKeyFile (or sshPrivateKeyFile) or sshAgentAuth");
    }
  }
  return out;
}
function resolveOutput(ctx, raw, p) {
  const o = obj(raw, "output");
  const format = str(o, "format") === "raw" ? "raw" : "qcow2";
  const compress = bool(o, "compress") ?? false;
  if (format === "raw" && compress) ctx.report([...p, "output", "compress"], "a raw image cannot be compressed; expected format: qcow2 with compress: true, or compress: false");
  const dataSource = resolveDataSource(obj(o, "dataSource"), (field, message) => ctx.report([...p, "output", "dataSource", field], message));
  return { format, compress, compressionType: str(o, "compressionType") === "zlib" ? "zlib" : "zstd", sbom: bool(o, "sbom") ?? true, ...dataSource ? { dataSource } : {} };
}
function checkUniqueDeviceNames(ctx, vm2, p) {
  const seen = /* @__PURE__ */ new Set();
  const check2 = (name, at) => {
    if (!name) return;
    if (seen.has(name)) ctx.report(at, `device name '${name}' is used twice; disks and cdroms of a VM need distinct names`);
    seen.add(name);
  };
  vm2.disks.forEach((d, i) => check2(d.name, [...p, "disks", i, "name"]));
  vm2.cdroms.forEach((c, i) => check2(c.name, [...p, "cdroms", i, "name"]));
}

// src/core/config/resolve.ts
function resolveBuild(ctx, raw, absFile, variables) {
  const network = resolveNetwork(ctx, raw);
  const subnets = network.vpcs.flatMap((v) => v.subnets.map((s) => s.name));
  const layers = [];
  const layerNames = /* @__PURE__ */ new Set();
  const allLayerNames = (list(raw, "layers") ?? []).map((l) => isRaw(l) ? str(l, "name") ?? "" : "");
  (list(raw, "layers") ?? []).forEach((rawLayer, li) => {
    if (!isRaw(rawLayer)) return;
    const lp = ["layers", li];
    const name = str(rawLayer, "name") ?? "";
    if (name && layerNames.has(name)) ctx.report([...lp, "name"], `layer '${name}' is declared twice; layer names must be unique`);
    layerNames.add(name);
    const vms = [];
    const vmPaths = [];
    (list(rawLayer, "vms") ?? []).forEach((rawVm, vi) => {
      if (!isRaw(rawVm)) return;
      const vp = [...lp, "vms", vi];
      const vm2 = resolveVm(ctx, rawVm, vp, { subnets });
      if (vm2.name && vms.some((v) => v.name === vm2.name)) ctx.report([...vp, "name"], `VM '${vm2.name}' is declared twice in layer '${name}'; VM names must be unique within a layer`);
      vms.push(vm2);
      vmPaths.push(vp);
    });
    vms.forEach((vm2, i) => checkFrom(ctx, vm2, vmPaths[i], layers, name, vms, allLayerNames));
    checkDependsOn(ctx, vms, vmPaths, name);
    const maxAge = layerMaxAge(ctx, rawLayer, lp);
    layers.push({ name, vms, ...maxAge !== void 0 ? { maxAge } : {} });
  });
  checkOutputNames(ctx, layers);
  const kubevirt = resolveKubevirt(ctx, obj(raw, "kubevirt"), ["kubevirt"]);
  return {
    file: absFile,
    dir: ctx.dir,
    name: str(raw, "name") ?? "",
    variables,
    network,
    layers,
    ...kubevirt ? { kubevirt: { ...kubevirt, positions: ctx.positionsBelow(["kubevirt"]) } } : {},
    secrets: [...new Set(ctx.secrets)],
    ...ctx.warnings.length > 0 ? { warnings: sortProblems(ctx.warnings) } : {}
  };
}
function checkOutputNames(ctx, layers) {
  const owners = /* @__PURE__ */ new Map();
  const seen = /* @__PURE__ */ new Set();
  layers.forEach((layer2, li) => {
    layer2.vms.forEach((vm2, vi) => {
      const key = `${layer2.name}/${vm2.name}`;
      if (!vm2.name || seen.has(key)) return;
      seen.add(key);
      const image = outputFileName(layer2, vm2);
      const at = ["layers", li, "vms", vi, vm2.vmName !== void 0 ? "vmName" : "name"];
      const how = vm2.vmName !== void 0 ? `vmName '${image}'` : `the default output name '${image}'`;
      const reserved = reservedOutputName(image);
      if (reserved) {
        ctx.report(at, `${how} cannot be used: ${reserved}; expected another file name`);
        return;
      }
      const clash = outputFilesOf(image).map((file3) => ({ file: file3, owner: owners.get(file3) })).find((c) => c.owner !== void 0);
      if (clash?.owner) {
        const same = clash.file === image && clash.owner.image === image;
        ctx.report(
          at,
          same ? `${how} is also the output file of ${clash.owner.key}; both images would be written to it. Expected a vmName unique within the build` : `${how} clashes with the output of ${clash.owner.key}: both would write '${clash.file}'. Expected a vmName whose image, .sha256 and .spdx.json files differ from every other VM's`
        );
        return;
      }
      for (const file3 of outputFilesOf(image)) owners.set(file3, { key, image });
    });
  });
}
function layerMaxAge(ctx, raw, p) {
  const text3 = str(raw, "maxAge");
  if (text3 === void 0) return void 0;
  const ms = ctx.duration(raw, "maxAge", p, -1, 0);
  if (ms === 0) ctx.report([...p, "maxAge"], `'${text3}' would rebuild the layer every time; expected a duration above 0 (or no maxAge)`);
  return ms > 0 ? ms : void 0;
}
function checkFrom(ctx, vm2, p, earlier, thisLayer, sameLayer, allLayers) {
  if (vm2.source.kind !== "from") return;
  const { layer: layer2, vm: vmName } = vm2.source;
  const at = [...p, "source", "from"];
  const target = earlier.find((l) => l.name === layer2);
  if (!target) {
    if (layer2 === thisLayer) {
      const same = sameLayer.some((v) => v.name === vmName);
      ctx.report(at, `'${layer2}/${vmName}' is in this layer; expected a VM of an earlier layer (${same ? "VMs of one layer are built together, so one cannot start from another" : `no VM '${vmName}' here either`})`);
      return;
    }
    const names = earlier.map((l) => l.name);
    const expected = names.length ? `expected one of: ${names.join(", ")}` : "this is the first layer, so it must start from url, containerDisk, iso or path";
    if (allLayers.includes(layer2)) ctx.report(at, `layer '${layer2}' comes later; a VM can only start from an earlier layer's output (${expected})`);
    else ctx.report(at, `no layer '${layer2}'; ${expected}${didYouMean(layer2, names)}`);
    return;
  }
  if (!target.vms.some((v) => v.name === vmName)) {
    const names = target.vms.map((v) => v.name);
    ctx.report(at, `layer '${layer2}' has no VM '${vmName}'; expected one of: ${names.join(", ")}${didYouMean(vmName, names)}`);
  }
}
function checkDependsOn(ctx, vms, paths, layer2) {
  const names = vms.map((v) => v.name);
  vms.forEach((vm2, i) => {
    vm2.dependsOn.forEach((dep, j) => {
      const at = [...paths[i], "dependsOn", j];
      if (dep === vm2.name) ctx.report(at, `a VM cannot depend on itself; expected another VM of layer '${layer2}'`);
      else if (!names.includes(dep)) {
        const others = names.filter((n) => n !== vm2.name);
        ctx.report(at, `no VM '${dep}' in layer '${layer2}'; expected one of: ${others.join(", ") || "(none: it is the only VM of the layer)"}${didYouMean(dep, others)}`);
      }
    });
  });
  const state = /* @__PURE__ */ new Map();
  const byName = new Map(vms.map((v, i) => [v.name, i]));
  const visit = (name, trail) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      const i2 = byName.get(trail.at(-1));
      const j = vms[i2].dependsOn.indexOf(name);
      ctx.report([...paths[i2], "dependsOn", j], `dependsOn forms a cycle (${cycle.join(" \u2192 ")}); expected an order in which the VMs can start`);
      return;
    }
    state.set(name, "visiting");
    const i = byName.get(name);
    for (const dep of i === void 0 ? [] : vms[i].dependsOn) if (byName.has(dep) && dep !== name) visit(dep, [...trail, name]);
    state.set(name, "done");
  };
  for (const vm2 of vms) visit(vm2.name, []);
}

// src/core/config/var-file.ts
var import_yaml = __toESM(require_dist(), 1);
import { readFileSync } from "node:fs";
import path2 from "node:path";
var MAX_VAR_FILE_BYTES = 256 * 1024;
var NAME2 = /^[A-Za-z_][A-Za-z0-9_-]*$/;
function readVarFile(file3, cwd = process.cwd()) {
  let text3;
  try {
    text3 = readFileSync(path2.resolve(cwd, file3), "utf8");
  } catch (err) {
    const code = err.code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : err.message;
    throw new BuildFileError([{ file: file3, line: 1, column: 1, path: "", message: `cannot read the var file: ${reason}` }]);
  }
  return parseVarFile(text3, file3);
}
function parseVarFile(text3, file3) {
  if (text3.length > MAX_VAR_FILE_BYTES) {
    throw new BuildFileError([{ file: file3, line: 1, column: 1, path: "", message: `the var file is ${text3.length} characters long; expected at most ${MAX_VAR_FILE_BYTES}` }]);
  }
  const lineCounter = new import_yaml.LineCounter();
  const doc = (0, import_yaml.parseDocument)(text3, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (node, p, message) => {
    const { line, col } = lineCounter.linePos(node?.range?.[0] ?? 0);
    return { file: file3, line, column: col, path: p, message };
  };
  const problems = [...doc.errors, ...doc.warnings].map((e) => {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    return { file: file3, line, column: col, path: "", message: `YAML: ${e.message.replace(/\s+/g, " ").trim()}` };
  });
  if (doc.errors.length > 0) throw new BuildFileError(problems);
  const root = doc.contents;
  if (root === null || (0, import_yaml.isScalar)(root) && root.value === null) return [];
  if (!(0, import_yaml.isMap)(root)) throw new BuildFileError([at(root, "", "expected a mapping of variable names to values (YAML `name: value` lines or a JSON object)")]);
  const values = [];
  for (const pair of root.items) {
    const key = pair.key;
    if (!(0, import_yaml.isScalar)(key) || typeof key.value !== "string" || !NAME2.test(key.value)) {
      problems.push(at(key, "", `expected a variable name (letters, digits, '_' and '-', not starting with a digit)`));
      continue;
    }
    const name = key.value;
    const node = pair.value;
    if (!(0, import_yaml.isScalar)(node) || node.value === null || typeof node.value === "object") {
      problems.push(at(node ?? key, formatPath([name]), `expected a string, number or boolean; lists, maps and null are not variable values`));
      continue;
    }
    const raw = node.value;
    const value = typeof raw === "string" ? raw : node.type === "PLAIN" && node.source ? node.source : String(raw);
    const { line, col } = lineCounter.linePos(key.range?.[0] ?? 0);
    values.push({ name, value, file: file3, line, column: col });
  }
  if (problems.length > 0) throw new BuildFileError(problems);
  return values;
}

// src/core/config/variables.ts
var import_yaml2 = __toESM(require_dist(), 1);
function topLevel(doc, key) {
  const root = doc.contents;
  return (0, import_yaml2.isMap)(root) ? root.items.find((p) => (0, import_yaml2.isScalar)(p.key) && p.key.value === key) : void 0;
}
function resolveVariables(doc, text3, lineCounter, file3, overrides, env, extraSensitive) {
  const problems = [];
  const at = (offset, path4, message) => {
    const { line, col } = lineCounter.linePos(offset);
    problems.push({ file: file3, line, column: col, path: path4, message });
  };
  const variables = /* @__PURE__ */ Object.create(null);
  const envRead = /* @__PURE__ */ new Map();
  let declaredAt = 0;
  const pair = topLevel(doc, "variables");
  if (pair) {
    declaredAt = pair.key.range?.[0] ?? 0;
    if ((0, import_yaml2.isMap)(pair.value)) {
      for (const item of pair.value.items) {
        if (!(0, import_yaml2.isScalar)(item.key) || !(0, import_yaml2.isScalar)(item.value) || item.value.value === null) continue;
        const name = String(item.key.value);
        const node = item.value;
        const raw = typeof node.value === "string" ? node.value : node.type === "PLAIN" && node.source ? node.source : String(node.value);
        if (!isTemplated(raw)) {
          variables[name] = raw;
          continue;
        }
        const bound = bindTemplate(raw, [], { env });
        for (const e of bound.errors) at(scalarOffset(node, raw, e.offset, text3), `variables.${name}`, `template: ${e.message} (a variable's default may use env, not user)`);
        envRead.set(name, bound.envUsed);
        variables[name] = bound.text;
      }
    }
  }
  const declared = Object.keys(variables);
  const sensitive = /* @__PURE__ */ new Set();
  const listed = topLevel(doc, "sensitiveVariables");
  if (listed && (0, import_yaml2.isSeq)(listed.value)) {
    listed.value.items.forEach((item, i) => {
      if (!(0, import_yaml2.isScalar)(item) || typeof item.value !== "string") return;
      const name = item.value;
      if (Object.hasOwn(variables, name)) sensitive.add(name);
      else at(item.range?.[0] ?? 0, `sensitiveVariables[${i}]`, unknownVariable(name, declared));
    });
  }
  for (const name of extraSensitive?.names ?? []) {
    if (Object.hasOwn(variables, name)) sensitive.add(name);
    else at(declaredAt, "variables", `${extraSensitive.source}: ${unknownVariable(name, declared)}`);
  }
  const secrets = [];
  for (const o of overrides) {
    if (!Object.hasOwn(variables, o.name)) {
      const message = unknownVariable(o.name, declared);
      if (o.from) problems.push({ file: o.from.file, line: o.from.line, column: o.from.column, path: o.name, message });
      else at(declaredAt, "variables", `--var ${o.name}=\u2026: ${message}`);
      continue;
    }
    if (sensitive.has(o.name)) secrets.push(o.value);
    variables[o.name] = o.value;
  }
  for (const [name, read] of envRead) {
    for (const [envName, value] of read) if (sensitive.has(name) || SECRET_NAME.test(envName)) secrets.push(value);
  }
  for (const name of sensitive) secrets.push(variables[name]);
  return { variables: { ...variables }, problems, secrets: secrets.filter((s) => s !== ""), sensitive: [...sensitive] };
}
function unknownVariable(name, declared) {
  const list3 = declared.length ? `declared: ${declared.join(", ")}` : "the build declares no variables";
  return `no variable '${name}' is declared; ${list3}${didYouMean(name, declared)}`;
}

// src/core/config/load.ts
var MAX_BUILD_FILE_BYTES = 1024 * 1024;
function loadBuild(file3, options = {}) {
  let text3;
  try {
    text3 = readFileSync2(path3.resolve(options.cwd ?? process.cwd(), file3), "utf8");
  } catch (err) {
    const reason = err.code === "ENOENT" ? "no such file" : err.message;
    throw new BuildFileError([{ file: file3, line: 1, column: 1, path: "", message: `cannot read the build file: ${reason}` }]);
  }
  return loadBuildText(text3, file3, options);
}
function loadBuildText(text3, file3, options = {}) {
  const absFile = path3.resolve(options.cwd ?? process.cwd(), file3);
  const env = options.env ?? process.env;
  if (text3.length > MAX_BUILD_FILE_BYTES) {
    throw new BuildFileError([{ file: file3, line: 1, column: 1, path: "", message: `the build file is ${text3.length} characters long; expected at most ${MAX_BUILD_FILE_BYTES} (1 MiB)` }]);
  }
  const lineCounter = new import_yaml3.LineCounter();
  const doc = (0, import_yaml3.parseDocument)(text3, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
  const yamlProblems = [...doc.errors, ...doc.warnings].map((e) => {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    return { file: file3, line, column: col, path: "", message: `YAML: ${e.message.replace(/\s+/g, " ").trim()}` };
  });
  if (doc.errors.length > 0) throw new BuildFileError(yamlProblems);
  const overrides = [];
  const varFileProblems = [];
  for (const varFile of options.varFiles ?? []) {
    try {
      for (const v of readVarFile(varFile, options.cwd)) overrides.push({ name: v.name, value: v.value, from: { file: v.file, line: v.line, column: v.column } });
    } catch (err) {
      if (!(err instanceof BuildFileError)) throw err;
      varFileProblems.push(...err.problems);
    }
  }
  for (const [name, value] of Object.entries(options.vars ?? {})) overrides.push({ name, value });
  const vars = resolveVariables(doc, text3, lineCounter, file3, overrides, env, options.sensitiveVariables);
  const renderTemplate2 = (value, spec) => {
    const bound = bindTemplate(value, FIELDS_BY_USE[spec.template ?? "load"], { env, variables: vars.variables });
    const secrets = [...bound.envUsed].filter(([name, v]) => SECRET_NAME.test(name) && v).map(([, v]) => v);
    return { value: bound.text, errors: bound.errors.map((e) => ({ offset: e.offset, message: `template: ${e.message}` })), secrets };
  };
  const structure = checkStructure(doc, buildSpec, { file: file3, text: text3, lineCounter, renderTemplate: renderTemplate2 });
  const ctx = new ResolveContext(file3, path3.dirname(absFile), structure.positions, lineCounter, options.checkFiles ?? true, text3);
  ctx.secrets.push(...vars.secrets, ...structure.secrets);
  const build = resolveBuild(ctx, isRaw(structure.value) ? structure.value : {}, absFile, vars.variables);
  if (vars.sensitive.length > 0) build.sensitiveVariables = vars.sensitive;
  const problems = [...yamlProblems, ...varFileProblems, ...vars.problems, ...structure.problems, ...ctx.problems];
  if (problems.length > 0) {
    const masker = new SecretMasker();
    for (const s of build.secrets) masker.add(s);
    throw new BuildFileError(problems.map((p) => ({ ...p, message: masker.mask(p.message) })));
  }
  return build;
}

export {
  formatGoDurationNanos,
  nanosToMs,
  specialKey,
  KEYSYM_NAMES,
  SHIFT_L,
  parseBootCommand,
  TemplateError,
  renderTemplate,
  parseDataSourceOption,
  applyDataSourceOption,
  buildSpec,
  prepareOutputFolder,
  lockOutputFolder,
  outputFileName,
  qemuSwitchProblem,
  loadBuild,
  loadBuildText
};
