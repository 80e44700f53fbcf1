/**
 * Fixed Kube-OVN addresses for everything a build puts on its subnets, asked for with
 * `ovn.kubernetes.io/ip_address` (and `<provider>.kubernetes.io/ip_address` on Multus attachments):
 *
 * - VMs: the address plan the local engine uses too (src/core/network/address-plan.ts), the first VM
 *   of a layer at the subnet's .2, the next at .3, … — so provisioners get the same peer addresses
 *   (RUDDERVIRT_PEER_*) on both engines, known before any VM starts, and a peer's address is in its
 *   launcher pod's spec, not discovered from a running VMI;
 * - helper pods of a VM whose first NIC is on the subnet (its file server and its SSH jump pod):
 *   from the top of the subnet down, two per such VM over the whole build, so they never meet a VM
 *   or another layer's helpers (Kube-OVN's IPAM hands out the lowest free address, which would
 *   take a VM's address if a helper pod started first);
 * - the egress gateway of an `internet: true` VPC: the top address of the VPC's first subnet (its
 *   internal subnet), above the helpers. The gateway is made with the network, before any VM, and
 *   without `internalIPs` Kube-OVN would give its pod the lowest free address, the first VM's .2
 *   (kubeovn/kube-ovn pkg/ipam/ip_range_list.go Allocate and
 *   pkg/controller/vpc_egress_gateway.go, v1.16.2).
 */
import type { Build, Layer, Vm } from '../../../core/config/model.js';
import { planLayerNetwork } from '../../../core/network/address-plan.js';
import { broadcastAddress, formatIpv4, parseCidr } from '../../../core/network/ipv4.js';

/** The address of each of the VM's NICs that is on a subnet, by NIC index. */
export function vmSubnetAddresses(build: Build, layer: Layer, vm: Vm): Map<number, string> {
  const plan = planLayerNetwork(build, layer);
  const out = new Map<number, string>();
  for (const s of plan.subnets) for (const m of s.members) if (m.vm === vm.name) out.set(m.nic, formatIpv4(m.address));
  return out;
}

export interface HelperAddresses {
  fileServer: string;
  sshJump: string;
}

/** The addresses of the helper pods of a VM whose first NIC is on a subnet; undefined otherwise. */
export function helperAddresses(build: Build, layer: Layer, vm: Vm): HelperAddresses | undefined {
  const subnet = vm.nics[0]?.subnet;
  if (subnet === undefined) return undefined;
  const declared = build.network.vpcs.flatMap((v) => v.subnets).find((s) => s.name === subnet);
  if (!declared) return undefined;
  const index = build.layers
    .flatMap((l) => l.vms.map((v) => ({ l, v })))
    .filter(({ v }) => v.nics[0]?.subnet === subnet)
    .findIndex(({ l, v }) => l === layer && v === vm);
  const top = broadcastAddress(parseCidr(declared.cidr)) - 1 - (egressGatewayAddress(build, subnet) === undefined ? 0 : 1);
  return { fileServer: formatIpv4(top - 2 * index), sshJump: formatIpv4(top - 2 * index - 1) };
}

/** The lowest address on `subnet` kept for helper pods and the egress gateway, for the check that VMs stay below it. */
export function lowestHelperAddress(build: Build, subnet: string): number | undefined {
  const declared = build.network.vpcs.flatMap((v) => v.subnets).find((s) => s.name === subnet);
  const count = build.layers.flatMap((l) => l.vms).filter((v) => v.nics[0]?.subnet === subnet).length;
  const gateway = egressGatewayAddress(build, subnet) === undefined ? 0 : 1;
  if (!declared || count + gateway === 0) return undefined;
  return broadcastAddress(parseCidr(declared.cidr)) - 2 * count - gateway;
}

/** The egress gateway's address when `subnet` is the first subnet of an `internet: true` VPC. */
export function egressGatewayAddress(build: Build, subnet: string): number | undefined {
  const vpc = build.network.vpcs.find((v) => v.internet && v.subnets[0]?.name === subnet);
  const first = vpc?.subnets[0];
  return first ? broadcastAddress(parseCidr(first.cidr)) - 1 : undefined;
}
