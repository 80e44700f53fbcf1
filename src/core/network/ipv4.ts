/**
 * IPv4 addresses as unsigned 32-bit numbers, and CIDR blocks. The switch and the address plan
 * compute with numbers; text appears only at the edges (the build file, logs, DHCP answers).
 */

export interface Cidr {
  /** The network address (host bits zero). */
  network: number;
  prefix: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses dotted-quad text; throws on anything else (leading zeros, missing parts, > 255). */
export function parseIpv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) throw new Error(`'${text}' is not an IPv4 address (expected four numbers 0-255 separated by dots)`);
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join('.');
}

/** Parses "a.b.c.d/n"; the address must be the network address, as the build file requires. */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf('/');
  const prefixText = slash < 0 ? '' : text.slice(slash + 1);
  if (!/^(3[0-2]|[12]?\d)$/.test(prefixText)) throw new Error(`'${text}' is not a CIDR block (expected address/prefix, prefix 0-32)`);
  const prefix = Number(prefixText);
  const network = parseIpv4(text.slice(0, slash));
  if ((network & ~netmask(prefix)) >>> 0 !== 0) throw new Error(`'${text}' has host bits set`);
  return { network, prefix };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.network)}/${cidr.prefix}`;
}

export function netmask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function cidrSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

export function broadcastAddress(cidr: Cidr): number {
  return cidr.network + cidrSize(cidr) - 1;
}

export function cidrContains(cidr: Cidr, address: number): boolean {
  return (address & netmask(cidr.prefix)) >>> 0 === cidr.network;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.network <= broadcastAddress(b) && b.network <= broadcastAddress(a);
}

/** The Internet checksum (RFC 1071) over `data`, as IPv4, ICMP and UDP headers use it. */
export function internetChecksum(data: Uint8Array, initial = 0): number {
  let sum = initial;
  for (let i = 0; i + 1 < data.length; i += 2) sum += (data[i]! << 8) | data[i + 1]!;
  if (data.length % 2 === 1) sum += data[data.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
