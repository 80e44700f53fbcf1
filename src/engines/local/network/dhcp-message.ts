/**
 * DHCP messages (RFC 2131: the BOOTP layout with the options field of RFC 2132), decoded into
 * what the switch's DHCP server needs and encoded back. Option overload (52) is not supported:
 * guests do not send it and our answers never need it.
 */
import { formatMac, parseMac } from '../../../core/network/mac.js';

export const DHCP_SERVER_PORT = 67;
export const DHCP_CLIENT_PORT = 68;

export const DhcpType = {
  discover: 1,
  offer: 2,
  request: 3,
  decline: 4,
  ack: 5,
  nak: 6,
  release: 7,
  inform: 8,
} as const;

export const DhcpOption = {
  subnetMask: 1,
  router: 3,
  hostname: 12,
  broadcast: 28,
  requestedIp: 50,
  leaseTime: 51,
  messageType: 53,
  serverId: 54,
  renewalTime: 58,
  rebindingTime: 59,
  classlessRoutes: 121,
} as const;

const BOOTREQUEST = 1;
const BOOTREPLY = 2;
const FIXED_PART = 236;
const MAGIC_COOKIE = 0x63825363;
const PAD = 0;
const END = 255;

export interface DhcpMessage {
  op: 'request' | 'reply';
  xid: number;
  flags: number;
  ciaddr: number;
  yiaddr: number;
  siaddr: number;
  giaddr: number;
  /** The client's hardware address (Ethernet only). */
  chaddr: string;
  /** Options by code, in the order they were given; pad and end are not listed. */
  options: Map<number, Buffer>;
}

export function parseDhcp(data: Buffer): DhcpMessage | undefined {
  if (data.length < FIXED_PART + 4) return undefined;
  const op = data[0];
  if ((op !== BOOTREQUEST && op !== BOOTREPLY) || data[1] !== 1 || data[2] !== 6) return undefined;
  if (data.readUInt32BE(FIXED_PART) !== MAGIC_COOKIE) return undefined;
  const options = new Map<number, Buffer>();
  let i = FIXED_PART + 4;
  while (i < data.length) {
    const code = data[i]!;
    if (code === END) break;
    if (code === PAD) {
      i++;
      continue;
    }
    if (i + 1 >= data.length) return undefined;
    const length = data[i + 1]!;
    if (i + 2 + length > data.length) return undefined;
    const value = data.subarray(i + 2, i + 2 + length);
    // A repeated option continues the earlier one (RFC 3396).
    const before = options.get(code);
    options.set(code, before ? Buffer.concat([before, value]) : Buffer.from(value));
    i += 2 + length;
  }
  return {
    op: op === BOOTREQUEST ? 'request' : 'reply',
    xid: data.readUInt32BE(4),
    flags: data.readUInt16BE(10),
    ciaddr: data.readUInt32BE(12),
    yiaddr: data.readUInt32BE(16),
    siaddr: data.readUInt32BE(20),
    giaddr: data.readUInt32BE(24),
    chaddr: formatMac(data.subarray(28, 34)),
    options,
  };
}

export function encodeDhcp(m: DhcpMessage): Buffer {
  const fixed = Buffer.alloc(FIXED_PART + 4);
  fixed[0] = m.op === 'request' ? BOOTREQUEST : BOOTREPLY;
  fixed[1] = 1;
  fixed[2] = 6;
  fixed.writeUInt32BE(m.xid >>> 0, 4);
  fixed.writeUInt16BE(m.flags, 10);
  fixed.writeUInt32BE(m.ciaddr >>> 0, 12);
  fixed.writeUInt32BE(m.yiaddr >>> 0, 16);
  fixed.writeUInt32BE(m.siaddr >>> 0, 20);
  fixed.writeUInt32BE(m.giaddr >>> 0, 24);
  parseMac(m.chaddr).copy(fixed, 28);
  fixed.writeUInt32BE(MAGIC_COOKIE, FIXED_PART);
  const parts: Buffer[] = [fixed];
  for (const [code, value] of m.options) {
    // Values longer than 255 bytes are split into consecutive options (RFC 3396).
    for (let at = 0; at < value.length || at === 0; at += 255) {
      const chunk = value.subarray(at, at + 255);
      parts.push(Buffer.from([code, chunk.length]), chunk);
      if (value.length === 0) break;
    }
  }
  parts.push(Buffer.from([END]));
  const out = Buffer.concat(parts);
  // BOOTP clients expect at least the classic 300-byte message.
  return out.length >= 300 ? out : Buffer.concat([out, Buffer.alloc(300 - out.length)]);
}

export function messageType(m: DhcpMessage): number | undefined {
  const v = m.options.get(DhcpOption.messageType);
  return v && v.length === 1 ? v[0] : undefined;
}

export function optionAddress(m: DhcpMessage, code: number): number | undefined {
  const v = m.options.get(code);
  return v && v.length === 4 ? v.readUInt32BE(0) : undefined;
}

export function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b;
}

/** Option 121 (RFC 3442): each route as prefix length, the significant octets of the destination, the router. */
export function encodeClasslessRoutes(routes: readonly { network: number; prefix: number; router: number }[]): Buffer {
  const parts: Buffer[] = [];
  for (const r of routes) {
    const significant = Math.ceil(r.prefix / 8);
    parts.push(Buffer.from([r.prefix]), u32(r.network).subarray(0, significant), u32(r.router));
  }
  return Buffer.concat(parts);
}

export function decodeClasslessRoutes(data: Buffer): { network: number; prefix: number; router: number }[] | undefined {
  const routes: { network: number; prefix: number; router: number }[] = [];
  let i = 0;
  while (i < data.length) {
    const prefix = data[i]!;
    if (prefix > 32) return undefined;
    const significant = Math.ceil(prefix / 8);
    if (i + 1 + significant + 4 > data.length) return undefined;
    const dest = Buffer.alloc(4);
    data.copy(dest, 0, i + 1, i + 1 + significant);
    routes.push({ network: dest.readUInt32BE(0), prefix, router: data.readUInt32BE(i + 1 + significant) });
    i += 1 + significant + 4;
  }
  return routes;
}
