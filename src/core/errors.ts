/**
 * A user mistake (bad build file, unreachable registry, a failing provisioner): reported as a plain
 * message without a stack trace, with the exit status to use. Core code throws it; the CLI and the
 * actions decide how to show it.
 */
export class UserError extends Error {
  override name = 'UserError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
