/**
 * Reads a Packer template — a JSON file, an HCL2 file or a folder of *.pkr.hcl files — into the
 * sources and provisioners of its builds, with Packer's variables already expanded.
 *
 * HCL2 is parsed by @cdktf/hcl2json (HashiCorp's HCL parser compiled to WebAssembly). Variable
 * precedence follows Packer (hashicorp/packer v1.9.x hcl2template/types.variables.go): default,
 * then *.auto.pkrvars.hcl in the folder, then each --var-file, then each --var.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { BuildProblem } from '../config/problems.js';
import { evaluateHcl, evaluateJson, UndefinedReference, Unevaluated, type HclScope, type PackerValue } from './template-values.js';

export interface PackerSource {
  /** Builder type: qemu, kubevirt-iso, … */
  type: string;
  name: string;
  options: Record<string, PackerValue>;
}

export interface PackerProvisioner {
  type: string;
  options: Record<string, PackerValue>;
}

export interface PackerBuild {
  /** The build block's name (HCL) or the template's file name. */
  name: string;
  sources: PackerSource[];
  provisioners: PackerProvisioner[];
  /** post-processor types, which have no build-file place. */
  postProcessors: string[];
}

export interface PackerTemplate {
  /** The folder relative paths in the template are relative to. */
  dir: string;
  builds: PackerBuild[];
  /** Values of variables declared sensitive (HCL `sensitive = true`, JSON "sensitive-variables"), by name. */
  sensitive: Map<string, string>;
}

export interface ReadOptions {
  varFiles?: readonly string[];
  vars?: Readonly<Record<string, string>>;
  cwd?: string;
}

/** A template that cannot be read; every problem is located. */
export class PackerTemplateError extends Error {
  override name = 'PackerTemplateError';
  constructor(readonly problems: BuildProblem[]) {
    super(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join('\n'));
  }
}

type Json = Record<string, unknown>;

export async function readPackerTemplate(template: string, options: ReadOptions = {}): Promise<PackerTemplate> {
  const cwd = options.cwd ?? process.cwd();
  const abs = path.resolve(cwd, template);
  if (!existsSync(abs)) throw problem(template, 1, 1, 'no such file or folder');
  if (statSync(abs).isDirectory()) {
    const files = readdirSync(abs)
      .filter((f) => f.endsWith('.pkr.hcl') || f.endsWith('.pkr.json'))
      .sort()
      .map((f) => path.join(template, f));
    if (files.length === 0) throw problem(template, 1, 1, 'the folder has no *.pkr.hcl file');
    return readHcl(files, template, options, cwd);
  }
  if (template.endsWith('.json') && !template.endsWith('.pkr.json')) return readJson(template, options, cwd);
  return readHcl([template], path.dirname(template), options, cwd);
}

// ---------------------------------------------------------------------------------------------
// JSON templates (the legacy format)

function readJson(file: string, options: ReadOptions, cwd: string): PackerTemplate {
  const text = readText(file, cwd);
  const doc = parseJsonLocated(text, file);
  if (!isObject(doc)) throw problem(file, 1, 1, 'expected a JSON object with "builders"');
  const variables = new Map<string, string>();
  for (const [k, v] of Object.entries(isObject(doc.variables) ? doc.variables : {})) variables.set(k, v === null ? '' : String(v));
  for (const varFile of options.varFiles ?? []) {
    const values = parseJsonLocated(readText(varFile, cwd), varFile);
    if (!isObject(values)) throw problem(varFile, 1, 1, 'expected a JSON object of variable values');
    for (const [k, v] of Object.entries(values)) variables.set(k, String(v));
  }
  for (const [k, v] of Object.entries(options.vars ?? {})) variables.set(k, v);
  // Variables may refer to others ({{user `a`}}/x): expanded in declaration order, as Packer does.
  for (const [k, v] of variables) variables.set(k, expandJson(v, variables, file, text) as string);

  if (!Array.isArray(doc.builders) || doc.builders.length === 0) throw problem(file, ...locate(text, '"builders"'), 'expected "builders", a list of builders');
  const sources: PackerSource[] = doc.builders.map((b, i) => {
    if (!isObject(b) || typeof b.type !== 'string') throw problem(file, ...locate(text, '"builders"'), `builders[${i}] needs a "type"`);
    const { type, name, ...rest } = b;
    return { type, name: typeof name === 'string' ? name : type, options: expandJson(rest, variables, file, text) as Record<string, PackerValue> };
  });
  const provisioners: PackerProvisioner[] = [];
  for (const p of Array.isArray(doc.provisioners) ? doc.provisioners : []) {
    if (!isObject(p) || typeof p.type !== 'string') throw problem(file, ...locate(text, '"provisioners"'), 'every provisioner needs a "type"');
    const { type, ...rest } = p;
    provisioners.push({ type, options: expandJson(rest, variables, file, text) as Record<string, PackerValue> });
  }
  const postProcessors = (Array.isArray(doc['post-processors']) ? doc['post-processors'] : []).flat().map((p) => (isObject(p) ? String(p.type) : String(p)));
  const sensitive = new Map<string, string>();
  for (const name of Array.isArray(doc['sensitive-variables']) ? doc['sensitive-variables'] : []) {
    const v = variables.get(String(name));
    if (v) sensitive.set(String(name), v);
  }
  return { dir: path.dirname(path.resolve(cwd, file)), builds: [{ name: baseName(file), sources, provisioners, postProcessors }], sensitive };
}

function expandJson(value: unknown, variables: Map<string, string>, file: string, text: string): PackerValue {
  try {
    return evaluateJson(value, variables);
  } catch (err) {
    if (err instanceof UndefinedReference) {
      const name = /'(.*)'/.exec(err.reference)?.[1] ?? '';
      throw problem(file, ...locate(text, name), `${err.reference} is used but not declared under "variables"`);
    }
    throw err;
  }
}

function parseJsonLocated(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const message = (err as Error).message;
    const m = /line (\d+) column (\d+)/.exec(message);
    const pos = /position (\d+)/.exec(message);
    const [line, column] = m ? [Number(m[1]), Number(m[2])] : pos ? lineColumn(text, Number(pos[1])) : [1, 1];
    throw problem(file, line, column, `JSON: ${message.replace(/ in JSON at position.*$/, '').replace(/\s*\(line.*$/, '')}`);
  }
}

// ---------------------------------------------------------------------------------------------
// HCL2 templates

interface HclFile {
  file: string;
  text: string;
  body: Json;
}

async function readHcl(files: string[], dir: string, options: ReadOptions, cwd: string): Promise<PackerTemplate> {
  const parsed: HclFile[] = [];
  const autoVarFiles = existsSync(path.resolve(cwd, dir))
    ? readdirSync(path.resolve(cwd, dir))
        .filter((f) => f.endsWith('.auto.pkrvars.hcl'))
        .sort()
        .map((f) => path.join(dir, f))
    : [];
  for (const file of files) parsed.push(await parseHclFile(file, cwd));
  const varFiles: HclFile[] = [];
  for (const file of [...autoVarFiles, ...(options.varFiles ?? [])]) {
    varFiles.push(await parseHclFile(file, cwd));
  }

  // Declarations: variable "name" { default, type }.
  const declared = new Map<string, { raw: unknown; type: string; sensitive: boolean; at: HclFile }>();
  for (const f of parsed) {
    for (const [name, blocks] of Object.entries(asObject(f.body.variable))) {
      const block = asObject(asList(blocks)[0]);
      declared.set(name, { raw: block.default ?? null, type: typeof block.type === 'string' ? block.type : '', sensitive: block.sensitive === true, at: f });
    }
  }
  const noRefs: HclScope = { variables: new Map(), local: () => undefined };
  const variables = new Map<string, PackerValue>();
  for (const [name, d] of declared)
    variables.set(
      name,
      evaluateOrThrow(() => evaluateHcl(d.raw, noRefs), d.at, `variable "${name}"`),
    );
  for (const vf of varFiles) {
    for (const [name, raw] of Object.entries(vf.body)) {
      if (!declared.has(name)) throw problem(vf.file, ...locate(vf.text, name), `variable "${name}" is set but not declared in the template (variable "${name}" {})`);
      variables.set(
        name,
        evaluateOrThrow(() => evaluateHcl(raw, noRefs), vf, name),
      );
    }
  }
  for (const [name, value] of Object.entries(options.vars ?? {})) {
    const d = declared.get(name);
    if (!d) throw problem('--var', 1, 1, `variable "${name}" is not declared in the template; declared: ${[...declared.keys()].join(', ') || 'none'}`);
    variables.set(name, typedCliValue(value, d.type));
  }

  // locals { a = … } blocks and local "a" { expression = … } blocks, evaluated on first use.
  const localRaw = new Map<string, { raw: unknown; at: HclFile }>();
  for (const f of parsed) {
    for (const block of asList(f.body.locals)) for (const [k, v] of Object.entries(asObject(block))) localRaw.set(k, { raw: v, at: f });
    for (const [k, blocks] of Object.entries(asObject(f.body.local))) localRaw.set(k, { raw: asObject(asList(blocks)[0]).expression, at: f });
  }
  const localValues = new Map<string, PackerValue>();
  const evaluating = new Set<string>();
  const scope: HclScope = {
    variables,
    local(name) {
      if (localValues.has(name)) return localValues.get(name);
      const l = localRaw.get(name);
      if (!l) return undefined;
      if (evaluating.has(name)) throw problem(l.at.file, ...locate(l.at.text, name), `local.${name} refers to itself`);
      evaluating.add(name);
      const v = evaluateOrThrow(() => evaluateHcl(l.raw, scope), l.at, `local.${name}`);
      evaluating.delete(name);
      localValues.set(name, v);
      return v;
    },
  };

  // source "type" "name" { … }
  const sources = new Map<string, { type: string; name: string; raw: Json; at: HclFile }>();
  for (const f of parsed) {
    for (const [type, byName] of Object.entries(asObject(f.body.source))) {
      for (const [name, blocks] of Object.entries(asObject(byName))) sources.set(`source.${type}.${name}`, { type, name, raw: asObject(asList(blocks)[0]), at: f });
    }
  }

  const builds: PackerBuild[] = [];
  for (const f of parsed) {
    const order = provisionerOrder(f.text);
    for (const [index, buildRaw] of asList(f.body.build).entries()) {
      const build = asObject(buildRaw);
      const used: PackerSource[] = [];
      const refs: Array<{ ref: string; override: Json }> = asList(build.sources).map((r) => ({ ref: String(r), override: {} }));
      // source "source.qemu.x" { name = "…", overrides } blocks inside build
      for (const [ref, blocks] of Object.entries(asObject(build.source))) for (const b of asList(blocks)) refs.push({ ref, override: asObject(b) });
      for (const { ref, override } of refs) {
        const s = sources.get(ref);
        if (!s) throw problem(f.file, ...locate(f.text, ref), `${ref} is not declared (source "${ref.split('.')[1] ?? ''}" "${ref.split('.')[2] ?? ''}" {})`);
        const { name: renamed, ...overrides } = override;
        const merged = { ...s.raw, ...overrides };
        const options: Record<string, PackerValue> = {};
        for (const [k, v] of Object.entries(merged)) options[k] = evaluateOrThrow(() => evaluateHcl(v, scope), s.at, k);
        used.push({ type: s.type, name: typeof renamed === 'string' ? renamed : s.name, options });
      }
      // HCL's JSON syntax (.pkr.json) writes provisioners as a list of { TYPE: {…} }, in order.
      const listed = Array.isArray(build.provisioner) ? build.provisioner.flatMap((p) => Object.entries(asObject(p))) : undefined;
      const grouped: Json = {};
      for (const [type, body] of listed ?? []) grouped[type] = [...asList(grouped[type]), ...asList(body)];
      if (!listed) Object.assign(grouped, asObject(build.provisioner));
      const taken = new Map<string, number>();
      const provisioners: PackerProvisioner[] = [];
      const typesInOrder = listed ? listed.map(([type]) => type) : (order.get(index) ?? Object.keys(grouped));
      for (const type of typesInOrder) {
        const n = taken.get(type) ?? 0;
        taken.set(type, n + 1);
        const raw = asList(grouped[type])[n];
        if (raw === undefined) continue;
        const opts: Record<string, PackerValue> = {};
        for (const [k, v] of Object.entries(asObject(raw))) opts[k] = evaluateOrThrow(() => evaluateHcl(v, scope), f, k);
        provisioners.push({ type, options: opts });
      }
      const postProcessors = [...Object.keys(asObject(build['post-processor'])), ...asList(build['post-processors']).flatMap((b) => Object.keys(asObject(asObject(b)['post-processor'])))];
      builds.push({ name: typeof build.name === 'string' ? build.name : baseName(f.file), sources: used, provisioners, postProcessors });
    }
  }
  if (builds.length === 0) throw problem(files[0]!, 1, 1, 'the template has no build block (build { sources = [...] })');
  const sensitive = new Map<string, string>();
  for (const [name, d] of declared) {
    const v = variables.get(name);
    if (d.sensitive && (typeof v === 'string' || typeof v === 'number')) sensitive.set(name, String(v));
  }
  return { dir: path.resolve(cwd, dir), builds, sensitive };
}

/**
 * hcl2json groups a build's provisioner blocks by type, which loses their order; the order is
 * read back from the text: the n-th `provisioner "T"` line of the n-th build block. (A
 * `provisioner "x"` inside a heredoc or comment would confuse this; no real template has one.)
 */
function provisionerOrder(text: string): Map<number, string[]> {
  const order = new Map<number, string[]>();
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|\s)(#|\/\/).*$/gm, '$1');
  let build = -1;
  for (const m of withoutComments.matchAll(/^\s*(build\s*\{|provisioner\s+"([^"]+)")/gm)) {
    if (m[1]!.startsWith('build')) {
      build++;
      order.set(build, []);
    } else if (build >= 0) order.get(build)!.push(m[2]!);
  }
  return order;
}

async function parseHclFile(file: string, cwd: string): Promise<HclFile> {
  const text = readText(file, cwd);
  // HCL's JSON syntax: the same blocks as objects; `${…}` strings are templates as in HCL.
  if (file.endsWith('.json')) return { file, text, body: parseJsonLocated(text, file) as Json };
  try {
    // Loaded here, not at the top: importing @cdktf/hcl2json starts its Go WebAssembly runtime,
    // about 0.3 s of CPU that every `ruddervirt` command paid although only import-packer parses HCL.
    const { parse: parseHcl } = await import('@cdktf/hcl2json');
    return { file, text, body: (await parseHcl(file, text)) as Json };
  } catch (err) {
    const message = String((err as Error).message ?? err);
    const m = /:(\d+),(\d+)-[\d,]+:\s*([^\]]*)/.exec(message);
    throw problem(file, m ? Number(m[1]) : 1, m ? Number(m[2]) : 1, `HCL: ${m ? m[3]!.trim() : message}`);
  }
}

function evaluateOrThrow(run: () => PackerValue, at: HclFile, where: string): PackerValue {
  try {
    return run();
  } catch (err) {
    if (err instanceof UndefinedReference) throw problem(at.file, ...locate(at.text, err.reference), `${where}: ${err.message}`);
    throw err;
  }
}

/** A --var value as the variable's declared type (hcl2json writes `type = number` as "${number}"). */
function typedCliValue(value: string, type: string): PackerValue {
  if (type === '${number}' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === '${bool}' && (value === 'true' || value === 'false')) return value === 'true';
  if (type.startsWith('${list') || type.startsWith('${map') || type.startsWith('${object')) return new Unevaluated(value);
  return value;
}

// ---------------------------------------------------------------------------------------------

function readText(file: string, cwd: string): string {
  try {
    return readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw problem(file, 1, 1, `cannot read: ${reason}`);
  }
}

function problem(file: string, line: number, column: number, message: string): PackerTemplateError {
  return new PackerTemplateError([{ file, line, column, path: '', message }]);
}

/** Line and column of the first occurrence of `needle` (1:1 when absent). */
function locate(text: string, needle: string): [number, number] {
  const at = needle ? text.indexOf(needle) : -1;
  return at < 0 ? [1, 1] : lineColumn(text, at);
}

function lineColumn(text: string, offset: number): [number, number] {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return [line, offset - before.lastIndexOf('\n')];
}

function baseName(file: string): string {
  return path.basename(file).replace(/\.(pkr\.hcl|pkr\.json|json|hcl)$/, '');
}

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
function asObject(v: unknown): Json {
  return isObject(v) ? v : {};
}
function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

export { Unevaluated };
