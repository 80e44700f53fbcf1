/**
 * Rendering, checking and binding of templates (see parse.ts for the syntax).
 *
 * A build file is loaded once and used later: `env` and `user` are known when the file is loaded,
 * fields such as {{ .HTTPIP }} only when the VM runs. So the loader *binds* templates (evaluates
 * the functions, keeps the fields) and whoever uses the value *renders* it with the fields of the
 * moment. Both report unknown names as TemplateErrors with the offset of the name.
 */
import { suggest } from '../config/did-you-mean.js';
import { parseTemplate, type TemplatePart } from './parse.js';
import { TemplateError } from './template-error.js';

export interface TemplateScope {
  /** The fields this place offers, with their values; {{ .X }} for any other X is an error. */
  fields?: Readonly<Record<string, string | number>>;
  /** Environment for {{ env "X" }}; without it, env is an error. An unset variable renders as "" (as in Packer). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Build variables for {{ user "v" }}; without them, user is an error. */
  variables?: Readonly<Record<string, string>>;
}

export const TEMPLATE_FUNCTIONS = ['env', 'user'] as const;

/** Renders `text` completely. Throws TemplateError (and nothing else) for any problem. */
export function renderTemplate(text: string, scope: TemplateScope): string {
  const parts = parseTemplate(text);
  const fieldNames = Object.keys(scope.fields ?? {});
  let out = '';
  for (const part of parts) {
    const v = evaluate(part, fieldNames, scope);
    if (v instanceof TemplateError) throw v;
    out += v === KEEP ? String(scope.fields![(part as { name: string }).name]) : v;
  }
  return out;
}

/** Every problem in `text` for a place offering `fields`; empty when it would render. */
export function checkTemplate(text: string, fields: readonly string[], scope: Omit<TemplateScope, 'fields'> = {}): TemplateError[] {
  return bindTemplate(text, fields, scope).errors;
}

export interface BoundTemplate {
  /** The template with env/user evaluated; only {{ .Field }} actions (and escapes) remain. */
  text: string;
  errors: TemplateError[];
  /** Environment variables the template read, with their values (to mask the secret ones). */
  envUsed: Map<string, string>;
  /** True when the result still has actions, i.e. must be rendered before use. */
  hasFields: boolean;
}

/**
 * Evaluates env/user now and keeps the `fields` actions for later. Literal text that could be
 * read as an action ("{{" in an environment value) is re-quoted, so rendering the result later
 * gives exactly what rendering the original with the same fields would.
 */
export function bindTemplate(text: string, fields: readonly string[], scope: Omit<TemplateScope, 'fields'> = {}): BoundTemplate {
  const envUsed = new Map<string, string>();
  let parts: TemplatePart[];
  try {
    parts = parseTemplate(text);
  } catch (err) {
    if (err instanceof TemplateError) return { text, errors: [err], envUsed, hasFields: false };
    throw err;
  }
  const errors: TemplateError[] = [];
  const chunks: Array<{ raw: string } | { action: string }> = [];
  for (const part of parts) {
    const v = evaluate(part, fields, scope);
    if (v instanceof TemplateError) {
      errors.push(v);
      continue;
    }
    if (v === KEEP) {
      chunks.push({ action: `{{ .${(part as { name: string }).name} }}` });
      continue;
    }
    if (part.kind === 'call' && part.fn === 'env') envUsed.set(part.arg, v);
    const last = chunks.at(-1);
    if (last && 'raw' in last) last.raw += v;
    else chunks.push({ raw: v });
  }
  // Without fields the result is final (nobody renders it again): no re-quoting.
  if (fields.length === 0) {
    return { text: chunks.map((c) => ('raw' in c ? c.raw : '')).join(''), errors, envUsed, hasFields: false };
  }
  let out = '';
  let hasFields = false;
  chunks.forEach((c, i) => {
    if ('action' in c) {
      out += c.action;
      hasFields = true;
    } else if (c.raw.includes('{{') || (c.raw.endsWith('{') && i < chunks.length - 1)) {
      out += `{{ ${JSON.stringify(c.raw)} }}`;
      hasFields = true;
    } else {
      out += c.raw;
    }
  });
  return { text: out, errors, envUsed, hasFields };
}

const KEEP = Symbol('keep the field action');

function evaluate(part: TemplatePart, fields: readonly string[], scope: Omit<TemplateScope, 'fields'>): string | typeof KEEP | TemplateError {
  switch (part.kind) {
    case 'text':
      return part.text;
    case 'literal':
      return part.value;
    case 'field': {
      if (fields.includes(part.name)) return KEEP;
      if (fields.length === 0) return new TemplateError(`unknown field ".${part.name}": no fields are available here`, part.offset);
      const near = suggest(part.name, fields);
      const hint = near ? `; did you mean ".${near}"?` : '';
      return new TemplateError(`unknown field ".${part.name}" (available here: ${fields.map((f) => '.' + f).join(', ')})${hint}`, part.offset);
    }
    case 'call':
      if (part.fn === 'env') {
        if (!scope.env) return new TemplateError('the env function is not available here', part.offset);
        return (Object.hasOwn(scope.env, part.arg) ? scope.env[part.arg] : undefined) ?? '';
      }
      if (part.fn === 'user') {
        if (!scope.variables) return new TemplateError('the user function is not available here', part.offset);
        if (Object.hasOwn(scope.variables, part.arg)) return scope.variables[part.arg]!;
        const declared = Object.keys(scope.variables);
        if (declared.length === 0) return new TemplateError(`unknown variable "${part.arg}": the build declares no variables`, part.argOffset);
        const near = suggest(part.arg, declared);
        return new TemplateError(`unknown variable "${part.arg}" (declared: ${declared.join(', ')})${near ? `; did you mean "${near}"?` : ''}`, part.argOffset);
      } else {
        const near = suggest(part.fn, TEMPLATE_FUNCTIONS);
        return new TemplateError(`unknown function "${part.fn}" (functions: ${TEMPLATE_FUNCTIONS.join(', ')})${near ? `; did you mean "${near}"?` : ''}`, part.offset);
      }
  }
}
