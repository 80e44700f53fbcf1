/**
 * The windows-update provisioner (rgl/packer-plugin-windows-update's flow, packer.md §3.4): run
 * the update script until it exits 0; on 101 restart the machine, wait until it is back (a test
 * restart that succeeds, then cancelled), ask whether another restart is pending, and go again.
 * maxReboots stops a machine that keeps asking for restarts (the KB5007651 loop, rgl #162).
 */
import type { WindowsUpdateProvisioner } from '../config/model.js';
import { formatGoDuration, timerDelay } from '../duration.js';
import type { Logger } from '../log.js';
import { sleep } from '../abort.js';
import { PACKER_DELAYS, ProvisionerError, type ProvisionerContext, type ProvisionerDelays } from './context.js';
import { retryFor, RetryableError, type RemoteSession } from './remote-session.js';
import { execStreaming } from './shell.js';
import { ELEVATED_RUNNER_PATH, ELEVATED_RUNNER_SCRIPT, EXIT_RESTART_NEEDED, UPDATE_SCRIPT_PATH, updateCommand, windowsUpdateScript } from './windows-update-script.js';

export const UPDATE_RESTART_COMMAND = 'shutdown.exe -f -r -t 0 -c "packer restart"';
export const UPDATE_TEST_RESTART_COMMAND = 'shutdown.exe -f -r -t 60 -c "packer restart test"';
export const UPDATE_ABORT_RESTART_COMMAND = 'shutdown.exe -a';
const UPLOAD_RETRY_LIMIT = 5 * 60_000;

/** The guest dropped the connection while a command ran (it is restarting). */
class DroppedError extends RetryableError {
  override name = 'DroppedError';
}

/** Runs `command`; resolves with its exit code, or throws DroppedError when the connection dropped. */
async function exitCodeOf(session: RemoteSession, command: string, logger: Logger, signal: AbortSignal): Promise<number> {
  const r = await execStreaming(session, command, logger, signal);
  if (r.disconnected) {
    session.markLost();
    throw new DroppedError('the connection dropped');
  }
  return r.exitCode ?? -1;
}

export async function runWindowsUpdate(p: WindowsUpdateProvisioner, ctx: ProvisionerContext, session: RemoteSession, logger: Logger, signal: AbortSignal): Promise<void> {
  const delays = { ...PACKER_DELAYS, ...ctx.delays };
  const script = windowsUpdateScript({ searchCriteria: p.searchCriteria, filters: p.filters, updateLimit: p.updateLimit });
  logger.info('Uploading the Windows update scripts...');
  await retryFor('uploading the update scripts', UPLOAD_RETRY_LIMIT, delays.windowsPoll, signal, logger, () =>
    session.use(async (comm) => {
      await comm.upload(ELEVATED_RUNNER_PATH, ELEVATED_RUNNER_SCRIPT, 0o644, signal);
      await comm.upload(UPDATE_SCRIPT_PATH, script, 0o644, signal);
    }),
  );

  let restarts = 0;
  for (;;) {
    logger.info('Running Windows update...');
    const code = await runUpdateScript(p, session, logger, signal, delays);
    if (code === 0) {
      logger.info(restarts ? `Windows is up to date (${restarts} restart(s)).` : 'Windows is up to date.');
      return;
    }
    // 101: restart, then restart again for as long as the pending check asks for it.
    for (;;) {
      if (restarts >= p.maxReboots) {
        throw new ProvisionerError(
          `Windows still asks for a restart after ${restarts} restart(s) (maxReboots ${p.maxReboots}); an update may be failing in a loop. ` +
            'Exclude it with a filter (exclude:$_.Title -like "*KB…*") or raise maxReboots.',
        );
      }
      restarts++;
      await restartAndWait(p, session, logger, signal, delays);
      const pending = await checkPendingRestart(p, session, logger, signal, delays);
      if (!pending) break;
      logger.info('Another restart is pending.');
    }
  }
}

/** One update run: 0 or 101, retried (5 s apart) up to updateMaxRetries times otherwise. */
async function runUpdateScript(p: WindowsUpdateProvisioner, session: RemoteSession, logger: Logger, signal: AbortSignal, delays: ProvisionerDelays): Promise<number> {
  const tries = Math.max(1, p.updateMaxRetries);
  let last = '';
  for (let attempt = 1; attempt <= tries; attempt++) {
    try {
      const code = await exitCodeOf(session, updateCommand(false), logger, signal);
      if (code === 0 || code === EXIT_RESTART_NEEDED) return code;
      last = `the update script exited with ${code}`;
    } catch (err) {
      if (signal.aborted || (err instanceof ProvisionerError && !(err instanceof RetryableError))) throw err;
      last = (err as Error).message;
    }
    if (attempt < tries) {
      logger.warn(`Windows update failed (${last}); retrying (${tries - attempt} left)...`);
      await sleep(delays.windowsPoll, signal);
    }
  }
  throw new ProvisionerError(`Windows update failed ${tries} time(s); last: ${last}`);
}

async function restartAndWait(p: WindowsUpdateProvisioner, session: RemoteSession, logger: Logger, signal: AbortSignal, delays: ProvisionerDelays): Promise<void> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new ProvisionerError(`Timeout waiting for the machine to restart (restartTimeout ${formatGoDuration(p.restartTimeout)}).`)), timerDelay(p.restartTimeout));
  const bounded = AbortSignal.any([signal, timeout.signal]);
  // No limit of their own: the restartTimeout deadline (`bounded`) ends them; the last failure goes into its message.
  let lastFailure = '';
  const step = (what: string, fn: () => Promise<void>) =>
    retryFor(what, Number.POSITIVE_INFINITY, delays.windowsPoll, bounded, logger, () =>
      fn().catch((err: unknown) => {
        lastFailure = `${what}: ${(err as Error).message}`;
        throw err;
      }),
    );
  try {
    logger.info('Restarting the machine...');
    await step('restarting', async () => {
      try {
        const code = await exitCodeOf(session, UPDATE_RESTART_COMMAND, logger, bounded);
        if (code !== 0) throw new RetryableError(`the restart command exited with ${code}`);
      } catch (err) {
        // Going down while answering is what we asked for.
        if (err instanceof DroppedError) return;
        throw err;
      }
    });
    logger.info('Waiting for the machine to come back...');
    // Until the machine is back, the test restart fails (no connection) or is refused (1115/1190: shutting down).
    await step('waiting for the restart', async () => {
      const code = await exitCodeOf(session, UPDATE_TEST_RESTART_COMMAND, logger, bounded);
      if (code !== 0) throw new RetryableError(`the test restart exited with ${code}`);
    });
    await step('cancelling the test restart', async () => {
      const code = await exitCodeOf(session, UPDATE_ABORT_RESTART_COMMAND, logger, bounded);
      if (code !== 0) throw new RetryableError(`shutdown.exe -a exited with ${code}`);
    });
  } catch (err) {
    if (timeout.signal.aborted && !signal.aborted) {
      const reason = timeout.signal.reason as ProvisionerError;
      throw lastFailure ? new ProvisionerError(`${reason.message} Last failure: ${lastFailure}`) : reason;
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** True when the machine wants yet another restart (the check exits 101). */
async function checkPendingRestart(p: WindowsUpdateProvisioner, session: RemoteSession, logger: Logger, signal: AbortSignal, delays: ProvisionerDelays): Promise<boolean> {
  return retryFor('checking for a pending restart', p.restartTimeout, delays.windowsPoll, signal, logger, async () => {
    const code = await exitCodeOf(session, updateCommand(true), logger, signal);
    if (code === 0) return false;
    if (code === EXIT_RESTART_NEEDED) return true;
    throw new RetryableError(`the pending-restart check exited with ${code}`);
  });
}
