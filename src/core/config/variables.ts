/**
 * Build variables: the defaults declared under `variables` (which may read the environment with
 * {{ env "X" }}), overridden by var files (`--var-file`) and then by `--var name=value`.
 * Overriding a variable the file does not declare is an error, as in Packer, so a typo on the
 * command line or in a var file cannot pass silently.
 *
 * Variables named under `sensitiveVariables` (Packer JSON's "sensitive-variables", HCL's
 * `sensitive = true`) are secrets: their values — whichever default, var file or --var gave them —
 * and the environment values their defaults read are masked wherever they would be shown.
 */
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import { bindTemplate } from '../template/render.js';
import { scalarOffset } from './check-structure.js';
import { didYouMean } from './did-you-mean.js';
import { isTemplated } from './formats.js';
import type { BuildProblem } from './problems.js';
import { SECRET_NAME } from './resolve-context.js';

export interface ResolvedVariables {
  variables: Record<string, string>;
  problems: BuildProblem[];
  secrets: string[];
  /** The variables whose values are secrets (sensitiveVariables and the extra names given). */
  sensitive: string[];
}

/** A value given for a variable from outside the build file. */
export interface VariableOverride {
  name: string;
  value: string;
  /** Where a var file wrote it; undefined for --var (and the actions' `vars` input). */
  from?: { file: string; line: number; column: number };
}

/** Variables declared sensitive from outside the file (the actions' `sensitive-variables` input), and how to name that source. */
export interface ExtraSensitive {
  names: readonly string[];
  /** e.g. "input 'sensitive-variables'" */
  source: string;
}

function topLevel(doc: Document.Parsed, key: string): Pair | undefined {
  const root = doc.contents;
  return isMap(root) ? (root.items as Pair[]).find((p) => isScalar(p.key) && p.key.value === key) : undefined;
}

export function resolveVariables(
  doc: Document.Parsed,
  text: string,
  lineCounter: LineCounter,
  file: string,
  overrides: readonly VariableOverride[],
  env: Readonly<Record<string, string | undefined>>,
  extraSensitive?: ExtraSensitive,
): ResolvedVariables {
  const problems: BuildProblem[] = [];
  const at = (offset: number, path: string, message: string) => {
    const { line, col } = lineCounter.linePos(offset);
    problems.push({ file, line, column: col, path, message });
  };
  const variables: Record<string, string> = Object.create(null) as Record<string, string>;
  // The environment each default read, by variable: secret when the variable is, or when the
  // environment variable's name looks secret (today's rule for every {{ env }}).
  const envRead = new Map<string, Map<string, string>>();
  let declaredAt = 0;
  const pair = topLevel(doc, 'variables');
  if (pair) {
    declaredAt = (pair.key as Node).range?.[0] ?? 0;
    if (isMap(pair.value)) {
      for (const item of pair.value.items as Pair[]) {
        if (!isScalar(item.key) || !isScalar(item.value) || item.value.value === null) continue; // the structure check reports these
        const name = String(item.key.value);
        const node = item.value;
        const raw = typeof node.value === 'string' ? node.value : node.type === 'PLAIN' && node.source ? node.source : String(node.value);
        if (!isTemplated(raw)) {
          variables[name] = raw;
          continue;
        }
        const bound = bindTemplate(raw, [], { env });
        for (const e of bound.errors) at(scalarOffset(node, raw, e.offset, text), `variables.${name}`, `template: ${e.message} (a variable's default may use env, not user)`);
        envRead.set(name, bound.envUsed);
        variables[name] = bound.text;
      }
    }
  }
  const declared = Object.keys(variables);

  const sensitive = new Set<string>();
  const listed = topLevel(doc, 'sensitiveVariables');
  if (listed && isSeq(listed.value)) {
    listed.value.items.forEach((item, i) => {
      if (!isScalar(item) || typeof item.value !== 'string') return; // the structure check reports these
      const name = item.value;
      if (Object.hasOwn(variables, name)) sensitive.add(name);
      else at((item as Node).range?.[0] ?? 0, `sensitiveVariables[${i}]`, unknownVariable(name, declared));
    });
  }
  for (const name of extraSensitive?.names ?? []) {
    if (Object.hasOwn(variables, name)) sensitive.add(name);
    else at(declaredAt, 'variables', `${extraSensitive!.source}: ${unknownVariable(name, declared)}`);
  }

  const secrets: string[] = [];
  for (const o of overrides) {
    if (!Object.hasOwn(variables, o.name)) {
      const message = unknownVariable(o.name, declared);
      if (o.from) problems.push({ file: o.from.file, line: o.from.line, column: o.from.column, path: o.name, message });
      else at(declaredAt, 'variables', `--var ${o.name}=…: ${message}`);
      continue;
    }
    // A value a var file gave and --var replaced is still one the user meant to keep secret.
    if (sensitive.has(o.name)) secrets.push(o.value);
    variables[o.name] = o.value;
  }
  for (const [name, read] of envRead) {
    for (const [envName, value] of read) if (sensitive.has(name) || SECRET_NAME.test(envName)) secrets.push(value);
  }
  for (const name of sensitive) secrets.push(variables[name]!);
  return { variables: { ...variables }, problems, secrets: secrets.filter((s) => s !== ''), sensitive: [...sensitive] };
}

function unknownVariable(name: string, declared: readonly string[]): string {
  const list = declared.length ? `declared: ${declared.join(', ')}` : 'the build declares no variables';
  return `no variable '${name}' is declared; ${list}${didYouMean(name, declared)}`;
}
