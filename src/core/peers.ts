/**
 * The other VMs of a layer as one VM's provisioners see them (issue: multi-VM modules). Engines
 * compute the addresses; the pipeline hands them to shell provisioners as environment variables.
 */

export interface PeerAddress {
  vm: string;
  /** Dotted IPv4. */
  address: string;
  subnet: string;
  vpc: string;
  /** True when the two VMs share this subnet (no gateway in between). */
  sameSubnet: boolean;
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
