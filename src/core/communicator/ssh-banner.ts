/**
 * Reaching a guest's SSH server with as few connections as possible. A guest's sshd announces
 * itself with an "SSH-" banner the moment it has a connection, while a port forward whose guest is
 * not up yet accepts and then either holds the connection silent or resets it unheard. So the
 * connection that shows the banner is the one to log in over: it is handed to the SSH client as
 * it is, with the banner put back for the client to read.
 *
 * Why not probe and then connect again: under TCG every connection that reaches the guest makes
 * its sshd fork and re-execute itself, which takes 1.3–6.5 s of the guest's single vCPU on the
 * Debian 12 cloud guest (2-core host). A probe that saw the banner followed by a fresh login
 * connection costs the guest two of those, in a row; probes cut after a second while sshd was
 * still starting cost it one each (ten in one measured boot, the login 5 s after sshd listened).
 */
import net from 'node:net';
import { SOCKET_CODE_KIND, type DialFailureKind } from './ssh-dial.js';

/** While nothing has reached the guest: how often a fresh connection (or up-probe) is opened. */
const FRESH_EVERY_MS = 1000;
/** After the guest reset a connection (its sshd is not listening yet): the pause before the next. */
const AFTER_RESET_MS = 250;
/**
 * Silent connections kept at once before the guest has answered, when there is no up-probe port.
 * QEMU's user-mode forward retries a held connection with TCP backoff (6 s, then every 12 s:
 * libslirp src/tcp_timer.c @v4.7.0), so an old one may reach the guest seconds after a fresh one
 * would; but each one may also be a connection an sshd is slowly starting for.
 */
const MAX_SILENT = 3;
/**
 * With an up-probe port: how long the first SSH connection waits for the probe's answer. A guest
 * whose firewall drops packets to closed ports (Windows, a firewalld or ufw default) never answers
 * the probe, and for it SSH connections start after this anyway, held by the forward until its sshd
 * takes one. A guest that does answer has its network up before its sshd, so this only needs to
 * outlast the slowest boot to a network (about 25 s for the Debian 12 cloud guest under TCG on a
 * 2-core host).
 */
export const GUEST_UP_WAIT_MS = 45_000;
/** Bytes a server may send before its banner (RFC 4253 §4.2 allows other lines first). */
const MAX_PRE_BANNER = 8192;

/**
 * What the connections of one wait for SSH have learnt. `reachable`: the guest's own network stack
 * has answered (a connection was reset or closed unheard, where QEMU's port forward would hold it
 * silent while the guest is down). From then on a silent connection has reached an sshd that is
 * still starting, so it is waited for instead of being joined by fresh ones.
 */
export interface BannerProbeState {
  reachable: boolean;
  /** Told when a connection ends unheard for another reason than the one before (for the log). */
  onFailure?: (failure: NoBanner) => void;
}

/** Why no connection showed a banner in the time given, in the dial's own terms. */
export interface NoBanner {
  kind: Extract<DialFailureKind, 'refused' | 'unreachable' | 'handshake' | 'handshake-timeout'>;
  message: string;
}

export interface BannerTarget {
  host: string;
  port: number;
  /**
   * A port on the same host that QEMU forwards to a guest port nothing listens on. QEMU's forward
   * completes none of its connections while the guest is down, and keeps retrying each one for 75 s
   * even after we closed it (it reads our end only once the guest has answered), so every SSH
   * connection opened during boot reaches the guest's sshd later, making it start for nothing
   * (measured in the Debian guest's journal: "kex_exchange_identification: Connection closed by
   * remote host" a second after our login, in the middle of cloud-init's config stage). Probing
   * this port instead costs the guest only a TCP reset, and its first reset says the guest's network
   * is up: then, and only then (or after `guestUpWaitMs`), SSH connections are opened.
   */
  guestUpPort?: number;
  /** How long SSH connections wait for the up-probe's answer; GUEST_UP_WAIT_MS unless given. */
  guestUpWaitMs?: number;
}

/**
 * Opens connections to `target` until one shows an SSH banner, and returns that one, paused, with
 * everything read so far unshifted (ssh2 accepts a connected socket as `sock`). Every other
 * connection is closed. Resolves with the last failure when `maxMs` runs out; rejects with the
 * abort reason when `signal` fires.
 */
export function connectUntilBanner(target: BannerTarget, maxMs: number, signal: AbortSignal, state: BannerProbeState = { reachable: false }): Promise<net.Socket | NoBanner> {
  const { host, port, guestUpPort } = target;
  const probing = guestUpPort !== undefined && !state.reachable;
  return new Promise((resolve, reject) => {
    // Insertion order is age order: the first is the oldest.
    const silent = new Set<net.Socket>();
    let upProbe: net.Socket | undefined;
    let last: NoBanner | undefined;
    let settled = false;
    let nextOpen: NodeJS.Timeout | undefined;

    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(nextOpen);
      clearTimeout(unprobed);
      clearInterval(tick);
      signal.removeEventListener('abort', onAbort);
      for (const s of silent) s.destroy();
      silent.clear();
      upProbe?.destroy();
      settle();
    };
    const onAbort = () => finish(() => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted')));
    // Timers hold at most 2^31-1 ms (a longer one fires at once): sshTimeout 0 means no end at all.
    const deadline = Number.isFinite(maxMs)
      ? setTimeout(
          () => {
            const waiting = silent.size > 0 || !last;
            finish(() => resolve(waiting ? { kind: 'handshake-timeout', message: `no SSH banner within ${maxMs} ms` } : last!));
          },
          Math.min(maxMs, 2 ** 31 - 1),
        )
      : undefined;

    // The guest may drop the up-probe's packets: then SSH connections start anyway, later; within
    // the time given, so that a short sshTimeout still sees one.
    const unprobed = probing
      ? setTimeout(
          () => {
            if (!state.reachable && silent.size === 0 && !nextOpen) open();
          },
          Math.min(target.guestUpWaitMs ?? GUEST_UP_WAIT_MS, Number.isFinite(maxMs) ? maxMs / 2 : 2 ** 31 - 1),
        )
      : undefined;

    /** The guest answered: connections still held silent from before are the forward's, not an sshd's. */
    const guestAnswered = (openAfterMs: number) => {
      state.reachable = true;
      for (const s of silent) s.destroy();
      silent.clear();
      if (!nextOpen) nextOpen = setTimeout(open, openAfterMs);
    };

    const open = () => {
      nextOpen = undefined;
      if (settled) return;
      const socket = net.connect({ host, port });
      silent.add(socket);
      const received: Buffer[] = [];
      let text = '';
      let error: (Error & { code?: string }) | undefined;
      const onData = (chunk: Buffer) => {
        received.push(chunk);
        text += chunk.toString('latin1');
        if (text.includes('SSH-')) {
          silent.delete(socket);
          socket.off('data', onData).off('error', onError).off('close', onClose);
          socket.pause();
          socket.unshift(Buffer.concat(received));
          finish(() => resolve(socket));
        } else if (text.length > MAX_PRE_BANNER) {
          error = Object.assign(new Error('the server sent no SSH banner'), { code: 'NOBANNER' });
          socket.destroy();
        }
      };
      const onError = (err: Error & { code?: string }) => (error = err);
      const onClose = () => {
        // Ours to close (replaced, or the wait is over): says nothing about the guest.
        if (!silent.delete(socket)) return;
        const failure = describe(error, host, port);
        if (failure.message !== last?.message) state.onFailure?.(failure);
        last = failure;
        if (failure.kind === 'handshake' && !state.reachable) return guestAnswered(AFTER_RESET_MS);
        if (silent.size === 0 && !nextOpen) nextOpen = setTimeout(open, AFTER_RESET_MS);
      };
      socket.on('data', onData).on('error', onError).on('close', onClose);
    };

    /** One connection to the up-probe port; any answer (a reset, or a service that speaks) means the guest is up. */
    const probeGuest = () => {
      upProbe?.destroy();
      const probe = (upProbe = net.connect({ host, port: guestUpPort! }));
      const answered = () => {
        if (upProbe !== probe) return;
        upProbe = undefined;
        probe.destroy();
        if (!settled && !state.reachable) guestAnswered(0);
      };
      probe
        .on('data', answered)
        .on('close', answered)
        .on('error', () => {});
    };

    // While nothing has reached the guest: without an up-probe port, a fresh SSH connection beside
    // the silent ones (it reaches a guest that has just come up at once, where a held one waits for
    // the forward's next retry); with one, a fresh probe. Once the guest has answered, neither.
    const tick = setInterval(() => {
      if (state.reachable || settled) return;
      if (guestUpPort !== undefined) return probeGuest();
      // No silent connection: the one just reset is followed up by `nextOpen`.
      if (silent.size === 0) return;
      if (silent.size >= MAX_SILENT) {
        const oldest = silent.values().next().value!;
        silent.delete(oldest);
        oldest.destroy();
      }
      open();
    }, FRESH_EVERY_MS);

    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    if (probing) probeGuest();
    else open();
  });
}

function describe(error: (Error & { code?: string }) | undefined, host: string, port: number): NoBanner {
  if (error?.code === 'NOBANNER') return { kind: 'handshake', message: `${host}:${port} answered without an SSH banner` };
  const kind = error?.code ? SOCKET_CODE_KIND[error.code] : undefined;
  if (kind === 'refused') return { kind, message: 'connection refused' };
  if (kind === 'unreachable') return { kind, message: error!.message };
  return { kind: 'handshake', message: `connection ${error?.code ? `reset (${error.code})` : 'closed'} during the SSH handshake, before the server's banner` };
}
