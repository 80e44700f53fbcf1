/**
 * Build variables: the defaults declared under `variables` (which may read the environment with
 * {{ env "X" }}), overridden by `--var name=value`. Overriding a variable the file does not
 * declare is an error, as in Packer, so a typo on the command line cannot pass silently.
 */
import { isMap, isScalar, type Document, type LineCounter, type Node, type Pair } from 'yaml';
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
}

export function resolveVariables(
  doc: Document.Parsed,
  text: string,
  lineCounter: LineCounter,
  file: string,
  overrides: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
): ResolvedVariables {
  const problems: BuildProblem[] = [];
  const secrets: string[] = [];
  const at = (offset: number, path: string, message: string) => {
    const { line, col } = lineCounter.linePos(offset);
    problems.push({ file, line, column: col, path, message });
  };
  const variables: Record<string, string> = Object.create(null) as Record<string, string>;
  let declaredAt = 0;
  const root = doc.contents;
  const pair = isMap(root) ? (root.items as Pair[]).find((p) => isScalar(p.key) && p.key.value === 'variables') : undefined;
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
        for (const [envName, value] of bound.envUsed) if (SECRET_NAME.test(envName) && value) secrets.push(value);
        variables[name] = bound.text;
      }
    }
  }
  const declared = Object.keys(variables);
  for (const [name, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(variables, name)) {
      const list = declared.length ? `declared: ${declared.join(', ')}` : 'the build declares no variables';
      at(declaredAt, 'variables', `--var ${name}=…: no variable '${name}' is declared; ${list}${didYouMean(name, declared)}`);
      continue;
    }
    variables[name] = value;
  }
  return { variables: { ...variables }, problems, secrets };
}
