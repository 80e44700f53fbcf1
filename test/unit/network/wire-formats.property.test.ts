/**
 * The parsers and builders of the local engine's switch: IPv4/CIDR text, Ethernet, ARP, IPv4, UDP,
 * ICMP, DHCP and QEMU's stream framing — examples plus fast-check properties (round trips, and
 * arbitrary bytes never throwing out of a parser).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeClasslessRoutes, DhcpOption, encodeClasslessRoutes, encodeDhcp, parseDhcp, type DhcpMessage } from '../../../src/engines/local/network/dhcp-message.js';
import { broadcastAddress, cidrContains, cidrsOverlap, formatCidr, formatIpv4, internetChecksum, netmask, parseCidr, parseIpv4 } from '../../../src/core/network/ipv4.js';
import { formatMac, isGroupMac, parseMac, segmentMac } from '../../../src/core/network/mac.js';
import { buildArp, buildEthernet, buildIpv4Packet, buildUdp, forwardedIpv4, icmpEchoReply, parseArp, parseEthernet, parseIpv4Packet, parseUdp } from '../../../src/engines/local/network/packets.js';
import { encodeFrame, FrameDecoder, FrameStreamError, MAX_FRAME } from '../../../src/engines/local/network/stream-frames.js';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const macText = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => formatMac(b));
const bytes = (max = 600) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));

describe('IPv4 text and CIDR blocks', () => {
  it('examples', () => {
    expect(parseIpv4('10.20.0.2')).toBe(0x0a140002);
    expect(formatIpv4(0xc0a80101)).toBe('192.168.1.1');
    expect(parseCidr('10.20.0.0/24')).toEqual({ network: 0x0a140000, prefix: 24 });
    expect(broadcastAddress(parseCidr('10.20.0.0/24'))).toBe(parseIpv4('10.20.0.255'));
    expect(netmask(0)).toBe(0);
    expect(netmask(32)).toBe(0xffffffff);
    for (const bad of ['10.20.0', '10.20.0.256', '010.1.1.1', '1.2.3.4.5', ' 1.2.3.4', '1.2.3.-1', '']) expect(() => parseIpv4(bad)).toThrow(/not an IPv4 address/);
    expect(() => parseCidr('10.20.0.1/24')).toThrow(/host bits/);
    expect(() => parseCidr('10.20.0.0/33')).toThrow(/not a CIDR/);
    expect(() => parseCidr('10.20.0.0')).toThrow(/not a CIDR/);
    expect(cidrsOverlap(parseCidr('10.0.2.0/24'), parseCidr('10.0.0.0/16'))).toBe(true);
    expect(cidrsOverlap(parseCidr('10.0.2.0/24'), parseCidr('10.0.3.0/24'))).toBe(false);
  });

  it('format and parse are inverse', () => {
    fc.assert(fc.property(u32, (a) => parseIpv4(formatIpv4(a)) === a));
  });

  it('parseIpv4 accepts exactly the canonical dotted quads', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (s) => {
        let parsed: number | undefined;
        try {
          parsed = parseIpv4(s);
        } catch {
          return true;
        }
        return formatIpv4(parsed) === s;
      }),
    );
  });

  it('a CIDR block contains exactly its network..broadcast range', () => {
    fc.assert(
      fc.property(u32, fc.integer({ min: 0, max: 32 }), u32, (address, prefix, probe) => {
        const cidr = { network: (address & netmask(prefix)) >>> 0, prefix };
        expect(parseCidr(formatCidr(cidr))).toEqual(cidr);
        expect(cidrContains(cidr, probe)).toBe(probe >= cidr.network && probe <= broadcastAddress(cidr));
      }),
    );
  });

  it('data followed by its checksum sums to zero', () => {
    fc.assert(
      fc.property(bytes(200), (data) => {
        const even = data.length % 2 === 0 ? data : Buffer.concat([data, Buffer.alloc(1)]);
        const sum = Buffer.alloc(2);
        sum.writeUInt16BE(internetChecksum(even));
        expect(internetChecksum(Buffer.concat([even, sum]))).toBe(0);
      }),
    );
  });
});

describe('MAC addresses', () => {
  it('segment MACs are locally administered unicast, distinct per subnet and host', () => {
    expect(segmentMac(3, 2)).toBe('02:72:76:03:00:02');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0xffff }), (s1, h1, s2, h2) => {
        const a = segmentMac(s1, h1);
        expect(isGroupMac(a)).toBe(false);
        expect(parseMac(a)[0]! & 0x02).toBe(0x02);
        expect(a === segmentMac(s2, h2)).toBe(s1 === s2 && h1 === h2);
      }),
    );
    expect(() => parseMac('02:72:76:03:00')).toThrow(/not a MAC/);
  });
});

describe('Ethernet, ARP, IPv4, UDP, ICMP', () => {
  it('Ethernet frames round-trip and are padded to 60 bytes', () => {
    fc.assert(
      fc.property(macText, macText, fc.integer({ min: 0, max: 0xffff }), bytes(), (dst, src, type, payload) => {
        const frame = buildEthernet(dst, src, type, payload);
        expect(frame.length).toBe(Math.max(60, 14 + payload.length));
        const parsed = parseEthernet(frame)!;
        expect({ dst: parsed.dst, src: parsed.src, type: parsed.type }).toEqual({ dst, src, type });
        expect(parsed.payload.subarray(0, payload.length)).toEqual(payload);
      }),
    );
  });

  it('ARP round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), macText, u32, macText, u32, (op, senderMac, senderIp, targetMac, targetIp) => {
        const arp = { op, senderMac, senderIp, targetMac, targetIp };
        expect(parseArp(buildArp(arp))).toEqual(arp);
      }),
    );
  });

  it('IPv4 packets round-trip; forwarding lowers the TTL and keeps the header valid', () => {
    fc.assert(
      fc.property(u32, u32, fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), bytes(), (src, dst, protocol, ttl, payload) => {
        const raw = buildIpv4Packet({ src, dst, protocol, ttl, payload });
        // Ethernet padding after the packet is not part of it.
        const p = parseIpv4Packet(Buffer.concat([raw, Buffer.alloc(7)]))!;
        expect({ src: p.src, dst: p.dst, protocol: p.protocol, ttl: p.ttl }).toEqual({ src, dst, protocol, ttl });
        expect(p.payload).toEqual(payload);
        const next = forwardedIpv4(p);
        if (ttl <= 1) {
          expect(next).toBeUndefined();
          return;
        }
        const q = parseIpv4Packet(next!)!;
        expect(q.ttl).toBe(ttl - 1);
        expect(q.payload).toEqual(payload);
      }),
    );
  });

  it('a corrupted IPv4 header is rejected', () => {
    const raw = buildIpv4Packet({ src: 1, dst: 2, protocol: 17, payload: Buffer.from('x') });
    raw.writeUInt8(raw.readUInt8(15) ^ 0xff, 15);
    expect(parseIpv4Packet(raw)).toBeUndefined();
  });

  it('UDP round-trips with a checksum that verifies over the pseudo header', () => {
    fc.assert(
      fc.property(u32, u32, fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), bytes(), (src, dst, sp, dp, data) => {
        const udp = buildUdp(src, dst, sp, dp, data);
        expect(parseUdp(udp)).toEqual({ srcPort: sp, dstPort: dp, payload: data });
        const pseudo = Buffer.alloc(12);
        pseudo.writeUInt32BE(src, 0);
        pseudo.writeUInt32BE(dst, 4);
        pseudo[9] = 17;
        pseudo.writeUInt16BE(udp.length, 10);
        // A computed checksum of 0 is sent as 0xffff, which sums to -0 (0xffff) instead of 0.
        expect([0, 0xffff]).toContain(internetChecksum(Buffer.concat([pseudo, udp])));
      }),
    );
  });

  it('ICMP echo requests get replies with the same identifier, sequence and data', () => {
    const request = Buffer.from([8, 0, 0, 0, 0x12, 0x34, 0, 7, ...Buffer.from('ping data')]);
    request.writeUInt16BE(internetChecksum(request), 2);
    const reply = icmpEchoReply(request)!;
    expect(reply[0]).toBe(0);
    expect(reply.subarray(4)).toEqual(request.subarray(4));
    expect(internetChecksum(reply)).toBe(0);
    expect(icmpEchoReply(reply)).toBeUndefined();
  });

  it('parsers never throw on arbitrary bytes', () => {
    fc.assert(
      fc.property(bytes(400), (data) => {
        parseEthernet(data);
        parseArp(data);
        parseIpv4Packet(data);
        parseUdp(data);
        icmpEchoReply(data);
        parseDhcp(data);
        decodeClasslessRoutes(data);
      }),
    );
  });
});

describe('DHCP messages', () => {
  const message = fc.record({
    op: fc.constantFrom('request' as const, 'reply' as const),
    xid: u32,
    flags: fc.integer({ min: 0, max: 0xffff }),
    ciaddr: u32,
    yiaddr: u32,
    siaddr: u32,
    giaddr: u32,
    chaddr: macText,
    options: fc
      .uniqueArray(fc.tuple(fc.integer({ min: 1, max: 254 }), fc.uint8Array({ maxLength: 600 })), { selector: ([code]) => code, maxLength: 8 })
      .map((entries) => new Map(entries.map(([code, v]) => [code, Buffer.from(v)]))),
  });

  it('encode and parse are inverse (long options split per RFC 3396 and joined again)', () => {
    fc.assert(
      fc.property(message, (m: DhcpMessage) => {
        const encoded = encodeDhcp(m);
        expect(encoded.length).toBeGreaterThanOrEqual(300);
        expect(parseDhcp(encoded)).toEqual(m);
      }),
    );
  });

  it('classless static routes (option 121) round-trip with only the significant octets', () => {
    expect(encodeClasslessRoutes([{ network: parseIpv4('10.20.1.0'), prefix: 24, router: parseIpv4('10.20.0.1') }])).toEqual(Buffer.from([24, 10, 20, 1, 10, 20, 0, 1]));
    fc.assert(
      fc.property(fc.array(fc.tuple(u32, fc.integer({ min: 0, max: 32 }), u32), { maxLength: 6 }), (routes) => {
        const normalised = routes.map(([a, prefix, router]) => ({ network: (a & netmask(prefix)) >>> 0, prefix, router }));
        expect(decodeClasslessRoutes(encodeClasslessRoutes(normalised))).toEqual(normalised);
      }),
    );
    expect(DhcpOption.classlessRoutes).toBe(121);
  });
});

describe('QEMU stream framing', () => {
  it('frames survive any chunking of the byte stream', () => {
    fc.assert(
      fc.property(fc.array(bytes(2000), { maxLength: 10 }), fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 20 }), (frames, cuts) => {
        const stream = Buffer.concat(frames.map((f) => encodeFrame(f)));
        const decoder = new FrameDecoder();
        const out: Buffer[] = [];
        let at = 0;
        let i = 0;
        while (at < stream.length) {
          const n = cuts[i++ % cuts.length]!;
          out.push(...decoder.push(stream.subarray(at, at + n)));
          at += n;
        }
        expect(out).toEqual(frames);
        expect(decoder.buffered).toBe(0);
      }),
    );
  });

  it('an impossible length is a protocol error, not a huge allocation', () => {
    const bad = Buffer.alloc(4);
    bad.writeUInt32BE(MAX_FRAME + 1);
    expect(() => new FrameDecoder().push(bad)).toThrow(FrameStreamError);
  });
});
