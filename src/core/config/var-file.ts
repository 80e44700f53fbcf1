/**
 * `--var-file FILE`: variable values from a file, so a secret never has to be written on a
 * command line (where `ps` and the shell history show it). The file is a YAML or JSON mapping of
 * variable names to scalars (JSON is YAML, so one parser reads both), the shape of Packer's legacy
 * JSON var files (packer/command/build.go, `-var-file`). Every problem is located in the var file:
 * file, line, column and the variable's name.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import { BuildFileError, formatPath, type BuildProblem } from './problems.js';

/** A var file is a handful of lines; anything this large is not one. */
export const MAX_VAR_FILE_BYTES = 256 * 1024;

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** One value from a var file, with where it was written (for "no such variable" problems). */
export interface VarFileValue {
  name: string;
  value: string;
  file: string;
  line: number;
  column: number;
}

/** Reads a var file; throws a BuildFileError listing every problem in it. `file` is used as written in messages. */
export function readVarFile(file: string, cwd = process.cwd()): VarFileValue[] {
  let text: string;
  try {
    text = readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message;
    throw new BuildFileError([{ file, line: 1, column: 1, path: '', message: `cannot read the var file: ${reason}` }]);
  }
  return parseVarFile(text, file);
}

/** Parses var-file text as if read from `file`. */
export function parseVarFile(text: string, file: string): VarFileValue[] {
  if (text.length > MAX_VAR_FILE_BYTES) {
    throw new BuildFileError([{ file, line: 1, column: 1, path: '', message: `the var file is ${text.length} characters long; expected at most ${MAX_VAR_FILE_BYTES}` }]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (node: Node | undefined | null, p: string, message: string): BuildProblem => {
    const { line, col } = lineCounter.linePos(node?.range?.[0] ?? 0);
    return { file, line, column: col, path: p, message };
  };
  const problems: BuildProblem[] = [...doc.errors, ...doc.warnings].map((e) => {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    return { file, line, column: col, path: '', message: `YAML: ${e.message.replace(/\s+/g, ' ').trim()}` };
  });
  if (doc.errors.length > 0) throw new BuildFileError(problems);
  const root = doc.contents;
  // An empty file sets nothing, as an empty JSON object would.
  if (root === null || (isScalar(root) && root.value === null)) return [];
  if (!isMap(root)) throw new BuildFileError([at(root, '', 'expected a mapping of variable names to values (YAML `name: value` lines or a JSON object)')]);
  const values: VarFileValue[] = [];
  for (const pair of root.items as Pair[]) {
    const key = pair.key as Node | null;
    if (!isScalar(key) || typeof key.value !== 'string' || !NAME.test(key.value)) {
      problems.push(at(key, '', `expected a variable name (letters, digits, '_' and '-', not starting with a digit)`));
      continue;
    }
    const name = key.value;
    const node = pair.value as Node | null;
    // Never quote the value in a message: a var file is where secrets live.
    if (!isScalar(node) || node.value === null || typeof node.value === 'object') {
      problems.push(at(node ?? key, formatPath([name]), `expected a string, number or boolean; lists, maps and null are not variable values`));
      continue;
    }
    const raw = node.value;
    // A plain YAML number keeps its spelling (1.10 stays "1.10", as --var would give it).
    const value = typeof raw === 'string' ? raw : node.type === 'PLAIN' && node.source ? node.source : String(raw);
    const { line, col } = lineCounter.linePos(key.range?.[0] ?? 0);
    values.push({ name, value, file, line, column: col });
  }
  if (problems.length > 0) throw new BuildFileError(problems);
  return values;
}
