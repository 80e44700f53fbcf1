import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  ScreenReader,
  require_png,
  screenTextMatches
} from "./chunk-DG6KHQHA.js";
import {
  renderTemplate
} from "./chunk-Z6CMOLZR.js";
import {
  describeTextWait,
  planBootCommand,
  resolveKeyInterval
} from "./chunk-PKIXCSX5.js";
import {
  formatGoDurationNanos
} from "./chunk-UWXRMICO.js";
import {
  abortReason,
  sleep
} from "./chunk-BHXEFIUH.js";
import {
  formatGoDuration
} from "./chunk-YBXMTZXO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import {
  __toESM
} from "./chunk-U4LSYZ75.js";

// src/core/pipeline/steps/text-waits.ts
var import_pngjs = __toESM(require_png(), 1);
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";
var SCREEN_POLL_MS = 1e3;
var SERIAL_POLL_MS = 250;
var UNCHANGED_PAUSE_MS = 250;
var QUOTED_LINES = 25;
var TextWaitTimeoutError = class extends UserError {
  constructor(message, seen, screenshot) {
    super(message);
    this.seen = seen;
    this.screenshot = screenshot;
  }
  seen;
  screenshot;
  name = "TextWaitTimeoutError";
};
function consoleText(raw) {
  return raw.replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, "").replace(/\u001b[()][0-9A-Za-z]|\u001b[=>78cDEHM]/g, "").replace(/\r\n?/g, "\n").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "");
}
function quote(text) {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  if (lines.length === 0) return "  (nothing)";
  return lines.slice(-QUOTED_LINES).map((l) => `  | ${l}`).join("\n");
}
function pixelsToPng({ width, height, rgba }) {
  const png = new import_pngjs.PNG({ width, height });
  rgba.copy(png.data);
  return import_pngjs.PNG.sync.write(png);
}
function textFileFor(png) {
  return png.replace(/\.png$/, "") + ".txt";
}
var TextWaiter = class {
  constructor(options) {
    this.options = options;
  }
  options;
  reader;
  serialOffset = 0;
  serialText = "";
  decoder = new StringDecoder("utf8");
  count = 0;
  /** The shared OCR reader, opened on first use. */
  screenReader() {
    if (!this.reader) {
      this.reader = ScreenReader.open();
      this.reader.catch(() => this.reader = void 0);
    }
    return this.reader;
  }
  async wait(wait, signal) {
    this.count++;
    const started = Date.now();
    let readBy = "";
    if (wait.source === "screen") readBy = ` (screen read by ${await this.waitForScreen(wait, signal)})`;
    else await this.waitForSerial(wait, signal);
    this.options.logger.info(`boot command: ${describeTextWait(wait)} appeared after ${formatGoDuration(Date.now() - started)}${readBy}`);
  }
  close() {
    void this.reader?.then((r) => r.close()).catch(() => {
    });
    this.reader = void 0;
  }
  async waitForScreen(wait, signal) {
    const { vnc, timeoutMs } = this.options;
    const deadline = Date.now() + timeoutMs;
    const timedOut = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    const reader = await this.screenReader();
    let last;
    let incremental = false;
    try {
      for (; ; ) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) break;
        const pixels2 = await vnc.capture({ incremental, timeoutMs: incremental ? Math.min(SCREEN_POLL_MS, remaining) : remaining, signal: timedOut });
        incremental = true;
        const { text, cached, source } = await raceAbort(reader.read(pixels2), timedOut);
        last = { pixels: pixels2, text };
        if (screenTextMatches(wait.pattern, text)) return source;
        if (cached) await sleep(Math.min(UNCHANGED_PAUSE_MS, Math.max(0, deadline - Date.now())), timedOut);
      }
    } catch (err) {
      if (signal.aborted) throw abortReason(signal);
      if (!timedOut.aborted) throw err;
    }
    const pixels = last?.pixels ?? await vnc.capture({ timeoutMs: 5e3, signal }).catch(() => void 0);
    const seen = last?.text ?? "";
    let screenshot;
    if (pixels && (this.options.screenshotsAllowed?.() ?? true)) {
      screenshot = path.join(this.options.logDir, `bootcommand-wait-${String(this.count).padStart(2, "0")}-missed.png`);
      await writeFile(screenshot, pixelsToPng(pixels));
      await writeFile(textFileFor(screenshot), seen + "\n");
    }
    throw new TextWaitTimeoutError(
      `boot command: no ${describeTextWait(wait)} within ${formatGoDuration(timeoutMs)} (bootTextTimeout); the screen read:
${quote(seen)}${screenshot ? `
last screen: ${screenshot}` : ""}`,
      seen,
      screenshot
    );
  }
  async waitForSerial(wait, signal) {
    const { handle, timeoutMs } = this.options;
    if (!handle.readSerial) throw new UserError(`boot command: ${describeTextWait(wait)} needs the serial console, which this engine cannot read`);
    const re = new RegExp(wait.pattern);
    const deadline = Date.now() + timeoutMs;
    for (; ; ) {
      if (signal.aborted) throw abortReason(signal);
      const chunk = await handle.readSerial(this.serialOffset, signal);
      this.serialOffset += chunk.length;
      this.serialText += this.decoder.write(chunk);
      if (re.test(consoleText(this.serialText))) return;
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      await sleep(Math.min(SERIAL_POLL_MS, remaining), signal);
    }
    const seen = consoleText(this.serialText);
    throw new TextWaitTimeoutError(`boot command: no ${describeTextWait(wait)} within ${formatGoDuration(timeoutMs)} (bootTextTimeout); the serial console printed:
${quote(seen)}`, seen);
  }
};
function raceAbort(work, signal) {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    );
  });
}

// src/core/pipeline/failure-capture.ts
import { readFile, writeFile as writeFile3 } from "node:fs/promises";
import path3 from "node:path";

// src/core/pipeline/cpu-feature-hint.ts
var REFUSALS = [/CPU does not support x86-64-v(\d)/i, /requires the following features not present on the CPU/i, /CPU ISA level is lower than required/i];
function cpuFeatureHint(lines) {
  for (const line of lines) {
    for (const refusal of REFUSALS) {
      const m = refusal.exec(line);
      if (!m) continue;
      const level = m[1] ? ` (it needs x86-64-v${m[1]})` : "";
      return `the guest refuses its CPU model${level}: "${line.trim()}". Set the VM's cpuModel to one with those features: max (everything QEMU's software emulation offers), host under KVM, or a named model such as Haswell-noTSX`;
    }
  }
  return void 0;
}

// src/core/pipeline/steps/boot-command.ts
import { writeFile as writeFile2 } from "node:fs/promises";
import path2 from "node:path";

// src/core/bootcommand/type-key-events.ts
async function typeKeyEvents(input, sink, { intervalMs, signal, onElementDone, onEvent, logger, waitForText }) {
  const events = "events" in input ? input.events : input;
  const elementEnds = "events" in input ? input.elementEnds : [events.length];
  let nextElement = 0;
  const finishElementsUpTo = async (sent) => {
    while (nextElement < elementEnds.length && elementEnds[nextElement] <= sent) {
      if (signal?.aborted) throw abortReason(signal);
      logger?.progress({ phase: "typing the boot command", done: nextElement + 1, total: elementEnds.length, unit: "items" });
      await onElementDone?.(nextElement);
      nextElement++;
    }
  };
  await finishElementsUpTo(0);
  for (const [index, event] of events.entries()) {
    if (signal?.aborted) throw abortReason(signal);
    if ("waitText" in event) {
      if (!waitForText) throw new Error(`the boot command waits for ${describeTextWait(event.waitText)}, and nothing here can watch for text`);
      logger?.debug(`boot command: waiting for ${describeTextWait(event.waitText)}`);
      await waitForText(event.waitText, signal);
    } else if ("wait" in event) {
      logger?.debug(`boot command: waiting ${formatGoDurationNanos(BigInt(Math.round(event.wait * 1e6)))}`);
      await sleep(event.wait, signal);
    } else {
      await sink.keyEvent(event.key, event.down);
      if (intervalMs > 0) await sleep(intervalMs, signal);
    }
    onEvent?.(index, event);
    await finishElementsUpTo(index + 1);
  }
}

// src/core/vnc/byte-reader.ts
var ConnectionClosedError = class extends Error {
  name = "ConnectionClosedError";
};
var ByteReader = class {
  chunks = [];
  buffered = 0;
  pending;
  failure;
  constructor(stream) {
    stream.on("data", (chunk) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      this.serve();
    });
    stream.once("end", () => this.fail(new ConnectionClosedError("the VNC server closed the connection")));
    stream.once("close", () => this.fail(new ConnectionClosedError("the VNC connection was closed")));
    stream.once("error", (err) => this.fail(new ConnectionClosedError(`the VNC connection failed: ${err.message}`, { cause: err })));
  }
  /** The next `size` bytes. One read at a time: RFB fields are consumed in order. */
  read(size) {
    if (this.pending) return Promise.reject(new Error("ByteReader: a read is already waiting"));
    if (this.buffered >= size) return Promise.resolve(this.take(size));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { size, resolve, reject };
    });
  }
  async u8() {
    return (await this.read(1)).readUInt8(0);
  }
  async u16() {
    return (await this.read(2)).readUInt16BE(0);
  }
  async u32() {
    return (await this.read(4)).readUInt32BE(0);
  }
  async s32() {
    return (await this.read(4)).readInt32BE(0);
  }
  /** Fails the waiting read and every later one (first failure wins). */
  fail(err) {
    this.failure ??= err;
    const pending = this.pending;
    this.pending = void 0;
    pending?.reject(this.failure);
  }
  serve() {
    if (this.pending && this.buffered >= this.pending.size) {
      const { size, resolve } = this.pending;
      this.pending = void 0;
      resolve(this.take(size));
    }
  }
  take(size) {
    if (size === 0) return Buffer.alloc(0);
    const first = this.chunks[0];
    if (first.length >= size) {
      const out2 = first.subarray(0, size);
      if (first.length === size) this.chunks.shift();
      else this.chunks[0] = first.subarray(size);
      this.buffered -= size;
      return out2;
    }
    const all = Buffer.concat(this.chunks, this.buffered);
    const out = all.subarray(0, size);
    this.chunks = all.length > size ? [all.subarray(size)] : [];
    this.buffered -= size;
    return out;
  }
};

// src/core/vnc/framebuffer.ts
var import_pngjs2 = __toESM(require_png(), 1);
var Framebuffer = class _Framebuffer {
  constructor(width, height) {
    this.width = width;
    this.height = height;
    this.rgba = _Framebuffer.blank(width, height);
  }
  width;
  height;
  rgba;
  static blank(width, height) {
    const b = Buffer.alloc(width * height * 4);
    for (let i = 3; i < b.length; i += 4) b[i] = 255;
    return b;
  }
  /** The server changed the screen size (DesktopSize): start over with a black screen. */
  resize(width, height) {
    this.width = width;
    this.height = height;
    this.rgba = _Framebuffer.blank(width, height);
  }
  /** A Raw rectangle: width*height pixels of 4 bytes, row by row. */
  putRaw(x, y, width, height, pixels) {
    this.checkRect(x, y, width, height);
    for (let row = 0; row < height; row++) {
      let src = row * width * 4;
      let dst = ((y + row) * this.width + x) * 4;
      for (let col = 0; col < width; col++, src += 4, dst += 4) {
        this.rgba[dst] = pixels[src + 2];
        this.rgba[dst + 1] = pixels[src + 1];
        this.rgba[dst + 2] = pixels[src];
      }
    }
  }
  /** A CopyRect rectangle: the area at (srcX, srcY) moves to (x, y); the two may overlap. */
  copyRect(srcX, srcY, x, y, width, height) {
    this.checkRect(x, y, width, height);
    this.checkRect(srcX, srcY, width, height);
    const rowBytes = width * 4;
    const copy = Buffer.alloc(rowBytes * height);
    for (let row = 0; row < height; row++) {
      const from = ((srcY + row) * this.width + srcX) * 4;
      this.rgba.copy(copy, row * rowBytes, from, from + rowBytes);
    }
    for (let row = 0; row < height; row++) {
      copy.copy(this.rgba, ((y + row) * this.width + x) * 4, row * rowBytes, (row + 1) * rowBytes);
    }
  }
  /** RGBA of one pixel, for tests and checks. */
  pixel(x, y) {
    const i = (y * this.width + x) * 4;
    return [this.rgba[i], this.rgba[i + 1], this.rgba[i + 2], this.rgba[i + 3]];
  }
  /** A copy of the pixels as RGBA, for OCR (the next update cannot change it under the reader). */
  snapshot() {
    return { width: this.width, height: this.height, rgba: Buffer.from(this.rgba) };
  }
  toPng() {
    const png = new import_pngjs2.PNG({ width: this.width, height: this.height });
    this.rgba.copy(png.data);
    return import_pngjs2.PNG.sync.write(png);
  }
  checkRect(x, y, width, height) {
    if (x + width > this.width || y + height > this.height) {
      throw new Error(`the VNC server sent a rectangle ${width}x${height}+${x}+${y} outside its ${this.width}x${this.height} screen`);
    }
  }
};

// src/core/vnc/rfb-messages.ts
var SecurityType = { Invalid: 0, None: 1, VncAuthentication: 2 };
var Encoding = { Raw: 0, CopyRect: 1, DesktopSizePseudo: -223 };
var ServerMessage = { FramebufferUpdate: 0, SetColourMapEntries: 1, Bell: 2, ServerCutText: 3 };
var ClientMessage = { SetPixelFormat: 0, SetEncodings: 2, FramebufferUpdateRequest: 3, KeyEvent: 4 };
var CLIENT_PIXEL_FORMAT = {
  bitsPerPixel: 32,
  depth: 24,
  bigEndian: false,
  trueColour: true,
  redMax: 255,
  greenMax: 255,
  blueMax: 255,
  redShift: 16,
  greenShift: 8,
  blueShift: 0
};
function decodePixelFormat(b) {
  return {
    bitsPerPixel: b.readUInt8(0),
    depth: b.readUInt8(1),
    bigEndian: b.readUInt8(2) !== 0,
    trueColour: b.readUInt8(3) !== 0,
    redMax: b.readUInt16BE(4),
    greenMax: b.readUInt16BE(6),
    blueMax: b.readUInt16BE(8),
    redShift: b.readUInt8(10),
    greenShift: b.readUInt8(11),
    blueShift: b.readUInt8(12)
  };
}
function encodePixelFormat(pf) {
  const b = Buffer.alloc(16);
  b.writeUInt8(pf.bitsPerPixel, 0);
  b.writeUInt8(pf.depth, 1);
  b.writeUInt8(pf.bigEndian ? 1 : 0, 2);
  b.writeUInt8(pf.trueColour ? 1 : 0, 3);
  b.writeUInt16BE(pf.redMax, 4);
  b.writeUInt16BE(pf.greenMax, 6);
  b.writeUInt16BE(pf.blueMax, 8);
  b.writeUInt8(pf.redShift, 10);
  b.writeUInt8(pf.greenShift, 11);
  b.writeUInt8(pf.blueShift, 12);
  return b;
}
function setPixelFormat(pf) {
  const b = Buffer.alloc(20);
  b.writeUInt8(ClientMessage.SetPixelFormat, 0);
  encodePixelFormat(pf).copy(b, 4);
  return b;
}
function setEncodings(encodings) {
  const b = Buffer.alloc(4 + 4 * encodings.length);
  b.writeUInt8(ClientMessage.SetEncodings, 0);
  b.writeUInt16BE(encodings.length, 2);
  encodings.forEach((e, i) => b.writeInt32BE(e, 4 + 4 * i));
  return b;
}
function framebufferUpdateRequest(incremental, x, y, width, height) {
  const b = Buffer.alloc(10);
  b.writeUInt8(ClientMessage.FramebufferUpdateRequest, 0);
  b.writeUInt8(incremental ? 1 : 0, 1);
  b.writeUInt16BE(x, 2);
  b.writeUInt16BE(y, 4);
  b.writeUInt16BE(width, 6);
  b.writeUInt16BE(height, 8);
  return b;
}
function keyEvent(keysym, down) {
  const b = Buffer.alloc(8);
  b.writeUInt8(ClientMessage.KeyEvent, 0);
  b.writeUInt8(down ? 1 : 0, 1);
  b.writeUInt32BE(keysym >>> 0, 4);
  return b;
}
function negotiateVersion(serverGreeting, highest = "3.8") {
  const match = /^RFB (\d{3})\.(\d{3})\n$/.exec(serverGreeting);
  if (!match) throw new Error(`not a VNC server: it greeted with ${JSON.stringify(serverGreeting)}`);
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major < 3) throw new Error(`the VNC server speaks RFB ${major}.${minor}, older than 3.3`);
  const server = major > 3 || minor >= 8 ? "3.8" : minor === 7 ? "3.7" : "3.3";
  const order = ["3.3", "3.7", "3.8"];
  return order[Math.min(order.indexOf(server), order.indexOf(highest))];
}
function versionGreeting(version) {
  return Buffer.from(`RFB 003.00${version.slice(2)}
`, "latin1");
}

// src/core/vnc/vnc-auth.ts
import { createCipheriv } from "node:crypto";
function reverseBits(byte) {
  let out = 0;
  for (let i = 0; i < 8; i++) if (byte & 1 << i) out |= 1 << 7 - i;
  return out;
}
function vncAuthResponse(challenge, password) {
  if (challenge.length !== 16) throw new Error(`VNC authentication: expected a 16-byte challenge, got ${challenge.length} bytes`);
  const key = Buffer.alloc(8);
  Buffer.from(password, "latin1").copy(key, 0, 0, 8);
  for (let i = 0; i < 8; i++) key[i] = reverseBits(key[i]);
  const cipher = createCipheriv("des-ede-ecb", Buffer.concat([key, key]), null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(challenge), cipher.final()]);
}

// src/core/vnc/rfb-client.ts
var VncError = class extends Error {
  name = "VncError";
};
var MAX_TEXT_BYTES = 1 << 20;
var RfbClient = class _RfbClient {
  constructor(stream, logger) {
    this.stream = stream;
    this.logger = logger;
    this.reader = new ByteReader(stream);
    this.closedPromise = new Promise((resolve) => {
      if (stream.destroyed) resolve();
      else stream.once("close", () => resolve());
    });
    stream.on("error", () => {
    });
  }
  stream;
  logger;
  reader;
  failure;
  updateWaiters = /* @__PURE__ */ new Set();
  screenshots = Promise.resolve();
  framebuffer = new Framebuffer(0, 0);
  closedPromise;
  version = "3.8";
  desktopName = "";
  serverPixelFormat;
  /** Runs the handshake on an open stream; on failure the stream is destroyed. */
  static async connect(stream, options = {}) {
    const client = new _RfbClient(stream, options.logger);
    const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs ?? 3e4), ...options.signal ? [options.signal] : []]);
    const onAbort = () => {
      const reason = options.signal?.aborted ? options.signal.reason : new VncError(`no VNC handshake within ${options.timeoutMs ?? 3e4} ms`);
      client.shutdown(reason instanceof Error ? reason : new VncError(String(reason)));
    };
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      await client.handshake(options);
    } catch (err) {
      client.shutdown(err instanceof Error ? err : new VncError(String(err)));
      await client.closedPromise;
      throw client.failure ?? err;
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
    void client.messageLoop();
    return client;
  }
  get width() {
    return this.framebuffer.width;
  }
  get height() {
    return this.framebuffer.height;
  }
  /** Sends one RFB KeyEvent; resolves when it is handed to the transport. */
  async keyEvent(keysym, down) {
    await this.write(keyEvent(keysym, down));
  }
  /** The whole screen as a PNG, freshly requested from the server. Calls are served one at a time. */
  screenshot(options = {}) {
    const take = async () => {
      await this.screenshotUpdate(options);
      return this.framebuffer.toPng();
    };
    const result = this.screenshots.then(take, take);
    this.screenshots = result.catch(() => {
    });
    return result;
  }
  /**
   * The screen's pixels, freshly requested (the whole screen, or only changes with `incremental`),
   * served in turn with screenshots.
   */
  capture(options = {}) {
    const take = async () => {
      if (!options.incremental) {
        await this.screenshotUpdate(options);
        return this.framebuffer.snapshot();
      }
      const update = this.nextUpdate(options);
      update.catch(() => {
      });
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
    this.screenshots = result.catch(() => {
    });
    return result;
  }
  /** The screen's pixels as last received, as PNG (no request to the server). */
  lastScreenPng() {
    return this.framebuffer.toPng();
  }
  /** Requests the whole screen and waits for it. */
  async screenshotUpdate(options) {
    for (let attempt = 0; attempt < 4; attempt++) {
      const update = this.nextUpdate(options);
      update.catch(() => {
      });
      await this.write(framebufferUpdateRequest(false, 0, 0, this.framebuffer.width, this.framebuffer.height));
      if (!(await update).resized) break;
    }
  }
  /** RGBA of one pixel of the last screen received. */
  pixel(x, y) {
    return this.framebuffer.pixel(x, y);
  }
  /** Closes the connection; safe to call more than once. */
  async close() {
    this.shutdown(new ConnectionClosedError("the VNC connection was closed by the client"));
    await this.closedPromise;
  }
  async handshake(options) {
    const greeting = (await this.reader.read(12)).toString("latin1");
    this.version = negotiateVersion(greeting, options.highestVersion);
    await this.write(versionGreeting(this.version));
    const security = await this.negotiateSecurity(options.password);
    if (security === SecurityType.VncAuthentication) {
      await this.write(vncAuthResponse(await this.reader.read(16), options.password ?? ""));
    }
    if (security === SecurityType.VncAuthentication || this.version === "3.8") {
      if (await this.reader.u32() !== 0) {
        const reason = this.version === "3.8" ? await this.readText() : "";
        throw new VncError(`VNC authentication failed${reason ? `: ${reason}` : ""}`);
      }
    }
    await this.write(Buffer.from([options.shared === false ? 0 : 1]));
    const width = await this.reader.u16();
    const height = await this.reader.u16();
    this.serverPixelFormat = decodePixelFormat(await this.reader.read(16));
    this.desktopName = await this.readText();
    this.framebuffer = new Framebuffer(width, height);
    await this.write(Buffer.concat([setPixelFormat(CLIENT_PIXEL_FORMAT), setEncodings([Encoding.CopyRect, Encoding.Raw, Encoding.DesktopSizePseudo])]));
    this.logger?.debug(`VNC: RFB ${this.version}, security ${security === SecurityType.None ? "none" : "VNC authentication"}, ${width}x${height} "${this.desktopName}"`);
  }
  async negotiateSecurity(password) {
    if (this.version === "3.3") {
      const type = await this.reader.u32();
      if (type === SecurityType.Invalid) throw new VncError(`the VNC server refused the connection: ${await this.readText()}`);
      if (type === SecurityType.VncAuthentication && password === void 0) throw new VncError("the VNC server asks for a password and none was given");
      if (type !== SecurityType.None && type !== SecurityType.VncAuthentication) throw new VncError(`the VNC server asks for security type ${type}; only None and VNC Authentication are supported`);
      return type;
    }
    const count = await this.reader.u8();
    if (count === 0) throw new VncError(`the VNC server refused the connection: ${await this.readText()}`);
    const offered = [...await this.reader.read(count)];
    const choice = password !== void 0 && offered.includes(SecurityType.VncAuthentication) ? SecurityType.VncAuthentication : offered.includes(SecurityType.None) ? SecurityType.None : void 0;
    if (choice === void 0) {
      const why = offered.includes(SecurityType.VncAuthentication) ? "asks for a password and none was given" : `offers only security types ${offered.join(", ")}; supported are None and VNC Authentication`;
      throw new VncError(`the VNC server ${why}`);
    }
    await this.write(Buffer.from([choice]));
    return choice;
  }
  async readText() {
    const length = await this.reader.u32();
    if (length > MAX_TEXT_BYTES) throw new VncError(`the VNC server sent a ${length}-byte string; refusing more than ${MAX_TEXT_BYTES}`);
    return (await this.reader.read(length)).toString("utf8");
  }
  async messageLoop() {
    try {
      for (; ; ) {
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
  async readFramebufferUpdate() {
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
  nextUpdate({ timeoutMs = 3e4, signal }) {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => settle(() => reject(new VncError(`the VNC server sent no screen update within ${timeoutMs} ms`))), timeoutMs);
      const onAbort = () => settle(() => reject(signal.reason));
      const settle = (finish) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.updateWaiters.delete(waiter);
        finish();
      };
      const waiter = {
        resolve: (update) => settle(() => resolve(update)),
        reject: (err) => settle(() => reject(err))
      };
      this.updateWaiters.add(waiter);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
  write(message) {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.stream.write(message, (err) => {
        if (!err) return resolve();
        reject(this.failure ?? new ConnectionClosedError(`the VNC connection failed: ${err.message}`, { cause: err }));
      });
    });
  }
  /** The connection is over (an error, the server leaving, or close()): fail everything waiting. */
  shutdown(err) {
    if (this.failure) return;
    this.failure = err;
    this.reader.fail(err);
    for (const waiter of [...this.updateWaiters]) waiter.reject(err);
    this.updateWaiters.clear();
    this.stream.destroy();
  }
};

// src/core/pipeline/steps/boot-command.ts
var DEFAULT_TEXT_TIMEOUT_MS = 5 * 6e4;
var FAILURE_OCR_MS = 3e4;
function bootCommandFields(vm, handle) {
  const http = handle.httpEndpoint();
  return { HTTPIP: http?.ip ?? "", HTTPPort: http?.port ?? 0, Name: vm.vmName ?? vm.name };
}
async function typeBootCommand({ vm, handle, logDir, logger, signal, env = process.env, masker, onSecretTyped }) {
  const fields = bootCommandFields(vm, handle);
  const elements = vm.bootCommand.map((e) => renderTemplate(e, { fields }));
  const firstSecret = masker ? elements.findIndex((e) => masker.mask(e) !== e) : -1;
  let secretTyped = false;
  const secretBegins = (element) => {
    if (secretTyped || firstSecret < 0 || element < firstSecret) return;
    secretTyped = true;
    logger.info(`boot command: element ${firstSecret + 1} types a sensitive value; no more screenshots of this VM (the screen may show it)`);
    onSecretTyped?.();
  };
  const plan = planBootCommand(elements, { elementLabel: (i) => `bootCommand[${i}]` });
  const intervalMs = resolveKeyInterval({ env, ...vm.bootKeyInterval !== void 0 ? { bootKeyInterval: vm.bootKeyInterval } : {} });
  const keys = plan.events.filter((e) => "key" in e).length;
  logger.info(`boot command: ${elements.length} element(s), ${keys} key events, ${intervalMs} ms apart`);
  const vnc = await RfbClient.connect(await handle.openVnc(signal), { signal, logger });
  const waiter = new TextWaiter({ handle, vnc, logDir, logger, timeoutMs: vm.bootTextTimeout ?? DEFAULT_TEXT_TIMEOUT_MS, screenshotsAllowed: () => !secretTyped });
  const readsScreen = vm.bootWaitText?.source === "screen" || plan.events.some((e) => "waitText" in e && e.waitText.source === "screen");
  const screenTexts = [];
  let ocrWarned = false;
  const writeScreenText = (file, pixels) => {
    screenTexts.push(
      waiter.screenReader().then((reader) => reader.read(pixels)).then(({ text }) => writeFile2(textFileFor(file), text + "\n")).catch((err) => {
        if (!ocrWarned) logger.warn(`boot command: no screen text beside the screenshots: ${err instanceof Error ? err.message : String(err)}`);
        ocrWarned = true;
      })
    );
  };
  try {
    if (vm.bootWaitText) {
      logger.info(`boot wait: until ${vm.bootWaitText.source === "screen" ? "the screen" : "the serial console"} shows /${vm.bootWaitText.pattern}/`);
      await waiter.wait(vm.bootWaitText, signal);
    }
    let lastProgress = 0;
    secretBegins(0);
    await typeKeyEvents(plan, vnc, {
      intervalMs,
      signal,
      waitForText: (wait) => waiter.wait(wait, signal),
      onEvent: (index) => {
        const pct = Math.floor(100 * (index + 1) / plan.events.length);
        if (pct >= lastProgress + 25 || index + 1 === plan.events.length) {
          lastProgress = pct;
          logger.progress({ phase: "boot command", done: index + 1, total: plan.events.length, unit: "items" });
        }
      },
      onElementDone: async (element) => {
        if (element >= elements.length) return;
        if (!secretTyped) {
          const file = path2.join(logDir, `bootcommand-${String(element + 1).padStart(2, "0")}.png`);
          const pixels = await vnc.capture({ signal });
          await writeFile2(file, pixelsToPng(pixels));
          if (readsScreen) writeScreenText(file, pixels);
          logger.info(`boot command: element ${element + 1}/${elements.length} typed; screen saved to ${file}`);
        }
        secretBegins(element + 1);
      }
    });
    await Promise.all(screenTexts);
  } finally {
    waiter.close();
    await vnc.close();
  }
}
async function saveScreenshot(handle, file, signal) {
  const vnc = await RfbClient.connect(await handle.openVnc(signal), { signal, timeoutMs: 1e4 });
  let pixels;
  try {
    pixels = await vnc.capture({ signal, timeoutMs: 1e4 });
    await writeFile2(file, pixelsToPng(pixels));
  } finally {
    await vnc.close();
  }
  const text = await readScreenText(pixels, AbortSignal.timeout(FAILURE_OCR_MS)).catch(() => void 0);
  if (text !== void 0) await writeFile2(textFileFor(file), text + "\n");
  return file;
}
async function readScreenText(pixels, signal) {
  const reader = ScreenReader.open();
  try {
    const read = reader.then((r) => r.read(pixels)).then((r) => r.text);
    return await new Promise((resolve, reject) => {
      signal.addEventListener("abort", () => reject(new Error("reading the screen took too long")), { once: true });
      read.then(resolve, reject);
    });
  } finally {
    void reader.then((r) => r.close()).catch(() => {
    });
  }
}

// src/core/pipeline/failure-capture.ts
var FAILURE_SCREENSHOT = "failure.png";
var SERIAL_TAIL_FILE = "serial-tail.txt";
var SERIAL_TAIL_LINES = 30;
async function captureFailure(handle, logDir, logger, { screenshot = true } = {}) {
  const quick = AbortSignal.timeout(1e4);
  const seen = [];
  try {
    if (!screenshot) throw new Error("the boot command typed a sensitive value, which the screen may still show");
    const file = await saveScreenshot(handle, path3.join(logDir, FAILURE_SCREENSHOT), quick);
    logger.error(`last screen: ${file}`);
    const text = await readFile(textFileFor(file), "utf8").catch(() => "");
    const lines = text.split("\n").filter((l) => l.trim() !== "");
    seen.push(...lines);
    if (lines.length > 0) logger.error(`last screen's text:
${lines.map((l) => `  | ${l}`).join("\n")}`);
  } catch (err) {
    logger.warn(`no screenshot: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const tail = await handle.serialTail(SERIAL_TAIL_LINES);
    seen.push(...tail);
    if (tail.length > 0) {
      await writeFile3(path3.join(logDir, SERIAL_TAIL_FILE), tail.join("\n") + "\n");
      logger.error(`last serial console lines:
${tail.map((l) => `  | ${l}`).join("\n")}`);
    }
  } catch (err) {
    logger.warn(`no serial console: ${err instanceof Error ? err.message : String(err)}`);
  }
  const hint = cpuFeatureHint(seen);
  if (hint) logger.error(hint);
}

export {
  textFileFor,
  bootCommandFields,
  typeBootCommand,
  FAILURE_SCREENSHOT,
  SERIAL_TAIL_FILE,
  captureFailure
};
