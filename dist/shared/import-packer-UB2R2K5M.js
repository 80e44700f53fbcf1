import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  loadBuildText,
  qemuSwitchProblem
} from "./chunk-23LGHYNR.js";
import "./chunk-Z6CMOLZR.js";
import "./chunk-WBMFEUYZ.js";
import {
  PACKER_BUILDER_OPTIONS,
  PACKER_PROVISIONER_OPTIONS,
  SUPPORTED_PROVISIONER_TYPES,
  UNSUPPORTED_PROVISIONERS
} from "./chunk-M2E66S6E.js";
import {
  BuildFileError,
  formatProblem
} from "./chunk-MF7EYUNN.js";
import {
  require_dist
} from "./chunk-H4EHQFTY.js";
import "./chunk-KOBFVAF3.js";
import "./chunk-NHD4EFUK.js";
import "./chunk-UWT5WVQO.js";
import {
  UsageError
} from "./chunk-K4LUY5QM.js";
import "./chunk-UWXRMICO.js";
import "./chunk-XHUVLOPP.js";
import "./chunk-BHXEFIUH.js";
import "./chunk-CRBZ5IG5.js";
import "./chunk-PXB3LWWR.js";
import "./chunk-YBXMTZXO.js";
import "./chunk-OYIX4NJ3.js";
import {
  __toESM
} from "./chunk-U4LSYZ75.js";

// src/core/packer/import-packer.ts
var import_yaml = __toESM(require_dist(), 1);
import path3 from "node:path";

// src/core/packer/read-template.ts
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

// src/core/packer/template-values.ts
var Unevaluated = class {
  constructor(expression) {
    this.expression = expression;
  }
  expression;
};
var UndefinedReference = class extends Error {
  constructor(reference) {
    super(`${reference} is not declared`);
    this.reference = reference;
  }
  reference;
};
function evaluateHcl(value, scope) {
  if (typeof value === "string") return evaluateHclString(value, scope);
  if (Array.isArray(value)) return liftUnevaluated(value.map((v) => evaluateHcl(v, scope)));
  if (value !== null && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = evaluateHcl(v, scope);
    const bad = Object.values(out).find((v) => v instanceof Unevaluated);
    return bad ?? out;
  }
  return value;
}
function liftUnevaluated(list) {
  const bad = list.find((v) => v instanceof Unevaluated);
  return bad ?? list;
}
function findInterpolations(text) {
  const out = [];
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith("$${", i) || text.startsWith("%%{", i)) {
      i += 2;
      continue;
    }
    if (text.startsWith("%{", i)) return new Unevaluated(text);
    if (!text.startsWith("${", i)) continue;
    let depth = 0;
    let inString = false;
    let j = i + 1;
    for (; j < text.length; j++) {
      const c = text[j];
      if (inString) {
        if (c === "\\") j++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === "{") depth++;
      else if (c === "}" && --depth === 0) break;
    }
    if (j >= text.length) return new Unevaluated(text);
    out.push({
      start: i,
      end: j + 1,
      expression: text.slice(i + 2, j).replace(/^~|~$/g, "").trim()
    });
    i = j;
  }
  return out;
}
function unescapeHclLiteral(text) {
  return text.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}
function evaluateHclString(text, scope) {
  const parts = findInterpolations(text);
  if (parts instanceof Unevaluated) return parts;
  if (parts.length === 0) return unescapeHclLiteral(text);
  if (parts.length === 1 && parts[0].start === 0 && parts[0].end === text.length) return evaluateExpression(parts[0].expression, scope);
  let out = "";
  let at = 0;
  for (const p of parts) {
    out += unescapeHclLiteral(text.slice(at, p.start));
    const v = evaluateExpression(p.expression, scope);
    if (v instanceof Unevaluated) return new Unevaluated(text);
    if (v !== null && typeof v === "object") return new Unevaluated(text);
    out += v === null ? "" : String(v);
    at = p.end;
  }
  return out + unescapeHclLiteral(text.slice(at));
}
var REFERENCE = /^(var|local)\.([A-Za-z_][A-Za-z0-9_-]*)$/;
var ENV_CALL = /^env\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)$/;
function evaluateExpression(expression, scope) {
  const ref = REFERENCE.exec(expression);
  if (ref) {
    const [, kind, name = ""] = ref;
    const v = kind === "var" ? scope.variables.get(name) : scope.local(name);
    if (v === void 0) throw new UndefinedReference(`${kind}.${name}`);
    return v;
  }
  if (expression === "path.root" || expression === "path.cwd") return ".";
  const env = ENV_CALL.exec(expression);
  if (env) return `{{ env \`${env[1]}\` }}`;
  if (/^-?\d+(\.\d+)?$/.test(expression)) return Number(expression);
  if (expression === "true" || expression === "false") return expression === "true";
  if (expression === "null") return null;
  if (/^"(?:[^"\\$%]|\\.)*"$/.test(expression)) return JSON.parse(expression);
  return new Unevaluated(`\${${expression}}`);
}
function evaluateJson(value, variables) {
  if (typeof value === "string") {
    return value.replace(/\{\{\s*user\s+(?:`([^`]*)`|"([^"]*)")\s*\}\}/g, (_, a, b) => {
      const name = a ?? b ?? "";
      const v = variables.get(name);
      if (v === void 0) throw new UndefinedReference(`user variable '${name}'`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v) => evaluateJson(v, variables));
  if (value !== null && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = evaluateJson(v, variables);
    return out;
  }
  return value;
}

// src/core/packer/read-template.ts
var PackerTemplateError = class extends Error {
  constructor(problems) {
    super(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join("\n"));
    this.problems = problems;
  }
  problems;
  name = "PackerTemplateError";
};
async function readPackerTemplate(template, options = {}) {
  const cwd = options.cwd ?? process.cwd();
  const abs = path.resolve(cwd, template);
  if (!existsSync(abs)) throw problem(template, 1, 1, "no such file or folder");
  if (statSync(abs).isDirectory()) {
    const files = readdirSync(abs).filter((f) => f.endsWith(".pkr.hcl") || f.endsWith(".pkr.json")).sort().map((f) => path.join(template, f));
    if (files.length === 0) throw problem(template, 1, 1, "the folder has no *.pkr.hcl file");
    return readHcl(files, template, options, cwd);
  }
  if (template.endsWith(".json") && !template.endsWith(".pkr.json")) return readJson(template, options, cwd);
  return readHcl([template], path.dirname(template), options, cwd);
}
function readJson(file, options, cwd) {
  const text = readText(file, cwd);
  const doc = parseJsonLocated(text, file);
  if (!isObject(doc)) throw problem(file, 1, 1, 'expected a JSON object with "builders"');
  const variables = /* @__PURE__ */ new Map();
  for (const [k, v] of Object.entries(isObject(doc.variables) ? doc.variables : {})) variables.set(k, v === null ? "" : String(v));
  for (const varFile of options.varFiles ?? []) {
    const values = parseJsonLocated(readText(varFile, cwd), varFile);
    if (!isObject(values)) throw problem(varFile, 1, 1, "expected a JSON object of variable values");
    for (const [k, v] of Object.entries(values)) variables.set(k, String(v));
  }
  for (const [k, v] of Object.entries(options.vars ?? {})) variables.set(k, v);
  for (const [k, v] of variables) variables.set(k, expandJson(v, variables, file, text));
  if (!Array.isArray(doc.builders) || doc.builders.length === 0) throw problem(file, ...locate(text, '"builders"'), 'expected "builders", a list of builders');
  const sources = doc.builders.map((b, i) => {
    if (!isObject(b) || typeof b.type !== "string") throw problem(file, ...locate(text, '"builders"'), `builders[${i}] needs a "type"`);
    const { type, name, ...rest } = b;
    return { type, name: typeof name === "string" ? name : type, options: expandJson(rest, variables, file, text) };
  });
  const provisioners = [];
  for (const p of Array.isArray(doc.provisioners) ? doc.provisioners : []) {
    if (!isObject(p) || typeof p.type !== "string") throw problem(file, ...locate(text, '"provisioners"'), 'every provisioner needs a "type"');
    const { type, ...rest } = p;
    provisioners.push({ type, options: expandJson(rest, variables, file, text) });
  }
  const postProcessors = (Array.isArray(doc["post-processors"]) ? doc["post-processors"] : []).flat().map((p) => isObject(p) ? String(p.type) : String(p));
  const sensitive = /* @__PURE__ */ new Map();
  for (const name of Array.isArray(doc["sensitive-variables"]) ? doc["sensitive-variables"] : []) {
    const v = variables.get(String(name));
    if (v) sensitive.set(String(name), v);
  }
  return { dir: path.dirname(path.resolve(cwd, file)), builds: [{ name: baseName(file), sources, provisioners, postProcessors }], sensitive };
}
function expandJson(value, variables, file, text) {
  try {
    return evaluateJson(value, variables);
  } catch (err) {
    if (err instanceof UndefinedReference) {
      const name = /'(.*)'/.exec(err.reference)?.[1] ?? "";
      throw problem(file, ...locate(text, name), `${err.reference} is used but not declared under "variables"`);
    }
    throw err;
  }
}
function parseJsonLocated(text, file) {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = err.message;
    const m = /line (\d+) column (\d+)/.exec(message);
    const pos = /position (\d+)/.exec(message);
    const [line, column] = m ? [Number(m[1]), Number(m[2])] : pos ? lineColumn(text, Number(pos[1])) : [1, 1];
    throw problem(file, line, column, `JSON: ${message.replace(/ in JSON at position.*$/, "").replace(/\s*\(line.*$/, "")}`);
  }
}
async function readHcl(files, dir, options, cwd) {
  const parsed = [];
  const autoVarFiles = existsSync(path.resolve(cwd, dir)) ? readdirSync(path.resolve(cwd, dir)).filter((f) => f.endsWith(".auto.pkrvars.hcl")).sort().map((f) => path.join(dir, f)) : [];
  for (const file of files) parsed.push(await parseHclFile(file, cwd));
  const varFiles = [];
  for (const file of [...autoVarFiles, ...options.varFiles ?? []]) {
    varFiles.push(await parseHclFile(file, cwd));
  }
  const declared = /* @__PURE__ */ new Map();
  for (const f of parsed) {
    for (const [name, blocks] of Object.entries(asObject(f.body.variable))) {
      const block = asObject(asList(blocks)[0]);
      declared.set(name, { raw: block.default ?? null, type: typeof block.type === "string" ? block.type : "", sensitive: block.sensitive === true, at: f });
    }
  }
  const noRefs = { variables: /* @__PURE__ */ new Map(), local: () => void 0 };
  const variables = /* @__PURE__ */ new Map();
  for (const [name, d] of declared)
    variables.set(
      name,
      evaluateOrThrow(() => evaluateHcl(d.raw, noRefs), d.at, `variable "${name}"`)
    );
  for (const vf of varFiles) {
    for (const [name, raw] of Object.entries(vf.body)) {
      if (!declared.has(name)) throw problem(vf.file, ...locate(vf.text, name), `variable "${name}" is set but not declared in the template (variable "${name}" {})`);
      variables.set(
        name,
        evaluateOrThrow(() => evaluateHcl(raw, noRefs), vf, name)
      );
    }
  }
  for (const [name, value] of Object.entries(options.vars ?? {})) {
    const d = declared.get(name);
    if (!d) throw problem("--var", 1, 1, `variable "${name}" is not declared in the template; declared: ${[...declared.keys()].join(", ") || "none"}`);
    variables.set(name, typedCliValue(value, d.type));
  }
  const localRaw = /* @__PURE__ */ new Map();
  for (const f of parsed) {
    for (const block of asList(f.body.locals)) for (const [k, v] of Object.entries(asObject(block))) localRaw.set(k, { raw: v, at: f });
    for (const [k, blocks] of Object.entries(asObject(f.body.local))) localRaw.set(k, { raw: asObject(asList(blocks)[0]).expression, at: f });
  }
  const localValues = /* @__PURE__ */ new Map();
  const evaluating = /* @__PURE__ */ new Set();
  const scope = {
    variables,
    local(name) {
      if (localValues.has(name)) return localValues.get(name);
      const l = localRaw.get(name);
      if (!l) return void 0;
      if (evaluating.has(name)) throw problem(l.at.file, ...locate(l.at.text, name), `local.${name} refers to itself`);
      evaluating.add(name);
      const v = evaluateOrThrow(() => evaluateHcl(l.raw, scope), l.at, `local.${name}`);
      evaluating.delete(name);
      localValues.set(name, v);
      return v;
    }
  };
  const sources = /* @__PURE__ */ new Map();
  for (const f of parsed) {
    for (const [type, byName] of Object.entries(asObject(f.body.source))) {
      for (const [name, blocks] of Object.entries(asObject(byName))) sources.set(`source.${type}.${name}`, { type, name, raw: asObject(asList(blocks)[0]), at: f });
    }
  }
  const builds = [];
  for (const f of parsed) {
    const order = provisionerOrder(f.text);
    for (const [index, buildRaw] of asList(f.body.build).entries()) {
      const build = asObject(buildRaw);
      const used = [];
      const refs = asList(build.sources).map((r) => ({ ref: String(r), override: {} }));
      for (const [ref, blocks] of Object.entries(asObject(build.source))) for (const b of asList(blocks)) refs.push({ ref, override: asObject(b) });
      for (const { ref, override } of refs) {
        const s = sources.get(ref);
        if (!s) throw problem(f.file, ...locate(f.text, ref), `${ref} is not declared (source "${ref.split(".")[1] ?? ""}" "${ref.split(".")[2] ?? ""}" {})`);
        const { name: renamed, ...overrides } = override;
        const merged = { ...s.raw, ...overrides };
        const options2 = {};
        for (const [k, v] of Object.entries(merged)) options2[k] = evaluateOrThrow(() => evaluateHcl(v, scope), s.at, k);
        used.push({ type: s.type, name: typeof renamed === "string" ? renamed : s.name, options: options2 });
      }
      const listed = Array.isArray(build.provisioner) ? build.provisioner.flatMap((p) => Object.entries(asObject(p))) : void 0;
      const grouped = {};
      for (const [type, body] of listed ?? []) grouped[type] = [...asList(grouped[type]), ...asList(body)];
      if (!listed) Object.assign(grouped, asObject(build.provisioner));
      const taken = /* @__PURE__ */ new Map();
      const provisioners = [];
      const typesInOrder = listed ? listed.map(([type]) => type) : order.get(index) ?? Object.keys(grouped);
      for (const type of typesInOrder) {
        const n = taken.get(type) ?? 0;
        taken.set(type, n + 1);
        const raw = asList(grouped[type])[n];
        if (raw === void 0) continue;
        const opts = {};
        for (const [k, v] of Object.entries(asObject(raw))) opts[k] = evaluateOrThrow(() => evaluateHcl(v, scope), f, k);
        provisioners.push({ type, options: opts });
      }
      const postProcessors = [...Object.keys(asObject(build["post-processor"])), ...asList(build["post-processors"]).flatMap((b) => Object.keys(asObject(asObject(b)["post-processor"])))];
      builds.push({ name: typeof build.name === "string" ? build.name : baseName(f.file), sources: used, provisioners, postProcessors });
    }
  }
  if (builds.length === 0) throw problem(files[0], 1, 1, "the template has no build block (build { sources = [...] })");
  const sensitive = /* @__PURE__ */ new Map();
  for (const [name, d] of declared) {
    const v = variables.get(name);
    if (d.sensitive && (typeof v === "string" || typeof v === "number")) sensitive.set(name, String(v));
  }
  return { dir: path.resolve(cwd, dir), builds, sensitive };
}
function provisionerOrder(text) {
  const order = /* @__PURE__ */ new Map();
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " ")).replace(/(^|\s)(#|\/\/).*$/gm, "$1");
  let build = -1;
  for (const m of withoutComments.matchAll(/^\s*(build\s*\{|provisioner\s+"([^"]+)")/gm)) {
    if (m[1].startsWith("build")) {
      build++;
      order.set(build, []);
    } else if (build >= 0) order.get(build).push(m[2]);
  }
  return order;
}
async function parseHclFile(file, cwd) {
  const text = readText(file, cwd);
  if (file.endsWith(".json")) return { file, text, body: parseJsonLocated(text, file) };
  try {
    const { parse: parseHcl } = await import("./lib-A74O5AKQ.js");
    return { file, text, body: await parseHcl(file, text) };
  } catch (err) {
    const message = String(err.message ?? err);
    const m = /:(\d+),(\d+)-[\d,]+:\s*([^\]]*)/.exec(message);
    throw problem(file, m ? Number(m[1]) : 1, m ? Number(m[2]) : 1, `HCL: ${m ? m[3].trim() : message}`);
  }
}
function evaluateOrThrow(run, at, where) {
  try {
    return run();
  } catch (err) {
    if (err instanceof UndefinedReference) throw problem(at.file, ...locate(at.text, err.reference), `${where}: ${err.message}`);
    throw err;
  }
}
function typedCliValue(value, type) {
  if (type === "${number}" && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === "${bool}" && (value === "true" || value === "false")) return value === "true";
  if (type.startsWith("${list") || type.startsWith("${map") || type.startsWith("${object")) return new Unevaluated(value);
  return value;
}
function readText(file, cwd) {
  try {
    return readFileSync(path.resolve(cwd, file), "utf8");
  } catch (err) {
    const reason = err.code === "ENOENT" ? "no such file" : err.message;
    throw problem(file, 1, 1, `cannot read: ${reason}`);
  }
}
function problem(file, line, column, message) {
  return new PackerTemplateError([{ file, line, column, path: "", message }]);
}
function locate(text, needle) {
  const at = needle ? text.indexOf(needle) : -1;
  return at < 0 ? [1, 1] : lineColumn(text, at);
}
function lineColumn(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return [line, offset - before.lastIndexOf("\n")];
}
function baseName(file) {
  return path.basename(file).replace(/\.(pkr\.hcl|pkr\.json|json|hcl)$/, "");
}
function isObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
function asObject(v) {
  return isObject(v) ? v : {};
}
function asList(v) {
  return Array.isArray(v) ? v : v === void 0 ? [] : [v];
}

// src/core/packer/to-build.ts
import { globSync } from "node:fs";
import path2 from "node:path";
var VM_KEYS = [
  "name",
  "source",
  "cpu",
  "cpuModel",
  "memory",
  "machineType",
  "efiFirmware",
  "disks",
  "cdroms",
  "nics",
  "httpDirectory",
  "httpContent",
  "bootWait",
  "bootKeyInterval",
  "bootCommand",
  "communicator",
  "provisioners",
  "shutdownCommand",
  "shutdownTimeout",
  "output",
  "vmName",
  "qemuArgs"
];
var NEAREST_FIELD = {
  iso_target_path: "source",
  iso_target_extension: "source",
  iso_skip_cache: "source",
  use_backing_file: "source",
  disk_cache: "disks",
  disk_discard: "disks",
  disk_detect_zeroes: "disks",
  skip_resize_disk: "disks",
  skip_compaction: "output",
  output_directory: "output",
  qemu_img_args: "output",
  net_bridge: "nics",
  accelerator: "cpu",
  sockets: "cpu",
  cores: "cpu",
  threads: "cpu",
  qemu_binary: "cpu",
  qemuargs: "cpu",
  headless: "cpu",
  display: "cpu",
  use_default_display: "cpu",
  vga: "cpu",
  qmp_enable: "cpu",
  qmp_socket_path: "cpu",
  vtpm: "efiFirmware",
  use_tpm1: "efiFirmware",
  tpm_device_type: "efiFirmware",
  efi_firmware_code: "efiFirmware",
  efi_firmware_vars: "efiFirmware",
  efi_drop_efivars: "efiFirmware",
  firmware: "efiFirmware",
  use_pflash: "efiFirmware",
  vnc_bind_address: "bootCommand",
  vnc_port_min: "bootCommand",
  vnc_port_max: "bootCommand",
  vnc_use_password: "bootCommand",
  disable_vnc: "bootCommand",
  boot_keygroup_interval: "bootCommand",
  http_port_min: "httpDirectory",
  http_port_max: "httpDirectory",
  http_bind_address: "httpDirectory",
  http_interface: "httpDirectory",
  http_network_protocol: "httpDirectory",
  cd_content: "cdroms",
  floppy_content: "cdroms",
  iso_volume_name: "source",
  instance_type: "cpu",
  preference: "machineType"
};
var SECRET_OPTION = /password|secret|token|passphrase/i;
var IMPORTED_BUILDERS = ["qemu", "kubevirt-iso"];
function toBuild(template) {
  const notes = [];
  const vms = [];
  const names = /* @__PURE__ */ new Set();
  const first = template.builds[0];
  for (const build2 of template.builds) {
    for (const source of build2.sources) {
      const label = `source.${source.type}.${source.name}`;
      if (!IMPORTED_BUILDERS.includes(source.type)) {
        notes.push({ path: ["layers", 0, "vms"], option: label, comment: `packer: ${label} skipped: only qemu and kubevirt-iso builders are imported`, warn: true });
        continue;
      }
      const vmPath = ["layers", 0, "vms", vms.length];
      const name = uniqueName(kubeName(source.name), names);
      vms.push(mapSource(source, build2, name, vmPath, template.dir, notes));
    }
    for (const pp of build2.postProcessors) {
      notes.push({ path: [], option: `post-processor "${pp}"`, comment: `packer: post-processor "${pp}" not imported: publishing is the publish step (ruddervirt publish / publish-containerdisk)`, warn: true });
    }
  }
  const build = { name: kubeName(first.name), layers: [{ name: "packer", vms }] };
  const text = JSON.stringify(build);
  for (const [name, value] of template.sensitive) {
    if (value.length >= 3 && !value.startsWith("{{") && text.includes(JSON.stringify(value).slice(1, -1))) {
      notes.push({
        path: [],
        before: "name",
        option: `variable "${name}"`,
        comment: `packer: variable "${name}" is sensitive and its value is written into this build file: replace it with {{ env \`NAME\` }} (masked in logs) before committing the file`,
        warn: true
      });
    }
  }
  return { build, notes };
}
function mapSource(source, build, name, vmPath, dir, notes) {
  const o = source.options;
  const vm = { name };
  const prefix = `source.${source.type}.${source.name}`;
  const consumed = /* @__PURE__ */ new Set(["type"]);
  const take = (key) => {
    if (!Object.hasOwn(o, key)) return void 0;
    consumed.add(key);
    const v = o[key];
    if (v instanceof Unevaluated) {
      note(key, `uses ${v.expression}, which import-packer does not evaluate (functions and expressions other than var., local. and path.root): write the value`);
      return void 0;
    }
    return v;
  };
  const note = (key, why, where = vmPath, before = NEAREST_FIELD[key] ?? fieldOf(PACKER_BUILDER_OPTIONS[key]), warn = true) => {
    consumed.add(key);
    notes.push({ path: where, before, option: `${prefix}.${key}`, comment: `packer: ${key} = ${shown(key, o[key])}: ${why}`, warn });
  };
  const urls = take("iso_urls");
  const single = take("iso_url");
  const all = typeof single === "string" ? [single] : Array.isArray(urls) ? urls.filter((u) => typeof u === "string") : [];
  const url = all[0];
  const checksumRaw = take("iso_checksum");
  const diskImage = take("disk_image") === true;
  const checksum = checksumRaw === void 0 ? void 0 : normaliseChecksum(String(checksumRaw), dir);
  if (checksum?.why) note("iso_checksum", checksum.why, vmPath, "source");
  if (typeof url === "string") {
    const remote = /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
    const located = all.map((u) => /^[a-z][a-z0-9+.-]*:\/\//i.test(u) ? u : `file://${path2.resolve(dir, u)}`);
    const where = located.length > 1 ? { urls: located } : { url: remote ? url : located[0] };
    if (diskImage) vm.source = remote || located.length > 1 ? { ...where, checksum: checksum?.value } : { path: url };
    else vm.source = { iso: { ...where, checksum: checksum?.value } };
    if (!remote && !diskImage) note("iso_url", `a local ISO becomes a file:// URL (${url} relative to the template)`, vmPath, "source", false);
  } else if (Object.hasOwn(o, "iso_volume_name")) {
    note("iso_volume_name", "RudderVirt imports the ISO itself: give its URL and checksum as source.iso", vmPath, "source");
  }
  setIf(vm, "cpu", num(take("cpus")));
  setIf(vm, "cpuModel", str(take("cpu_model")));
  const memory = num(take("memory"));
  if (memory !== void 0) vm.memory = `${memory < 10 ? 512 : memory}Mi`;
  const machine = str(take("machine_type"));
  if (machine === "q35" || machine === "pc") vm.machineType = machine;
  else if (machine !== void 0) note("machine_type", `only q35 and pc exist here (${machine} is not offered by KubeVirt); q35 is used`, vmPath, "cpu");
  const efiCode = str(o.efi_firmware_code);
  const efi = take("efi_boot") === true || efiCode !== void 0 || o.efi_firmware_vars !== void 0;
  if (efi) vm.efiFirmware = efiCode !== void 0 && /secboot|\.ms\.|secure/i.test(efiCode) ? { secureBoot: true } : true;
  const bus = busOf(str(take("disk_interface")), (why) => note("disk_interface", why, vmPath, "disks"));
  const size = take("disk_size");
  const root = { name: "root" };
  if (size !== void 0) root.size = packerSize(size, (why) => note("disk_size", why, vmPath, "disks"));
  if (bus) root.bus = bus;
  const disks = [root];
  const extra = take("disk_additional_size");
  for (const [i, s] of (Array.isArray(extra) ? extra : []).entries()) {
    disks.push({ name: `data-${i + 1}`, size: packerSize(s, (why) => note("disk_additional_size", why, vmPath, "disks")), ...bus ? { bus } : {} });
  }
  if (size !== void 0 || bus || disks.length > 1) vm.disks = disks;
  const cdroms = [];
  const cdFiles = take("cd_files");
  const cdLabel = str(take("cd_label"));
  if (Array.isArray(cdFiles) && cdFiles.length > 0) cdroms.push({ name: "cd", files: expandGlobs(cdFiles.map(String), dir), ...cdLabel ? { label: cdLabel } : {} });
  const floppyFiles = [...asStrings(take("floppy_files")), ...asStrings(take("floppy_dirs"))];
  const floppyLabel = str(take("floppy_label"));
  if (floppyFiles.length > 0) {
    cdroms.push({ name: "floppy", files: expandGlobs(floppyFiles, dir), label: floppyLabel ?? "floppy" });
    notes.push({
      path: vmPath,
      before: "cdroms",
      option: `${prefix}.floppy_files`,
      comment: "packer: floppy_files: KubeVirt has no floppy drive, so these files are on a cdrom labelled like the floppy; Windows Setup also reads Autounattend.xml from the root of a CD",
      warn: true
    });
  }
  if (cdroms.length > 0) vm.cdroms = cdroms;
  const net = str(take("net_device"));
  if (net !== void 0) {
    const model = { "virtio-net": "virtio", "virtio-net-pci": "virtio", virtio: "virtio", e1000: "e1000", e1000e: "e1000e", rtl8139: "rtl8139" }[net];
    if (model) vm.nics = [{ model }];
    else note("net_device", `${net} is not offered (virtio, e1000, e1000e or rtl8139); the default virtio is used`, vmPath, "nics");
  }
  setIf(vm, "httpDirectory", str(take("http_directory")));
  const httpContent = take("http_content");
  if (httpContent && typeof httpContent === "object" && !Array.isArray(httpContent)) vm.httpContent = httpContent;
  setIf(vm, "bootWait", str(take("boot_wait")));
  setIf(vm, "bootKeyInterval", str(take("boot_key_interval")));
  const boot = take("boot_command");
  if (Array.isArray(boot)) vm.bootCommand = boot.map(String);
  else if (typeof boot === "string") vm.bootCommand = [boot];
  const steps = take("boot_steps");
  if (Array.isArray(steps) && steps.length > 0) {
    vm.bootCommand = steps.map((s) => String(Array.isArray(s) ? s[0] : s));
    const described = steps.filter((s) => Array.isArray(s) && s[1] !== void 0).map((s) => String(s[1]));
    note("boot_steps", `joined into bootCommand; the step descriptions were: ${described.join(" | ") || "(none)"}`, vmPath, "bootCommand", false);
  }
  vm.communicator = mapCommunicator(o, consumed, vmPath, prefix, notes);
  const provisioners = [];
  const provPath = [...vmPath, "provisioners"];
  for (const p of build.provisioners) {
    if (!appliesTo(p, source)) continue;
    const mapped = mapProvisioner(p, provPath, provisioners.length, notes);
    if (mapped) provisioners.push(mapped);
  }
  if (provisioners.length > 0) vm.provisioners = provisioners;
  else if (notes.some((n) => n.path.join(".") === provPath.join("."))) {
    for (const n of notes) if (n.path.join(".") === provPath.join(".")) Object.assign(n, { path: vmPath, before: "shutdownCommand" });
  }
  setIf(vm, "shutdownCommand", str(take("shutdown_command")));
  setIf(vm, "shutdownTimeout", str(take("shutdown_timeout")));
  const format = str(take("format"));
  const compress = take("disk_compression") === true;
  if (format !== void 0 || compress) {
    const output = {};
    if (format) output.format = format;
    if (compress && format !== "raw") Object.assign(output, { compress: true, compressionType: "zlib" });
    if (compress && format === "raw") note("disk_compression", "Packer ignores it with format raw too", vmPath, "output");
    vm.output = output;
  }
  setIf(vm, "vmName", str(take("vm_name")));
  const qemuargs = take("qemuargs");
  if (Array.isArray(qemuargs)) {
    const lists = qemuargs.filter((e) => Array.isArray(e) && e.length > 0 && e.every((x) => typeof x === "string"));
    const entries = lists.filter((e) => !qemuSwitchProblem(e[0]));
    const left = [...qemuargs.filter((e) => !lists.includes(e)).map((e) => JSON.stringify(e)), ...lists.filter((e) => !entries.includes(e)).map((e) => `[${e.join(", ")}]`)];
    if (left.length > 0) note("qemuargs", `left out: ${left.join("; ")} (RudderVirt drives the VM through these switches itself, or the entry is not a list of strings)`, vmPath, "qemuArgs");
    if (entries.length > 0) {
      vm.qemuArgs = entries;
      note(
        "qemuargs",
        "qemuArgs are passed to QEMU by the local engine only (the kubevirt engine refuses them); RudderVirt appends them after its own arguments, where Packer replaces a default switch of the same name",
        vmPath,
        "qemuArgs",
        false
      );
    }
  }
  for (const key of Object.keys(o)) {
    if (consumed.has(key)) continue;
    const fate = PACKER_BUILDER_OPTIONS[key];
    if (fate?.kind === "unsupported") note(key, `not supported: ${fate.why}`);
    else if (fate) note(key, `not imported: ${fate.kind === "different" ? fate.note : `set ${fate.to} by hand`}`);
    else note(key, `not a ${source.type} option import-packer knows; not imported`, vmPath, void 0);
  }
  placeNotes(vm, vmPath, notes);
  return vm;
}
function mapCommunicator(o, consumed, vmPath, prefix, notes) {
  const path4 = [...vmPath, "communicator"];
  const type = str(o.communicator) ?? (Object.keys(o).some((k) => k.startsWith("winrm_")) ? "winrm" : "ssh");
  consumed.add("communicator");
  const c = { type: type === "none" ? "none" : "ssh" };
  if (type === "winrm") {
    notes.push({
      path: path4,
      before: "type",
      option: `${prefix}.communicator`,
      comment: `packer: communicator = "winrm": ${String(PACKER_BUILDER_OPTIONS.winrm_username.note)}; the WinRM user, password and timeout are used for SSH`,
      warn: true
    });
  }
  for (const [key, value] of Object.entries(o)) {
    if (!key.startsWith("ssh_") && !key.startsWith("winrm_") && key !== "pause_before_connecting") continue;
    consumed.add(key);
    const fate = PACKER_BUILDER_OPTIONS[key];
    const to = fate && fate.kind !== "unsupported" && fate.to.startsWith("communicator.") ? fate.to.slice("communicator.".length) : void 0;
    if (value instanceof Unevaluated) {
      notes.push({ path: path4, option: `${prefix}.${key}`, comment: `packer: ${key}: uses ${value.expression}, which import-packer does not evaluate: write the value`, warn: true });
    } else if (to && (type !== "winrm" || key.startsWith("winrm_") || key === "pause_before_connecting")) {
      c[to] = value;
    } else {
      const why = fate?.kind === "unsupported" ? fate.why : fate ? `ignored with communicator ${type}` : "not a communicator option import-packer knows";
      notes.push({ path: path4, option: `${prefix}.${key}`, comment: `packer: ${key} = ${shown(key, value)}: not supported: ${why}`, warn: true });
    }
  }
  return c;
}
function appliesTo(p, source) {
  const names = [source.name, `${source.type}.${source.name}`, `source.${source.type}.${source.name}`];
  const only = p.options.only;
  const except = p.options.except;
  if (Array.isArray(only) && !only.some((n) => names.includes(String(n)))) return false;
  if (Array.isArray(except) && except.some((n) => names.includes(String(n)))) return false;
  return true;
}
function mapProvisioner(p, provPath, index, notes) {
  const label = `provisioner "${p.type}"`;
  if (!SUPPORTED_PROVISIONER_TYPES.includes(p.type)) {
    const why = UNSUPPORTED_PROVISIONERS[p.type] ?? "there is no RudderVirt provisioner of this type";
    notes.push({ path: provPath, before: index, option: label, comment: `packer: ${label} not imported: ${why}`, warn: true });
    return void 0;
  }
  const out = { type: p.type };
  const itemPath = [...provPath, index];
  for (const [key, value] of Object.entries(p.options)) {
    if (key === "only" || key === "except") continue;
    const fate = PACKER_PROVISIONER_OPTIONS[key];
    if (value instanceof Unevaluated) {
      notes.push({ path: itemPath, option: `${label}.${key}`, comment: `packer: ${key}: uses ${value.expression}, which import-packer does not evaluate: write the value`, warn: true });
    } else if (fate && fate.kind !== "unsupported") {
      out[fate.to] = key === "inline" && typeof value === "string" ? [value] : value;
    } else {
      const why = fate?.kind === "unsupported" ? fate.why : `not a ${p.type} option import-packer knows`;
      notes.push({ path: itemPath, option: `${label}.${key}`, comment: `packer: ${key} = ${shown(key, value)}: not supported: ${why}`, warn: true });
    }
  }
  return out;
}
function placeNotes(vm, vmPath, notes) {
  const here = vmPath.join(".");
  for (const n of notes) {
    if (n.path.join(".") !== here || typeof n.before !== "string" || Object.hasOwn(vm, n.before)) continue;
    const start = VM_KEYS.indexOf(n.before);
    n.before = start < 0 ? void 0 : VM_KEYS.slice(start + 1).find((k) => Object.hasOwn(vm, k));
  }
}
function fieldOf(fate) {
  if (!fate || fate.kind === "unsupported") return void 0;
  const first = /^[A-Za-z]+/.exec(fate.to)?.[0];
  return first && VM_KEYS.includes(first) ? first : void 0;
}
function normaliseChecksum(text, dir = ".") {
  const t = text.trim();
  if (t.toLowerCase() === "none") return { why: "none (no checksum) is not accepted: every download is checked; put the digest here" };
  if (t.toLowerCase().startsWith("file:")) {
    const location = t.slice("file:".length);
    return { value: /^[a-z][a-z0-9+.-]*:\/\//i.test(location) ? `file:${location}` : `file:${path2.resolve(dir, location)}` };
  }
  const colon = t.indexOf(":");
  if (colon > 0) return { value: `${t.slice(0, colon).toLowerCase()}:${t.slice(colon + 1).toLowerCase()}` };
  const algo = { 32: "md5", 40: "sha1", 64: "sha256", 128: "sha512" }[t.length];
  return algo && /^[0-9a-f]+$/i.test(t) ? { value: `${algo}:${t.toLowerCase()}` } : { value: t };
}
function packerSize(value, report) {
  const m = /^(\d+)\s*([bkmgt])?$/i.exec(String(value).trim());
  if (!m) {
    report(`${String(value)} is not a Packer size (digits and b, k, m, g or t); write the size by hand, e.g. 20Gi`);
    return void 0;
  }
  const unit = (m[2] ?? "m").toLowerCase();
  if (unit === "b") return Number(m[1]);
  return `${m[1]}${{ k: "Ki", m: "Mi", g: "Gi", t: "Ti" }[unit]}`;
}
function busOf(iface, report) {
  if (iface === void 0) return void 0;
  const bus = { virtio: "virtio", "virtio-scsi": "scsi", scsi: "scsi", sata: "sata", ide: "sata" }[iface];
  if (iface === "ide") report("ide becomes sata: KubeVirt rejects the IDE bus");
  else if (!bus) report(`${iface} is not a bus here (virtio, sata or scsi); the default virtio is used`);
  return bus;
}
function expandGlobs(patterns, dir) {
  const out = [];
  for (const p of patterns) {
    if (!/[*?[]/.test(p)) {
      out.push(p);
      continue;
    }
    const hits = globSync(p, { cwd: dir }).sort();
    out.push(...hits.length > 0 ? hits : [p]);
  }
  return out;
}
function kubeName(text) {
  const n = text.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63).replace(/-+$/, "");
  return n || "packer";
}
function uniqueName(name, taken) {
  let n = name;
  for (let i = 2; taken.has(n); i++) n = `${name}-${i}`;
  taken.add(n);
  return n;
}
function shown(key, value) {
  if (value === void 0) return "(unset)";
  if (SECRET_OPTION.test(key)) return "(secret, not shown)";
  const text = value instanceof Unevaluated ? value.expression : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
function setIf(target, key, value) {
  if (value !== void 0) target[key] = value;
}
function str(v) {
  return v === void 0 || v === null || typeof v === "object" ? void 0 : String(v);
}
function num(v) {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
  return void 0;
}
function asStrings(v) {
  return Array.isArray(v) ? v.map(String) : [];
}

// src/core/packer/import-packer.ts
async function importPacker(template, options = {}) {
  const read = await readPackerTemplate(template, options);
  const { build, notes } = toBuild(read);
  const yaml = renderYaml(build, notes, template);
  const warnings = notes.filter((n) => n.warn).map(warningOf);
  const asFile = path3.join(read.dir, "build.yaml");
  try {
    const loaded = loadBuildText(yaml, asFile, { env: options.env ?? process.env, cwd: options.cwd });
    return { yaml, warnings, notes, build: loaded, problems: [] };
  } catch (err) {
    if (!(err instanceof BuildFileError)) throw err;
    return { yaml, warnings, notes, problems: err.problems.map((p) => ({ ...p, file: "<stdout>" })) };
  }
}
function warningOf(n) {
  const body = n.comment.replace(/^packer: /, "");
  const dot = n.option.lastIndexOf(".");
  const key = n.option.slice(dot + 1);
  return dot > 0 && body.startsWith(key) ? `${n.option.slice(0, dot)}: ${body}` : body;
}
function renderYaml(build, notes, template) {
  const doc = new import_yaml.Document(build);
  doc.commentBefore = ` Imported from ${path3.basename(template)} by ruddervirt import-packer. Lines starting "packer:" are
 options that did not carry over (also printed as warnings); review them before the first build.`;
  for (const n of notes) {
    const target = n.path.length === 0 ? doc.contents : doc.getIn(n.path, true);
    attach(target ?? doc.contents, n);
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}
function attach(target, n) {
  const line = ` ${n.comment}`;
  if ((0, import_yaml.isMap)(target)) {
    const pair = n.before === void 0 ? void 0 : target.items.find((p) => (0, import_yaml.isScalar)(p.key) && p.key.value === n.before);
    if (pair && (0, import_yaml.isScalar)(pair.key)) {
      pair.key.commentBefore = pair.key.commentBefore ? `${pair.key.commentBefore}
${line}` : line;
      return;
    }
  }
  if ((0, import_yaml.isSeq)(target) && typeof n.before === "number") {
    const item = target.items[n.before];
    if (item && ((0, import_yaml.isMap)(item) || (0, import_yaml.isScalar)(item) || (0, import_yaml.isSeq)(item))) {
      item.commentBefore = item.commentBefore ? `${item.commentBefore}
${line}` : line;
      return;
    }
  }
  if ((0, import_yaml.isMap)(target) || (0, import_yaml.isSeq)(target) || (0, import_yaml.isScalar)(target)) target.comment = target.comment ? `${target.comment}
${line}` : line;
}

// src/cli/commands/import-packer.ts
function parseImportPackerArgs(args) {
  const positional = [];
  const varFiles = [];
  const vars = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("-") && eq > 0 ? arg.slice(0, eq) : arg;
    const value = () => {
      const v = flag !== arg ? arg.slice(eq + 1) : args[++i];
      if (v === void 0) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--var-file" || flag === "-var-file") varFiles.push(value());
    else if (flag === "--var" || flag === "-var") {
      const assignment = value();
      const at = assignment.indexOf("=");
      if (at <= 0) throw new UsageError(`--var expects NAME=VALUE, got '${assignment}'`);
      vars[assignment.slice(0, at)] = assignment.slice(at + 1);
    } else if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option '${arg}'`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new UsageError("expected one Packer template (a .json or .pkr.hcl file, or a folder of .pkr.hcl files)");
  return { template: positional[0], varFiles, vars };
}
var importPackerCommand = {
  name: "import-packer",
  summary: "Turn a Packer template (JSON or HCL2, qemu builder) into a build file",
  usage: `Usage: ruddervirt import-packer TEMPLATE [--var-file FILE]... [--var NAME=VALUE]...

Reads a Packer template \u2014 a JSON file, a .pkr.hcl file, or a folder of .pkr.hcl files with their
variables, locals and *.auto.pkrvars.hcl \u2014 and prints the equivalent build file on stdout: its qemu
and kubevirt-iso sources become VMs, its shell, file, windows-restart and windows-update
provisioners come along, and Packer's variables are expanded the way Packer expands them (boot
commands keep {{ .HTTPIP }}, {{ .HTTPPort }} and {{ .Name }} for build time).

Every option that has no place in a build file is written as a "# packer:" comment where it would
go and printed as a warning on stderr, with the reason. The result is checked like 'validate' does,
as if saved beside the template. Exit 0 when it validates; 1 when the template is broken or the
result does not validate (the problems are printed with their lines).

Options:
  --var-file FILE    A *.pkrvars.hcl (HCL2) or JSON (legacy) file of variable values (repeatable)
  --var NAME=VALUE   Set a template variable (repeatable; applied after the var files)

Example:
  ruddervirt import-packer fedora.pkr.hcl --var-file prod.pkrvars.hcl > fedora.yaml
`,
  async run(args, io) {
    const { template, varFiles, vars } = parseImportPackerArgs(args);
    try {
      const result = await importPacker(template, { varFiles, vars, cwd: io.cwd, env: io.env });
      io.stdout.write(result.yaml);
      for (const w of result.warnings) io.stderr.write(`warning: ${w}
`);
      if (result.problems.length > 0) {
        for (const p of result.problems) io.stderr.write(`${formatProblem(p)}
`);
        io.stderr.write(`${template}: the imported build file does not validate (${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}; lines refer to stdout)
`);
        return 1;
      }
      return 0;
    } catch (err) {
      if (!(err instanceof PackerTemplateError)) throw err;
      for (const p of err.problems) io.stderr.write(`${formatProblem(p)}
`);
      return 1;
    }
  }
};
export {
  importPackerCommand,
  parseImportPackerArgs
};
