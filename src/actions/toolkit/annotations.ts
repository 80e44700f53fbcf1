/**
 * Build-file mistakes as error annotations on the lines that hold them, so a pull request shows
 * them in the diff. The runner keeps at most 10 error annotations per step; the rest are still in
 * the log and the failure message.
 */
import * as core from '@actions/core';
import path from 'node:path';
import type { BuildProblem } from '../../core/config/problems.js';

export const MAX_ERROR_ANNOTATIONS = 10;

export interface Annotation {
  message: string;
  title: string;
  /** Relative to the workspace, with forward slashes, as GitHub links files. */
  file: string;
  startLine: number;
  startColumn: number;
}

export function problemAnnotations(problems: readonly BuildProblem[], cwd: string, workspace: string): Annotation[] {
  return problems.map((p) => {
    const abs = path.resolve(cwd, p.file);
    const rel = path.relative(workspace, abs);
    const file = rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel.split(path.sep).join('/');
    return {
      message: p.path ? `${p.path}: ${p.message}` : p.message,
      title: 'RudderVirt build file',
      file,
      startLine: p.line,
      startColumn: p.column,
    };
  });
}

/** Emits the annotations (up to the runner's cap); returns how many were emitted. */
export function annotateProblems(problems: readonly BuildProblem[], cwd: string, workspace: string): number {
  const all = problemAnnotations(problems, cwd, workspace);
  const shown = all.slice(0, MAX_ERROR_ANNOTATIONS);
  for (const a of shown) core.error(a.message, { title: a.title, file: a.file, startLine: a.startLine, startColumn: a.startColumn });
  if (all.length > shown.length) core.info(`${all.length - shown.length} more build-file problem(s) are listed in the error message below`);
  return shown.length;
}
