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
