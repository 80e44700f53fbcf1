/**
 * Waiting for SSH the way Packer does (packer.md §4): the first try is immediate, then one every
 * 5 s (7 s after a handshake error). A TCP accept is not readiness — QEMU's port forward accepts
 * before the guest's sshd runs — only a completed handshake plus authentication is. Only
 * authentication failures use up sshHandshakeAttempts; everything else is retried until
 * sshTimeout. The final error names the last cause. Where Packer dials blind on its cadence, a
 * direct connection here logs in over the first connection that shows the server's banner.
 */
import { Socket } from 'node:net';
import { UserError } from '../errors.js';
import type { Communicator } from '../config/model.js';
import { formatGoDuration } from '../duration.js';
import type { Logger, SecretMasker } from '../log.js';
import { normaliseFingerprint } from './host-key.js';
import { sleep } from '../abort.js';
import { authMethods } from './ssh-auth.js';
import { connectUntilBanner, type BannerProbeState } from './ssh-banner.js';
import { SshCommunicator } from './ssh-communicator.js';
import { DialError, dialSsh, type DialFailureKind, type DialTarget } from './ssh-dial.js';

export interface SshAddress {
  host: string;
  port: number;
  /** See BannerTarget.guestUpPort (ssh-banner.ts): where the engine offers a cheap sign that the guest is up. */
  guestUpPort?: number;
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
   * Log in over the first connection that shows the server's SSH banner, opening connections as
   * the guest answers (default true; false = Packer's fixed cadence of blind tries).
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

  let communicator = await waitForSsh(config, targets, options, address.guestUpPort);
  if (config.pauseBeforeConnecting > 0 && !options.reconnect) {
    // Packer connects once, disconnects, waits, then connects for real: the pause is for guests
    // whose first boot restarts sshd (cloud-init and the like) right after it first answers.
    await communicator.close();
    logger.info(`Pausing ${formatGoDuration(config.pauseBeforeConnecting)} before connecting...`);
    await sleep(config.pauseBeforeConnecting, signal);
    communicator = await waitForSsh(config, targets, options, address.guestUpPort);
  }
  return communicator;
}

async function waitForSsh(config: Communicator, targets: { target: DialTarget; bastion?: DialTarget }, options: ConnectSshOptions, guestUpPort: number | undefined): Promise<SshCommunicator> {
  const { logger, signal } = options;
  const retryInterval = options.retryInterval ?? PACKER_RETRY_INTERVAL;
  const handshakePause = options.handshakeErrorPause ?? PACKER_HANDSHAKE_ERROR_PAUSE;
  const handshakeTimeout = options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT;
  const started = Date.now();
  const deadline = config.sshTimeout > 0 ? started + config.sshTimeout : Infinity;
  const { target, bastion } = targets;
  const endpoint = `${target.host}:${target.port}`;
  const where = `${config.sshUsername}@${endpoint}${bastion ? ` via ${bastion.host}:${bastion.port}` : ''}`;
  // Direct connections log in over the first connection that shows the server's banner
  // (ssh-banner.ts); through a bastion, or when asked, each try is a plain dial on Packer's cadence.
  const viaBanner = !bastion && options.probeBanner !== false;
  logger.info(`Waiting for SSH to become available on ${where}...`);

  let authFailures = 0;
  let last: DialError | undefined;
  const probes: BannerProbeState = {
    reachable: false,
    onFailure: (f) => logger.debug(`SSH: ${describeKind(new DialError(f.kind, endpoint, f.message))}; waiting for the server's banner`),
  };
  for (let attempt = 1; ; attempt++) {
    // The banner wait needs no pause of its own: it paces its connections by what the guest answers.
    // After a rejected login the server is up, so Packer's full pause applies either way.
    if (last && (!viaBanner || last.kind === 'auth')) {
      await sleep(Math.min(retryPause(last.kind, retryInterval, handshakePause), Math.max(0, deadline - Date.now())), signal);
    }
    signal.throwIfAborted();
    if (Date.now() >= deadline && last) {
      throw new UserError(
        `Timeout waiting for SSH: no SSH session with ${where} after ${formatGoDuration(config.sshTimeout)} (${attempt - 1} tries); last error: ${describeKind(last)}. ` + timeoutAdvice(config, last, authFailures),
      );
    }
    let socket: Socket | undefined;
    if (viaBanner) {
      const reached = await connectUntilBanner({ host: target.host, port: target.port, ...(guestUpPort !== undefined ? { guestUpPort } : {}) }, Math.max(0, deadline - Date.now()), signal, probes);
      if (!(reached instanceof Socket)) {
        const failure = new DialError(reached.kind, endpoint, reached.message);
        logger.debug(`SSH try ${attempt} failed: ${describeKind(failure)}`);
        // The banner wait is given all that is left of sshTimeout, so its timeout is always
        // sshTimeout's own: like a handshake cut short, it must not hide the cause before it.
        if (!(failure.kind === 'handshake-timeout' && last)) last = failure;
        continue;
      }
      socket = reached;
    }
    const remaining = deadline - Date.now();
    const cutByDeadline = remaining < handshakeTimeout;
    try {
      const dialed = await dialSsh({
        ...targets,
        keepAliveInterval: config.sshKeepAliveInterval,
        handshakeTimeout: Math.max(1000, Math.min(handshakeTimeout, remaining)),
        signal,
        ...(socket ? { socket } : {}),
      });
      logger.info('Connected to SSH!');
      if (dialed.hostKeyFingerprint) logger.debug(`SSH host key ${dialed.hostKeyFingerprint}`);
      return new SshCommunicator(dialed, { pty: config.sshPty, logger, ...(options.fileTransfer ? { fileTransfer: options.fileTransfer } : {}) });
    } catch (err) {
      socket?.destroy();
      if (!(err instanceof DialError)) throw err;
      logger.debug(`SSH try ${attempt} failed: ${describeKind(err)}`);
      // A try cut short by sshTimeout itself says nothing about the server; the try before it
      // (a rejected login, say) is the cause worth reporting.
      const cutShort = err.kind === 'handshake-timeout' && cutByDeadline && last !== undefined;
      if (!cutShort) last = err;
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
