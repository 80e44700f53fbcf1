/**
 * Routing inside one VPC: a packet a guest sends to its subnet's gateway for an address on another
 * subnet of the same VPC is passed to that subnet's gateway, one hop further (TTL − 1), and handed
 * to the NIC planned at that address. Nothing leaves the VPC this way unless an egress hop is
 * given (the kube harness's VpcEgressGateway); other VPCs' subnets are not known here at all.
 */
import { cidrContains } from '../../../core/network/ipv4.js';
import type { SubnetGateway, VpcRouting } from './gateway.js';
import { forwardedIpv4, type Ipv4Packet } from './packets.js';
import type { SegmentSwitch } from './segment-switch.js';

export class VpcRouter implements VpcRouting {
  private readonly subnets = new Map<string, { sw: SegmentSwitch; gateway: SubnetGateway }>();

  /**
   * Where packets for outside the VPC go, per source subnet: the address of a next hop on that
   * subnet (the kube harness's egress gateway), or undefined to drop them. The local engine sets
   * none: its VMs leave through their user-mode NIC.
   */
  constructor(private readonly egressHop: (subnet: string) => number | undefined = () => undefined) {}

  add(sw: SegmentSwitch, gateway: SubnetGateway): void {
    this.subnets.set(sw.plan.name, { sw, gateway });
  }

  route(packet: Ipv4Packet, from: string): void {
    const source = this.subnets.get(from);
    if (!source) return;
    for (const name of source.sw.plan.siblings) {
      const target = this.subnets.get(name);
      if (!target || !cidrContains(target.sw.plan.cidr, packet.dst)) continue;
      const forwarded = forwardedIpv4(packet);
      if (forwarded) target.gateway.deliverRouted(forwarded, packet.dst);
      return;
    }
    if (cidrContains(source.sw.plan.cidr, packet.dst)) return;
    const hop = this.egressHop(from);
    const forwarded = hop === undefined ? undefined : forwardedIpv4(packet);
    if (forwarded) source.gateway.deliverRouted(forwarded, hop!);
  }
}
