/**
 * Waiting between SSH tries without wasting the interval: Packer sleeps its full retry interval
 * (5 s, plus 2 s after a handshake error) whatever happens meanwhile. A guest's SSH server announces
 * itself with an "SSH-" banner the moment it accepts, while a port forward whose guest is not up yet
 * accepts and then resets without one — so a banner is a cheap, reliable sign that the next real
 * try can succeed. Probing for it ends the pause early; the tries themselves, the timeout and the
 * handshake-attempt count stay exactly Packer's.
 */
import net from 'node:net';
import { sleep } from '../abort.js';

const PROBE_EVERY_MS = 250;

/** True when `host:port` answers a TCP connect with an SSH banner within `timeoutMs`. */
export async function probeSshBanner(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return (await probeOnce(host, port, timeoutMs)) === 'banner';
}

/** How one probe ended: the banner, the peer closing or resetting it unheard, or our time limit. */
type ProbeEnd = 'banner' | 'closed' | 'timeout';

/** Ends as 'timeout' when `signal` fires: a long probe must not hold up a cancelled wait. */
function probeOnce(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<ProbeEnd> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let seen = '';
    const done = (end: ProbeEnd) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(end);
    };
    const onAbort = () => done('timeout');
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    if (signal?.aborted) return done('timeout');
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (seen.includes('SSH-')) done('banner');
      else if (seen.length > 4096) done('closed');
    });
    socket.on('error', () => done('closed'));
    socket.on('close', () => done('closed'));
  });
}

/**
 * What the probes of one wait for SSH have learnt. `reachable`: the guest's own network stack has
 * answered (a connection was reset or closed unheard, where QEMU's port forward would hold it
 * silent while the guest is down). From then on a connection the guest does not reset has reached
 * its sshd, which under TCG can take seconds to fork, re-execute itself and send its banner
 * (measured: 1.3–6.5 s on the Debian 12 cloud guest on a loaded 2-core host). Cutting such a
 * probe short after 1 s only makes the guest start another sshd for the next probe, and each one
 * takes CPU from the single vCPU that the real login needs.
 */
export interface BannerProbeState {
  reachable: boolean;
}

/**
 * Pauses up to `maxMs`, returning early (true) once the server shows an SSH banner. Rejects with
 * the abort reason when `signal` fires. While the guest has not answered yet, each probe gets 1 s
 * (a connection QEMU's port forward holds for a guest that is still down only reaches sshd when
 * QEMU's backed-off retries let it; a fresh one gets there at once); once it has (`state`), one
 * probe at a time waits for the banner as long as the pause lasts.
 */
export async function pauseUntilSshBanner(host: string, port: number, maxMs: number, signal: AbortSignal, state: BannerProbeState = { reachable: false }): Promise<boolean> {
  const until = Date.now() + maxMs;
  while (Date.now() < until) {
    signal.throwIfAborted();
    const left = until - Date.now();
    const end = await probeOnce(host, port, state.reachable ? left : Math.min(1000, left), signal);
    signal.throwIfAborted();
    if (end === 'banner') return true;
    if (end === 'closed') state.reachable = true;
    await sleep(Math.min(PROBE_EVERY_MS, Math.max(0, until - Date.now())), signal);
  }
  return false;
}
