/**
 * What each action's entry file (main-entry.ts, post-entry.ts — the files the bundler turns into
 * dist/<name>/index.js and post.js) does, in order:
 *
 * 1. checks the Node version before any dependency loads (../../core/node-version.ts says why),
 *    so this file's only static import is that check and the rest is imported dynamically;
 * 2. hands the process over if it was started as an engine helper (the local engine's VM keeper
 *    is any entry script started again with a flag);
 * 3. runs the step's run() — the function @github/local-action imports and calls itself;
 * 4. ends the process once run() has settled. run() leaves failure in process.exitCode (through
 *    core.setFailed) and never exits, but a stray handle — a pooled keep-alive socket, a timer some
 *    library forgot — must not keep the step, and with it the job, waiting after the work is done.
 */
import { exitUnlessSupportedNode } from '../../core/node-version.js';

export interface ActionStep {
  run(): Promise<void>;
}

/** Printed as an error workflow command, so the line is also the failed step's annotation. */
const NODE_FIX =
  'RudderVirt actions declare runs.using: node24 — use a runner that provides it (GitHub-hosted runners do; self-hosted runners need version 2.327.1 or later), or run a bundle by hand with `npx -y node@24 <bundle>`';

export async function runActionEntry(load: () => Promise<ActionStep>): Promise<void> {
  exitUnlessSupportedNode('RudderVirt', NODE_FIX, (line) => process.stdout.write(`::error::${line}`));
  const { runEngineHelperIfAsked } = await import('../../engines/helper-process.js');
  if (await runEngineHelperIfAsked()) return;
  const step = await load();
  await step.run();
  process.exit();
}
