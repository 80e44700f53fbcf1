/**
 * Runs one provisioner with the options every provisioner has (Packer core): pauseBefore,
 * timeout and maxRetries. One deliberate difference from Packer: there, `timeout` is ignored
 * when `pauseBefore` is set (an if/else in its wrapper); here both apply, the pause not counting
 * against the timeout.
 */
import type { RemoteCommunicator } from '../communicator/types.js';
import { sleep } from '../abort.js';
import type { Provisioner } from '../config/model.js';
import { formatGoDuration, timerDelay } from '../duration.js';
import type { Logger } from '../log.js';
import { PACKER_DELAYS, ProvisionerError, ProvisionerTimeoutError, type ProvisionerContext } from './context.js';
import { runFile } from './file.js';
import { RemoteSession } from './remote-session.js';
import { runShell } from './shell.js';
import { runWindowsRestart } from './windows-restart.js';
import { runWindowsUpdate } from './windows-update.js';

function isBug(err: unknown): boolean {
  return err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError;
}

/** "[web/shell]", or the provisioner's name when it has one. */
export function provisionerLabel(p: Provisioner, vmName?: string): string {
  const own = p.name ?? p.type;
  return vmName ? `${vmName}/${own}` : own;
}

async function runOnce(p: Provisioner, ctx: ProvisionerContext, session: RemoteSession, logger: Logger, signal: AbortSignal): Promise<void> {
  switch (p.type) {
    case 'shell':
      return runShell(p, ctx, session, logger, signal);
    case 'file':
      return runFile(p, ctx, session, logger, signal);
    case 'windows-restart':
      return runWindowsRestart(p, ctx, session, logger, signal);
    case 'windows-update':
      return runWindowsUpdate(p, ctx, session, logger, signal);
  }
}

/** One attempt: the pause, then the provisioner under its own deadline. */
async function attempt(p: Provisioner, ctx: ProvisionerContext, session: RemoteSession, logger: Logger): Promise<void> {
  if (p.pauseBefore > 0) {
    logger.info(`Pausing ${formatGoDuration(p.pauseBefore)} before the next provisioner...`);
    await sleep(p.pauseBefore, ctx.signal);
  }
  if (p.timeout <= 0) return runOnce(p, ctx, session, logger, ctx.signal);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new ProvisionerTimeoutError(`timed out after ${formatGoDuration(p.timeout)} (timeout)`)), timerDelay(p.timeout));
  try {
    await runOnce(p, ctx, session, logger, AbortSignal.any([ctx.signal, deadline.signal]));
  } catch (err) {
    // Whatever the provisioner threw while being stopped, the cause is the deadline.
    if (deadline.signal.aborted && !ctx.signal.aborted) throw deadline.signal.reason;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `p` on the guest. Resolves with the communicator to use from now on: the one passed in,
 * or a fresh one if the provisioner had to reconnect (after a reboot). Rejects with a
 * ProvisionerError (a UserError) when it fails after its retries, or with the abort reason.
 */
export async function runProvisioner(p: Provisioner, ctx: ProvisionerContext): Promise<RemoteCommunicator> {
  const logger = ctx.logger.child(provisionerLabel(p, ctx.vmName));
  const session = new RemoteSession(ctx, logger);
  const delays = { ...PACKER_DELAYS, ...ctx.delays };
  const tries = Math.max(0, p.maxRetries) + 1;
  for (let left = tries - 1; ; left--) {
    try {
      await attempt(p, ctx, session, logger);
      return session.current;
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : err;
      const message = err instanceof Error ? err.message : String(err);
      if (left <= 0) {
        // Programming errors keep their stack; everything else is a build failure to report plainly.
        if (isBug(err)) throw err;
        const Kind = err instanceof ProvisionerTimeoutError ? ProvisionerTimeoutError : ProvisionerError;
        throw new Kind(`${provisionerLabel(p, ctx.vmName)}: ${message}`);
      }
      logger.warn(`Provisioner failed with "${message}", retrying with ${left} trie(s) left`);
      await sleep(delays.provisionerRetry, ctx.signal);
    }
  }
}
