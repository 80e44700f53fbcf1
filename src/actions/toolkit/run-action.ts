/**
 * The frame every RudderVirt action entry runs in (main and post alike):
 *
 * - SIGINT/SIGTERM (the runner cancelling the job: SIGINT, then SIGTERM 7.5 s later) abort the
 *   AbortSignal the action's work takes, so its cleanups run while the runner still waits;
 * - a build-file error becomes error annotations on the file's lines, then the step fails with
 *   the full list; other user errors fail the step with their message only; an unexpected error
 *   also prints its stack, because that is a bug worth reporting;
 * - it never ends the process: failure is core.setFailed (process.exitCode), so the function can
 *   be imported and called — by @github/local-action, by tests. The entry file (./entry.ts) ends
 *   the process after it, so a stray handle cannot keep a step waiting.
 */
import * as core from '@actions/core';
import { UserError } from '../../core/errors.js';
import { BuildFileError } from '../../core/config/problems.js';
import { SecretMasker } from '../../core/log.js';
import { CancelledError } from '../../core/abort.js';
import { ActionLogger } from './action-logger.js';
import { annotateProblems } from './annotations.js';

export interface ActionContext {
  logger: ActionLogger;
  masker: SecretMasker;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  /** GITHUB_WORKSPACE (the checkout), where relative build-file paths start. */
  workspace: string;
  /** Runs `fn` when the action ends, however it ends (releasing a lock). */
  atEnd(fn: () => Promise<void> | void): void;
}

export function actionContext(signal: AbortSignal, env: NodeJS.ProcessEnv = process.env): ActionContext & { finish(): Promise<void> } {
  const masker = new SecretMasker();
  const ends: (() => Promise<void> | void)[] = [];
  return {
    atEnd: (fn) => void ends.push(fn),
    finish: async () => {
      for (const fn of ends.splice(0).reverse()) await Promise.resolve(fn()).catch(() => undefined);
    },
    logger: new ActionLogger({ masker }),
    masker,
    signal,
    env,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
  };
}

/** Reads a secret input and masks it at once (core.setSecret and our own masker). */
export function secretInput(ctx: ActionContext, name: string): string | undefined {
  const v = core.getInput(name);
  if (v === '') return undefined;
  ctx.logger.addSecret(v);
  return v;
}

export async function runAction(fn: (ctx: ActionContext) => Promise<void>): Promise<void> {
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (!abort.signal.aborted) core.info(`received ${sig}: cancelling`);
    abort.abort(new CancelledError(`Cancelled by ${sig}.`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const ctx = actionContext(abort.signal);
  try {
    await fn(ctx);
  } catch (err) {
    ctx.logger.closeGroup();
    reportFailure(err, ctx);
  } finally {
    ctx.logger.closeGroup();
    await ctx.finish();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function reportFailure(err: unknown, ctx: ActionContext): void {
  const mask = (s: string) => ctx.masker.mask(s);
  if (err instanceof BuildFileError) {
    annotateProblems(err.problems, ctx.workspace, ctx.workspace);
    core.setFailed(mask(err.message));
  } else if (err instanceof UserError || err instanceof CancelledError) {
    core.setFailed(mask(err.message));
  } else if (err instanceof Error) {
    core.info(mask(err.stack ?? err.message));
    core.setFailed(mask(err.message));
  } else {
    core.setFailed(mask(String(err)));
  }
}
