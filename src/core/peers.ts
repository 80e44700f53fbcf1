/**
 * The other VMs of a layer as one VM's provisioners see them: by name, at the address they have
 * on a subnet the two share (else on another subnet of a shared VPC, reached through the
 * gateway). VMs in VPCs the VM is not on are left out — it could not reach them anyway.
 *
 * Computed from the address plan alone, so the answer is known before any VM starts, is the same
 * on every run and on both engines (the local switch's DHCP and Kube-OVN's fixed addresses hand
 * out the same plan). The pipeline gives them to shell provisioners as environment variables.
 */
import type { Build, Layer } from './config/model.js';
import { planLayerNetwork, type LayerNetworkPlan } from './network/address-plan.js';
import { formatIpv4 } from './network/ipv4.js';

export interface PeerAddress {
  vm: string;
  /** Dotted IPv4. */
  address: string;
  subnet: string;
  vpc: string;
  /** True when the two VMs share this subnet (no gateway in between). */
  sameSubnet: boolean;
}

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

/**
 * Environment variables for a VM's shell provisioners: RUDDERVIRT_PEER_<NAME>=address, the name
 * upper-cased with every other character than A-Z and 0-9 turned into "_" (db-main → DB_MAIN),
 * and RUDDERVIRT_PEER_HOSTS with the /etc/hosts lines, so a provisioner can run
 * `echo "$RUDDERVIRT_PEER_HOSTS" | sudo tee -a /etc/hosts`. Empty without peers.
 */
export function peerEnvironment(peers: readonly PeerAddress[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const p of peers) env[`RUDDERVIRT_PEER_${p.vm.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] = p.address;
  if (peers.length > 0) env.RUDDERVIRT_PEER_HOSTS = peerHostsLines(peers).join('\n');
  return env;
}

/** /etc/hosts lines ("10.20.0.2 db db.backend"), for a provisioner to append in the guest. */
export function peerHostsLines(peers: readonly PeerAddress[]): string[] {
  return peers.map((p) => `${p.address} ${p.vm} ${p.vm}.${p.subnet}`);
}
