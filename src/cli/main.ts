/**
 * `ruddervirt`: dispatches to the subcommands in ./commands.ts. Exit codes: 0 ok, 1 a failed build or
 * invalid input, 2 bad command-line usage (or a Node older than 24, ./entry.ts), 130 cancelled
 * (SIGINT/SIGTERM). ./entry.ts is the executable that runs this.
 */
import os from 'node:os';
import { commands } from './commands.js';
import { runCli } from './run.js';

export async function main(): Promise<void> {
  // libuv sizes its thread pool (which runs zlib for parallel layer compression) on first use, so
  // this still takes effect here, before any command runs.
  process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, os.availableParallelism()));

  const controller = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      process.stderr.write(`\nruddervirt: ${sig} received, stopping and cleaning up (send again to force exit)\n`);
      controller.abort(new Error(`cancelled by ${sig}`));
    } else {
      process.stderr.write(`ruddervirt: second ${sig}, exiting without waiting for cleanup\n`);
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const code = await runCli(process.argv.slice(2), commands, {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  });
  process.exitCode = controller.signal.aborted && code !== 0 ? 130 : code;
}
