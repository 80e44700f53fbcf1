/**
 * A VM's `verify:` block after loading: how its finished image is booted again as a new VM and
 * which commands must pass over SSH before anything is published (src/core/verify runs it).
 */

export interface VerifyCheck {
  /** For logs and the summary; default the command itself. */
  name?: string;
  /** Run over SSH as the communicator's user, by the user's login shell. */
  run: string;
  /** Exit codes that pass (default [0]). */
  validExitCodes: number[];
  /** ms the command may run (default 5m). */
  timeout: number;
}

export interface VerifySettings {
  checks: VerifyCheck[];
  /** Typed when the image boots (its own boot loader prompt); default none: a built image boots by itself. */
  bootCommand: string[];
  /** ms before bootCommand; negative = none (also when bootWaitText is set). */
  bootWait: number;
  bootWaitText?: { source: 'screen' | 'serial'; pattern: string };
  /** ms for the whole verify of this VM: boot, SSH and every check (default 15m). */
  timeout: number;
}
