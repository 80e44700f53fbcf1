/**
 * Just enough of an RFB 3.8 client to type into a VM: the handshake with security type None and
 * KeyEvent messages, over whatever stream openVnc() returns. Test code: the product's VNC client
 * lives in src/core/vnc.
 */
import type { Duplex } from 'node:stream';

const SHIFTED = new Set('~!@#$%^&*()_+{}|:"<>?');
const XK_SHIFT_L = 0xffe1;
export const XK_RETURN = 0xff0d;

export class RfbKeyboard {
  private buffered = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private failure: Error | undefined;

  private constructor(private readonly stream: Duplex) {
    stream.on('data', (c: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, c]);
      this.wake?.();
    });
    stream.on('error', (err) => {
      this.failure = err;
      this.wake?.();
    });
    stream.on('close', () => {
      this.failure ??= new Error('VNC connection closed');
      this.wake?.();
    });
  }

  static async connect(stream: Duplex): Promise<{ keyboard: RfbKeyboard; width: number; height: number; name: string }> {
    const k = new RfbKeyboard(stream);
    const version = (await k.read(12)).toString('latin1');
    if (!/^RFB 003\.00[78]\n$/.test(version)) throw new Error(`unexpected RFB version ${JSON.stringify(version)}`);
    stream.write('RFB 003.008\n');
    const count = (await k.read(1))[0]!;
    if (count === 0) throw new Error(`VNC server refused: ${(await k.read((await k.read(4)).readUInt32BE(0))).toString()}`);
    const types = [...(await k.read(count))];
    if (!types.includes(1)) throw new Error(`VNC server wants authentication (${types.join(',')})`);
    stream.write(Buffer.from([1]));
    if ((await k.read(4)).readUInt32BE(0) !== 0) throw new Error('VNC security handshake failed');
    stream.write(Buffer.from([1])); // ClientInit: shared
    const init = await k.read(24);
    const name = (await k.read(init.readUInt32BE(20))).toString('utf8');
    return { keyboard: k, width: init.readUInt16BE(0), height: init.readUInt16BE(2), name };
  }

  async key(keysym: number, down: boolean): Promise<void> {
    const msg = Buffer.alloc(8);
    msg[0] = 4;
    msg[1] = down ? 1 : 0;
    msg.writeUInt32BE(keysym, 4);
    await new Promise<void>((resolve, reject) => this.stream.write(msg, (err) => (err ? reject(err) : resolve())));
  }

  /** Types ASCII text, pressing Shift for upper case and shifted symbols as Packer does; "\n" is Return. */
  async type(text: string, intervalMs = 20): Promise<void> {
    const pause = () => new Promise((r) => setTimeout(r, intervalMs));
    for (const ch of text) {
      const keysym = ch === '\n' ? XK_RETURN : ch.charCodeAt(0);
      const shift = SHIFTED.has(ch) || (ch >= 'A' && ch <= 'Z');
      if (shift) await this.key(XK_SHIFT_L, true).then(pause);
      await this.key(keysym, true).then(pause);
      await this.key(keysym, false).then(pause);
      if (shift) await this.key(XK_SHIFT_L, false).then(pause);
    }
  }

  close(): void {
    this.stream.destroy();
  }

  private async read(n: number): Promise<Buffer> {
    while (this.buffered.length < n) {
      if (this.failure) throw this.failure;
      await new Promise<void>((r) => (this.wake = r));
    }
    const out = this.buffered.subarray(0, n);
    this.buffered = this.buffered.subarray(n);
    return out;
  }
}
