/**
 * The networks of one layer of one build: a switch per subnet its VMs use, each with its gateway,
 * and a router per VPC joining that VPC's subnets. The sockets live in a private runtime folder
 * (swept by the next build if this process is killed); close() stops everything and removes it.
 */
import { rm } from 'node:fs/promises';
import { UserError } from '../../../core/errors.js';
import type { Logger } from '../../../core/log.js';
import { createRuntimeDir } from '../runtime-dir.js';
import type { LayerNetworkPlan } from '../../../core/network/address-plan.js';
import { SubnetGateway } from './gateway.js';
import { formatCidr, formatIpv4 } from '../../../core/network/ipv4.js';
import { SegmentSwitch } from './segment-switch.js';
import { VpcRouter } from './vpc-router.js';

/** Unix socket paths are limited to 108 bytes. */
const MAX_SOCKET_PATH = 100;

export class LayerNetwork {
  private closing: Promise<void> | undefined;

  private constructor(
    readonly plan: LayerNetworkPlan,
    readonly dir: string,
    private readonly switches: Map<string, SegmentSwitch>,
  ) {}

  static async open(options: { plan: LayerNetworkPlan; runtimeRoot?: string; logger: Logger }): Promise<LayerNetwork> {
    const { plan, logger } = options;
    const dir = await createRuntimeDir(options.runtimeRoot);
    const switches = new Map<string, SegmentSwitch>();
    const network = new LayerNetwork(plan, dir, switches);
    try {
      const routers = new Map<string, VpcRouter>();
      for (const subnet of plan.subnets) {
        const sw = await SegmentSwitch.open({ plan: subnet, dir, logger });
        switches.set(subnet.name, sw);
        for (const p of sw.allPorts) {
          if (p.socketPath.length > MAX_SOCKET_PATH) throw new UserError(`the temp folder path ${dir} is too long for a unix socket; set TMPDIR to a shorter path`);
        }
        let router = routers.get(subnet.vpc);
        if (!router) routers.set(subnet.vpc, (router = new VpcRouter()));
        const siblings = plan.subnets.filter((s) => subnet.siblings.includes(s.name)).map((s) => s.cidr);
        const gateway = new SubnetGateway(sw, router, siblings);
        sw.setGateway(gateway);
        router.add(sw, gateway);
        const members = subnet.members.map((m) => `${m.vm} ${formatIpv4(m.address)}`).join(', ');
        logger.info(`network ${subnet.name} (${formatCidr(subnet.cidr)}, VPC ${subnet.vpc}${subnet.internet ? '' : ', no internet'}): ` + `gateway ${formatIpv4(subnet.gateway.address)}; ${members}`);
      }
    } catch (err) {
      await network.close();
      throw err;
    }
    return network;
  }

  /** The socket the NIC `nic` (index into the VM's declared nics) of `vm` connects to. */
  socketFor(subnet: string, vm: string, nic: number): string {
    const port = this.switches.get(subnet)?.port(vm, nic);
    if (!port) throw new Error(`no port for vm ${vm} nic ${nic} on subnet ${subnet} in layer ${this.plan.layer}`);
    return port.socketPath;
  }

  /** Lets the port's events (DHCP leases, disconnects) be logged with the VM's own logger. */
  adoptLogger(vm: string, logger: Logger): void {
    for (const sw of this.switches.values()) for (const p of sw.allPorts) if (p.member.vm === vm) p.logger = logger;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.switches.values()].map((s) => s.close()));
      await rm(this.dir, { recursive: true, force: true });
    })();
    return this.closing;
  }
}
