/**
 * Located problems in a build file, and the error that carries all of them. Every problem names
 * the file, line and column, the field path, what is wrong and what was expected:
 *
 *   build.yaml:12:9: layers[0].vms[0].bootComand: unknown key; did you mean 'bootCommand'?
 */
import { UserError } from '../errors.js';
import { escapeControls } from '../printable.js';

export interface BuildProblem {
  /** The file as the user named it (relative paths stay relative, for readable messages). */
  file: string;
  line: number;
  column: number;
  /** layers[0].vms[1].source.checksum; "" for the document itself. */
  path: string;
  message: string;
}

/** One line, printable: a value quoted in the message may hold escape sequences or line breaks. */
export function formatProblem(p: BuildProblem): string {
  return escapeControls(`${p.file}:${p.line}:${p.column}: ${p.path ? p.path + ': ' : ''}${p.message}`);
}

export function sortProblems(problems: readonly BuildProblem[]): BuildProblem[] {
  const seen = new Set<string>();
  return [...problems]
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column)
    .filter((p) => {
      const key = formatProblem(p);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/**
 * A build file with mistakes. A user error (exit 1, no stack trace): the CLI prints `message`,
 * which lists every problem, one per line.
 */
export class BuildFileError extends UserError {
  override name = 'BuildFileError';
  readonly problems: BuildProblem[];
  constructor(problems: readonly BuildProblem[]) {
    const sorted = sortProblems(problems);
    super(sorted.map(formatProblem).join('\n'));
    this.problems = sorted;
  }
}

/** A path through the document: keys and array indexes. */
export type FieldPath = ReadonlyArray<string | number>;

export function formatPath(path: FieldPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (!/^[A-Za-z_][\w-]*$/.test(seg)) out += `[${JSON.stringify(seg)}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}
