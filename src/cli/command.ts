/** The shape every `ruddervirt` subcommand has; src/cli/main.ts dispatches to them. */
import type { Writable } from 'node:stream';

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** Default process.stdin (only `--on-error ask` reads it). */
  stdin?: NodeJS.ReadStream;
}

export interface Command {
  name: string;
  /** One line for `ruddervirt --help`. */
  summary: string;
  /** The full text for `ruddervirt NAME --help`. */
  usage: string;
  /** Returns the process exit code. Throw UsageError for bad arguments. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** A command known by name and summary, its code loaded only when it is used. */
export interface LazyCommand {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

/** Bad command-line arguments: printed with the command's usage hint, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export { UserError } from '../core/errors.js';
