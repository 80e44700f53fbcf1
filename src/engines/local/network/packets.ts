/**
 * The wire formats the switch reads and writes: Ethernet II frames, ARP for IPv4, IPv4 headers,
 * UDP and ICMP echo. Parsers return undefined for anything malformed or not of their kind (a
 * guest may send any bytes; the switch drops what it does not understand); builders fill in
 * lengths and checksums.
 */
import { internetChecksum } from '../../../core/network/ipv4.js';
import { formatMac, parseMac } from '../../../core/network/mac.js';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const IP_PROTOCOL_ICMP = 1;
export const IP_PROTOCOL_UDP = 17;

const ETHERNET_HEADER = 14;
/** Frames shorter than this (without FCS) are padded, as a NIC would. */
const ETHERNET_MIN_FRAME = 60;

export interface EthernetFrame {
  dst: string;
  src: string;
  type: number;
  payload: Buffer;
}

export function parseEthernet(frame: Buffer): EthernetFrame | undefined {
  if (frame.length < ETHERNET_HEADER) return undefined;
  return { dst: formatMac(frame.subarray(0, 6)), src: formatMac(frame.subarray(6, 12)), type: frame.readUInt16BE(12), payload: frame.subarray(ETHERNET_HEADER) };
}

export function buildEthernet(dst: string, src: string, type: number, payload: Uint8Array): Buffer {
  const frame = Buffer.alloc(Math.max(ETHERNET_MIN_FRAME, ETHERNET_HEADER + payload.length));
  parseMac(dst).copy(frame, 0);
  parseMac(src).copy(frame, 6);
  frame.writeUInt16BE(type, 12);
  frame.set(payload, ETHERNET_HEADER);
  return frame;
}

export const ARP_REQUEST = 1;
export const ARP_REPLY = 2;

export interface ArpPacket {
  op: number;
  senderMac: string;
  senderIp: number;
  targetMac: string;
  targetIp: number;
}

/** ARP for IPv4 over Ethernet only (htype 1, ptype 0x0800). */
export function parseArp(payload: Buffer): ArpPacket | undefined {
  if (payload.length < 28) return undefined;
  if (payload.readUInt16BE(0) !== 1 || payload.readUInt16BE(2) !== ETHERTYPE_IPV4 || payload[4] !== 6 || payload[5] !== 4) return undefined;
  return {
    op: payload.readUInt16BE(6),
    senderMac: formatMac(payload.subarray(8, 14)),
    senderIp: payload.readUInt32BE(14),
    targetMac: formatMac(payload.subarray(18, 24)),
    targetIp: payload.readUInt32BE(24),
  };
}

export function buildArp(p: ArpPacket): Buffer {
  const b = Buffer.alloc(28);
  b.writeUInt16BE(1, 0);
  b.writeUInt16BE(ETHERTYPE_IPV4, 2);
  b[4] = 6;
  b[5] = 4;
  b.writeUInt16BE(p.op, 6);
  parseMac(p.senderMac).copy(b, 8);
  b.writeUInt32BE(p.senderIp, 14);
  parseMac(p.targetMac).copy(b, 18);
  b.writeUInt32BE(p.targetIp, 24);
  return b;
}

export interface Ipv4Packet {
  ttl: number;
  protocol: number;
  src: number;
  dst: number;
  /** The whole packet as received (header and payload, without Ethernet padding). */
  bytes: Buffer;
  payload: Buffer;
}

export function parseIpv4Packet(bytes: Buffer): Ipv4Packet | undefined {
  if (bytes.length < 20 || bytes[0]! >> 4 !== 4) return undefined;
  const headerLength = (bytes[0]! & 0x0f) * 4;
  const total = bytes.readUInt16BE(2);
  if (headerLength < 20 || total < headerLength || total > bytes.length) return undefined;
  if (internetChecksum(bytes.subarray(0, headerLength)) !== 0) return undefined;
  const packet = bytes.subarray(0, total);
  return { ttl: bytes[8]!, protocol: bytes[9]!, src: bytes.readUInt32BE(12), dst: bytes.readUInt32BE(16), bytes: packet, payload: packet.subarray(headerLength) };
}

export function buildIpv4Packet(p: { src: number; dst: number; protocol: number; ttl?: number; id?: number; payload: Uint8Array }): Buffer {
  const b = Buffer.alloc(20 + p.payload.length);
  b[0] = 0x45;
  b.writeUInt16BE(b.length, 2);
  b.writeUInt16BE((p.id ?? 0) & 0xffff, 4);
  b.writeUInt16BE(0x4000, 6); // don't fragment
  b[8] = p.ttl ?? 64;
  b[9] = p.protocol;
  b.writeUInt32BE(p.src >>> 0, 12);
  b.writeUInt32BE(p.dst >>> 0, 16);
  b.writeUInt16BE(internetChecksum(b.subarray(0, 20)), 10);
  b.set(p.payload, 20);
  return b;
}

/** A copy of `packet` one hop further (TTL − 1, header checksum redone); undefined when it may go no further. */
export function forwardedIpv4(packet: Ipv4Packet): Buffer | undefined {
  if (packet.ttl <= 1) return undefined;
  const copy = Buffer.from(packet.bytes);
  const headerLength = (copy[0]! & 0x0f) * 4;
  copy[8] = packet.ttl - 1;
  copy.writeUInt16BE(0, 10);
  copy.writeUInt16BE(internetChecksum(copy.subarray(0, headerLength)), 10);
  return copy;
}

export interface UdpDatagram {
  srcPort: number;
  dstPort: number;
  payload: Buffer;
}

export function parseUdp(payload: Buffer): UdpDatagram | undefined {
  if (payload.length < 8) return undefined;
  const length = payload.readUInt16BE(4);
  if (length < 8 || length > payload.length) return undefined;
  return { srcPort: payload.readUInt16BE(0), dstPort: payload.readUInt16BE(2), payload: payload.subarray(8, length) };
}

export function buildUdp(src: number, dst: number, srcPort: number, dstPort: number, data: Uint8Array): Buffer {
  const b = Buffer.alloc(8 + data.length);
  b.writeUInt16BE(srcPort, 0);
  b.writeUInt16BE(dstPort, 2);
  b.writeUInt16BE(b.length, 4);
  b.set(data, 8);
  // The checksum covers a pseudo header of addresses, protocol and length.
  const pseudo = Buffer.alloc(12);
  pseudo.writeUInt32BE(src >>> 0, 0);
  pseudo.writeUInt32BE(dst >>> 0, 4);
  pseudo[9] = IP_PROTOCOL_UDP;
  pseudo.writeUInt16BE(b.length, 10);
  const sum = internetChecksum(Buffer.concat([pseudo, b]));
  // 0 means "no checksum" in UDP over IPv4; a computed 0 is sent as all ones.
  b.writeUInt16BE(sum === 0 ? 0xffff : sum, 6);
  return b;
}

export const ICMP_ECHO_REPLY = 0;
export const ICMP_ECHO_REQUEST = 8;

/** The echo reply to an ICMP echo request (same identifier, sequence and data), or undefined. */
export function icmpEchoReply(icmp: Buffer): Buffer | undefined {
  if (icmp.length < 8 || icmp[0] !== ICMP_ECHO_REQUEST || icmp[1] !== 0 || internetChecksum(icmp) !== 0) return undefined;
  const reply = Buffer.from(icmp);
  reply[0] = ICMP_ECHO_REPLY;
  reply.writeUInt16BE(0, 2);
  reply.writeUInt16BE(internetChecksum(reply), 2);
  return reply;
}
