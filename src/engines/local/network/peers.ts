/**
 * The other VMs of a layer as a VM's provisioners should see them: by name, at the address they
 * have on a subnet the two share (else on another subnet of a shared VPC, reached through the
 * gateway). VMs in VPCs the VM is not on are left out — it could not reach them anyway.
 *
 * For the pipeline to offer as provisioner variables and /etc/hosts lines; the switch's DHCP
 * also hands every NIC its VM's name (option 12). Computed from the address plan alone, so the
 * answer is known before any VM starts and is the same on every run.
 */
import type { Build, Layer } from '../../../core/config/model.js';
import { planLayerNetwork, type LayerNetworkPlan } from './address-plan.js';
import { formatIpv4 } from './ipv4.js';
import type { PeerAddress } from '../../../core/peers.js';

export type { PeerAddress } from '../../../core/peers.js';

/** Every VM of `layer` other than `vm` that `vm` can reach on the subnets, one address each. */
export function peerAddresses(build: Build, layer: Layer, vm: string, plan: LayerNetworkPlan = planLayerNetwork(build, layer)): PeerAddress[] {
  const mySubnets = new Set(plan.subnets.filter((s) => s.members.some((m) => m.vm === vm)).map((s) => s.name));
  const myVpcs = new Set(plan.subnets.filter((s) => mySubnets.has(s.name)).map((s) => s.vpc));
  const peers: PeerAddress[] = [];
  for (const other of layer.vms) {
    if (other.name === vm) continue;
    let best: PeerAddress | undefined;
    for (const s of plan.subnets) {
      if (!myVpcs.has(s.vpc)) continue;
      const member = s.members.find((m) => m.vm === other.name);
      if (!member) continue;
      const candidate = { vm: other.name, address: formatIpv4(member.address), subnet: s.name, vpc: s.vpc, sameSubnet: mySubnets.has(s.name) };
      if (!best || (candidate.sameSubnet && !best.sameSubnet)) best = candidate;
    }
    if (best) peers.push(best);
  }
  return peers;
}
