/**
 * Packer's variable expansion on the values of a template, for the two template languages:
 *
 * - JSON templates: `{{user `name`}}` (and `{{ user "name" }}`) is replaced at Prepare time; every
 *   other `{{ … }}` (.HTTPIP, .HTTPPort, .Name, env) is left for later, as Packer leaves it
 *   (hashicorp/packer v1.9.x template/parse.go, packer-plugin-sdk v0.4.0 template/interpolate).
 * - HCL2 templates: @cdktf/hcl2json gives every expression back as a `${…}` template string. The
 *   references Packer templates use for values — var.X, local.X, path.root, path.cwd, env("X") in
 *   variable defaults — are evaluated here; a function call or any other expression is not (that
 *   would be an HCL evaluator) and leaves an Unevaluated marker that the mapping reports. Go
 *   template actions such as {{ .HTTPIP }} are ordinary text to HCL and stay as they are.
 */

/** A value import-packer cannot compute: the option that holds it is reported, not guessed. */
export class Unevaluated {
  constructor(readonly expression: string) {}
}

export type PackerValue = string | number | boolean | null | Unevaluated | PackerValue[] | { [key: string]: PackerValue };

export interface HclScope {
  /** var.NAME */
  variables: ReadonlyMap<string, PackerValue>;
  /** local.NAME (evaluated lazily, so locals may refer to each other in any order) */
  local(name: string): PackerValue | undefined;
}

/** A reference to a name that is not declared: a broken template (exit 1), unlike Unevaluated. */
export class UndefinedReference extends Error {
  constructor(readonly reference: string) {
    super(`${reference} is not declared`);
  }
}

/** Evaluates every string in an hcl2json value. */
export function evaluateHcl(value: unknown, scope: HclScope): PackerValue {
  if (typeof value === 'string') return evaluateHclString(value, scope);
  if (Array.isArray(value)) return liftUnevaluated(value.map((v) => evaluateHcl(v, scope)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, PackerValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = evaluateHcl(v, scope);
    const bad = Object.values(out).find((v) => v instanceof Unevaluated);
    return bad ?? out;
  }
  return value as PackerValue;
}

/** A list or map with an unevaluable element cannot be mapped element by element either. */
function liftUnevaluated(list: PackerValue[]): PackerValue {
  const bad = list.find((v) => v instanceof Unevaluated);
  return bad ?? list;
}

interface Interpolation {
  start: number;
  end: number; // index after the closing brace
  expression: string;
}

/** The `${…}` interpolations of an HCL template string (braces inside nested strings are skipped). */
export function findInterpolations(text: string): Interpolation[] | Unevaluated {
  const out: Interpolation[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('$${', i) || text.startsWith('%%{', i)) {
      i += 2;
      continue;
    }
    // Template directives (%{ if }, %{ for }) are control flow: not evaluated.
    if (text.startsWith('%{', i)) return new Unevaluated(text);
    if (!text.startsWith('${', i)) continue;
    let depth = 0;
    let inString = false;
    let j = i + 1;
    for (; j < text.length; j++) {
      const c = text[j];
      if (inString) {
        if (c === '\\') j++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) break;
    }
    if (j >= text.length) return new Unevaluated(text);
    out.push({
      start: i,
      end: j + 1,
      expression: text
        .slice(i + 2, j)
        .replace(/^~|~$/g, '')
        .trim(),
    });
    i = j;
  }
  return out;
}

function unescapeHclLiteral(text: string): string {
  return text.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

function evaluateHclString(text: string, scope: HclScope): PackerValue {
  const parts = findInterpolations(text);
  if (parts instanceof Unevaluated) return parts;
  if (parts.length === 0) return unescapeHclLiteral(text);
  // A string that is one expression keeps the expression's type (cpus = var.cpus is a number).
  if (parts.length === 1 && parts[0]!.start === 0 && parts[0]!.end === text.length) return evaluateExpression(parts[0]!.expression, scope);
  let out = '';
  let at = 0;
  for (const p of parts) {
    out += unescapeHclLiteral(text.slice(at, p.start));
    const v = evaluateExpression(p.expression, scope);
    if (v instanceof Unevaluated) return new Unevaluated(text);
    if (v !== null && typeof v === 'object') return new Unevaluated(text);
    out += v === null ? '' : String(v);
    at = p.end;
  }
  return out + unescapeHclLiteral(text.slice(at));
}

const REFERENCE = /^(var|local)\.([A-Za-z_][A-Za-z0-9_-]*)$/;
const ENV_CALL = /^env\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)$/;

function evaluateExpression(expression: string, scope: HclScope): PackerValue {
  const ref = REFERENCE.exec(expression);
  if (ref) {
    const [, kind, name = ''] = ref;
    const v = kind === 'var' ? scope.variables.get(name) : scope.local(name);
    if (v === undefined) throw new UndefinedReference(`${kind}.${name}`);
    return v;
  }
  // Paths relative to the template folder, which is where the build file is meant to be saved.
  if (expression === 'path.root' || expression === 'path.cwd') return '.';
  // env() is allowed in variable defaults only; the build file reads the variable when it loads.
  const env = ENV_CALL.exec(expression);
  if (env) return `{{ env \`${env[1]}\` }}`;
  if (/^-?\d+(\.\d+)?$/.test(expression)) return Number(expression);
  if (expression === 'true' || expression === 'false') return expression === 'true';
  if (expression === 'null') return null;
  if (/^"(?:[^"\\$%]|\\.)*"$/.test(expression)) return JSON.parse(expression) as string;
  return new Unevaluated(`\${${expression}}`);
}

/** JSON templates: {{user `x`}} / {{ user "x" }} replaced by the variable's value. */
export function evaluateJson(value: unknown, variables: ReadonlyMap<string, string>): PackerValue {
  if (typeof value === 'string') {
    return value.replace(/\{\{\s*user\s+(?:`([^`]*)`|"([^"]*)")\s*\}\}/g, (_, a: string | undefined, b: string | undefined) => {
      const name = a ?? b ?? '';
      const v = variables.get(name);
      if (v === undefined) throw new UndefinedReference(`user variable '${name}'`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v) => evaluateJson(v, variables));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, PackerValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = evaluateJson(v, variables);
    return out;
  }
  return value as PackerValue;
}
