/**
 * The provisioner's view of the connection across reboots: the communicator of the moment, a
 * reconnect when the old one is gone, and Packer's "retry this unit until a time limit" helper.
 */
import { sleep } from '../abort.js';
import { ConnectionLostError, type RemoteCommunicator } from '../communicator/types.js';
import { formatGoDuration } from '../duration.js';
import type { Logger } from '../log.js';
import { ProvisionerError, type ProvisionerContext } from './context.js';

export class RemoteSession {
  private comm: RemoteCommunicator;
  private lost = false;

  constructor(
    private readonly ctx: Pick<ProvisionerContext, 'comm' | 'reconnect'>,
    private readonly logger: Logger,
  ) {
    this.comm = ctx.comm;
  }

  /** The communicator to hand back to the pipeline when the provisioner is done. */
  get current(): RemoteCommunicator {
    return this.comm;
  }

  /** The connection dropped (a command reported a disconnect); the next use reconnects. */
  markLost(): void {
    this.lost = true;
  }

  /** Runs `fn` on a live communicator; a ConnectionLostError marks it lost and is rethrown. */
  async use<T>(fn: (comm: RemoteCommunicator) => Promise<T>): Promise<T> {
    if (this.lost) await this.reconnect();
    try {
      return await fn(this.comm);
    } catch (err) {
      if (err instanceof ConnectionLostError) this.lost = true;
      throw err;
    }
  }

  async reconnect(): Promise<RemoteCommunicator> {
    this.logger.info('Reconnecting to the guest...');
    const old = this.comm;
    await old.close().catch(() => {});
    this.comm = await this.ctx.reconnect();
    this.lost = false;
    return this.comm;
  }
}

/** Errors no retry can fix: configuration mistakes, cancellation. */
function isFatal(err: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (err instanceof ProvisionerError && !(err instanceof RetryableError));
}

/** A failure a retry loop may try again (used by steps that fail on purpose with an exit code). */
export class RetryableError extends ProvisionerError {
  override name = 'RetryableError';
}

/**
 * Runs `fn` until it succeeds or `limitMs` has passed since the first try (0 = try once), with
 * `delayMs` between tries — Packer's retry.Config{StartTimeout}. The last error is rethrown with
 * `what` in front.
 */
export async function retryFor<T>(what: string, limitMs: number, delayMs: number, signal: AbortSignal, logger: Logger, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (isFatal(err, signal)) throw err;
      const message = err instanceof Error ? err.message : String(err);
      if (Date.now() + delayMs > deadline) {
        throw new ProvisionerError(limitMs > 0 ? `${what}: still failing after ${formatGoDuration(limitMs)}: ${message}` : `${what}: ${message}`);
      }
      logger.debug(`Retryable error: ${what}: ${message}`);
      await sleep(delayMs, signal);
    }
  }
}
