/**
 * A boot command Packer would refuse. Packer refuses exactly two things: a wait that is not positive
 * (config validation: "Expecting a positive wait value. Got …") and a wait number Go itself cannot
 * read (`<wait1m-30s>`, a value past int64: the parser's own error). Everything else is typed.
 * Ours adds one: a `<wait 'TEXT'>` whose TEXT is not a regular expression.
 */
import { UserError } from '../errors.js';

export interface BootCommandProblem {
  kind: 'non-positive-wait' | 'invalid-wait' | 'invalid-pattern';
  /** The reason, in Packer's words where Packer has words for it. */
  reason: string;
  /** Where the offending token starts. */
  element: number;
  column: number;
  /** The offending text as written (the token, or the start of a would-be token). */
  text: string;
}

/** How a problem's place is named: "element 2" by default, "argument 2" in the CLI, "bootCommand[1]" in a build file. */
export type ElementLabel = (element: number) => string;

export const defaultElementLabel: ElementLabel = (element) => `element ${element + 1}`;

export function formatProblem(problem: BootCommandProblem, label: ElementLabel = defaultElementLabel): string {
  return `${problem.reason} (${label(problem.element)}, column ${problem.column}: ${JSON.stringify(problem.text)})`;
}

export class BootCommandError extends UserError {
  override name = 'BootCommandError';
  constructor(
    readonly problems: readonly BootCommandProblem[],
    label: ElementLabel = defaultElementLabel,
  ) {
    super(problems.map((p) => formatProblem(p, label)).join('\n'));
  }
}
