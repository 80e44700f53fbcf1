/**
 * The subnet's gateway address (its first address, as on Kube-OVN), answered by the switch
 * itself: ARP for it, ping to it, the DHCP server, and routing to the other subnets of the same
 * VPC. It never routes anywhere else: leaving the VPC is the user-mode NIC's business, so a VPC
 * without internet stays without it whatever a guest does on its subnet NICs.
 */
import { formatIpv4 } from '../../../core/network/ipv4.js';
import { DHCP_CLIENT_PORT, DHCP_SERVER_PORT, encodeDhcp, parseDhcp, messageType, DhcpType } from './dhcp-message.js';
import { answerDhcp, type DhcpServerSettings } from './dhcp-server.js';
import {
  ARP_REPLY,
  ARP_REQUEST,
  buildArp,
  buildEthernet,
  buildIpv4Packet,
  buildUdp,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  icmpEchoReply,
  IP_PROTOCOL_ICMP,
  IP_PROTOCOL_UDP,
  parseArp,
  parseIpv4Packet,
  parseUdp,
  type EthernetFrame,
  type Ipv4Packet,
} from './packets.js';
import type { GatewayHandler, SegmentSwitch, SwitchPort } from './segment-switch.js';

/** Long enough for any build; udhcpc and dhclient renew at half of it. */
export const LEASE_SECONDS = 24 * 3600;

/** Routes packets between the subnets of one VPC. */
export interface VpcRouting {
  route(packet: Ipv4Packet, from: string): void;
}

export class SubnetGateway implements GatewayHandler {
  private readonly dhcp: DhcpServerSettings;
  private readonly bound = new Set<SwitchPort>();

  constructor(
    private readonly sw: SegmentSwitch,
    private readonly routing: VpcRouting,
    siblingCidrs: DhcpServerSettings['routes'],
  ) {
    this.dhcp = { serverAddress: sw.plan.gateway.address, cidr: sw.plan.cidr, leaseSeconds: LEASE_SECONDS, routes: siblingCidrs };
  }

  private get address(): number {
    return this.sw.plan.gateway.address;
  }

  private get mac(): string {
    return this.sw.plan.gateway.mac;
  }

  handle(frame: EthernetFrame, _raw: Buffer, from: SwitchPort): boolean {
    if (frame.type === ETHERTYPE_ARP) return this.handleArp(frame, from);
    if (frame.type !== ETHERTYPE_IPV4) return false;
    const packet = parseIpv4Packet(frame.payload);
    if (!packet) return false;
    if (packet.protocol === IP_PROTOCOL_UDP) {
      const udp = parseUdp(packet.payload);
      if (udp && udp.dstPort === DHCP_SERVER_PORT && udp.srcPort === DHCP_CLIENT_PORT) {
        this.handleDhcp(udp.payload, from);
        return true;
      }
    }
    // Only frames sent to the gateway's own MAC get past here: broadcasts are the switch's to flood.
    if (frame.dst !== this.mac) return false;
    if (packet.dst === this.address) {
      if (packet.protocol === IP_PROTOCOL_ICMP) {
        const reply = icmpEchoReply(packet.payload);
        if (reply) this.sendIp(frame.src, packet.src, IP_PROTOCOL_ICMP, reply, from);
      }
      return true;
    }
    this.routing.route(packet, this.sw.plan.name);
    return true;
  }

  /** A packet routed here from another subnet of the VPC: handed to the planned NIC with that address. */
  deliverRouted(forwarded: Buffer, dst: number): boolean {
    const member = this.sw.plan.members.find((m) => m.address === dst);
    if (!member) return false;
    this.sw.deliver(buildEthernet(member.mac, this.mac, ETHERTYPE_IPV4, forwarded));
    return true;
  }

  private handleArp(frame: EthernetFrame, from: SwitchPort): boolean {
    const arp = parseArp(frame.payload);
    if (!arp || arp.op !== ARP_REQUEST || arp.targetIp !== this.address) return false;
    const reply = buildArp({ op: ARP_REPLY, senderMac: this.mac, senderIp: this.address, targetMac: arp.senderMac, targetIp: arp.senderIp });
    this.sw.sendTo(from, buildEthernet(arp.senderMac, this.mac, ETHERTYPE_ARP, reply));
    return true;
  }

  private handleDhcp(data: Buffer, from: SwitchPort): void {
    const request = parseDhcp(data);
    if (!request) return;
    const lease = { address: from.member.address, hostname: from.member.hostname, ...(from.member.defaultRoute ? { defaultRoute: true } : {}) };
    const answer = answerDhcp(request, lease, this.dhcp);
    if (!answer) return;
    const udp = buildUdp(this.address, answer.ipDestination, DHCP_SERVER_PORT, DHCP_CLIENT_PORT, encodeDhcp(answer.message));
    const ip = buildIpv4Packet({ src: this.address, dst: answer.ipDestination, protocol: IP_PROTOCOL_UDP, payload: udp });
    this.sw.sendTo(from, buildEthernet(request.chaddr, this.mac, ETHERTYPE_IPV4, ip));
    const type = messageType(answer.message);
    const what = `${from.label} (${request.chaddr})`;
    if (type === DhcpType.ack && answer.message.yiaddr !== 0 && !this.bound.has(from)) {
      this.bound.add(from);
      from.logger.info(`network ${this.sw.plan.name}: ${from.member.vm} has ${formatIpv4(lease.address)} (dhcp, ${what})`);
    } else {
      from.logger.debug(`network ${this.sw.plan.name}: dhcp ${type === DhcpType.nak ? 'nak' : type === DhcpType.offer ? 'offer' : 'ack'} ${formatIpv4(lease.address)} to ${what}`);
    }
  }

  private sendIp(dstMac: string, dst: number, protocol: number, payload: Buffer, to: SwitchPort): void {
    this.sw.sendTo(to, buildEthernet(dstMac, this.mac, ETHERTYPE_IPV4, buildIpv4Packet({ src: this.address, dst, protocol, payload })));
  }
}
