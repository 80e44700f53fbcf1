/**
 * The layer's switches, gateways and VPC routers, driven by scripted NICs ("fake QEMU"): unix
 * socket clients that speak QEMU's stream framing and send hand-built frames. The guests' own
 * DHCP client and ping are exercised with real QEMU guests in test/integration/network; here each
 * rule is checked frame by frame, including the ones a guest rarely shows (flooding, learning,
 * TTL, a second connection to a taken port).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Build } from '../../../src/core/config/model.js';
import { memoryLogger } from '../../../src/core/log.js';
import { planLayerNetwork } from '../../../src/core/network/address-plan.js';
import { DhcpOption, DhcpType, encodeDhcp, messageType, optionAddress, parseDhcp, decodeClasslessRoutes } from '../../../src/engines/local/network/dhcp-message.js';
import { parseIpv4, internetChecksum } from '../../../src/core/network/ipv4.js';
import { LayerNetwork } from '../../../src/engines/local/network/layer-network.js';
import { BROADCAST_MAC } from '../../../src/core/network/mac.js';
import {
  ARP_REPLY,
  ARP_REQUEST,
  buildArp,
  buildEthernet,
  buildIpv4Packet,
  buildUdp,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  IP_PROTOCOL_ICMP,
  IP_PROTOCOL_UDP,
  parseArp,
  parseEthernet,
  parseIpv4Packet,
  parseUdp,
} from '../../../src/engines/local/network/packets.js';
import { encodeFrame, FrameDecoder } from '../../../src/engines/local/network/stream-frames.js';
import { buildOf, vmOf } from '../../integration/local/build-model.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-switch-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A NIC played by the test: connects like QEMU's -netdev stream and records what it receives. */
class ScriptedNic {
  readonly received: Buffer[] = [];
  private waiters: (() => void)[] = [];
  private constructor(
    readonly mac: string,
    private readonly socket: net.Socket,
  ) {
    const decoder = new FrameDecoder();
    socket.on('data', (c: Buffer) => {
      this.received.push(...decoder.push(c));
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static connect(socketPath: string, mac: string): Promise<ScriptedNic> {
    return new Promise((resolve, reject) => {
      const s = net.connect(socketPath, () => resolve(new ScriptedNic(mac, s)));
      s.once('error', reject);
    });
  }

  send(frame: Buffer): void {
    this.socket.write(encodeFrame(frame));
  }

  /** The next received frame matching `match` (waits up to 2 s). */
  async expectFrame(match: (f: Buffer) => boolean, what: string): Promise<Buffer> {
    const deadline = Date.now() + 2000;
    for (;;) {
      const i = this.received.findIndex(match);
      if (i >= 0) return this.received.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.mac}: no ${what} (got ${this.received.length} other frames)`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Nothing matching `match` arrives within `ms`. */
  async expectNone(match: (f: Buffer) => boolean, ms = 300): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    expect(this.received.filter(match)).toEqual([]);
  }

  get closed(): Promise<void> {
    return new Promise((r) => (this.socket.destroyed ? r() : this.socket.once('close', () => r())));
  }

  close(): void {
    this.socket.destroy();
  }
}

const ip = parseIpv4;
const isIcmpTo = (dst: string) => (f: Buffer) => {
  const e = parseEthernet(f);
  const p = e && e.type === ETHERTYPE_IPV4 ? parseIpv4Packet(e.payload) : undefined;
  return p !== undefined && p.protocol === IP_PROTOCOL_ICMP && p.dst === ip(dst);
};

function echoRequest(seq: number): Buffer {
  const icmp = Buffer.from([8, 0, 0, 0, 0, 1, 0, seq, 0x61, 0x62]);
  icmp.writeUInt16BE(internetChecksum(icmp), 2);
  return icmp;
}

function icmpFrame(dstMac: string, srcMac: string, src: string, dst: string, ttl = 64): Buffer {
  return buildEthernet(dstMac, srcMac, ETHERTYPE_IPV4, buildIpv4Packet({ src: ip(src), dst: ip(dst), protocol: IP_PROTOCOL_ICMP, ttl, payload: echoRequest(1) }));
}

function dhcpFrame(mac: string, type: number, extra: [number, Buffer][] = [], ciaddr = 0): Buffer {
  const options = new Map<number, Buffer>([[DhcpOption.messageType, Buffer.from([type])], ...extra]);
  const body = encodeDhcp({ op: 'request', xid: 0x1234abcd, flags: 0, ciaddr, yiaddr: 0, siaddr: 0, giaddr: 0, chaddr: mac, options });
  const src = ciaddr;
  return buildEthernet(BROADCAST_MAC, mac, ETHERTYPE_IPV4, buildIpv4Packet({ src, dst: 0xffffffff, protocol: IP_PROTOCOL_UDP, payload: buildUdp(src, 0xffffffff, 68, 67, body) }));
}

function dhcpReply(f: Buffer) {
  const e = parseEthernet(f);
  const p = e && e.type === ETHERTYPE_IPV4 ? parseIpv4Packet(e.payload) : undefined;
  const u = p && p.protocol === IP_PROTOCOL_UDP ? parseUdp(p.payload) : undefined;
  return u && u.dstPort === 68 ? { eth: e!, ip: p!, dhcp: parseDhcp(u.payload)! } : undefined;
}

function twoVpcBuild(): Build {
  const a = vmOf({ name: 'a', source: { kind: 'path', path: 'x' }, nics: [{ model: 'virtio', subnet: 'front' }] });
  const b = vmOf({ name: 'b', source: { kind: 'path', path: 'x' }, nics: [{ model: 'virtio', subnet: 'front' }] });
  const c = vmOf({
    name: 'c',
    source: { kind: 'path', path: 'x' },
    nics: [
      { model: 'virtio', subnet: 'front' },
      { model: 'virtio', subnet: 'back' },
    ],
  });
  const d = vmOf({ name: 'd', source: { kind: 'path', path: 'x' }, nics: [{ model: 'virtio', subnet: 'back' }] });
  const x = vmOf({ name: 'x', source: { kind: 'path', path: 'x' }, nics: [{ model: 'virtio', subnet: 'far' }] });
  return buildOf(tmp, a, {
    network: {
      vpcs: [
        {
          name: 'lab',
          internet: true,
          subnets: [
            { name: 'front', cidr: '10.20.0.0/24' },
            { name: 'back', cidr: '10.20.1.0/24' },
          ],
        },
        { name: 'other', internet: false, subnets: [{ name: 'far', cidr: '10.20.0.0/24' }] },
      ],
    },
    layers: [{ name: 'l', vms: [a, b, c, d, x] }],
  });
}

let network: LayerNetwork | undefined;
const nics: ScriptedNic[] = [];
afterEach(async () => {
  for (const n of nics.splice(0)) n.close();
  await network?.close();
  network = undefined;
});

async function openNetwork() {
  const build = twoVpcBuild();
  const plan = planLayerNetwork(build, build.layers[0]!);
  const logs = memoryLogger();
  network = await LayerNetwork.open({ plan, runtimeRoot: tmp, logger: logs.logger });
  const mac = (vm: string, subnet: string) => plan.subnets.find((s) => s.name === subnet)!.members.find((m) => m.vm === vm)!.mac;
  const attach = async (vm: string, subnet: string, nic = 0) => {
    const n = await ScriptedNic.connect(network!.socketFor(subnet, vm, nic), mac(vm, subnet));
    nics.push(n);
    return n;
  };
  return { plan, attach, logs, gatewayMac: (subnet: string) => plan.subnets.find((s) => s.name === subnet)!.gateway.mac };
}

describe('layer networks with scripted NICs (fake QEMU clients)', () => {
  it('floods unknown destinations, learns source MACs, then forwards to one port only', async () => {
    const { attach } = await openNetwork();
    const a = await attach('a', 'front');
    const b = await attach('b', 'front');
    const c = await attach('c', 'front');
    const unknownFromA = icmpFrame(b.mac, a.mac, '10.20.0.2', '10.20.0.3');
    a.send(unknownFromA);
    await b.expectFrame((f) => f.equals(unknownFromA), 'flooded frame');
    await c.expectFrame((f) => f.equals(unknownFromA), 'flooded frame');
    // b speaks: the switch learns where b is, so a's next frame to b reaches b alone.
    b.send(icmpFrame(a.mac, b.mac, '10.20.0.3', '10.20.0.2'));
    await a.expectFrame(isIcmpTo('10.20.0.2'), 'frame from b');
    const second = icmpFrame(b.mac, a.mac, '10.20.0.2', '10.20.0.3', 63);
    a.send(second);
    await b.expectFrame((f) => f.equals(second), 'unicast frame');
    await c.expectNone((f) => f.equals(second));
    await a.expectNone((f) => f.equals(second));
  });

  it('answers DHCP with the planned address of the port that asks: offer, ack with hostname and VPC routes, nak for another address', async () => {
    const { attach, logs } = await openNetwork();
    const c = await attach('c', 'front');
    const other = await attach('a', 'front');
    c.send(dhcpFrame(c.mac, DhcpType.discover));
    const offer = dhcpReply(await c.expectFrame((f) => dhcpReply(f) !== undefined, 'DHCP offer'))!;
    expect(messageType(offer.dhcp)).toBe(DhcpType.offer);
    expect(offer.dhcp.yiaddr).toBe(ip('10.20.0.4'));
    expect(offer.eth.dst).toBe(c.mac);
    expect(offer.ip.src).toBe(ip('10.20.0.1'));
    expect(optionAddress(offer.dhcp, DhcpOption.serverId)).toBe(ip('10.20.0.1'));
    expect(optionAddress(offer.dhcp, DhcpOption.subnetMask)).toBe(ip('255.255.255.0'));
    expect(offer.dhcp.options.get(DhcpOption.hostname)?.toString()).toBe('c');
    expect(offer.dhcp.options.has(DhcpOption.router)).toBe(false);
    expect(decodeClasslessRoutes(offer.dhcp.options.get(DhcpOption.classlessRoutes)!)).toEqual([{ network: ip('10.20.1.0'), prefix: 24, router: ip('10.20.0.1') }]);
    // The DISCOVER was the gateway's, not flooded to the other port.
    await other.expectNone((f) => dhcpReply(f) !== undefined || parseEthernet(f)?.src === c.mac);

    const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
    c.send(
      dhcpFrame(c.mac, DhcpType.request, [
        [DhcpOption.requestedIp, u32(ip('10.20.0.4'))],
        [DhcpOption.serverId, u32(ip('10.20.0.1'))],
      ]),
    );
    const ack = dhcpReply(await c.expectFrame((f) => dhcpReply(f) !== undefined, 'DHCP ack'))!;
    expect(messageType(ack.dhcp)).toBe(DhcpType.ack);
    expect(ack.dhcp.yiaddr).toBe(ip('10.20.0.4'));
    expect(logs.lines.some((l) => l.includes('network front: c has 10.20.0.4 (dhcp, c nic 0'))).toBe(true);

    c.send(dhcpFrame(c.mac, DhcpType.request, [[DhcpOption.requestedIp, u32(ip('10.20.0.99'))]]));
    const nak = dhcpReply(await c.expectFrame((f) => dhcpReply(f) !== undefined, 'DHCP nak'))!;
    expect(messageType(nak.dhcp)).toBe(DhcpType.nak);

    // A renewal is unicast from the leased address and answered to it.
    c.send(dhcpFrame(c.mac, DhcpType.request, [], ip('10.20.0.4')));
    const renewed = dhcpReply(await c.expectFrame((f) => dhcpReply(f) !== undefined, 'DHCP renewal ack'))!;
    expect(messageType(renewed.dhcp)).toBe(DhcpType.ack);
    expect(renewed.ip.dst).toBe(ip('10.20.0.4'));

    // A REQUEST for another server's offer is not ours to answer.
    c.send(
      dhcpFrame(c.mac, DhcpType.request, [
        [DhcpOption.requestedIp, u32(ip('10.20.0.4'))],
        [DhcpOption.serverId, u32(ip('10.20.0.77'))],
      ]),
    );
    await c.expectNone((f) => dhcpReply(f) !== undefined);
  });

  it("the gateway answers ARP and ping at the subnet's first address", async () => {
    const { attach, gatewayMac } = await openNetwork();
    const a = await attach('a', 'front');
    a.send(buildEthernet(BROADCAST_MAC, a.mac, ETHERTYPE_ARP, buildArp({ op: ARP_REQUEST, senderMac: a.mac, senderIp: ip('10.20.0.2'), targetMac: '00:00:00:00:00:00', targetIp: ip('10.20.0.1') })));
    const reply = parseArp(parseEthernet(await a.expectFrame((f) => parseEthernet(f)?.type === ETHERTYPE_ARP, 'ARP reply'))!.payload)!;
    expect(reply).toEqual({ op: ARP_REPLY, senderMac: gatewayMac('front'), senderIp: ip('10.20.0.1'), targetMac: a.mac, targetIp: ip('10.20.0.2') });
    a.send(icmpFrame(gatewayMac('front'), a.mac, '10.20.0.2', '10.20.0.1'));
    const pong = parseIpv4Packet(parseEthernet(await a.expectFrame(isIcmpTo('10.20.0.2'), 'echo reply'))!.payload)!;
    expect(pong.src).toBe(ip('10.20.0.1'));
    expect(pong.payload[0]).toBe(0);
  });

  it('routes between subnets of one VPC (TTL − 1, gateway as source MAC) and never into another VPC', async () => {
    const { attach, gatewayMac } = await openNetwork();
    const a = await attach('a', 'front');
    const d = await attach('d', 'back');
    const x = await attach('x', 'far');
    // a → d's address on back, through front's gateway.
    a.send(icmpFrame(gatewayMac('front'), a.mac, '10.20.0.2', '10.20.1.3', 9));
    const routed = await d.expectFrame(isIcmpTo('10.20.1.3'), 'routed echo request');
    const eth = parseEthernet(routed)!;
    expect(eth.src).toBe(gatewayMac('back'));
    expect(eth.dst).toBe(d.mac);
    expect(parseIpv4Packet(eth.payload)!.ttl).toBe(8);
    // A TTL of 1 ends at the gateway.
    a.send(icmpFrame(gatewayMac('front'), a.mac, '10.20.0.2', '10.20.1.3', 1));
    await d.expectNone(isIcmpTo('10.20.1.3'));
    // The other VPC's subnet has the same CIDR as front: nothing a sends reaches it, broadcast or routed.
    a.send(icmpFrame(BROADCAST_MAC, a.mac, '10.20.0.2', '10.20.0.2'));
    a.send(icmpFrame(gatewayMac('front'), a.mac, '10.20.0.2', '10.30.0.2'));
    await x.expectNone(() => true);
  });

  it('one connection per port; closing removes the sockets and the runtime folder', async () => {
    const { attach, plan } = await openNetwork();
    const a = await attach('a', 'front');
    const intruder = await ScriptedNic.connect(network!.socketFor('front', 'a', 0), a.mac);
    await intruder.closed;
    const dir = network!.dir;
    expect(readdirSync(dir).filter((f) => f.endsWith('.sock'))).toHaveLength(plan.subnets.reduce((n, s) => n + s.members.length, 0));
    await network!.close();
    await a.closed;
    expect(existsSync(dir)).toBe(false);
  });
});
