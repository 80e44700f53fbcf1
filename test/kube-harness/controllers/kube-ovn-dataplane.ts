/**
 * Kube-OVN's data plane, as the harness routes it: what makes a Vpc and its Subnets real networks
 * rather than objects. Built from the local engine's parts (src/engines/local/network):
 *
 * - **a Subnet is a layer-2 segment**: a SegmentSwitch opened when its first member joins, whose
 *   gateway (the subnet's first address, as on Kube-OVN) answers ARP and ping and hands each NIC
 *   the address the IPAM below gave it by DHCP — with the gateway as default router for a pod's
 *   primary NIC, as Kube-OVN's DHCP does;
 * - **a Vpc is a router** (VpcRouter) between its subnets' gateways; different VPCs share nothing;
 * - **a VpcEgressGateway that is ready** (status.ready: its replicas' pods are up) is a NAT next hop on each subnet of its VPC: QEMU's
 *   user-mode stack (slirp) on the segment, unrestricted, so guests leave through it to this
 *   machine's networks. The gateway hands it packets by MAC; that hop sits at the subnet's network
 *   address, while the gateway's workload pod holds a host address of its internal subnet as on
 *   Kube-OVN (spec.internalIPs, else the lowest free one). Without a ready gateway (none, not ready yet, or 0 replicas) there is no hop and such packets drop;
 * - **IPAM**: `ovn.kubernetes.io/ip_address` (or `<provider>.kubernetes.io/ip_address` for a Multus
 *   attachment) asks for an address, as on Kube-OVN, and a taken or foreign one is refused;
 *   otherwise the first free address after the gateway;
 * - **a pod on a subnet** (the file server, the SSH jump pod) is a local process on 127.0.0.1, so
 *   its "network namespace" on the segment is a slirp stack of its own (a `qemu -M none` process
 *   joined to the switch): restricted, with a guestfwd per served port (podIP:port → the process),
 *   or, for a pod that dials into the subnet, with its host address at the pod IP and a hostfwd per
 *   target (see pod-runtime.ts for how a pod's own target addresses are mapped).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../../src/core/log.js';
import { SubnetGateway } from '../../../src/engines/local/network/gateway.js';
import { broadcastAddress, cidrContains, formatCidr, formatIpv4, parseCidr, parseIpv4, type Cidr } from '../../../src/core/network/ipv4.js';
import { segmentMac } from '../../../src/core/network/mac.js';
import type { SegmentMember, SubnetPlan } from '../../../src/core/network/address-plan.js';
import { SegmentSwitch, type SwitchPort } from '../../../src/engines/local/network/segment-switch.js';
import { VpcRouter } from '../../../src/engines/local/network/vpc-router.js';
import type { ClusterApi } from '../cluster-api.js';
import { mustResource } from '../resources.js';
import { freePort } from '../../helpers/free-port.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const LOGICAL_SWITCH = 'ovn.kubernetes.io/logical_switch';
export const IP_ADDRESS = 'ovn.kubernetes.io/ip_address';
/** How an egress gateway's workload pod is named as the holder of its address. */
const GATEWAY_LEASE_OWNER = 'egress gateway workload ';

/** A network problem the object's status should show (the subnet is missing, the address is taken). */
export class NetworkSetupError extends Error {
  override name = 'NetworkSetupError';
}

/** A forward into the subnet: 127.0.0.1:hostPort on this machine reaches target:port on the segment. */
export interface SubnetDial {
  target: string;
  port: number;
  hostPort: number;
}

export interface SegmentNic {
  subnet: string;
  address: string;
  /** The unix socket a QEMU `-netdev stream` NIC connects to. */
  socket: string;
  mac: string;
  release(): Promise<void>;
}

interface Segment {
  name: string;
  vpc: string;
  cidr: Cidr;
  sw: SegmentSwitch;
  plan: SubnetPlan;
  /** address → owner ("vmi ns/name nic0", "pod ns/name", "egress vpc"). */
  leases: Map<number, string>;
  egress?: Stack;
}

interface Stack {
  port: SwitchPort;
  child: ChildProcess;
  address: number;
}

/** slirp's MAC for an address it answers for (libslirp: 52:55 and the IPv4 address). */
function slirpMac(address: number): string {
  return ['52', '55', ...[24, 16, 8, 0].map((s) => ((address >>> s) & 0xff).toString(16).padStart(2, '0'))].join(':');
}

export class KubeOvnDataplane {
  private readonly subnets = mustResource('kubeovn.io', 'subnets');
  private readonly vpcs = mustResource('kubeovn.io', 'vpcs');
  private readonly gateways = mustResource('kubeovn.io', 'vpc-egress-gateways');
  private readonly nads = mustResource('k8s.cni.cncf.io', 'network-attachment-definitions');
  private readonly segments = new Map<string, Promise<Segment>>();
  /** The segments that are open (what packets in flight are routed by; never waits for one opening). */
  private readonly open = new Map<string, Segment>();
  private readonly routers = new Map<string, VpcRouter>();
  private readonly stacks = new Set<Stack>();
  private readonly dir: string;
  private ordinal = 0;
  private closed = false;

  constructor(
    private readonly api: ClusterApi,
    workDir: string,
    private readonly logger: Logger,
    private readonly qemuBinary = 'qemu-system-x86_64',
  ) {
    this.dir = path.join(workDir, 'ovn');
  }

  /** The subnet a pod's primary NIC is on (its logical_switch annotation), if any. */
  primarySubnet(annotations: Record<string, string> | undefined): string | undefined {
    return annotations?.[LOGICAL_SWITCH] || undefined;
  }

  /**
   * The subnet of a Multus attachment `<ns>/<nad>` (Kube-OVN: `<provider>.kubernetes.io/logical_switch`,
   * else the Subnet whose provider is the attachment's) and the annotation key prefix for it.
   */
  attachmentSubnet(namespace: string, networkName: string, annotations: Record<string, string> | undefined): { subnet: string; provider: string } {
    const [nadNamespace, nadName] = networkName.includes('/') ? (networkName.split('/') as [string, string]) : [namespace, networkName];
    const nad = this.api.tryGet(this.nads, nadNamespace, nadName) as Loose | undefined;
    if (!nad) throw new NetworkSetupError(`network-attachment-definition ${nadNamespace}/${nadName} not found`);
    let config: Loose;
    try {
      config = JSON.parse(nad.spec?.config ?? '{}') as Loose;
    } catch {
      throw new NetworkSetupError(`network-attachment-definition ${nadNamespace}/${nadName}: spec.config is not JSON`);
    }
    if (config.type !== 'kube-ovn') throw new NetworkSetupError(`network-attachment-definition ${nadNamespace}/${nadName}: CNI type ${String(config.type)} is not routed by the kube harness (kube-ovn only)`);
    const provider: string = config.provider ?? `${nadName}.${nadNamespace}.ovn`;
    const named = annotations?.[`${provider}.kubernetes.io/logical_switch`];
    const subnet = named ?? (this.api.list(this.subnets, undefined).find((s) => (s as Loose).spec?.provider === provider)?.metadata.name as string | undefined);
    if (!subnet) throw new NetworkSetupError(`no Kube-OVN subnet for attachment ${nadNamespace}/${nadName} (provider ${provider}): annotate ${provider}.kubernetes.io/logical_switch or set the Subnet's provider`);
    return { subnet, provider };
  }

  /** A NIC of a guest on `subnet`, at `requested` (an ip_address annotation) or the next free address. */
  async attachNic(options: { subnet: string; owner: string; hostname: string; requested?: string; primary: boolean; logger?: Logger }): Promise<SegmentNic> {
    const segment = await this.segment(options.subnet);
    const address = this.lease(segment, options.owner, options.requested);
    const mac = `52:54:00:${[0, 0, 0]
      .map(() =>
        Math.floor(Math.random() * 256)
          .toString(16)
          .padStart(2, '0'),
      )
      .join(':')}`;
    const member: SegmentMember = { vm: options.owner, nic: 0, mac, address, hostname: options.hostname, ...(options.primary ? { defaultRoute: true } : {}) };
    let port: SwitchPort;
    try {
      port = await segment.sw.addPort(member, options.logger ? { logger: options.logger } : {});
    } catch (err) {
      segment.leases.delete(address);
      throw err;
    }
    this.logger.debug(`kube harness: ${options.owner} on subnet ${segment.name} at ${formatIpv4(address)}`);
    return {
      subnet: segment.name,
      address: formatIpv4(address),
      socket: port.socketPath,
      mac,
      release: async () => {
        await segment.sw.removePort(port);
        if (segment.leases.get(address) === options.owner) segment.leases.delete(address);
      },
    };
  }

  /**
   * A pod's place on `subnet`: its address, and a user-mode stack that serves `ports` (guests reach
   * podIP:port, relayed by `relay(port)` to the pod's process) and gives each `dials` target a
   * loopback port on this machine. Returns the address and the loopback ports of the dials.
   */
  async attachPod(options: {
    subnet: string;
    owner: string;
    requested?: string;
    serves: { port: number; command: string[] }[];
    dials: { target: string; port: number }[];
  }): Promise<{ address: string; dials: SubnetDial[]; release(): Promise<void> }> {
    const segment = await this.segment(options.subnet);
    const address = this.lease(segment, options.owner, options.requested);
    try {
      if (options.serves.length > 0 && options.dials.length > 0) {
        // slirp cannot both answer guestfwd on an address and originate from it.
        throw new NetworkSetupError(`pod ${options.owner}: the kube harness runs a pod on a subnet that serves ports or dials into the subnet, not both`);
      }
      const dials: SubnetDial[] = [];
      for (const d of options.dials) {
        if (!cidrContains(segment.cidr, parseIpv4(d.target)))
          throw new NetworkSetupError(`pod ${options.owner}: ${d.target} is not on subnet ${segment.name} (${formatCidr(segment.cidr)}); the kube harness dials only the pod's own subnet`);
        dials.push({ ...d, hostPort: await freePort() });
      }
      const dialing = dials.length > 0;
      const stack = await this.startStack(segment, {
        label: `pod ${options.owner}`,
        address,
        // A dialling pod's connections come from its own address; a serving pod answers on it through guestfwd.
        host: dialing ? address : broadcastAddress(segment.cidr),
        restrict: true,
        guestfwds: options.serves.map((s) => ({ ip: formatIpv4(address), port: s.port, command: s.command })),
        hostfwds: dials.map((d) => `tcp:127.0.0.1:${d.hostPort}-${d.target}:${d.port}`),
      });
      return {
        address: formatIpv4(address),
        dials,
        release: async () => {
          await this.stopStack(segment, stack);
          if (segment.leases.get(address) === options.owner) segment.leases.delete(address);
        },
      };
    } catch (err) {
      segment.leases.delete(address);
      throw err;
    }
  }

  /** Brings every open segment's egress in line with the VpcEgressGateways (called on their changes). */
  async syncEgress(): Promise<void> {
    for (const segment of [...this.open.values()]) await this.syncSegmentEgress(segment);
  }

  /** Closes the segment of a Subnet that no longer exists (its members have gone with their pods). */
  async removeSubnet(name: string): Promise<void> {
    const opening = this.segments.get(name);
    if (!opening) return;
    this.segments.delete(name);
    const segment = await opening.catch(() => undefined);
    if (!segment) return;
    this.open.delete(name);
    for (const s of [...this.stacks]) if (segment.sw.allPorts.includes(s.port)) await this.stopStack(segment, s);
    await segment.sw.close();
    for (const other of this.open.values()) {
      const i = other.plan.siblings.indexOf(name);
      if (i >= 0) other.plan.siblings.splice(i, 1);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.segments.keys()];
    for (const name of all) await this.removeSubnet(name);
    for (const s of [...this.stacks]) {
      s.child.kill('SIGKILL');
      this.stacks.delete(s);
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  private segment(name: string): Promise<Segment> {
    if (this.closed) return Promise.reject(new Error('the kube harness is closed'));
    let opening = this.segments.get(name);
    if (!opening) {
      opening = this.openSegment(name);
      this.segments.set(name, opening);
      opening.catch(() => {
        if (this.segments.get(name) === opening) this.segments.delete(name);
      });
    }
    return opening;
  }

  private async openSegment(name: string): Promise<Segment> {
    const subnet = this.api.tryGet(this.subnets, undefined, name) as Loose | undefined;
    if (!subnet) throw new NetworkSetupError(`subnet ${name} not found`);
    const vpcName: string = subnet.spec?.vpc ?? 'ovn-cluster';
    if (vpcName !== 'ovn-cluster' && !this.api.tryGet(this.vpcs, undefined, vpcName)) throw new NetworkSetupError(`subnet ${name}: vpc ${vpcName} not found`);
    const cidr = parseCidr(String(subnet.spec?.cidrBlock ?? ''));
    const ordinal = this.ordinal++;
    const gatewayAddress = subnet.spec?.gateway ? parseIpv4(subnet.spec.gateway) : cidr.network + 1;
    const plan: SubnetPlan = { name, vpc: vpcName, internet: false, cidr, ordinal: ordinal % 4096, gateway: { address: gatewayAddress, mac: segmentMac(ordinal % 4096, 1) }, members: [], siblings: [] };
    await mkdir(this.dir, { recursive: true });
    const sw = await SegmentSwitch.open({ plan, dir: this.dir, logger: this.logger });
    let router = this.routers.get(vpcName);
    if (!router) {
      router = new VpcRouter((from) => this.egressHop(from));
      this.routers.set(vpcName, router);
    }
    const gateway = new SubnetGateway(sw, router, []);
    sw.setGateway(gateway);
    router.add(sw, gateway);
    const segment: Segment = { name, vpc: vpcName, cidr, sw, plan, leases: new Map([[gatewayAddress, 'gateway']]) };
    // The VPC's other open subnets and this one route to each other.
    for (const o of this.open.values()) {
      if (o.vpc !== vpcName) continue;
      o.plan.siblings.push(name);
      plan.siblings.push(o.name);
    }
    this.open.set(name, segment);
    this.logger.debug(`kube harness: subnet ${name} (${formatCidr(cidr)}, vpc ${vpcName}) routed; gateway ${formatIpv4(gatewayAddress)}`);
    await this.syncSegmentEgress(segment);
    return segment;
  }

  private egressHop(subnet: string): number | undefined {
    return this.open.get(subnet)?.egress?.address;
  }

  private async syncSegmentEgress(segment: Segment): Promise<void> {
    this.syncGatewayLeases(segment);
    const wanted = this.api.list(this.gateways, undefined).some((g) => {
      // Routes and policies follow the gateway's workload: none before it is ready
      // (kubeovn/kube-ovn pkg/controller/vpc_egress_gateway.go, v1.16.2: ready only when every replica's pod is up).
      const gw = g as Loose;
      return (gw.spec?.vpc ?? 'ovn-cluster') === segment.vpc && gw.status?.ready === true && (gw.status?.replicas ?? 0) > 0 && !g.metadata.deletionTimestamp;
    });
    if (wanted && !segment.egress) {
      // The next hop is reached by its MAC from the gateway, never by address from a guest, so it
      // takes the subnet's network address rather than a host address a VM or pod may ask for.
      const address = segment.cidr.network;
      segment.egress = await this.startStack(segment, { label: `egress of ${segment.name}`, address, host: address, restrict: false, guestfwds: [], hostfwds: [] });
      this.logger.debug(`kube harness: subnet ${segment.name} leaves through its egress gateway at ${formatIpv4(address)}`);
    } else if (!wanted && segment.egress) {
      const stack = segment.egress;
      segment.egress = undefined;
      await this.stopStack(segment, stack);
    }
  }

  /**
   * The address each egress gateway's workload pod holds on its internal subnet from when the
   * workload is made (its Subnets exist: status.replicas > 0), before any VM of the build starts:
   * spec.internalIPs[0], else the lowest free address, as Kube-OVN's IPAM gives any pod
   * (kubeovn/kube-ovn pkg/controller/vpc_egress_gateway.go and pkg/ipam/ip_range_list.go
   * Allocate, v1.16.2). A VM that asks for that address afterwards gets AddressConflict.
   */
  private syncGatewayLeases(segment: Segment): void {
    const holders = new Set<string>();
    for (const g of this.api.list(this.gateways, undefined)) {
      const gw = g as Loose;
      if (gw.spec?.internalSubnet !== segment.name || g.metadata.deletionTimestamp || !((gw.status?.replicas ?? 0) > 0)) continue;
      const owner = `${GATEWAY_LEASE_OWNER}${g.metadata.namespace}/${g.metadata.name}`;
      holders.add(owner);
      if ([...segment.leases.values()].includes(owner)) continue;
      try {
        const address = this.lease(segment, owner, gw.spec?.internalIPs?.[0]);
        this.logger.debug(`kube harness: ${owner} holds ${formatIpv4(address)} on subnet ${segment.name}`);
      } catch (err) {
        // Upstream the workload's pod stays without an address; its VMs are unaffected.
        this.logger.debug(`kube harness: ${owner}: ${(err as Error).message}`);
      }
    }
    for (const [address, owner] of segment.leases) if (owner.startsWith(GATEWAY_LEASE_OWNER) && !holders.has(owner)) segment.leases.delete(address);
  }

  private lease(segment: Segment, owner: string, requested?: string): number {
    if (requested) {
      let address: number;
      try {
        address = parseIpv4(requested);
      } catch {
        throw new NetworkSetupError(`${owner}: ip_address ${requested} is not an IPv4 address`);
      }
      if (!cidrContains(segment.cidr, address) || address === segment.cidr.network || address === broadcastAddress(segment.cidr)) {
        throw new NetworkSetupError(`${owner}: ip_address ${requested} is not a host address of subnet ${segment.name} (${formatCidr(segment.cidr)})`);
      }
      const holder = segment.leases.get(address);
      if (holder && holder !== owner) throw new NetworkSetupError(`AddressConflict: ${requested} of subnet ${segment.name} is already used by ${holder}`);
      segment.leases.set(address, owner);
      return address;
    }
    for (let a = segment.cidr.network + 1; a < broadcastAddress(segment.cidr); a++) {
      if (!segment.leases.has(a)) {
        segment.leases.set(a, owner);
        return a;
      }
    }
    throw new NetworkSetupError(`subnet ${segment.name} (${formatCidr(segment.cidr)}) has no free address for ${owner}`);
  }

  /** A slirp stack joined to the segment through a hub, in a QEMU process without a machine. */
  private async startStack(segment: Segment, o: { label: string; address: number; host: number; restrict: boolean; guestfwds: { ip: string; port: number; command: string[] }[]; hostfwds: string[] }): Promise<Stack> {
    const member: SegmentMember = { vm: o.label, nic: 0, mac: slirpMac(o.address), address: o.address, hostname: o.label };
    const macs = [...new Set([slirpMac(o.address), slirpMac(o.host)])];
    const port = await segment.sw.addPort(member, { stack: { macs } });
    // DNS must differ from the host address; the network address is one no guest uses.
    const dns = o.host === segment.cidr.network ? broadcastAddress(segment.cidr) : segment.cidr.network;
    const user = [
      `user,id=u,net=${formatCidr(segment.cidr)},host=${formatIpv4(o.host)},dns=${formatIpv4(dns)}`,
      o.restrict ? ',restrict=on' : '',
      ...o.guestfwds.map((g) => `,guestfwd=tcp:${g.ip}:${g.port}-cmd:${g.command.join(' ')}`),
      ...o.hostfwds.map((h) => `,hostfwd=${h}`),
    ].join('');
    const args = [
      '-M',
      'none',
      '-nodefaults',
      '-no-user-config',
      '-display',
      'none',
      '-netdev',
      user,
      '-netdev',
      'hubport,id=p0,hubid=0,netdev=u',
      '-netdev',
      `stream,id=s,server=off,addr.type=unix,addr.path=${port.socketPath}`,
      '-netdev',
      'hubport,id=p1,hubid=0,netdev=s',
    ];
    const child = spawn(this.qemuBinary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
    const stack: Stack = { port, child, address: o.address };
    this.stacks.add(stack);
    child.once('exit', (code, signal) => {
      if (this.stacks.has(stack)) this.logger.warn(`kube harness: the network stack of ${o.label} on ${segment.name} exited (${signal ?? code}): ${stderr.trim()}`);
    });
    // Joined once QEMU has connected to the switch port.
    for (let i = 0; i < 200 && !port.socket; i++) {
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    if (!port.socket) {
      await this.stopStack(segment, stack);
      throw new Error(`the network stack of ${o.label} did not join subnet ${segment.name}: ${stderr.trim() || 'no answer'}`);
    }
    return stack;
  }

  private async stopStack(segment: Segment, stack: Stack): Promise<void> {
    this.stacks.delete(stack);
    if (stack.child.exitCode === null && stack.child.signalCode === null) {
      const exited = new Promise<void>((r) => stack.child.once('exit', () => r()));
      stack.child.kill('SIGTERM');
      const timer = setTimeout(() => stack.child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    }
    await segment.sw.removePort(stack.port);
  }
}
