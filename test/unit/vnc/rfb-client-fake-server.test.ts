/**
 * Protocol edges QEMU does not produce on demand (CopyRect, refusals, odd chunking, unknown
 * encodings, silence), against a scripted fake RFB server on an in-memory Duplex pair. The real
 * server is tested in test/integration/vnc.
 */
import { duplexPair, type Duplex } from 'node:stream';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { ByteReader, ConnectionClosedError } from '../../../src/core/vnc/byte-reader.js';
import { RfbClient, VncError } from '../../../src/core/vnc/rfb-client.js';
import { vncAuthResponse } from '../../../src/core/vnc/vnc-auth.js';

/** The server end of a connection: reads what the client sends, writes what a server would. */
class FakeServer {
  readonly reader: ByteReader;
  constructor(
    readonly socket: Duplex,
    private readonly chunkSize = Infinity,
  ) {
    this.reader = new ByteReader(socket);
  }

  send(...parts: Buffer[]): void {
    const all = Buffer.concat(parts);
    // Deliver in small pieces when asked, to prove the client does not depend on chunk boundaries.
    for (let i = 0; i < all.length; i += Math.min(this.chunkSize, all.length)) this.socket.write(all.subarray(i, i + this.chunkSize));
  }

  async expectClientMessage(type: number, bodySize: number): Promise<Buffer> {
    const header = await this.reader.read(1);
    expect(header[0]).toBe(type);
    return this.reader.read(bodySize);
  }

  /** Greeting → None security → ServerInit; consumes the client's SetPixelFormat and SetEncodings. */
  async handshake(width = 4, height = 2, version = 'RFB 003.008\n'): Promise<void> {
    this.send(Buffer.from(version, 'latin1'));
    expect((await this.reader.read(12)).toString('latin1')).toBe(version === 'RFB 003.003\n' ? version : 'RFB 003.008\n');
    if (version === 'RFB 003.003\n') {
      this.send(u32(1));
    } else {
      this.send(Buffer.from([1, 1]));
      expect((await this.reader.read(1))[0]).toBe(1);
      this.send(u32(0));
    }
    expect((await this.reader.read(1))[0]).toBe(1); // shared
    const pixelFormat = Buffer.from([32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0]);
    this.send(u16(width), u16(height), pixelFormat, u32(4), Buffer.from('fake'));
    const setPixelFormat = await this.expectClientMessage(0, 19);
    expect([...setPixelFormat.subarray(3, 16)]).toEqual([32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0]);
    const encodingsHeader = await this.expectClientMessage(2, 3);
    const encodings = await this.reader.read(4 * encodingsHeader.readUInt16BE(1));
    expect(Array.from({ length: encodings.length / 4 }, (_, i) => encodings.readInt32BE(4 * i)).sort((a, b) => a - b)).toEqual([-223, 0, 1]);
  }

  async expectUpdateRequest(): Promise<{ incremental: boolean; width: number; height: number }> {
    const body = await this.expectClientMessage(3, 9);
    return { incremental: body[0] === 1, width: body.readUInt16BE(5), height: body.readUInt16BE(7) };
  }
}

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const s32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const rect = (x: number, y: number, w: number, h: number, encoding: number) => Buffer.concat([u16(x), u16(y), u16(w), u16(h), s32(encoding)]);
const update = (...rects: Buffer[]) => Buffer.concat([Buffer.from([0, 0]), u16(rects.length), ...rects]);
/** One BGRX pixel as the client asked for them. */
const bgrx = (r: number, g: number, b: number) => Buffer.from([b, g, r, 0]);

function pair(chunkSize?: number): { client: Duplex; server: FakeServer } {
  const [client, server] = duplexPair();
  return { client, server: new FakeServer(server, chunkSize) };
}

describe('RfbClient against a fake server (mock transport)', () => {
  it('handshakes whatever the chunking, down to one byte at a time', async () => {
    const { client, server } = pair(1);
    const [rfb] = await Promise.all([RfbClient.connect(client), server.handshake(3, 2)]);
    expect([rfb.version, rfb.width, rfb.height, rfb.desktopName]).toEqual(['3.8', 3, 2, 'fake']);
    await rfb.close();
  });

  it('answers a 3.3 server in 3.3', async () => {
    const { client, server } = pair();
    const [rfb] = await Promise.all([RfbClient.connect(client), server.handshake(2, 2, 'RFB 003.003\n')]);
    expect(rfb.version).toBe('3.3');
    await rfb.close();
  });

  it('draws Raw and CopyRect rectangles and skips colour maps, bells and cut text', async () => {
    const { client, server } = pair(7);
    const [rfb] = await Promise.all([RfbClient.connect(client), server.handshake(4, 2)]);
    const shot = rfb.screenshot();
    expect(await server.expectUpdateRequest()).toEqual({ incremental: false, width: 4, height: 2 });
    const red = bgrx(255, 0, 0);
    const green = bgrx(0, 255, 0);
    server.send(
      Buffer.from([2]), // Bell
      Buffer.from([1, 0]),
      u16(0),
      u16(1),
      Buffer.alloc(6), // SetColourMapEntries, one colour
      Buffer.from([3, 0, 0, 0]),
      u32(5),
      Buffer.from('hello'), // ServerCutText
      update(
        Buffer.concat([rect(0, 0, 2, 1, 0), red, green]),
        Buffer.concat([rect(2, 1, 2, 1, 1), u16(0), u16(0)]), // copy the top-left 2x1 to the bottom-right
      ),
    );
    const png = PNG.sync.read(await shot);
    expect([png.width, png.height]).toEqual([4, 2]);
    const px = (x: number, y: number) => [...png.data.subarray((y * 4 + x) * 4, (y * 4 + x) * 4 + 4)];
    expect([px(0, 0), px(1, 0), px(2, 0), px(2, 1), px(3, 1)]).toEqual([
      [255, 0, 0, 255],
      [0, 255, 0, 255],
      [0, 0, 0, 255],
      [255, 0, 0, 255],
      [0, 255, 0, 255],
    ]);
    await rfb.close();
  });

  it('asks again after a screen size change and returns the new size', async () => {
    const { client, server } = pair();
    const [rfb] = await Promise.all([RfbClient.connect(client), server.handshake(2, 2)]);
    const shot = rfb.screenshot();
    await server.expectUpdateRequest();
    server.send(update(rect(0, 0, 3, 1, -223)));
    expect(await server.expectUpdateRequest()).toEqual({ incremental: false, width: 3, height: 1 });
    server.send(update(Buffer.concat([rect(0, 0, 3, 1, 0), bgrx(1, 2, 3), bgrx(4, 5, 6), bgrx(7, 8, 9)])));
    const png = PNG.sync.read(await shot);
    expect([png.width, png.height, ...png.data.subarray(8, 12)]).toEqual([3, 1, 7, 8, 9, 255]);
    await rfb.close();
  });

  it('sends key events as RFB KeyEvent messages', async () => {
    const { client, server } = pair();
    const [rfb] = await Promise.all([RfbClient.connect(client), server.handshake()]);
    await rfb.keyEvent(0xffe1, true);
    await rfb.keyEvent(0x754c, false);
    expect([...(await server.expectClientMessage(4, 7))]).toEqual([1, 0, 0, 0, 0, 0xff, 0xe1]);
    expect([...(await server.expectClientMessage(4, 7))]).toEqual([0, 0, 0, 0, 0, 0x75, 0x4c]);
    await rfb.close();
  });

  it('fails a waiting screenshot on an encoding it did not ask for, and closes', async () => {
    const { client, server } = pair();
    const [rfb] = await Promise.all([RfbClient.connect(client), server.handshake()]);
    const shot = rfb.screenshot();
    await server.expectUpdateRequest();
    server.send(update(rect(0, 0, 1, 1, 16)));
    await expect(shot).rejects.toThrow(new VncError('the VNC server used encoding 16, which this client did not ask for'));
    await expect(rfb.keyEvent(0x61, true)).rejects.toThrow(VncError);
  });

  it('reports the reason a server refuses the connection', async () => {
    const { client, server } = pair();
    const connecting = RfbClient.connect(client);
    server.send(Buffer.from('RFB 003.008\n'), Buffer.from([0]), u32(16), Buffer.from('too many clients'));
    await expect(connecting).rejects.toThrow(new VncError('the VNC server refused the connection: too many clients'));
    expect(client.destroyed).toBe(true);
  });

  it('answers VNC Authentication with the DES response and reports a failure reason', async () => {
    const { client, server } = pair();
    const connecting = RfbClient.connect(client, { password: 'pw' });
    const challenge = Buffer.from('0123456789abcdef');
    server.send(Buffer.from('RFB 003.008\n'), Buffer.from([2, 1, 2]));
    await server.reader.read(12);
    expect((await server.reader.read(1))[0]).toBe(2);
    server.send(challenge);
    expect(await server.reader.read(16)).toEqual(vncAuthResponse(challenge, 'pw'));
    server.send(u32(1), u32(13), Buffer.from('wrong secret!'));
    await expect(connecting).rejects.toThrow(new VncError('VNC authentication failed: wrong secret!'));
  });

  it('refuses what is not a VNC server', async () => {
    const { client, server } = pair();
    const connecting = RfbClient.connect(client);
    server.send(Buffer.from('SSH-2.0-Open'));
    await expect(connecting).rejects.toThrow(/not a VNC server/);
  });

  it('gives up a handshake the server never answers', async () => {
    const { client } = pair();
    await expect(RfbClient.connect(client, { timeoutMs: 50 })).rejects.toThrow(new VncError('no VNC handshake within 50 ms'));
    expect(client.destroyed).toBe(true);
  });

  it('stops the handshake when the signal aborts', async () => {
    const { client } = pair();
    const abort = new AbortController();
    const connecting = RfbClient.connect(client, { signal: abort.signal });
    abort.abort(new Error('build cancelled'));
    await expect(connecting).rejects.toThrow('build cancelled');
    expect(client.destroyed).toBe(true);
  });

  it('fails a screenshot the server never answers, without breaking the connection', async () => {
    const { client, server } = pair();
    const [rfb] = await Promise.all([RfbClient.connect(client), server.handshake()]);
    await expect(rfb.screenshot({ timeoutMs: 30 })).rejects.toThrow('no screen update within 30 ms');
    await rfb.keyEvent(0x61, true);
    await rfb.close();
  });

  it('fails what waits when the server hangs up', async () => {
    const { client, server } = pair();
    const [rfb] = await Promise.all([RfbClient.connect(client), server.handshake()]);
    const shot = rfb.screenshot();
    await server.expectUpdateRequest();
    server.socket.end();
    await expect(shot).rejects.toBeInstanceOf(ConnectionClosedError);
  });
});
