/**
 * Packer's windows-restart provisioner (packer.md §3.3), over SSH: run the restart command, make
 * sure the machine really went down (a test restart that must fail or be refused), then wait for
 * it to answer the restart check again — and, with checkRegistry, for Windows' component
 * servicing to have no pending reboot left. All of it within restartTimeout.
 */
import { sleep } from '../abort.js';
import { ConnectionLostError } from '../communicator/types.js';
import type { WindowsRestartProvisioner } from '../config/model.js';
import { formatGoDuration, timerDelay } from '../duration.js';
import type { Logger } from '../log.js';
import { PACKER_DELAYS, ProvisionerError, type ProvisionerContext } from './context.js';
import { encodedPowerShell, psQuote } from './powershell.js';
import { retryFor, RetryableError, type RemoteSession } from './remote-session.js';
import { LineSplitter } from './output-lines.js';
import { execStreaming } from './shell.js';

export const TRY_RESTART_COMMAND = 'shutdown /r /f /t 60 /c "packer restart test"';
export const ABORT_RESTART_COMMAND = 'shutdown /a';

/** Keys whose presence means Windows servicing still wants a reboot (Packer's registry_keys). */
export const PENDING_REBOOT_KEYS = [
  'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending',
  'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\PackagesPending',
  'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootInProgress',
];

/** Prints each pending-reboot key that exists, one per line. */
export const REGISTRY_CHECK_COMMAND = encodedPowerShell(`foreach ($key in @(${PENDING_REBOOT_KEYS.map(psQuote).join(', ')})) { if (Test-Path -LiteralPath $key) { Write-Output $key } }`);

/** shutdown.exe: 1115 shutting down, 1190 already scheduled, 1717 interface unknown (RPC not up yet). */
const RESTART_IN_PROGRESS = new Set([1115, 1190, 1717]);
const RESTART_COMMAND_OK = new Set([0, 1115, 1190]);

/** Runs `command` and returns its exit code and stdout; a dropped connection is `undefined`. */
async function run(session: RemoteSession, command: string, logger: Logger, signal: AbortSignal): Promise<{ code: number | undefined; stdout: string }> {
  let stdout = '';
  const stderr = new LineSplitter((line) => logger.debug(line));
  const r = await session
    .use((comm) =>
      comm.exec(command, {
        onStdout: (c) => {
          stdout += c.toString('utf8');
        },
        onStderr: (c) => stderr.push(c),
        signal,
      }),
    )
    .finally(() => stderr.end());
  if (r.disconnected) session.markLost();
  return { code: r.disconnected ? undefined : r.exitCode, stdout };
}

export async function runWindowsRestart(p: WindowsRestartProvisioner, ctx: ProvisionerContext, session: RemoteSession, logger: Logger, signal: AbortSignal): Promise<void> {
  const delays = { ...PACKER_DELAYS, ...ctx.delays };
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new ProvisionerError(`Timeout waiting for the machine to restart (restartTimeout ${formatGoDuration(p.restartTimeout)}).`)), timerDelay(p.restartTimeout));
  const bounded = AbortSignal.any([signal, timeout.signal]);
  let lastFailure = '';
  try {
    logger.info('Restarting the machine...');
    // No limit of its own: the restartTimeout deadline ends it, naming the last failure.
    await retryFor('running the restart command', Number.POSITIVE_INFINITY, delays.windowsPoll, bounded, logger, async () => {
      const r = await execStreaming(session, p.restartCommand, logger, bounded);
      if (r.disconnected) return session.markLost(); // it went down at once: that is success
      if (!RESTART_COMMAND_OK.has(r.exitCode ?? -1)) {
        lastFailure = `the restart command exited with ${r.exitCode}`;
        throw new RetryableError(lastFailure);
      }
    });
    lastFailure = '';

    await sleep(delays.afterRestartCommand, bounded);
    await waitUntilRestarting(session, logger, bounded, delays);
    logger.info('Waiting for the machine to come back...');
    await waitForCheck(p, session, logger, bounded, delays.windowsPoll);
    if (p.checkRegistry) await waitForRegistry(session, logger, bounded, delays.windowsPoll);
    logger.info('Machine successfully restarted, moving on');
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

/** Packer's check that the restart started: schedule a test restart and read the answer. */
async function waitUntilRestarting(session: RemoteSession, logger: Logger, signal: AbortSignal, delays: typeof PACKER_DELAYS): Promise<void> {
  for (;;) {
    logger.debug('Checking whether the machine is restarting...');
    let code: number | undefined;
    try {
      code = (await run(session, TRY_RESTART_COMMAND, logger, signal)).code;
    } catch (err) {
      if (signal.aborted) throw err;
      return; // cannot even run a command: it is going down
    }
    if (code === undefined || code === 1) return; // the connection dropped / SSH is going down with it
    if (RESTART_IN_PROGRESS.has(code)) {
      logger.info('A restart is already in progress, waiting...');
      await sleep(delays.rebootInProgress, signal);
      continue;
    }
    if (code === 0) {
      // Our test restart was accepted, so none was pending: cancel it.
      await run(session, ABORT_RESTART_COMMAND, logger, signal).catch(() => undefined);
      return;
    }
    // Packer loops at once here; pause so an odd answer does not spin.
    await sleep(delays.windowsPoll, signal);
  }
}

async function waitForCheck(p: WindowsRestartProvisioner, session: RemoteSession, logger: Logger, signal: AbortSignal, poll: number): Promise<void> {
  for (;;) {
    try {
      const { code, stdout } = await run(session, p.restartCheckCommand, logger, signal);
      if (code !== undefined && stdout.includes('restarted.')) {
        logger.info(stdout.trim());
        return;
      }
    } catch (err) {
      if (signal.aborted) throw err;
      // Still down, or the reconnect gave up for now: keep waiting within restartTimeout.
      logger.debug(`restart check: ${(err as Error).message}`);
      if (!(err instanceof ConnectionLostError)) session.markLost();
    }
    await sleep(poll, signal);
  }
}

async function waitForRegistry(session: RemoteSession, logger: Logger, signal: AbortSignal, poll: number): Promise<void> {
  let reported = '';
  for (;;) {
    try {
      const { code, stdout } = await run(session, REGISTRY_CHECK_COMMAND, logger, signal);
      if (code === 0) {
        const pending = stdout.split(/\r?\n/).filter(Boolean);
        if (pending.length === 0) return;
        const now = pending.join(', ');
        if (now !== reported) logger.info(`Waiting for the pending-reboot registry keys to go away: ${now}`);
        reported = now;
      }
    } catch (err) {
      if (signal.aborted) throw err;
      logger.debug(`registry check: ${(err as Error).message}`);
    }
    await sleep(poll, signal);
  }
}
