/**
 * The RFB (VNC) protocol pieces the client uses, from RFC 6143: security types, encodings, message
 * types, and the client-to-server messages, encoded big-endian as the protocol requires.
 */

export const SecurityType = { Invalid: 0, None: 1, VncAuthentication: 2 } as const;

export const Encoding = { Raw: 0, CopyRect: 1, DesktopSizePseudo: -223 } as const;

export const ServerMessage = { FramebufferUpdate: 0, SetColourMapEntries: 1, Bell: 2, ServerCutText: 3 } as const;

const ClientMessage = { SetPixelFormat: 0, SetEncodings: 2, FramebufferUpdateRequest: 3, KeyEvent: 4 } as const;

export interface PixelFormat {
  bitsPerPixel: number;
  depth: number;
  bigEndian: boolean;
  trueColour: boolean;
  redMax: number;
  greenMax: number;
  blueMax: number;
  redShift: number;
  greenShift: number;
  blueShift: number;
}

/**
 * The format the client asks for: 32-bit little-endian true colour, red in bits 16–23, green 8–15,
 * blue 0–7 (bytes B, G, R, X on the wire). Every server must honour SetPixelFormat for true colour.
 */
export const CLIENT_PIXEL_FORMAT: PixelFormat = {
  bitsPerPixel: 32,
  depth: 24,
  bigEndian: false,
  trueColour: true,
  redMax: 255,
  greenMax: 255,
  blueMax: 255,
  redShift: 16,
  greenShift: 8,
  blueShift: 0,
};

export function decodePixelFormat(b: Buffer): PixelFormat {
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
    blueShift: b.readUInt8(12),
  };
}

function encodePixelFormat(pf: PixelFormat): Buffer {
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

export function setPixelFormat(pf: PixelFormat): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt8(ClientMessage.SetPixelFormat, 0);
  encodePixelFormat(pf).copy(b, 4);
  return b;
}

export function setEncodings(encodings: readonly number[]): Buffer {
  const b = Buffer.alloc(4 + 4 * encodings.length);
  b.writeUInt8(ClientMessage.SetEncodings, 0);
  b.writeUInt16BE(encodings.length, 2);
  encodings.forEach((e, i) => b.writeInt32BE(e, 4 + 4 * i));
  return b;
}

export function framebufferUpdateRequest(incremental: boolean, x: number, y: number, width: number, height: number): Buffer {
  const b = Buffer.alloc(10);
  b.writeUInt8(ClientMessage.FramebufferUpdateRequest, 0);
  b.writeUInt8(incremental ? 1 : 0, 1);
  b.writeUInt16BE(x, 2);
  b.writeUInt16BE(y, 4);
  b.writeUInt16BE(width, 6);
  b.writeUInt16BE(height, 8);
  return b;
}

export function keyEvent(keysym: number, down: boolean): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt8(ClientMessage.KeyEvent, 0);
  b.writeUInt8(down ? 1 : 0, 1);
  b.writeUInt32BE(keysym >>> 0, 4);
  return b;
}

export type ProtocolVersion = '3.3' | '3.7' | '3.8';

/** The version a client answers with: the highest it speaks that is not above the server's. */
export function negotiateVersion(serverGreeting: string, highest: ProtocolVersion = '3.8'): ProtocolVersion {
  const match = /^RFB (\d{3})\.(\d{3})\n$/.exec(serverGreeting);
  if (!match) throw new Error(`not a VNC server: it greeted with ${JSON.stringify(serverGreeting)}`);
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major < 3) throw new Error(`the VNC server speaks RFB ${major}.${minor}, older than 3.3`);
  // 3.4–3.6 are unofficial and speak 3.3; Apple's 3.889 speaks 3.8.
  const server: ProtocolVersion = major > 3 || minor >= 8 ? '3.8' : minor === 7 ? '3.7' : '3.3';
  const order: ProtocolVersion[] = ['3.3', '3.7', '3.8'];
  return order[Math.min(order.indexOf(server), order.indexOf(highest))]!;
}

export function versionGreeting(version: ProtocolVersion): Buffer {
  return Buffer.from(`RFB 003.00${version.slice(2)}\n`, 'latin1');
}
