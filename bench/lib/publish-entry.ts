/**
 * `ruddervirt publish` alone, for the benchmark to bundle and time without depending on whether
 * dist/ is current: the same command object the real CLI dispatches to.
 */
import { publishCommand } from '../../src/cli/commands/publish.js';
import { runCli } from '../../src/cli/run.js';

const controller = new AbortController();
process.on('SIGINT', () => controller.abort(new Error('cancelled by SIGINT')));
process.on('SIGTERM', () => controller.abort(new Error('cancelled by SIGTERM')));
process.exitCode = await runCli(['publish', ...process.argv.slice(2)], [publishCommand], {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
