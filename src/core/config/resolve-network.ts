/**
 * network.vpcs → the Network model: names unique (subnets across the whole build, since NICs name
 * a subnet alone), CIDRs that are network addresses, and no overlapping subnets within a VPC
 * (Kube-OVN routes inside a VPC by prefix; separate VPCs may reuse ranges).
 */
import type { Network, Subnet, Vpc } from './model.js';
import { bool, isRaw, list, obj, str, type Raw, type ResolveContext } from './resolve-context.js';

export function resolveNetwork(ctx: ResolveContext, build: Raw): Network {
  const network = obj(build, 'network');
  if (!network) return { vpcs: [] };
  const vpcs: Vpc[] = [];
  const vpcNames = new Set<string>();
  const subnetNames = new Set<string>();
  (list(network, 'vpcs') ?? []).forEach((rawVpc, i) => {
    if (!isRaw(rawVpc)) return;
    const p = ['network', 'vpcs', i];
    const name = str(rawVpc, 'name') ?? '';
    if (name && vpcNames.has(name)) ctx.report([...p, 'name'], `VPC '${name}' is declared twice; VPC names must be unique`);
    vpcNames.add(name);
    const subnets: Array<Subnet & { range?: [number, number]; index: number }> = [];
    (list(rawVpc, 'subnets') ?? []).forEach((rawSubnet, j) => {
      if (!isRaw(rawSubnet)) return;
      const sp = [...p, 'subnets', j];
      const subnetName = str(rawSubnet, 'name') ?? '';
      if (subnetName && subnetNames.has(subnetName)) {
        ctx.report([...sp, 'name'], `subnet '${subnetName}' is declared twice; subnet names must be unique in the build (NICs refer to them by name)`);
      }
      subnetNames.add(subnetName);
      const cidr = str(rawSubnet, 'cidr') ?? '';
      const range = cidr ? checkCidr(ctx, [...sp, 'cidr'], cidr) : undefined;
      for (const other of subnets) {
        if (range && other.range && range[0] <= other.range[1] && other.range[0] <= range[1]) {
          ctx.report([...sp, 'cidr'], `${cidr} overlaps ${other.cidr} (subnet '${other.name}') in the same VPC; expected disjoint ranges`);
        }
      }
      subnets.push({ name: subnetName, cidr, range, index: j });
    });
    vpcs.push({ name, internet: bool(rawVpc, 'internet') ?? true, subnets: subnets.map(({ name: n, cidr }) => ({ name: n, cidr })) });
  });
  return { vpcs };
}

/** [first, last] address of a CIDR as numbers; reports host bits and ranges too small for VMs. */
function checkCidr(ctx: ResolveContext, p: Array<string | number>, cidr: string): [number, number] | undefined {
  const [ip = '', bitsText = ''] = cidr.split('/');
  const octets = ip.split('.').map(Number);
  if (octets.length !== 4) return undefined;
  const bits = Number(bitsText);
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - bits);
  const network = Math.floor(address / size) * size;
  if (network !== address) {
    const fixed = [24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join('.');
    ctx.report(p, `${cidr} has host bits set; did you mean ${fixed}/${bits}?`);
  }
  if (bits > 29) ctx.report(p, `/${bits} leaves no room for VMs next to the gateway; expected a prefix of /29 or shorter`);
  return [network, network + size - 1];
}
