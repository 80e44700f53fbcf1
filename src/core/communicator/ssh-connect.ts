/**
 * Waiting for SSH the way Packer does (packer.md §4): the first try is immediate, then one every
 * 5 s (7 s after a handshake error). A TCP accept is not readiness — QEMU's port forward accepts
 * before the guest's sshd runs — only a completed handshake plus authentication is. Only
 * authentication failures use up sshHandshakeAttempts; everything else is retried until
 * sshTimeout. The final error names the last cause. Where Packer waits out a silent connection,
 * we drop it as soon as a fresh one shows the server's banner (StaleDialWatch, below).
 */
import { UserError } from '../errors.js';
import type { Communicator } from '../config/model.js';
import { formatGoDuration } from '../duration.js';
import type { Logger, SecretMasker } from '../log.js';
import { normaliseFingerprint } from './host-key.js';
import { sleep } from '../abort.js';
import { authMethods } from './ssh-auth.js';
import { pauseUntilSshBanner, type BannerProbeState } from './ssh-banner.js';
import { SshCommunicator } from './ssh-communicator.js';
import { DialError, dialSsh, type DialFailureKind, type DialTarget } from './ssh-dial.js';

export interface SshAddress {
  host: string;
  port: number;
}

export interface ConnectSshOptions {
  logger: Logger;
  signal: AbortSignal;
  /** Passwords are registered here so no log line can show them. */
  masker?: SecretMasker;
  /** Pin the guest's host key ("SHA256:…"); default: accept any, as Packer does. */
  hostKeyFingerprint?: string;
  /** Pause between tries, ms. Packer: 5s. */
  retryInterval?: number;
  /** Extra pause after a handshake error, ms. Packer: 2s. */
  handshakeErrorPause?: number;
  /** How long one handshake may take, ms (bounded by what is left of sshTimeout). */
  handshakeTimeout?: number;
  /** "exec" skips SFTP (for servers where the subsystem misbehaves). */
  fileTransfer?: 'sftp' | 'exec';
  /**
   * End retry pauses early once the server shows an SSH banner, and replace a try stuck on a port
   * forward once a fresh connection shows one (default true; false = Packer's fixed behaviour).
   */
  probeBanner?: boolean;
  /** Where SSH_AUTH_SOCK is read for sshAgentAuth. */
  env?: NodeJS.ProcessEnv;
  /**
   * True when reconnecting after a reboot or a dropped connection: pauseBeforeConnecting only
   * applies to the first connection of a build, as in Packer.
   */
  reconnect?: boolean;
}

const PACKER_RETRY_INTERVAL = 5000;
const PACKER_HANDSHAKE_ERROR_PAUSE = 2000;
const DEFAULT_HANDSHAKE_TIMEOUT = 60_000;

/**
 * Packer's cadence: the next try after `interval`, plus `handshakePause` when TCP connected but
 * the SSH conversation failed (authentication included) — not after a refused or unreachable port.
 */
export function retryPause(last: DialFailureKind, interval = PACKER_RETRY_INTERVAL, handshakePause = PACKER_HANDSHAKE_ERROR_PAUSE): number {
  return interval + (last === 'handshake' || last === 'handshake-timeout' || last === 'auth' ? handshakePause : 0);
}

function describeKind(err: DialError): string {
  switch (err.kind) {
    case 'refused':
      return `connection refused by ${err.endpoint}`;
    case 'handshake-timeout':
      return `handshake timeout with ${err.endpoint}`;
    case 'auth':
      return `authentication failed at ${err.endpoint}: ${err.message}`;
    default:
      return `${err.endpoint}: ${err.message}`;
  }
}

/**
 * What to check after a timeout, from how the last try ended: a server that rejected the login is
 * up and reachable, so the credentials (or a user not made yet) are the suspects, not the network.
 */
function timeoutAdvice(config: Communicator, last: DialError, authFailures: number): string {
  if (last.kind !== 'auth') return 'Check that the guest runs an SSH server reachable on that port, or raise communicator.sshTimeout.';
  const offered = [
    config.sshPassword !== undefined ? 'a password (communicator.sshPassword)' : undefined,
    config.sshPrivateKeyFile ? `the key in ${config.sshPrivateKeyFile} (communicator.sshPrivateKeyFile)` : undefined,
    config.sshAgentAuth ? 'the keys of the SSH agent (communicator.sshAgentAuth)' : undefined,
  ].filter((o) => o !== undefined);
  return (
    `The SSH server answered but rejected the credentials (${authFailures} time(s)): user '${config.sshUsername}' with ${offered.length > 0 ? offered.join(', ') : 'no password or key'}. ` +
    'Check communicator.sshUsername and the password or key, and that the guest has that user with them by then ' +
    '(a cloud-init seed, preseed or kickstart that sets them must have run), or raise communicator.sshTimeout if it sets them late.'
  );
}

async function dialTargets(config: Communicator, address: SshAddress, options: ConnectSshOptions): Promise<{ target: DialTarget; bastion?: DialTarget }> {
  if (!config.sshUsername) throw new UserError('communicator.sshUsername: an SSH username is required to connect');
  const env = options.env ?? process.env;
  let pinned: string | undefined;
  if (options.hostKeyFingerprint !== undefined) {
    pinned = normaliseFingerprint(options.hostKeyFingerprint);
    if (!pinned) throw new UserError(`host key fingerprint "${options.hostKeyFingerprint}" is not an OpenSSH SHA256 fingerprint (SHA256:<43 base64 characters>, as ssh-keygen -lf prints)`);
  }
  const target: DialTarget = {
    host: address.host,
    port: address.port,
    auth: await authMethods(
      {
        username: config.sshUsername,
        ...(config.sshPassword !== undefined ? { password: config.sshPassword } : {}),
        ...(config.sshPrivateKeyFile ? { privateKeyFile: config.sshPrivateKeyFile } : {}),
        agentAuth: config.sshAgentAuth,
      },
      'ssh',
      env,
    ),
    ...(pinned ? { hostKeyFingerprint: pinned } : {}),
  };
  if (!config.sshBastionHost) return { target };
  // Packer: the bastion key file defaults to the target's; the username has no default.
  const keyFile = config.sshBastionPrivateKeyFile ?? config.sshPrivateKeyFile;
  const bastion: DialTarget = {
    host: config.sshBastionHost,
    port: config.sshBastionPort,
    auth: await authMethods(
      {
        username: config.sshBastionUsername ?? config.sshUsername,
        ...(config.sshBastionPassword !== undefined ? { password: config.sshBastionPassword } : {}),
        ...(keyFile ? { privateKeyFile: keyFile } : {}),
        agentAuth: false,
      },
      'sshBastion',
      env,
    ),
  };
  return { target, bastion };
}

/**
 * Connects to the guest's SSH server, retrying per Packer's rules. Resolves with a live
 * communicator; rejects with a UserError that names the last cause once sshTimeout or
 * sshHandshakeAttempts are used up, or with the abort reason when `signal` fires.
 */
export async function connectSsh(config: Communicator, address: SshAddress, options: ConnectSshOptions): Promise<SshCommunicator> {
  const { logger, signal } = options;
  options.masker?.add(config.sshPassword);
  options.masker?.add(config.sshBastionPassword);
  const targets = await dialTargets(config, address, options);

  let communicator = await waitForSsh(config, targets, options);
  if (config.pauseBeforeConnecting > 0 && !options.reconnect) {
    // Packer connects once, disconnects, waits, then connects for real: the pause is for guests
    // whose first boot restarts sshd (cloud-init and the like) right after it first answers.
    await communicator.close();
    logger.info(`Pausing ${formatGoDuration(config.pauseBeforeConnecting)} before connecting...`);
    await sleep(config.pauseBeforeConnecting, signal);
    communicator = await waitForSsh(config, targets, options);
  }
  return communicator;
}

async function waitForSsh(config: Communicator, targets: { target: DialTarget; bastion?: DialTarget }, options: ConnectSshOptions): Promise<SshCommunicator> {
  const { logger, signal } = options;
  const retryInterval = options.retryInterval ?? PACKER_RETRY_INTERVAL;
  const handshakePause = options.handshakeErrorPause ?? PACKER_HANDSHAKE_ERROR_PAUSE;
  const handshakeTimeout = options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT;
  const started = Date.now();
  const deadline = config.sshTimeout > 0 ? started + config.sshTimeout : Infinity;
  const where = `${config.sshUsername}@${targets.target.host}:${targets.target.port}${targets.bastion ? ` via ${targets.bastion.host}:${targets.bastion.port}` : ''}`;
  logger.info(`Waiting for SSH to become available on ${where}...`);

  let authFailures = 0;
  let replaced = 0;
  let last: DialError | undefined;
  const probes: BannerProbeState = { reachable: false };
  for (let attempt = 1; ; attempt++) {
    if (last) {
      const wait = Math.min(retryPause(last.kind, retryInterval, handshakePause), Math.max(0, deadline - Date.now()));
      // Direct connections end the pause as soon as the server shows its banner (ssh-banner.ts);
      // after an auth failure the server is up already, so the full pause applies.
      if (!targets.bastion && last.kind !== 'auth' && options.probeBanner !== false) await pauseUntilSshBanner(targets.target.host, targets.target.port, wait, signal, probes);
      else await sleep(wait, signal);
    }
    signal.throwIfAborted();
    if (Date.now() >= deadline && last) {
      throw new UserError(
        `Timeout waiting for SSH: no SSH session with ${where} after ${formatGoDuration(config.sshTimeout)} (${attempt - 1} tries); last error: ${describeKind(last)}. ` + timeoutAdvice(config, last, authFailures),
      );
    }
    // Once the guest itself answers, a try's connection reaches it at once and is never left
    // waiting on the port forward: a silent try is then an sshd still starting its session (seconds
    // under TCG), and probes beside it would only start more sshd processes on the guest's CPU.
    const watchStale = !targets.bastion && options.probeBanner !== false && !probes.reachable;
    // Each replaced try doubles the grace, so a host too loaded to read a banner in time cannot churn.
    const stale = watchStale ? new StaleDialWatch(targets.target, deadline, signal, STALE_GRACE_MS * 2 ** replaced, probes) : undefined;
    try {
      const remaining = deadline - Date.now();
      const dialed = await dialSsh({
        ...targets,
        keepAliveInterval: config.sshKeepAliveInterval,
        handshakeTimeout: Math.max(1000, Math.min(handshakeTimeout, remaining)),
        signal: stale?.signal ?? signal,
        ...(stale ? { onServerBytes: () => stale.serverSpoke() } : {}),
      });
      stale?.stop();
      logger.info('Connected to SSH!');
      if (dialed.hostKeyFingerprint) logger.debug(`SSH host key ${dialed.hostKeyFingerprint}`);
      return new SshCommunicator(dialed, { pty: config.sshPty, logger, ...(options.fileTransfer ? { fileTransfer: options.fileTransfer } : {}) });
    } catch (err) {
      stale?.stop();
      if (stale?.fired && !signal.aborted) {
        // Not a failed try: the server is up, and a fresh connection reaches it at once.
        logger.debug(`SSH try ${attempt}: a fresh connection shows the SSH banner while this one still waits on the port forward; connecting again`);
        last = undefined;
        replaced++;
        continue;
      }
      if (!(err instanceof DialError)) throw err;
      last = err;
      // A direct connection reset or closed unheard: the guest's network stack answered (the port
      // forward holds a connection silent while the guest is down).
      if (err.kind === 'handshake' && !targets.bastion) probes.reachable = true;
      logger.debug(`SSH try ${attempt} failed: ${describeKind(err)}`);
      if (err.kind === 'host-key') throw new UserError(`SSH host key check failed for ${where}: ${err.message}`);
      if (err.kind === 'auth') {
        authFailures++;
        if (config.sshHandshakeAttempts > 0 && authFailures >= config.sshHandshakeAttempts) {
          throw new UserError(
            `SSH authentication failed ${authFailures} time(s) for ${where}: ${err.message}. ` +
              'Check communicator.sshUsername and sshPassword / sshPrivateKeyFile, or raise sshHandshakeAttempts if the guest sets its credentials late.',
          );
        }
      }
    }
  }
}

/**
 * QEMU's user-mode port forward accepts at once and then retries its connection to the guest with
 * TCP backoff, so a try begun before the guest's sshd listened can sit silent for many seconds
 * after sshd is up (measured: 5.5 s on the test guest under TCG). While a try has heard nothing
 * from the server, fresh connections probe for the banner; the first one that shows it makes the
 * silent try stale, and it is dropped for a new one. A try that heard the server is left alone.
 */
/** How long a try may take to read a banner that a probe already saw (probes and tries race to the server). */
const STALE_GRACE_MS = 300;

class StaleDialWatch {
  private readonly controller = new AbortController();
  private readonly watching = new AbortController();
  private spoke = false;
  fired = false;
  readonly signal: AbortSignal;

  constructor(target: SshAddress, deadline: number, outer: AbortSignal, graceMs: number, probes: BannerProbeState) {
    this.signal = AbortSignal.any([outer, this.controller.signal]);
    const watch = AbortSignal.any([outer, this.watching.signal]);
    const supersede = async () => {
      if (!(await pauseUntilSshBanner(target.host, target.port, Math.max(0, deadline - Date.now()), watch, probes))) return;
      // A try begun a moment ago may simply not have read its banner yet: give it the time a probe needs.
      await sleep(graceMs, watch);
      if (this.spoke || watch.aborted) return;
      this.fired = true;
      this.controller.abort(new Error('superseded by a fresh connection'));
    };
    supersede().catch(() => undefined); // stopped or cancelled: the dial reports the cancellation itself
  }

  serverSpoke(): void {
    this.spoke = true;
    this.watching.abort();
  }

  stop(): void {
    this.watching.abort();
  }
}
