import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pauseUntilSshBanner, probeSshBanner } from '../../../src/core/communicator/ssh-banner.js';

const servers: net.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

function listen(onConnection: (s: net.Socket) => void): Promise<number> {
  const server = net.createServer(onConnection);
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

describe('SSH banner probe (real sockets)', () => {
  it('sees a banner, and not a port that accepts and resets (a port forward whose guest is down)', async () => {
    const ssh = await listen((s) => s.end('SSH-2.0-dropbear_2022.83\r\n'));
    const forward = await listen((s) => s.destroy());
    expect(await probeSshBanner('127.0.0.1', ssh, 1000)).toBe(true);
    expect(await probeSshBanner('127.0.0.1', forward, 1000)).toBe(false);
  });

  it('ends the pause as soon as the banner appears, and waits it out otherwise', async () => {
    let up = false;
    const port = await listen((s) => (up ? s.end('SSH-2.0-x\r\n') : s.destroy()));
    setTimeout(() => (up = true), 600);
    const t0 = Date.now();
    expect(await pauseUntilSshBanner('127.0.0.1', port, 5000, new AbortController().signal)).toBe(true);
    expect(Date.now() - t0).toBeLessThan(3000);

    up = false;
    const t1 = Date.now();
    expect(await pauseUntilSshBanner('127.0.0.1', port, 800, new AbortController().signal)).toBe(false);
    expect(Date.now() - t1).toBeGreaterThanOrEqual(750);
  });
});

describe('SSH banner probe against a slow sshd (a TCG guest)', () => {
  // A guest that resets connections until its sshd listens, whose sshd then takes 1.5 s to send its
  // banner (fork and re-exec under TCG): more than a 1 s probe waits.
  async function slowGuest(upAfterMs: number): Promise<{ port: number; reachedSshd: () => number }> {
    let reachedSshd = 0;
    const up = Date.now() + upAfterMs;
    const port = await listen((s) => {
      if (Date.now() < up) return void s.destroy();
      reachedSshd++;
      s.on('error', () => {});
      setTimeout(() => s.end('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'), 1500);
    });
    return { port, reachedSshd: () => reachedSshd };
  }

  it('once the guest has answered, waits for the banner instead of starting a new sshd each second', async () => {
    const guest = await slowGuest(300);
    const t0 = Date.now();
    expect(await pauseUntilSshBanner('127.0.0.1', guest.port, 6000, new AbortController().signal)).toBe(true);
    expect(Date.now() - t0).toBeLessThan(3500);
    expect(guest.reachedSshd()).toBe(1);
  });

  it('the state carries over: a later pause waits from its first probe', async () => {
    const guest = await slowGuest(0);
    const state = { reachable: true };
    expect(await pauseUntilSshBanner('127.0.0.1', guest.port, 4000, new AbortController().signal, state)).toBe(true);
    expect(guest.reachedSshd()).toBe(1);
  });

  it('a cancelled pause ends at once, even while a probe waits for a banner', async () => {
    const guest = await slowGuest(0);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled by test')), 200);
    const t0 = Date.now();
    await expect(pauseUntilSshBanner('127.0.0.1', guest.port, 10_000, controller.signal, { reachable: true })).rejects.toThrow('cancelled by test');
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
