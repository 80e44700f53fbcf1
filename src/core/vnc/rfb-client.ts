/**
 * A small RFB (VNC) client over any Duplex byte stream: a TCP or unix socket to QEMU's VNC server, or
 * KubeVirt's `plain.kubevirt.io` VNC websocket adapted to a Duplex. It does what a build needs:
 * the handshake (RFB 3.3/3.7/3.8, security None or VNC Authentication), key events, and full-screen
 * screenshots as PNG (Raw and CopyRect encodings, DesktopSize changes).
 *
 * Why not rfb2 (installed): it only opens its own TCP connection from its public API, throws from
 * inside stream callbacks (uncatchable, it would take the build process down), writes to the console
 * past our Logger, and answers a 3.3 server with a 3.8 greeting.
 */
import type { Duplex } from 'node:stream';
import type { KeySink } from '../bootcommand/types.js';
import type { Logger } from '../log.js';
import { ByteReader, ConnectionClosedError } from './byte-reader.js';
import { Framebuffer } from './framebuffer.js';
import {
  CLIENT_PIXEL_FORMAT,
  decodePixelFormat,
  Encoding,
  framebufferUpdateRequest,
  keyEvent,
  negotiateVersion,
  SecurityType,
  ServerMessage,
  setEncodings,
  setPixelFormat,
  versionGreeting,
  type PixelFormat,
  type ProtocolVersion,
} from './rfb-messages.js';
import { vncAuthResponse } from './vnc-auth.js';

export class VncError extends Error {
  override name = 'VncError';
}

export interface RfbConnectOptions {
  /** For servers that ask for VNC Authentication. Never logged. */
  password?: string;
  /** Let other viewers stay connected (Packer connects shared). Default true. */
  shared?: boolean;
  /** The highest protocol version to offer; for servers (and tests) that need an older one. */
  highestVersion?: ProtocolVersion;
  /** Gives up the handshake after this long. Default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  logger?: Logger;
}

export interface ScreenshotOptions {
  /** Default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface CaptureOptions extends ScreenshotOptions {
  /**
   * Ask only for what changed (RFB incremental update): the server answers once something does,
   * so a timeout means an unchanged screen and resolves with the screen as it is.
   */
  incremental?: boolean;
}

/** The screen's pixels: width × height × RGBA. */
export interface ScreenPixels {
  width: number;
  height: number;
  rgba: Buffer;
}

const MAX_TEXT_BYTES = 1 << 20;

interface UpdateWaiter {
  resolve: (update: { resized: boolean }) => void;
  reject: (err: unknown) => void;
}

export class RfbClient implements KeySink {
  private readonly reader: ByteReader;
  private failure?: Error;
  private readonly updateWaiters = new Set<UpdateWaiter>();
  private screenshots: Promise<unknown> = Promise.resolve();
  private framebuffer = new Framebuffer(0, 0);
  private readonly closedPromise: Promise<void>;
  version: ProtocolVersion = '3.8';
  desktopName = '';
  serverPixelFormat?: PixelFormat;

  private constructor(
    private readonly stream: Duplex,
    private readonly logger?: Logger,
  ) {
    this.reader = new ByteReader(stream);
    this.closedPromise = new Promise((resolve) => {
      if (stream.destroyed) resolve();
      else stream.once('close', () => resolve());
    });
    // Errors reach us through the reader; this keeps an 'error' event from being unhandled.
    stream.on('error', () => {});
  }

  /** Runs the handshake on an open stream; on failure the stream is destroyed. */
  static async connect(stream: Duplex, options: RfbConnectOptions = {}): Promise<RfbClient> {
    const client = new RfbClient(stream, options.logger);
    const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs ?? 30_000), ...(options.signal ? [options.signal] : [])]);
    const onAbort = (): void => {
      const reason = options.signal?.aborted ? options.signal.reason : new VncError(`no VNC handshake within ${options.timeoutMs ?? 30_000} ms`);
      client.shutdown(reason instanceof Error ? reason : new VncError(String(reason)));
    };
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await client.handshake(options);
    } catch (err) {
      client.shutdown(err instanceof Error ? err : new VncError(String(err)));
      await client.closedPromise;
      throw client.failure ?? err;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    void client.messageLoop();
    return client;
  }

  get width(): number {
    return this.framebuffer.width;
  }
  get height(): number {
    return this.framebuffer.height;
  }

  /** Sends one RFB KeyEvent; resolves when it is handed to the transport. */
  async keyEvent(keysym: number, down: boolean): Promise<void> {
    await this.write(keyEvent(keysym, down));
  }

  /** The whole screen as a PNG, freshly requested from the server. Calls are served one at a time. */
  screenshot(options: ScreenshotOptions = {}): Promise<Buffer> {
    const take = async (): Promise<Buffer> => {
      await this.screenshotUpdate(options);
      return this.framebuffer.toPng();
    };
    const result = this.screenshots.then(take, take);
    this.screenshots = result.catch(() => {});
    return result;
  }

  /**
   * The screen's pixels, freshly requested (the whole screen, or only changes with `incremental`),
   * served in turn with screenshots.
   */
  capture(options: CaptureOptions = {}): Promise<ScreenPixels> {
    const take = async (): Promise<ScreenPixels> => {
      if (!options.incremental) {
        await this.screenshotUpdate(options);
        return this.framebuffer.snapshot();
      }
      const update = this.nextUpdate(options);
      update.catch(() => {});
      await this.write(framebufferUpdateRequest(true, 0, 0, this.framebuffer.width, this.framebuffer.height));
      try {
        const { resized } = await update;
        if (resized) await this.screenshotUpdate(options);
      } catch (err) {
        if (!(err instanceof VncError) || !/no screen update/.test(err.message) || options.signal?.aborted) throw err;
      }
      return this.framebuffer.snapshot();
    };
    const result = this.screenshots.then(take, take);
    this.screenshots = result.catch(() => {});
    return result;
  }

  /** The screen's pixels as last received, as PNG (no request to the server). */
  lastScreenPng(): Buffer {
    return this.framebuffer.toPng();
  }

  /** Requests the whole screen and waits for it. */
  private async screenshotUpdate(options: ScreenshotOptions): Promise<void> {
    // A size change (DesktopSize) comes with a blank screen: ask again for the new contents.
    for (let attempt = 0; attempt < 4; attempt++) {
      const update = this.nextUpdate(options);
      update.catch(() => {}); // awaited below; if the request cannot be sent, the write's error is the one to report
      await this.write(framebufferUpdateRequest(false, 0, 0, this.framebuffer.width, this.framebuffer.height));
      if (!(await update).resized) break;
    }
  }

  /** RGBA of one pixel of the last screen received. */
  pixel(x: number, y: number): [number, number, number, number] {
    return this.framebuffer.pixel(x, y);
  }

  /** Closes the connection; safe to call more than once. */
  async close(): Promise<void> {
    this.shutdown(new ConnectionClosedError('the VNC connection was closed by the client'));
    await this.closedPromise;
  }

  private async handshake(options: RfbConnectOptions): Promise<void> {
    const greeting = (await this.reader.read(12)).toString('latin1');
    this.version = negotiateVersion(greeting, options.highestVersion);
    await this.write(versionGreeting(this.version));
    const security = await this.negotiateSecurity(options.password);
    if (security === SecurityType.VncAuthentication) {
      await this.write(vncAuthResponse(await this.reader.read(16), options.password ?? ''));
    }
    // 3.3 and 3.7 send no SecurityResult after None.
    if (security === SecurityType.VncAuthentication || this.version === '3.8') {
      if ((await this.reader.u32()) !== 0) {
        const reason = this.version === '3.8' ? await this.readText() : '';
        throw new VncError(`VNC authentication failed${reason ? `: ${reason}` : ''}`);
      }
    }
    await this.write(Buffer.from([options.shared === false ? 0 : 1]));
    const width = await this.reader.u16();
    const height = await this.reader.u16();
    this.serverPixelFormat = decodePixelFormat(await this.reader.read(16));
    this.desktopName = await this.readText();
    this.framebuffer = new Framebuffer(width, height);
    await this.write(Buffer.concat([setPixelFormat(CLIENT_PIXEL_FORMAT), setEncodings([Encoding.CopyRect, Encoding.Raw, Encoding.DesktopSizePseudo])]));
    this.logger?.debug(`VNC: RFB ${this.version}, security ${security === SecurityType.None ? 'none' : 'VNC authentication'}, ${width}x${height} "${this.desktopName}"`);
  }

  private async negotiateSecurity(password: string | undefined): Promise<number> {
    if (this.version === '3.3') {
      // The server decides alone.
      const type = await this.reader.u32();
      if (type === SecurityType.Invalid) throw new VncError(`the VNC server refused the connection: ${await this.readText()}`);
      if (type === SecurityType.VncAuthentication && password === undefined) throw new VncError('the VNC server asks for a password and none was given');
      if (type !== SecurityType.None && type !== SecurityType.VncAuthentication) throw new VncError(`the VNC server asks for security type ${type}; only None and VNC Authentication are supported`);
      return type;
    }
    const count = await this.reader.u8();
    if (count === 0) throw new VncError(`the VNC server refused the connection: ${await this.readText()}`);
    const offered = [...(await this.reader.read(count))];
    const choice = password !== undefined && offered.includes(SecurityType.VncAuthentication) ? SecurityType.VncAuthentication : offered.includes(SecurityType.None) ? SecurityType.None : undefined;
    if (choice === undefined) {
      const why = offered.includes(SecurityType.VncAuthentication) ? 'asks for a password and none was given' : `offers only security types ${offered.join(', ')}; supported are None and VNC Authentication`;
      throw new VncError(`the VNC server ${why}`);
    }
    await this.write(Buffer.from([choice]));
    return choice;
  }

  private async readText(): Promise<string> {
    const length = await this.reader.u32();
    if (length > MAX_TEXT_BYTES) throw new VncError(`the VNC server sent a ${length}-byte string; refusing more than ${MAX_TEXT_BYTES}`);
    return (await this.reader.read(length)).toString('utf8');
  }

  private async messageLoop(): Promise<void> {
    try {
      for (;;) {
        const type = await this.reader.u8();
        switch (type) {
          case ServerMessage.FramebufferUpdate:
            await this.readFramebufferUpdate();
            break;
          case ServerMessage.SetColourMapEntries: {
            await this.reader.read(3);
            const colours = await this.reader.u16();
            await this.reader.read(colours * 6);
            break;
          }
          case ServerMessage.Bell:
            break;
          case ServerMessage.ServerCutText:
            await this.reader.read(3);
            await this.readText();
            break;
          default:
            throw new VncError(`the VNC server sent message type ${type}, which this client did not ask for`);
        }
      }
    } catch (err) {
      this.shutdown(err instanceof Error ? err : new VncError(String(err)));
    }
  }

  private async readFramebufferUpdate(): Promise<void> {
    await this.reader.read(1);
    const rectangles = await this.reader.u16();
    let resized = false;
    for (let i = 0; i < rectangles; i++) {
      const header = await this.reader.read(12);
      const x = header.readUInt16BE(0);
      const y = header.readUInt16BE(2);
      const width = header.readUInt16BE(4);
      const height = header.readUInt16BE(6);
      const encoding = header.readInt32BE(8);
      if (encoding === Encoding.Raw) {
        this.framebuffer.putRaw(x, y, width, height, await this.reader.read(width * height * 4));
      } else if (encoding === Encoding.CopyRect) {
        const source = await this.reader.read(4);
        this.framebuffer.copyRect(source.readUInt16BE(0), source.readUInt16BE(2), x, y, width, height);
      } else if (encoding === Encoding.DesktopSizePseudo) {
        this.framebuffer.resize(width, height);
        resized = true;
        this.logger?.debug(`VNC: the screen is now ${width}x${height}`);
      } else {
        throw new VncError(`the VNC server used encoding ${encoding}, which this client did not ask for`);
      }
    }
    for (const waiter of [...this.updateWaiters]) waiter.resolve({ resized });
    this.updateWaiters.clear();
  }

  private nextUpdate({ timeoutMs = 30_000, signal }: ScreenshotOptions): Promise<{ resized: boolean }> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => settle(() => reject(new VncError(`the VNC server sent no screen update within ${timeoutMs} ms`))), timeoutMs);
      const onAbort = (): void => settle(() => reject(signal!.reason));
      const settle = (finish: () => void): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.updateWaiters.delete(waiter);
        finish();
      };
      const waiter: UpdateWaiter = {
        resolve: (update) => settle(() => resolve(update)),
        reject: (err) => settle(() => reject(err)),
      };
      this.updateWaiters.add(waiter);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private write(message: Buffer): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.stream.write(message, (err) => {
        if (!err) return resolve();
        reject(this.failure ?? new ConnectionClosedError(`the VNC connection failed: ${err.message}`, { cause: err }));
      });
    });
  }

  /** The connection is over (an error, the server leaving, or close()): fail everything waiting. */
  private shutdown(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.reader.fail(err);
    for (const waiter of [...this.updateWaiters]) waiter.reject(err);
    this.updateWaiters.clear();
    this.stream.destroy();
  }
}
