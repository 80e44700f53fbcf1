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
export function probeSshBanner(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let seen = '';
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (seen.includes('SSH-')) done(true);
      else if (seen.length > 4096) done(false);
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
  });
}

/**
 * Pauses up to `maxMs`, returning early (true) once the server shows an SSH banner. Rejects with
 * the abort reason when `signal` fires.
 */
export async function pauseUntilSshBanner(host: string, port: number, maxMs: number, signal: AbortSignal): Promise<boolean> {
  const until = Date.now() + maxMs;
  while (Date.now() < until) {
    signal.throwIfAborted();
    const left = until - Date.now();
    if (await probeSshBanner(host, port, Math.min(1000, left))) return true;
    await sleep(Math.min(PROBE_EVERY_MS, Math.max(0, until - Date.now())), signal);
  }
  return false;
}
