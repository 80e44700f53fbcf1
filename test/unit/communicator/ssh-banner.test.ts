import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectUntilBanner } from '../../../src/core/communicator/ssh-banner.js';

const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
afterEach(() => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  for (const s of servers.splice(0)) s.close();
});

function listen(onConnection: (s: net.Socket) => void): Promise<number> {
  const server = net.createServer((s) => {
    sockets.add(s.on('error', () => {}));
    onConnection(s);
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

const never = () => new AbortController().signal;

/** Reads what the returned connection still holds: the banner must be there for ssh2. */
function firstBytes(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('data', (b: Buffer) => resolve(b.toString('latin1')));
    socket.resume();
  });
}

describe('connecting until the SSH banner (real sockets)', () => {
  it('returns the connection that shows the banner, with the banner still to be read', async () => {
    const port = await listen((s) => s.write('SSH-2.0-dropbear_2022.83\r\n'));
    const socket = await connectUntilBanner({ host: '127.0.0.1', port: port }, 2000, never());
    expect(socket).toBeInstanceOf(net.Socket);
    const s = socket as net.Socket;
    sockets.add(s);
    expect(await firstBytes(s)).toBe('SSH-2.0-dropbear_2022.83\r\n');
  });

  it('lines before the banner are kept too (RFC 4253 §4.2)', async () => {
    const port = await listen((s) => {
      s.write('Welcome\r\n');
      setTimeout(() => s.write('SSH-2.0-x\r\n'), 50);
    });
    const s = (await connectUntilBanner({ host: '127.0.0.1', port: port }, 2000, never())) as net.Socket;
    sockets.add(s);
    let seen = '';
    s.on('data', (b: Buffer) => (seen += b.toString('latin1')));
    s.resume();
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toBe('Welcome\r\nSSH-2.0-x\r\n');
  });

  it('a port that accepts and resets: the reset is the failure, after the time given', async () => {
    const port = await listen((s) => s.destroy());
    const t0 = Date.now();
    const end = await connectUntilBanner({ host: '127.0.0.1', port: port }, 800, never());
    expect(Date.now() - t0).toBeGreaterThanOrEqual(750);
    expect(end).toMatchObject({ kind: 'handshake' });
  });

  it('a closed port is refused; a port that never speaks is a handshake timeout', async () => {
    const closed = await listen(() => {});
    servers.pop()!.close();
    expect(await connectUntilBanner({ host: '127.0.0.1', port: closed }, 600, never())).toMatchObject({ kind: 'refused' });
    const mute = await listen(() => {});
    expect(await connectUntilBanner({ host: '127.0.0.1', port: mute }, 600, never())).toMatchObject({ kind: 'handshake-timeout' });
  });

  it('a server that talks but is not SSH is given up on', async () => {
    const port = await listen((s) => s.write('x'.repeat(10_000)));
    expect(await connectUntilBanner({ host: '127.0.0.1', port: port }, 700, never())).toMatchObject({ kind: 'handshake', message: expect.stringContaining('without an SSH banner') });
  });

  it('ends as soon as the banner appears', async () => {
    let up = false;
    const port = await listen((s) => (up ? s.write('SSH-2.0-x\r\n') : s.destroy()));
    setTimeout(() => (up = true), 600);
    const t0 = Date.now();
    sockets.add((await connectUntilBanner({ host: '127.0.0.1', port: port }, 5000, never())) as net.Socket);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('a cancelled wait ends at once and leaves no connection open', async () => {
    let open = 0;
    const port = await listen((s) => {
      open++;
      s.on('close', () => open--);
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled by test')), 200);
    const t0 = Date.now();
    await expect(connectUntilBanner({ host: '127.0.0.1', port: port }, 10_000, controller.signal)).rejects.toThrow('cancelled by test');
    expect(Date.now() - t0).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 100));
    expect(open).toBe(0);
  });
});

describe('connecting until the SSH banner of a slow sshd (a TCG guest behind a port forward)', () => {
  /**
   * Like QEMU's user-mode forward to a booting TCG guest: until `reachableAfterMs` connections
   * stay silent (the forward retries the guest with backoff); then, until `sshdAfterMs`, the guest
   * resets them (nothing listens on 22); after that each one starts an sshd that takes 1.5 s to
   * send its banner (fork and re-exec under TCG).
   */
  async function slowGuest(reachableAfterMs: number, sshdAfterMs: number): Promise<{ port: number; sshds: () => number }> {
    let sshds = 0;
    const t0 = Date.now();
    const port = await listen((s) => {
      const now = Date.now() - t0;
      if (now < reachableAfterMs) return;
      if (now < sshdAfterMs) return void s.destroy();
      sshds++;
      setTimeout(() => s.destroyed || s.write('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'), 1500);
    });
    return { port, sshds: () => sshds };
  }

  it('once the guest has reset a connection, one connection reaches sshd and is the one returned', async () => {
    const guest = await slowGuest(0, 300);
    const t0 = Date.now();
    const s = (await connectUntilBanner({ host: '127.0.0.1', port: guest.port }, 6000, never())) as net.Socket;
    sockets.add(s);
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(guest.sshds()).toBe(1);
    expect(await firstBytes(s)).toMatch(/^SSH-2\.0-OpenSSH/);
  });

  it('a guest first reached when its sshd already listens: at most two sshds, not one per second', async () => {
    // Nothing is ever reset, so nothing tells a silent forward from a starting sshd.
    const guest = await slowGuest(500, 500);
    const t0 = Date.now();
    sockets.add((await connectUntilBanner({ host: '127.0.0.1', port: guest.port }, 10_000, never())) as net.Socket);
    expect(Date.now() - t0).toBeLessThan(3500);
    expect(guest.sshds()).toBeLessThanOrEqual(2);
  });

  it('a connection held by the forward is joined by fresh ones, so a guest that comes up is reached at once', async () => {
    const guest = await slowGuest(2200, 2200);
    const t0 = Date.now();
    sockets.add((await connectUntilBanner({ host: '127.0.0.1', port: guest.port }, 10_000, never())) as net.Socket);
    // The first connection would stay silent for good; a fresh one opened within a second of the
    // guest coming up gets the banner 1.5 s later.
    expect(Date.now() - t0).toBeLessThan(2200 + 1000 + 1500 + 500);
  });

  it('the state carries over: a guest known to answer gets no extra connections', async () => {
    const guest = await slowGuest(0, 0);
    const s = (await connectUntilBanner({ host: '127.0.0.1', port: guest.port }, 4000, never(), { reachable: true })) as net.Socket;
    sockets.add(s);
    expect(guest.sshds()).toBe(1);
  });

  it('with an up-probe port: no SSH connection while the guest is down, the first once the probe port answers', async () => {
    // Every connection QEMU's forward accepts while the guest is down reaches the guest's sshd once
    // it listens, whether we still want it or not (the forward keeps retrying it): count them.
    const t0 = Date.now();
    const upAt = 1500;
    const sshdAt = 2000;
    let heldSsh = 0;
    let sshds = 0;
    const sshPort = await listen((s) => {
      const now = Date.now() - t0;
      if (now < upAt) return void heldSsh++;
      if (now < sshdAt) return void s.destroy();
      sshds++;
      setTimeout(() => s.destroyed || s.write('SSH-2.0-OpenSSH_9.2p1\r\n'), 500);
    });
    const probePort = await listen((s) => (Date.now() - t0 < upAt ? undefined : s.destroy()));
    const state = { reachable: false };
    const s = (await connectUntilBanner({ host: '127.0.0.1', port: sshPort, guestUpPort: probePort }, 10_000, never(), state)) as net.Socket;
    sockets.add(s);
    expect(heldSsh).toBe(0);
    expect(sshds).toBe(1);
    expect(state.reachable).toBe(true);
    expect(Date.now() - t0).toBeLessThan(sshdAt + 500 + 1000);
  });

  it('a guest that never answers the up-probe (its firewall drops it): SSH connections start after guestUpWaitMs', async () => {
    const t0 = Date.now();
    const openedAt: number[] = [];
    const sshPort = await listen((s) => {
      openedAt.push(Date.now() - t0);
      setTimeout(() => s.destroyed || s.write('SSH-2.0-OpenSSH_for_Windows_9.5\r\n'), 100);
    });
    // Accepted and then silent, as QEMU's forward holds a connection the guest never answers.
    const probePort = await listen(() => {});
    const state = { reachable: false };
    const s = (await connectUntilBanner({ host: '127.0.0.1', port: sshPort, guestUpPort: probePort, guestUpWaitMs: 600 }, 10_000, never(), state)) as net.Socket;
    sockets.add(s);
    expect(openedAt).toHaveLength(1);
    expect(openedAt[0]).toBeGreaterThanOrEqual(590);
    expect(await firstBytes(s)).toMatch(/^SSH-2\.0-OpenSSH_for_Windows/);
    expect(state.reachable).toBe(false);
  });

  it('a short wait still tries SSH: the probe is given at most half of it', async () => {
    const sshPort = await listen((s) => s.write('SSH-2.0-OpenSSH_9.2p1\r\n'));
    const probePort = await listen(() => {});
    const s = (await connectUntilBanner({ host: '127.0.0.1', port: sshPort, guestUpPort: probePort }, 1000, never())) as net.Socket;
    sockets.add(s);
    expect(await firstBytes(s)).toMatch(/^SSH-2\.0-/);
  });
});
