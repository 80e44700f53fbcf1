import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planBootCommand } from '../../../src/core/bootcommand/plan.js';
import { typeKeyEvents } from '../../../src/core/bootcommand/type-key-events.js';
import { memoryLogger } from '../../../src/core/log.js';
import { ConnectionClosedError } from '../../../src/core/vnc/byte-reader.js';
import { connectVnc } from '../../../src/core/vnc/connect.js';
import { VncError, type RfbClient } from '../../../src/core/vnc/rfb-client.js';
import { startQemuVnc, type QemuVnc } from './qemu-vnc-server.js';

/** SeaBIOS draws 80x25 text in a 720x400 mode: 16 pixel rows per text line. */
function inkInTextRow(png: PNG, row: number): number {
  let ink = 0;
  for (let y = row * 16; y < (row + 1) * 16; y++) {
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      if (png.data[i]! + png.data[i + 1]! + png.data[i + 2]! > 96) ink++;
    }
  }
  return ink;
}

async function screenUntil(client: RfbClient, what: string, ok: (png: PNG) => boolean, timeoutMs = 60_000): Promise<PNG> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const png = PNG.sync.read(await client.screenshot());
    if (ok(png)) return png;
    if (Date.now() > deadline) throw new Error(`the screen never showed ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('RFB client against a real QEMU VNC server', () => {
  let qemu: QemuVnc;
  let client: RfbClient;
  const { logger, lines } = memoryLogger();

  beforeAll(async () => {
    // A boot menu prompt that waits 60 s for ESC, so a key event visibly changes the screen.
    qemu = await startQemuVnc({ extraArgs: ['-boot', 'menu=on,splash-time=60000'] });
    client = await connectVnc({ socketPath: qemu.socketPath }, { logger });
  });

  afterAll(async () => {
    await client?.close();
    await qemu?.stop();
  });

  it('handshakes with RFB 3.8 and security None', () => {
    expect(client.version).toBe('3.8');
    expect(client.desktopName).toBe('QEMU');
    expect(client.width).toBeGreaterThan(0);
    expect(client.height).toBeGreaterThan(0);
    expect(lines.some((l) => l.includes('VNC: RFB 3.8, security none'))).toBe(true);
  });

  it('takes a PNG screenshot of the screen size with the SeaBIOS text on it', async () => {
    const png = await screenUntil(client, 'the SeaBIOS banner', (p) => p.width === 720 && inkInTextRow(p, 0) > 100);
    expect([png.width, png.height]).toEqual([client.width, client.height]);
    const lit = png.data.filter((_, i) => i % 4 === 0 && png.data[i]! > 96).length;
    expect(lit).toBeGreaterThan(500); // text, not a blank screen …
    expect(lit).toBeLessThan(png.width * png.height * 0.2); // … and not a blank white one either
    expect(client.pixel(719, 399)).toEqual([0, 0, 0, 255]); // the background is black
  });

  it('sends key events the guest acts on: <esc> opens the SeaBIOS boot menu', async () => {
    const started = Date.now();
    await screenUntil(client, 'the "Press ESC for boot menu" prompt', (p) => inkInTextRow(p, 2) > 100);
    const before = PNG.sync.read(await client.screenshot());
    expect(inkInTextRow(before, 4)).toBeLessThan(40); // at most the blinking cursor
    await typeKeyEvents(planBootCommand('<esc>'), client, { intervalMs: 20 });
    // "Select boot device:" on line 4, well before the 60 s prompt could have timed out by itself.
    await screenUntil(client, 'the boot menu', (p) => inkInTextRow(p, 4) > 100, 30_000);
    expect(Date.now() - started).toBeLessThan(45_000);
  }, 90_000);

  it.each(['3.7', '3.3'] as const)('speaks RFB %s to a server when asked to', async (version) => {
    const old = await connectVnc({ socketPath: qemu.socketPath }, { highestVersion: version });
    try {
      expect(old.version).toBe(version);
      const png = PNG.sync.read(await old.screenshot());
      expect([png.width, png.height]).toEqual([old.width, old.height]);
      await old.keyEvent(0xffe1, true);
      await old.keyEvent(0xffe1, false);
    } finally {
      await old.close();
    }
  });

  it('shares the display with another viewer, as Packer connects', async () => {
    const second = await connectVnc({ socketPath: qemu.socketPath });
    try {
      const [a, b] = await Promise.all([client.screenshot(), second.screenshot()]);
      expect(PNG.sync.read(a).width).toBe(PNG.sync.read(b).width);
    } finally {
      await second.close();
    }
    await client.screenshot(); // the first connection is still usable
  });

  it('fails key events clearly once closed', async () => {
    const short = await connectVnc({ socketPath: qemu.socketPath });
    await short.close();
    await short.close(); // idempotent
    await expect(short.keyEvent(0x61, true)).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(short.screenshot()).rejects.toBeInstanceOf(ConnectionClosedError);
  });
});

describe('RFB client against a real QEMU VNC server with a password', () => {
  let qemu: QemuVnc;

  beforeAll(async () => {
    qemu = await startQemuVnc({ extraArgs: ['-object', 'secret,id=vncpw,data=s3cret'], vncOptions: ',password-secret=vncpw' });
  });

  afterAll(async () => {
    await qemu?.stop();
  });

  it('authenticates with VNC Authentication (RFB 3.8 and 3.3)', async () => {
    for (const highestVersion of ['3.8', '3.3'] as const) {
      const client = await connectVnc({ socketPath: qemu.socketPath }, { password: 's3cret', highestVersion });
      try {
        expect(client.version).toBe(highestVersion);
        expect(PNG.sync.read(await client.screenshot()).width).toBe(client.width);
      } finally {
        await client.close();
      }
    }
  });

  it('reports a wrong or missing password', async () => {
    await expect(connectVnc({ socketPath: qemu.socketPath }, { password: 'wrong' })).rejects.toThrow(/VNC authentication failed/);
    await expect(connectVnc({ socketPath: qemu.socketPath })).rejects.toThrow(new VncError('the VNC server asks for a password and none was given'));
    await expect(connectVnc({ socketPath: qemu.socketPath }, { highestVersion: '3.3' })).rejects.toThrow(/asks for a password/);
  });

  it('fails what is waiting when the server goes away', async () => {
    const client = await connectVnc({ socketPath: qemu.socketPath }, { password: 's3cret' });
    qemu.process.kill('SIGKILL');
    await new Promise((resolve) => qemu.process.once('exit', resolve));
    await expect(client.screenshot({ timeoutMs: 10_000 })).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(client.keyEvent(0x61, true)).rejects.toBeInstanceOf(ConnectionClosedError);
  });
});
