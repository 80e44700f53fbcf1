/**
 * Shared state of the resolve stage (checked values → the Build model): where things are in the
 * file, the problems found so far, the build file's folder, and typed access to the checked
 * values. The structure checker already reported wrong types, so a value of the wrong type here is
 * simply treated as absent.
 */
import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LineCounter } from 'yaml';
import { checkDuration, MAX_DURATION_TEXT } from '../duration.js';
import { regularFileProblem } from '../regular-file.js';
import type { Located } from './check-structure.js';
import { formatPath, type BuildProblem, type FieldPath } from './problems.js';
import type { SourcePosition } from './model.js';

export type Raw = Readonly<Record<string, unknown>>;

/** Environment variable names whose values are secrets wherever they end up. */
export const SECRET_NAME = /PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|PRIVATE_?KEY|API_?KEY|CREDENTIAL/i;

export class ResolveContext {
  readonly problems: BuildProblem[] = [];
  /** Valid, but likely not what the user meant; shown by validate and build, never fatal. */
  readonly warnings: BuildProblem[] = [];
  readonly secrets: string[] = [];

  constructor(
    readonly file: string,
    readonly dir: string,
    private readonly positions: ReadonlyMap<string, Located>,
    private readonly lineCounter: LineCounter,
    readonly checkFiles: boolean,
    private readonly text = '',
  ) {}

  /** Offset of `p` in the file, or of its nearest ancestor that is written there. */
  offset(p: FieldPath, at: 'key' | 'value' = 'value'): number {
    for (let n = p.length; n >= 0; n--) {
      const found = this.positions.get(formatPath(p.slice(0, n)));
      if (found) return at === 'key' && found.key !== undefined && n === p.length ? found.key : found.value;
    }
    return 0;
  }

  position(p: FieldPath, at: 'key' | 'value' = 'value'): SourcePosition {
    const { line, col } = this.lineCounter.linePos(this.offset(p, at));
    return { file: this.file, line, column: col };
  }

  has(p: FieldPath): boolean {
    return this.positions.has(formatPath(p));
  }

  report(p: FieldPath, message: string, at: 'key' | 'value' = 'value'): void {
    const pos = this.position(p, at);
    this.problems.push({ file: this.file, line: pos.line, column: pos.column, path: formatPath(p), message });
  }

  warn(p: FieldPath, message: string): void {
    const pos = this.position(p);
    this.warnings.push({ file: this.file, line: pos.line, column: pos.column, path: formatPath(p), message });
  }

  /** Reports at character `index` of the string `value` at `p`, when the file spells it 1:1. */
  reportInside(p: FieldPath, value: string, index: number, message: string): void {
    const start = this.offset(p);
    const quote = this.text[start];
    const inner = quote === '"' || quote === "'" ? start + 1 : start;
    const offset = this.text.startsWith(value, inner) ? inner + index : start;
    const { line, col } = this.lineCounter.linePos(offset);
    this.problems.push({ file: this.file, line, column: col, path: formatPath(p), message });
  }

  /** Every recorded position below `prefix`, keyed "a.0.b" relative to it (Vm.positions). */
  positionsBelow(prefix: FieldPath): Record<string, SourcePosition> {
    const head = formatPath(prefix);
    const out: Record<string, SourcePosition> = {};
    for (const [key, loc] of this.positions) {
      if (!key.startsWith(head + '.') && !key.startsWith(head + '[')) continue;
      const dotted = key
        .slice(head.length)
        .replace(/\[(\d+)\]/g, '.$1')
        .replace(/\[("(?:[^"\\]|\\.)*")\]/g, (_, q: string) => '.' + (JSON.parse(q) as string))
        .replace(/^\./, '');
      const { line, col } = this.lineCounter.linePos(loc.key ?? loc.value);
      out[dotted] = { file: this.file, line, column: col };
    }
    return out;
  }

  /** Milliseconds of a duration value; reports values below `min`. */
  duration(raw: Raw, key: string, p: FieldPath, fallback: number, min?: number): number {
    const text = str(raw, key);
    if (text === undefined) return fallback;
    const checked = checkDuration(text);
    if ('error' in checked) {
      this.report([...p, key], `${checked.error}; expected a Go duration such as 30s or 5m, at most ${MAX_DURATION_TEXT}`);
      return fallback;
    }
    const ms = checked.ms;
    if (min !== undefined && ms < min) {
      this.report([...p, key], `'${text}' is negative; expected a duration ≥ 0`);
      return fallback;
    }
    return ms;
  }

  /** An absolute path for a path written in the build file (~ is the home folder). */
  resolvePath(p: string): string {
    if (p === '~' || p.startsWith('~/')) return path.join(os.homedir(), p.slice(1));
    return path.resolve(this.dir, p);
  }

  /** Resolves and (unless checks are off) reports a missing file or folder. */
  localPath(p: FieldPath, written: string, kind: 'file' | 'dir' | 'fileOrDir' | 'unchecked'): string {
    const abs = this.resolvePath(written);
    if (!this.checkFiles || kind === 'unchecked') return abs;
    let isDir: boolean;
    let special: string | undefined;
    try {
      // stat never opens the file, so a FIFO or device is seen here without blocking.
      const st = statSync(abs);
      isDir = st.isDirectory();
      if (!isDir) special = regularFileProblem(st);
    } catch {
      const what = kind === 'dir' ? 'folder' : kind === 'file' ? 'file' : 'file or folder';
      this.report(p, `${what} not found: ${abs} (paths are relative to the build file's folder)`);
      return abs;
    }
    if (kind === 'file' && isDir) this.report(p, `${abs} is a folder; expected a file`);
    if (kind === 'dir' && !isDir) this.report(p, `${abs} is a file; expected a folder`);
    else if (special) this.report(p, `${abs} is ${special}; expected a regular file`);
    return abs;
  }
}

export function str(raw: Raw | undefined, key: string): string | undefined {
  const v = raw?.[key];
  return typeof v === 'string' ? v : undefined;
}
export function num(raw: Raw | undefined, key: string): number | undefined {
  const v = raw?.[key];
  return typeof v === 'number' ? v : undefined;
}
export function bool(raw: Raw | undefined, key: string): boolean | undefined {
  const v = raw?.[key];
  return typeof v === 'boolean' ? v : undefined;
}
export function obj(raw: Raw | undefined, key: string): Raw | undefined {
  const v = raw?.[key];
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : undefined;
}
/** A list with the holes (items that failed checking) kept, so indexes match the file. */
export function list(raw: Raw | undefined, key: string): unknown[] | undefined {
  const v = raw?.[key];
  return Array.isArray(v) ? v : undefined;
}
export function strings(raw: Raw | undefined, key: string): string[] | undefined {
  const v = raw?.[key];
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}
export function isRaw(v: unknown): v is Raw {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
