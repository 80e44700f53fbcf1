/**
 * The subnet's DHCP server, as a pure function from a client message to the answer. Each switch
 * port belongs to one planned NIC, so the lease is known before the client asks: the answer
 * depends on the port, not on a pool. Deliberately absent: DNS servers (option 6), and a router
 * (option 3) unless the lease asks for one — on the local engine the guest's default route and
 * resolver stay on its user-mode NIC, where the build's HTTP server and, with `internet: true`, the
 * outside world are. Other subnets of the same VPC are
 * announced as classless static routes (option 121) through the gateway.
 */
import { DhcpOption, DhcpType, encodeClasslessRoutes, messageType, optionAddress, u32, type DhcpMessage } from './dhcp-message.js';
import { netmask, type Cidr } from '../../../core/network/ipv4.js';

export interface DhcpLease {
  address: number;
  hostname: string;
  /** Offer the server (the gateway) as the default router (option 3). */
  defaultRoute?: boolean;
}

export interface DhcpServerSettings {
  /** The gateway: the server identifier and the routes' next hop. */
  serverAddress: number;
  cidr: Cidr;
  leaseSeconds: number;
  /** Other subnets of the VPC, reached through serverAddress. */
  routes: readonly Cidr[];
}

export interface DhcpAnswer {
  message: DhcpMessage;
  /** Where the reply goes at the IP layer: the client's address when it has one, else broadcast. */
  ipDestination: number;
}

const BROADCAST_IP = 0xffffffff;

/** The answer to `request` from the port whose lease is `lease`; undefined when none is due. */
export function answerDhcp(request: DhcpMessage, lease: DhcpLease, settings: DhcpServerSettings): DhcpAnswer | undefined {
  if (request.op !== 'request') return undefined;
  const type = messageType(request);
  const serverId = optionAddress(request, DhcpOption.serverId);
  switch (type) {
    case DhcpType.discover:
      return reply(request, DhcpType.offer, lease, settings);
    case DhcpType.request: {
      // A REQUEST naming another server is that client declining our offer.
      if (serverId !== undefined && serverId !== settings.serverAddress) return undefined;
      const wanted = optionAddress(request, DhcpOption.requestedIp) ?? request.ciaddr;
      if (wanted !== lease.address) return nak(request, settings);
      return reply(request, DhcpType.ack, lease, settings);
    }
    case DhcpType.inform:
      return reply(request, DhcpType.ack, lease, settings, { inform: true });
    default:
      // DECLINE, RELEASE: nothing to say; the address stays this port's.
      return undefined;
  }
}

function reply(request: DhcpMessage, type: number, lease: DhcpLease, s: DhcpServerSettings, opts: { inform?: boolean } = {}): DhcpAnswer {
  const options = new Map<number, Buffer>([
    [DhcpOption.messageType, Buffer.from([type])],
    [DhcpOption.serverId, u32(s.serverAddress)],
  ]);
  if (!opts.inform) {
    options.set(DhcpOption.leaseTime, u32(s.leaseSeconds));
    options.set(DhcpOption.renewalTime, u32(Math.floor(s.leaseSeconds / 2)));
    options.set(DhcpOption.rebindingTime, u32(Math.floor((s.leaseSeconds * 7) / 8)));
  }
  options.set(DhcpOption.subnetMask, u32(netmask(s.cidr.prefix)));
  options.set(DhcpOption.broadcast, u32((s.cidr.network | ~netmask(s.cidr.prefix)) >>> 0));
  options.set(DhcpOption.hostname, Buffer.from(lease.hostname, 'ascii'));
  if (lease.defaultRoute) options.set(DhcpOption.router, u32(s.serverAddress));
  if (s.routes.length > 0) {
    options.set(DhcpOption.classlessRoutes, encodeClasslessRoutes(s.routes.map((r) => ({ network: r.network, prefix: r.prefix, router: s.serverAddress }))));
  }
  const message: DhcpMessage = {
    op: 'reply',
    xid: request.xid,
    flags: request.flags,
    ciaddr: request.ciaddr,
    yiaddr: opts.inform ? 0 : lease.address,
    siaddr: 0,
    giaddr: request.giaddr,
    chaddr: request.chaddr,
    options,
  };
  return { message, ipDestination: request.ciaddr !== 0 ? request.ciaddr : BROADCAST_IP };
}

function nak(request: DhcpMessage, s: DhcpServerSettings): DhcpAnswer {
  const options = new Map<number, Buffer>([
    [DhcpOption.messageType, Buffer.from([DhcpType.nak])],
    [DhcpOption.serverId, u32(s.serverAddress)],
  ]);
  const message: DhcpMessage = { op: 'reply', xid: request.xid, flags: request.flags, ciaddr: 0, yiaddr: 0, siaddr: 0, giaddr: request.giaddr, chaddr: request.chaddr, options };
  return { message, ipDestination: BROADCAST_IP };
}
