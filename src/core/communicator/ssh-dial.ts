/**
 * One connection attempt: TCP, SSH handshake and authentication, optionally hopping through a
 * bastion (ProxyJump-like: a direct-tcpip channel on the bastion carries the target's SSH
 * stream). Every failure is classified, because the wait loop treats them differently: only
 * authentication failures use up handshake attempts, as in Packer.
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { AnyAuthMethod, Client, ConnectConfig } from 'ssh2';
import { timerDelay } from '../duration.js';
import { hostKeyCheck, type HostKeyCheck } from './host-key.js';

export type DialFailureKind =
  | 'refused' // nothing listens on the port (yet)
  | 'unreachable' // no route, DNS failure, TCP timeout
  | 'handshake' // TCP accepted but no SSH conversation (reset, closed, garbage): QEMU's hostfwd before sshd runs
  | 'handshake-timeout' // TCP accepted but the handshake did not finish in time
  | 'auth' // the server refused every credential
  | 'host-key'; // the pinned fingerprint did not match

export class DialError extends Error {
  override name = 'DialError';
  constructor(
    readonly kind: DialFailureKind,
    /** "127.0.0.1:2222" or "bastion 10.0.0.1:22". */
    readonly endpoint: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface DialTarget {
  host: string;
  port: number;
  auth: AnyAuthMethod[];
  /** A pinned "SHA256:…" fingerprint; undefined accepts any host key. */
  hostKeyFingerprint?: string;
}

export interface DialOptions {
  target: DialTarget;
  bastion?: DialTarget;
  /** ms; ssh2 sends keepalives this often once connected. 0 disables them. */
  keepAliveInterval: number;
  /** ms the TCP connect plus handshake plus authentication may take. */
  handshakeTimeout: number;
  signal: AbortSignal;
  debug?: (message: string) => void;
  /** A connection to the target that has already shown its SSH banner (ssh-banner.ts), used instead of a new one. */
  socket?: Socket;
}

export interface DialedConnection {
  client: Client;
  /** Present when the connection goes through a bastion; closed together with `client`. */
  bastion?: Client;
  hostKeyFingerprint: string | undefined;
}

/** How a socket error code reads as a dial failure (ssh-banner.ts reads its connections' errors with it too). */
export const SOCKET_CODE_KIND: Record<string, DialFailureKind> = {
  ECONNREFUSED: 'refused',
  ECONNRESET: 'handshake',
  EPIPE: 'handshake',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  ETIMEDOUT: 'unreachable',
  ENOTFOUND: 'unreachable',
  EAI_AGAIN: 'unreachable',
};

function classify(err: Error & { level?: string; code?: string }, check: HostKeyCheck, endpoint: string, auth: AnyAuthMethod[]): DialError {
  if (err instanceof DialError) return err;
  if (check.mismatch) return new DialError('host-key', endpoint, check.mismatch.message, { cause: err });
  const level = err.level ?? '';
  if (level === 'client-authentication') {
    const user = auth[0]?.username ?? '';
    const tried = [...new Set(auth.map((m) => m.type))].join(', ');
    return new DialError('auth', endpoint, `unable to authenticate as "${user}" (tried ${tried}): the server rejected the credentials`, { cause: err });
  }
  if (level === 'client-timeout') return new DialError('handshake-timeout', endpoint, 'timeout during the SSH handshake', { cause: err });
  if (level === 'client-dns') return new DialError('unreachable', endpoint, err.message, { cause: err });
  if (level === 'client-socket' && err.code) {
    const kind = SOCKET_CODE_KIND[err.code] ?? 'unreachable';
    const text = kind === 'refused' ? 'connection refused' : kind === 'handshake' ? `connection reset during the SSH handshake (${err.code})` : err.message;
    return new DialError(kind, endpoint, text, { cause: err });
  }
  return new DialError('handshake', endpoint, `SSH handshake failed: ${err.message}`, { cause: err });
}

/**
 * ssh2 is imported on first use rather than with this module: every stage action's code imports
 * the communicator, and most starts (a missing input, a post step, a build without SSH) never dial.
 */
const loadSsh2 = () => import('ssh2');
let ssh2Module: ReturnType<typeof loadSsh2> | undefined;

async function connectClient(config: ConnectConfig, auth: AnyAuthMethod[], check: HostKeyCheck, endpoint: string, signal: AbortSignal): Promise<Client> {
  const ssh2 = (await (ssh2Module ??= loadSsh2())).default;
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (err) {
        client.destroy();
        reject(err);
      } else {
        resolve(client);
      }
    };
    const onAbort = () => settle(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    // A handler stays attached for the client's whole life: ssh2 emits late errors (keepalive
    // timeouts, resets) and an unhandled 'error' event would crash the process.
    client.on('error', (err: Error) => settle(classify(err, check, endpoint, auth)));
    client.once('close', () => settle(new DialError('handshake', endpoint, 'the server closed the connection during the SSH handshake')));
    client.once('ready', () => settle());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      // ssh2 insists on a top-level username even when every method carries its own.
      client.connect({ ...config, username: auth[0]?.username ?? '', authHandler: auth, hostVerifier: (key: Buffer) => check.verify(key) });
    } catch (err) {
      settle(classify(err as Error, check, endpoint, auth));
    }
  });
}

function forwardThrough(bastion: Client, host: string, port: number, endpoint: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    bastion.forwardOut('127.0.0.1', 0, host, port, (err, stream) => {
      if (!err) return resolve(stream);
      const refused = /refused|connect failed/i.test(err.message) || (err as { reason?: number }).reason === 2;
      reject(new DialError(refused ? 'refused' : 'unreachable', endpoint, `the bastion could not reach ${host}:${port}: ${err.message}`, { cause: err }));
    });
  });
}

export async function dialSsh(options: DialOptions): Promise<DialedConnection> {
  const { target, bastion: hop, signal } = options;
  const common: ConnectConfig = {
    readyTimeout: options.handshakeTimeout,
    keepaliveInterval: options.keepAliveInterval > 0 ? timerDelay(options.keepAliveInterval) : 0,
    // Packer closes the connection after a few unanswered keepalives; ssh2's count does that.
    keepaliveCountMax: 3,
    ...(options.debug ? { debug: options.debug } : {}),
  };
  const endpoint = `${target.host}:${target.port}`;
  const targetCheck = hostKeyCheck(target.hostKeyFingerprint);
  let bastion: Client | undefined;
  try {
    let sock: Duplex | undefined;
    if (hop) {
      const hopEndpoint = `bastion ${hop.host}:${hop.port}`;
      bastion = await connectClient({ ...common, host: hop.host, port: hop.port }, hop.auth, hostKeyCheck(hop.hostKeyFingerprint), hopEndpoint, signal);
      sock = await forwardThrough(bastion, target.host, target.port, endpoint);
    }
    sock ??= options.socket;
    const client = await connectClient(sock ? { ...common, sock } : { ...common, host: target.host, port: target.port }, target.auth, targetCheck, endpoint, signal);
    if (bastion) {
      const b = bastion;
      client.once('close', () => b.end());
    }
    return { client, ...(bastion ? { bastion } : {}), hostKeyFingerprint: targetCheck.seen };
  } catch (err) {
    bastion?.destroy();
    throw err;
  }
}
