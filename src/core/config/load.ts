/**
 * loadBuild: a build file → the Build model, or a BuildFileError listing every problem in it,
 * each with file, line, column and field path.
 *
 * Stages: YAML with source positions → variables → structure (types, keys, formats; templates
 * bound: env/user evaluated, fields kept for use time) → resolve (defaults, paths, rules across
 * fields). All stages run even when an earlier one found problems, so one run shows them all.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { SecretMasker } from '../log.js';
import { FIELDS_BY_USE } from '../template/fields.js';
import { bindTemplate } from '../template/render.js';
import { buildSpec } from './build-spec.js';
import { checkStructure, type TemplateHook } from './check-structure.js';
import type { Build } from './model.js';
import { BuildFileError, type BuildProblem } from './problems.js';
import { isRaw, ResolveContext, SECRET_NAME } from './resolve-context.js';
import { resolveBuild } from './resolve.js';
import { readVarFile } from './var-file.js';
import { resolveVariables, type VariableOverride } from './variables.js';

export interface LoadOptions {
  /** --var overrides; each must name a declared variable. Applied after the var files. */
  vars?: Readonly<Record<string, string>>;
  /** --var-file FILEs (YAML or JSON), applied in order; relative to `cwd`. */
  varFiles?: readonly string[];
  /** More variables whose values are secrets, besides the file's sensitiveVariables (an action input); `source` names where they came from in messages. */
  sensitiveVariables?: { names: readonly string[]; source: string };
  /** For {{ env "X" }}; defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Check that scripts, cdrom files, httpDirectory … exist (default true). */
  checkFiles?: boolean;
  /** Folder a relative `file` is relative to (default process.cwd()). */
  cwd?: string;
}

/**
 * A build file is a page or two of YAML; parsing is linear but not cheap (about 0.6 s and 120 MB
 * per MiB here), so anything far beyond a plausible size is refused before parsing starts.
 */
export const MAX_BUILD_FILE_BYTES = 1024 * 1024;

/** Reads and loads a build file. `file` is used as written in messages. */
export function loadBuild(file: string, options: LoadOptions = {}): Build {
  let text: string;
  try {
    text = readFileSync(path.resolve(options.cwd ?? process.cwd(), file), 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new BuildFileError([{ file, line: 1, column: 1, path: '', message: `cannot read the build file: ${reason}` }]);
  }
  return loadBuildText(text, file, options);
}

/** Loads build-file text as if read from `file` (relative paths resolve against its folder). */
export function loadBuildText(text: string, file: string, options: LoadOptions = {}): Build {
  const absFile = path.resolve(options.cwd ?? process.cwd(), file);
  const env = options.env ?? process.env;
  if (text.length > MAX_BUILD_FILE_BYTES) {
    throw new BuildFileError([{ file, line: 1, column: 1, path: '', message: `the build file is ${text.length} characters long; expected at most ${MAX_BUILD_FILE_BYTES} (1 MiB)` }]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
  const yamlProblems: BuildProblem[] = [...doc.errors, ...doc.warnings].map((e) => {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    return { file, line, column: col, path: '', message: `YAML: ${e.message.replace(/\s+/g, ' ').trim()}` };
  });
  if (doc.errors.length > 0) throw new BuildFileError(yamlProblems);

  const overrides: VariableOverride[] = [];
  const varFileProblems: BuildProblem[] = [];
  for (const varFile of options.varFiles ?? []) {
    try {
      for (const v of readVarFile(varFile, options.cwd)) overrides.push({ name: v.name, value: v.value, from: { file: v.file, line: v.line, column: v.column } });
    } catch (err) {
      if (!(err instanceof BuildFileError)) throw err;
      varFileProblems.push(...err.problems);
    }
  }
  for (const [name, value] of Object.entries(options.vars ?? {})) overrides.push({ name, value });
  const vars = resolveVariables(doc, text, lineCounter, file, overrides, env, options.sensitiveVariables);
  const renderTemplate: TemplateHook = (value, spec) => {
    const bound = bindTemplate(value, FIELDS_BY_USE[spec.template ?? 'load'], { env, variables: vars.variables });
    const secrets = [...bound.envUsed].filter(([name, v]) => SECRET_NAME.test(name) && v).map(([, v]) => v);
    return { value: bound.text, errors: bound.errors.map((e) => ({ offset: e.offset, message: `template: ${e.message}` })), secrets };
  };
  const structure = checkStructure(doc, buildSpec, { file, text, lineCounter, renderTemplate });
  const ctx = new ResolveContext(file, path.dirname(absFile), structure.positions, lineCounter, options.checkFiles ?? true, text);
  ctx.secrets.push(...vars.secrets, ...structure.secrets);
  const build = resolveBuild(ctx, isRaw(structure.value) ? structure.value : {}, absFile, vars.variables);
  if (vars.sensitive.length > 0) build.sensitiveVariables = vars.sensitive;

  const problems = [...yamlProblems, ...varFileProblems, ...vars.problems, ...structure.problems, ...ctx.problems];
  if (problems.length > 0) {
    // A message may quote a value (a size, a URL) that a secret went into.
    const masker = new SecretMasker();
    for (const s of build.secrets) masker.add(s);
    throw new BuildFileError(problems.map((p) => ({ ...p, message: masker.mask(p.message) })));
  }
  return build;
}
