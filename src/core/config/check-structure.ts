/**
 * Walks a parsed YAML document against a spec (spec.ts): types, enums, formats, unknown keys,
 * required and mutually exclusive keys. It reports every problem it finds (not only the first) at
 * the line and column of the offending key or value, and returns the plain values that passed, so
 * the next stage can go on checking what is there. Values that failed are left out of objects and
 * become `undefined` holes in lists (indexes keep matching the file).
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import { didYouMean, suggest } from './did-you-mean.js';
import { packerPlace } from './packer-names.js';
import { checkFormat, formatRegExp, FORMATS, isTemplated } from './formats.js';
import { formatPath, type BuildProblem, type FieldPath } from './problems.js';
import { describeSpec, kindsOf, type NodeKind, type ObjectSpec, type Spec, type StringSpec, type TaggedSpec } from './spec.js';
import { MAX_ALIASES, resolveAliases, type AliasTable } from './yaml-aliases.js';

/** Renders a templated string at load time; errors carry offsets into `text`. */
export type TemplateHook = (text: string, spec: StringSpec, path: FieldPath) => { value: string; errors: Array<{ offset: number; message: string }>; secrets: string[] };

export interface StructureOptions {
  /** The file name used in messages. */
  file: string;
  text: string;
  lineCounter: LineCounter;
  /** Without a hook, templated strings are accepted as they are (the JSON Schema's view). */
  renderTemplate?: TemplateHook;
}

export interface Located {
  /** Offset of the key (for object properties) and of the value. */
  key?: number;
  value: number;
}

export interface StructureResult {
  value: unknown;
  problems: BuildProblem[];
  /** formatPath(path) → where that key/value is in the file. */
  positions: Map<string, Located>;
  /** Values of secret fields (passwords), after rendering. */
  secrets: string[];
}

const MAX_NODES = 200_000;
const MAX_DEPTH = 64;

export function checkStructure(doc: Document.Parsed, spec: Spec, options: StructureOptions): StructureResult {
  return new StructureWalker(doc, options).run(spec);
}

class StructureWalker {
  readonly problems: BuildProblem[] = [];
  readonly positions = new Map<string, Located>();
  readonly secrets: string[] = [];
  private nodes = 0;
  private tooBig = false;
  private readonly aliases: AliasTable;

  constructor(
    private readonly doc: Document.Parsed,
    private readonly options: StructureOptions,
  ) {
    this.aliases = resolveAliases(doc);
  }

  run(spec: Spec): StructureResult {
    const root = this.doc.contents;
    let value: unknown;
    if (this.aliases.overflowAt) {
      const at = nodeOffset(this.aliases.overflowAt, 0);
      this.report(at, [], `more than ${MAX_ALIASES} YAML aliases (*name); a build file needs a few — write the values out or use variables`);
    } else if (root === null || (isScalar(root) && root.value === null)) {
      this.report(0, [], `the file is empty; expected ${describeSpec(spec)} with ${requiredList(spec)}`);
    } else {
      this.positions.set('', { value: root.range?.[0] ?? 0 });
      value = this.walk(root, spec, [], 0);
    }
    return { value, problems: this.problems, positions: this.positions, secrets: this.secrets };
  }

  report(offset: number, path: FieldPath, message: string): void {
    const { line, col } = this.options.lineCounter.linePos(offset);
    this.problems.push({ file: this.options.file, line, column: col, path: formatPath(path), message });
  }

  private resolve(node: unknown): Node | null {
    let n = node as Node | null;
    for (let hops = 0; n && isAlias(n) && hops < 100; hops++) n = this.aliases.target(n);
    return n && isAlias(n) ? null : n;
  }

  private walk(raw: unknown, spec: Spec, path: FieldPath, depth: number): unknown {
    const node = this.resolve(raw);
    const known = this.positions.get(formatPath(path));
    const offset = known?.value ?? nodeOffset(raw as Node | null, this.options.text.length);
    if (!known) this.positions.set(formatPath(path), { value: offset });
    if (++this.nodes > MAX_NODES || depth > MAX_DEPTH) return this.tooLarge(offset, path);
    const kind = kindOfNode(node);
    let target = spec;
    if (spec.type === 'union') {
      const option = spec.options.find((o) => kindsOf(o).includes(kind));
      if (!option) return this.typeError(node, kind, spec, offset, path);
      target = option;
    }
    if (!kindsOf(target).includes(kind)) return this.typeError(node, kind, target, offset, path);
    switch (target.type) {
      case 'string':
        return this.string(node as Node, target, offset, path);
      case 'integer': {
        const v = (node as { value: number }).value;
        if (!Number.isInteger(v)) return this.fail(offset, path, `expected ${describeSpec(target)}, found ${v}`);
        if ((target.minimum !== undefined && v < target.minimum) || (target.maximum !== undefined && v > target.maximum)) {
          return this.fail(offset, path, `${v} is out of range; expected ${describeSpec(target)}`);
        }
        return v;
      }
      case 'boolean':
        return (node as { value: boolean }).value;
      case 'scalar': {
        const s = node as { value: unknown; source?: string; type?: string };
        // Keep numbers as written: "release: 1.10" is the text 1.10, not 1.1.
        return typeof s.value === 'string' ? s.value : s.type === 'PLAIN' && s.source ? s.source : String(s.value);
      }
      case 'array': {
        const items = isSeq(node) ? node.items : [];
        const out = items.map((item, i) => this.walk(item, target.items, [...path, i], depth + 1));
        if (target.minItems !== undefined && items.length < target.minItems) {
          this.report(offset, path, `needs at least ${target.minItems} item${target.minItems === 1 ? '' : 's'}; expected ${describeSpec(target)}`);
        }
        return out;
      }
      case 'map': {
        const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
        for (const { key, keyOffset, value } of this.pairs(node, path)) {
          const p = [...path, key];
          this.positions.set(formatPath(p), { key: keyOffset, value: nodeOffset(value as Node | null, keyOffset) });
          if (!formatRegExp(target.keyFormat).test(key)) {
            this.report(keyOffset, p, `'${key}' is not a valid key here; expected ${FORMATS[target.keyFormat].expected}`);
            continue;
          }
          const v = this.walk(value, target.values, p, depth + 1);
          if (v !== undefined) out[key] = v;
        }
        return out;
      }
      case 'object':
        return this.object(node, target, offset, path, depth);
      case 'tagged':
        return this.tagged(node, target, offset, path, depth);
    }
  }

  private tooLarge(offset: number, path: FieldPath): undefined {
    if (!this.tooBig) this.report(offset, path, `the document is too large or too deeply nested once its aliases are expanded (more than ${MAX_NODES} values or ${MAX_DEPTH} levels)`);
    this.tooBig = true;
    return undefined;
  }

  private fail(offset: number, path: FieldPath, message: string): undefined {
    this.report(offset, path, message);
    return undefined;
  }

  private typeError(node: Node | null, kind: NodeKind, spec: Spec, offset: number, path: FieldPath): undefined {
    return this.fail(offset, path, `expected ${describeSpec(spec)}, found ${describeNode(node, kind)}${typeHint(node, kind, spec)}`);
  }

  private string(node: Node, spec: StringSpec, offset: number, path: FieldPath): string | undefined {
    let value = (node as unknown as { value: string }).value;
    if (spec.enum) {
      if (spec.enum.includes(value)) return value;
      const reason = spec.rejected?.[value.toLowerCase()];
      if (reason) return this.fail(offset, path, `'${value}' is not accepted: ${reason}; expected ${spec.enum.join(', ')}`);
      return this.fail(offset, path, `'${value}' is not valid; expected one of ${spec.enum.join(', ')}${didYouMean(value, spec.enum)}`);
    }
    const templated = isTemplated(value);
    const hook = this.options.renderTemplate;
    if (templated && hook && spec.template) {
      const r = hook(value, spec, path);
      for (const e of r.errors) this.report(scalarOffset(node, value, e.offset, this.options.text), path, e.message);
      if (r.errors.length > 0) return undefined;
      this.secrets.push(...r.secrets);
      value = r.value;
    }
    // A template that still has fields is checked when it is rendered; so is every template in
    // structure-only mode, as in the JSON Schema.
    const checkable = !templated || (hook !== undefined && spec.template === 'load');
    if (spec.format && checkable) {
      const problem = checkFormat(spec.format, value);
      if (problem) return this.fail(offset, path, templated ? `renders to '${value}': ${problem}` : problem);
    }
    if (spec.secret && value) this.secrets.push(value);
    return value;
  }

  /** Pairs of a map, with YAML merge keys (<<: *defaults) expanded; explicit keys win. */
  private pairs(node: unknown, path: FieldPath): Array<{ key: string; keyOffset: number; value: unknown }> {
    const out: Array<{ key: string; keyOffset: number; value: unknown }> = [];
    const seen = new Set<string>();
    const merged: Array<{ key: string; keyOffset: number; value: unknown }> = [];
    const visit = (map: unknown, into: typeof out, depth: number) => {
      const m = this.resolve(map);
      if (!isMap(m) || depth > 8) return;
      for (const pair of m.items as Pair[]) {
        // Merge keys expand too (<<: [*a, *a, …] nested): they count against the same bound.
        if (++this.nodes > MAX_NODES) return this.tooLarge(nodeOffset(pair.key as Node | null, 0), path);
        const keyNode = this.resolve(pair.key);
        const keyOffset = nodeOffset(pair.key as Node | null, 0);
        if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
          const sources = this.resolve(pair.value);
          for (const src of isSeq(sources) ? sources.items : [sources]) visit(src, merged, depth + 1);
          continue;
        }
        if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
          this.report(keyOffset, path, 'keys must be plain text');
          continue;
        }
        into.push({ key: String(keyNode.value), keyOffset, value: pair.value });
      }
    };
    visit(node, out, 0);
    for (const p of out) seen.add(p.key);
    for (const p of merged) {
      if (!seen.has(p.key)) {
        seen.add(p.key);
        out.push(p);
      }
    }
    return out;
  }

  private object(node: Node | null, spec: ObjectSpec, offset: number, path: FieldPath, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const present = new Map<string, number>();
    const suggested = new Set<string>();
    for (const { key, keyOffset, value } of this.pairs(node, path)) {
      const p = [...path, key];
      const propSpec = Object.hasOwn(spec.properties, key) ? spec.properties[key] : undefined;
      if (!propSpec) {
        const hint = spec.hints?.[key];
        const near = suggest(key, Object.keys(spec.properties));
        if (near && !present.has(near)) suggested.add(near);
        let message: string;
        const packer = packerPlace(key, spec);
        if (packer?.field) {
          message = `unknown key '${key}'; did you mean '${packer.field}'? (${packer.text})`;
          suggested.add(packer.field);
        } else if (packer) message = `unknown key '${key}'; ${packer.text}`;
        else if (hint && Object.hasOwn(spec.properties, hint)) {
          message = `unknown key '${key}'; did you mean '${hint}'?`;
          suggested.add(hint);
        } else if (hint) message = `unknown key '${key}'; in RudderVirt: ${hint}`;
        else if (near) message = `unknown key '${key}'; did you mean '${near}'?`;
        else message = `unknown key '${key}'; expected one of ${Object.keys(spec.properties).join(', ')}`;
        this.report(keyOffset, p, message);
        continue;
      }
      present.set(key, keyOffset);
      // An empty value ("key:" and nothing) has no text of its own: point at its key.
      const valueOffset = isEmptyValue(value) ? keyOffset : nodeOffset(value as Node | null, keyOffset);
      this.positions.set(formatPath(p), { key: keyOffset, value: valueOffset });
      const v = this.walk(value, propSpec, p, depth + 1);
      if (v !== undefined) out[key] = v;
    }
    for (const key of spec.required ?? []) {
      if (!present.has(key) && !suggested.has(key)) {
        this.report(offset, path, `missing required key '${key}' (${describeSpec(spec.properties[key]!)})`);
      }
    }
    if (spec.exactlyOne) {
      const given = spec.exactlyOne.filter((k) => present.has(k)).sort((a, b) => present.get(a)! - present.get(b)!);
      if (given.length === 0 && !spec.exactlyOne.some((k) => suggested.has(k))) {
        this.report(offset, path, `needs one of ${spec.exactlyOne.join(', ')}`);
      } else if (given.length > 1) {
        this.report(present.get(given[1]!)!, [...path, given[1]!], `'${given[0]}' and '${given[1]}' cannot be used together; expected exactly one of ${spec.exactlyOne.join(', ')}`);
      }
    }
    if (spec.anyOf && !spec.anyOf.some((k) => present.has(k) || suggested.has(k))) {
      this.report(offset, path, `needs at least one of ${spec.anyOf.join(', ')}`);
    }
    for (const [a, b] of spec.exclusive ?? []) {
      if (present.has(a) && present.has(b)) {
        const later = present.get(a)! > present.get(b)! ? a : b;
        this.report(present.get(later)!, [...path, later], `'${a}' and '${b}' cannot be used together; use one of them`);
      }
    }
    for (const [key, needs] of Object.entries(spec.requires ?? {})) {
      if (!present.has(key)) continue;
      for (const need of needs) {
        if (!present.has(need) && !suggested.has(need)) this.report(present.get(key)!, [...path, key], `'${key}' needs '${need}' next to it`);
      }
    }
    return out;
  }

  private tagged(node: Node | null, spec: TaggedSpec, offset: number, path: FieldPath, depth: number): unknown {
    const variants = Object.keys(spec.variants);
    const tagPair = this.pairs(node, path).find((p) => p.key === spec.tag);
    if (!tagPair) return this.fail(offset, path, `missing required key '${spec.tag}'; expected one of ${variants.join(', ')}`);
    const tagNode = this.resolve(tagPair.value);
    const tag = isScalar(tagNode) ? tagNode.value : undefined;
    const variant = typeof tag === 'string' && Object.hasOwn(spec.variants, tag) ? spec.variants[tag] : undefined;
    if (!variant) {
      const at = nodeOffset(tagPair.value as Node | null, tagPair.keyOffset);
      const shown = typeof tag === 'string' ? `'${tag}'` : describeNode(tagNode, kindOfNode(tagNode));
      return this.fail(at, [...path, spec.tag], `${shown} is not a known ${spec.tag}; expected one of ${variants.join(', ')}${typeof tag === 'string' ? didYouMean(tag, variants) : ''}`);
    }
    return this.object(node, variant, offset, path, depth);
  }
}

function requiredList(spec: Spec): string {
  return spec.type === 'object' && spec.required ? spec.required.join(' and ') : 'content';
}

function kindOfNode(node: Node | null): NodeKind {
  if (node === null || node === undefined) return 'null';
  if (isMap(node)) return 'map';
  if (isSeq(node)) return 'list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'number' || typeof v === 'bigint') return 'number';
    if (typeof v === 'boolean') return 'boolean';
    return typeof v === 'string' ? 'string' : 'other';
  }
  return 'null';
}

function describeNode(node: Node | null, kind: NodeKind): string {
  const v = isScalar(node) ? node.value : undefined;
  switch (kind) {
    case 'null':
      return 'nothing (an empty value)';
    case 'number':
      return `the number ${String(v)}`;
    case 'boolean':
      return String(v);
    case 'string':
      return `the text '${String(v)}'`;
    case 'list':
      return 'a list';
    case 'map':
      return 'a map';
    case 'other':
      return `a ${isScalar(node) && node.tag ? node.tag + ' ' : ''}value`;
  }
}

function typeHint(node: Node | null, kind: NodeKind, spec: Spec): string {
  const v = isScalar(node) ? node.value : undefined;
  const source = isScalar(node) && node.source ? node.source : String(v);
  const accepts = kindsOf(spec);
  if (spec.type === 'string' && (spec.format === 'duration' || spec.format === 'bootWait') && kind === 'number') return `; a duration needs a unit, e.g. '${source}s'`;
  if (accepts.includes('string') && (kind === 'number' || kind === 'boolean')) return `; quote it to mean the text "${source}"`;
  if (accepts.includes('boolean') && kind === 'string' && /^(yes|no|on|off|y|n)$/i.test(String(v))) return `; YAML 1.2 reads '${String(v)}' as text, write true or false`;
  if (accepts.includes('number') && kind === 'string' && /^\d+$/.test(String(v))) return '; remove the quotes';
  if (accepts.includes('list') && (kind === 'string' || kind === 'number' || kind === 'boolean')) return `; write a list, e.g. [${source}]`;
  return '';
}

function isEmptyValue(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null && !node.source);
}

function nodeOffset(node: Node | null | undefined, fallback: number): number {
  return node?.range?.[0] ?? fallback;
}

/** Where character `index` of a scalar's value is in the file, when the source maps 1:1. */
export function scalarOffset(node: Node, value: string, index: number, text: string): number {
  const [start, end] = node.range ?? [0, 0];
  const type = isScalar(node) ? node.type : undefined;
  const quoted = type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE';
  const inner = quoted ? text.slice(start + 1, end - 1) : text.slice(start, end);
  if ((type === 'PLAIN' || quoted) && inner === value) return start + (quoted ? 1 : 0) + index;
  return start;
}
