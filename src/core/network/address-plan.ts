/**
 * Who sits where on a build's networks, as a pure function of the build and a layer — so the
 * local engine's switch and DHCP, the kubevirt engine's fixed Kube-OVN addresses and the pipeline
 * (peer addresses for provisioners) agree without talking to each other, and the same build gives
 * the same addresses on every run and on both engines.
 *
 * Per VM, QEMU NIC 0 is always a user-mode (slirp) NIC: the guest reaches the build's HTTP server
 * at 10.0.2.2 through it and SSH is forwarded to it. It stands for the VM's first NIC without a
 * subnet, or is added in front when every NIC names a subnet. Each NIC that names a subnet becomes
 * a NIC on that subnet's segment (a switch in this process, see segment-switch.ts); further NICs
 * without a subnet get their own user-mode network, as before.
 *
 * Addresses, as on Kube-OVN: the subnet's first address is the gateway (the switch answers there:
 * DHCP, ARP, ping, routing to the VPC's other subnets), VMs follow in layer order — first VM's
 * first NIC on the subnet gets .2 of a /24, the next .3, and so on. Internet access is decided per
 * VM: it has some if any of its NICs is on the default network or on a VPC with `internet: true`;
 * otherwise its user-mode NIC is restricted to the build's HTTP server and the SSH forward.
 */
import { UserError } from '../errors.js';
import type { Build, Layer, NicModel, Vm, Vpc } from '../config/model.js';
import { userNetwork } from './user-network.js';
import { broadcastAddress, cidrsOverlap, formatCidr, parseCidr, type Cidr } from './ipv4.js';
import { segmentMac } from './mac.js';

export interface SegmentMember {
  vm: string;
  /** Index into the VM's declared nics. */
  nic: number;
  mac: string;
  address: number;
  hostname: string;
  /**
   * DHCP offers the gateway as the default router. Never for the local engine (the default route
   * stays on the user-mode NIC); the kube harness sets it for a pod's primary NIC, as Kube-OVN does.
   */
  defaultRoute?: boolean;
}

export interface SubnetPlan {
  name: string;
  vpc: string;
  internet: boolean;
  cidr: Cidr;
  /** Position of the subnet among all the build's subnets (MACs are derived from it). */
  ordinal: number;
  gateway: { address: number; mac: string };
  members: SegmentMember[];
  /** The other subnets of the same VPC that this layer uses: reachable through the gateway. */
  siblings: string[];
}

export type PlannedNic =
  | { kind: 'user'; model: NicModel; /** The NIC with the SSH forward and the HTTP server. */ management: boolean }
  | { kind: 'segment'; model: NicModel; subnet: string; /** Index into the VM's declared nics. */ nic: number; mac: string; address: number };

export interface VmNetworkPlan {
  vm: string;
  /** QEMU's NIC order; [0] is the management user-mode NIC. */
  nics: PlannedNic[];
  internet: boolean;
}

export interface LayerNetworkPlan {
  layer: string;
  /** Only the subnets some VM of the layer is on, in the build's declaration order. */
  subnets: SubnetPlan[];
  vms: VmNetworkPlan[];
}

/** Offset of the first VM address from the network address (.0 network, .1 gateway). */
const FIRST_VM_OFFSET = 2;

export function planLayerNetwork(build: Build, layer: Layer): LayerNetworkPlan {
  const declared = declaredSubnets(build);
  const subnets = new Map<string, SubnetPlan>();
  const vms: VmNetworkPlan[] = [];
  for (const vm of layer.vms) {
    const nics: PlannedNic[] = [];
    const management = vm.nics.findIndex((n) => n.subnet === undefined);
    nics.push({ kind: 'user', model: (vm.nics[management] ?? vm.nics[0])?.model ?? 'virtio', management: true });
    vm.nics.forEach((nic, index) => {
      if (index === management) return;
      if (nic.subnet === undefined) {
        nics.push({ kind: 'user', model: nic.model, management: false });
        return;
      }
      const subnet = subnetPlan(subnets, declared, nic.subnet, vm, index);
      const offset = FIRST_VM_OFFSET + subnet.members.length;
      const address = subnet.cidr.network + offset;
      // The broadcast address is not a host.
      if (address >= broadcastAddress(subnet.cidr)) {
        throw new UserError(
          `${where(build, vm, index)}: subnet ${subnet.name} (${formatCidr(subnet.cidr)}) has no address left for vm ${vm.name}: ` +
            `layer ${layer.name} puts ${subnet.members.length + 1} NICs on it; expected a larger CIDR`,
        );
      }
      const mac = segmentMac(subnet.ordinal, offset);
      subnet.members.push({ vm: vm.name, nic: index, mac, address, hostname: vm.name });
      nics.push({ kind: 'segment', model: nic.model, subnet: subnet.name, nic: index, mac, address });
    });
    checkUserNetworksApart(build, vm, nics, subnets);
    const internet = vm.nics.length === 0 || vm.nics.some((n) => n.subnet === undefined || declared.get(n.subnet)?.vpc.internet === true);
    vms.push({ vm: vm.name, nics, internet });
  }
  const used = [...subnets.values()].sort((a, b) => a.ordinal - b.ordinal);
  for (const s of used) s.siblings = used.filter((o) => o.vpc === s.vpc && o.name !== s.name).map((o) => o.name);
  return { layer: layer.name, subnets: used, vms };
}

/** The layer of `vm` in `build` (by identity, else by name); a VM outside every layer is its own. */
export function layerOf(build: Build, vm: Vm): Layer {
  return build.layers.find((l) => l.vms.includes(vm)) ?? build.layers.find((l) => l.vms.some((v) => v.name === vm.name)) ?? { name: '', vms: [vm] };
}

interface DeclaredSubnet {
  vpc: Vpc;
  cidr: Cidr;
  ordinal: number;
}

function declaredSubnets(build: Build): Map<string, DeclaredSubnet> {
  const out = new Map<string, DeclaredSubnet>();
  let ordinal = 0;
  for (const vpc of build.network.vpcs) {
    for (const s of vpc.subnets) {
      // The loader has checked the CIDRs; a model built by hand gets the parser's message.
      out.set(s.name, { vpc, cidr: parseCidr(s.cidr), ordinal: ordinal++ });
    }
  }
  return out;
}

function subnetPlan(plans: Map<string, SubnetPlan>, declared: Map<string, DeclaredSubnet>, name: string, vm: Vm, nic: number): SubnetPlan {
  const existing = plans.get(name);
  if (existing) return existing;
  const d = declared.get(name);
  if (!d) throw new UserError(`vm ${vm.name}: nics[${nic}].subnet '${name}' is not declared under network.vpcs[].subnets`);
  const gateway = d.cidr.network + 1;
  const plan: SubnetPlan = {
    name,
    vpc: d.vpc.name,
    internet: d.vpc.internet,
    cidr: d.cidr,
    ordinal: d.ordinal,
    gateway: { address: gateway, mac: segmentMac(d.ordinal, 1) },
    members: [],
    siblings: [],
  };
  plans.set(name, plan);
  return plan;
}

/** A subnet on the range of one of the VM's user-mode networks would give the guest two routes to it. */
function checkUserNetworksApart(build: Build, vm: Vm, nics: PlannedNic[], subnets: Map<string, SubnetPlan>): void {
  nics.forEach((nic, position) => {
    if (nic.kind !== 'user') return;
    const user = parseCidr(userNetwork(position).net);
    for (const other of nics) {
      if (other.kind !== 'segment') continue;
      const subnet = subnets.get(other.subnet)!;
      if (cidrsOverlap(user, subnet.cidr)) {
        throw new UserError(
          `${where(build, vm, other.nic)}: subnet ${subnet.name} (${formatCidr(subnet.cidr)}) overlaps ${formatCidr(user)}, ` +
            `the local engine's user-mode network for this VM's NIC ${position} (the build's HTTP server and SSH); expected a subnet outside ${formatCidr(user)}`,
        );
      }
    }
  });
}

function where(build: Build, vm: Vm, nic: number): string {
  const pos = vm.positions?.[`nics.${nic}.subnet`] ?? vm.positions?.[`nics.${nic}`] ?? vm.positions?.['nics'];
  const at = pos ? `${pos.file}:${pos.line}:${pos.column}: ` : `${build.file}: `;
  return `${at}vm ${vm.name}: nics[${nic}]`;
}
