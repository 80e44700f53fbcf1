/**
 * Kube-OVN networking for a build that declares network.vpcs, and each VM's interfaces.
 *
 * Per VPC: a Vpc restricted to the build namespace, its Subnets, and — for `internet: true` only —
 * a VpcEgressGateway with 1 replica that SNATs the subnets to the outside world. An offline VPC
 * gets no gateway at all: one created with 0 replicas does not stay at 0. Kube-OVN declares
 * `Replicas int32 json:"replicas,omitempty"` with `+kubebuilder:default=1`
 * (kubeovn/kube-ovn pkg/apis/kubeovn/v1/vpc-egress-gateway.go), and kube-ovn-controller adds its
 * finalizer with a full Update (pkg/controller/vpc_egress_gateway.go, v1.14.0 to v1.16.2), whose
 * body leaves the zero out, so the API server defaults it back to 1 replica: egress.
 *
 * A VM's first NIC is its pod network: the default cluster network with masquerade binding when
 * the NIC names no subnet; with a subnet, the launcher pod is put on that subnet by the
 * `ovn.kubernetes.io/logical_switch` annotation and the guest gets the pod's address (bridge
 * binding), so other VMs and the file server on the subnet reach it directly. Further NICs are
 * Multus attachments of type kube-ovn, one NetworkAttachmentDefinition per subnet, steered to
 * their subnet by `<nad>.<ns>.ovn.kubernetes.io/logical_switch`. A subnet used only by such NICs
 * also gets the attachment's provider, as Kube-OVN's multi-NIC guide writes it; a subnet that is
 * some VM's first NIC keeps the default provider and is reached through the annotation alone.
 * Every NIC on a subnet asks for a fixed address (subnet-addresses.ts), so peers know each other
 * before any VM runs.
 */
import type { V1Interface, V1Network } from '@kubevirt-ui-ext/kubevirt-api/kubevirt';
import type { Subnet, Vpc } from '../../../core/config/model.js';
import { formatIpv4, parseIpv4 } from '../../../core/network/ipv4.js';
import { objectMeta, reportVmProblem, vmScopes, type RenderContext, type VmScope } from './render-context.js';
import { egressGatewayAddress, lowestHelperAddress, vmSubnetAddresses } from './subnet-addresses.js';
import type { RenderedObject } from './rendered.js';
import type { KubeOvnSubnet, KubeOvnVpc, KubeOvnVpcEgressGateway, NetworkAttachmentDefinition } from './types.js';

export const LOGICAL_SWITCH_ANNOTATION = 'ovn.kubernetes.io/logical_switch';
/** Kube-OVN's fixed-address request (subnet-addresses.ts says which address and why). */
export const IP_ADDRESS_ANNOTATION = 'ovn.kubernetes.io/ip_address';
const KUBE_OVN_DAEMON_SOCKET = '/run/openvswitch/kube-ovn-daemon.sock';

export interface VmNetworking {
  interfaces: V1Interface[];
  networks: V1Network[];
  /** For the VMI template (KubeVirt copies them to the launcher pod, where Kube-OVN reads them). */
  annotations: Record<string, string>;
  /** The Kube-OVN subnet (object name) of the first NIC; undefined = the default pod network. */
  primarySubnet?: string;
}

interface SubnetUse {
  vpc: Vpc;
  subnet: Subnet;
  primary: boolean;
  secondary: boolean;
}

function subnetUses(ctx: RenderContext): Map<string, SubnetUse> {
  const uses = new Map<string, SubnetUse>();
  for (const vpc of ctx.build.network.vpcs) {
    for (const subnet of vpc.subnets) uses.set(subnet.name, { vpc, subnet, primary: false, secondary: false });
  }
  for (const { vm } of vmScopes(ctx)) {
    vm.nics.forEach((nic, i) => {
      const use = nic.subnet === undefined ? undefined : uses.get(nic.subnet);
      if (!use) return;
      if (i === 0) use.primary = true;
      else use.secondary = true;
    });
  }
  return uses;
}

/** `<nad>.<namespace>.ovn`: how Kube-OVN names the provider of a kube-ovn attachment. */
export function attachmentProvider(ctx: RenderContext, subnet: string): string {
  return `${ctx.names.networkAttachment(subnet)}.${ctx.options.namespace}.ovn`;
}

export function renderNetwork(ctx: RenderContext): RenderedObject[] {
  const out: RenderedObject[] = [];
  const uses = subnetUses(ctx);
  for (const vpc of ctx.build.network.vpcs) {
    const vpcName = ctx.names.vpc(vpc.name);
    const vpcObject: KubeOvnVpc = {
      apiVersion: 'kubeovn.io/v1',
      kind: 'Vpc',
      metadata: objectMeta(ctx, vpcName, 'vpc', undefined, { clusterScoped: true }),
      spec: { namespaces: [ctx.options.namespace] },
    };
    out.push({ object: vpcObject, step: 'network', owner: { kind: 'none' }, note: `VPC ${vpc.name}` });
    for (const subnet of vpc.subnets) {
      const use = uses.get(subnet.name);
      const spec: KubeOvnSubnet['spec'] = {
        vpc: vpcName,
        cidrBlock: subnet.cidr,
        protocol: subnet.cidr.includes(':') ? 'IPv6' : 'IPv4',
      };
      if (use?.secondary && !use.primary) spec.provider = attachmentProvider(ctx, subnet.name);
      const subnetObject: KubeOvnSubnet = {
        apiVersion: 'kubeovn.io/v1',
        kind: 'Subnet',
        metadata: objectMeta(ctx, ctx.names.subnet(subnet.name), 'subnet', undefined, { clusterScoped: true }),
        spec,
      };
      out.push({ object: subnetObject, step: 'network', owner: { kind: 'vpc', name: vpcName }, note: `subnet ${subnet.name} (${subnet.cidr}) of VPC ${vpc.name}` });
    }
    const [firstSubnet] = vpc.subnets;
    if (firstSubnet && vpc.internet) {
      const gateway: KubeOvnVpcEgressGateway = {
        apiVersion: 'kubeovn.io/v1',
        kind: 'VpcEgressGateway',
        metadata: objectMeta(ctx, ctx.names.egressGateway(vpc.name), 'egress-gateway'),
        spec: {
          vpc: vpcName,
          replicas: 1,
          externalSubnet: ctx.options.egressExternalSubnet,
          internalSubnet: ctx.names.subnet(firstSubnet.name),
          // Pinned above the VMs' and helpers' addresses (subnet-addresses.ts): unpinned, its pod would take the first VM's.
          internalIPs: [formatIpv4(egressGatewayAddress(ctx.build, firstSubnet.name)!)],
          policies: [{ snat: true, subnets: vpc.subnets.map((s) => ctx.names.subnet(s.name)) }],
        },
      };
      out.push({
        object: gateway,
        step: 'network',
        owner: { kind: 'run' },
        note: `egress of VPC ${vpc.name}: internet (1 replica)`,
      });
    }
  }
  for (const use of uses.values()) {
    if (!use.secondary) continue;
    const nad: NetworkAttachmentDefinition = {
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: objectMeta(ctx, ctx.names.networkAttachment(use.subnet.name), 'network-attachment'),
      spec: {
        config: JSON.stringify({
          cniVersion: '0.3.1',
          type: 'kube-ovn',
          server_socket: KUBE_OVN_DAEMON_SOCKET,
          provider: attachmentProvider(ctx, use.subnet.name),
        }),
      },
    };
    out.push({ object: nad, step: 'network', owner: { kind: 'run' }, note: `Multus attachment for second NICs on subnet ${use.subnet.name}` });
  }
  return out;
}

export function vmNetworking(ctx: RenderContext, scope: VmScope): VmNetworking {
  const result: VmNetworking = { interfaces: [], networks: [], annotations: {} };
  const seenSecondary = new Set<string>();
  const addresses = scope.vm.nics.some((n) => n.subnet !== undefined) ? vmSubnetAddresses(ctx.build, scope.layer, scope.vm) : new Map<number, string>();
  scope.vm.nics.forEach((nic, i) => {
    const name = `nic${i}`;
    const address = addresses.get(i);
    const helpersFrom = nic.subnet === undefined ? undefined : lowestHelperAddress(ctx.build, nic.subnet);
    if (address && helpersFrom !== undefined && parseIpv4(address) >= helpersFrom) {
      reportVmProblem(
        ctx,
        scope,
        `nics.${i}`,
        `subnet '${nic.subnet}' is too small: ${address} would be one of the addresses taken from its top for file-server and SSH jump pods (and an internet VPC's egress gateway); expected a larger CIDR`,
      );
    }
    if (i === 0) {
      result.networks.push({ name, pod: {} });
      if (nic.subnet === undefined) {
        result.interfaces.push({ name, model: nic.model, masquerade: {} });
      } else {
        const subnet = ctx.names.subnet(nic.subnet);
        result.interfaces.push({ name, model: nic.model, bridge: {} });
        result.annotations[LOGICAL_SWITCH_ANNOTATION] = subnet;
        if (address) result.annotations[IP_ADDRESS_ANNOTATION] = address;
        result.primarySubnet = subnet;
      }
      return;
    }
    if (nic.subnet === undefined) {
      reportVmProblem(ctx, scope, `nics.${i}`, 'only the first NIC can be on the default network (a VM has one pod network); give this NIC a subnet from network.vpcs');
      return;
    }
    if (seenSecondary.has(nic.subnet)) {
      reportVmProblem(ctx, scope, `nics.${i}`, `a second NIC on subnet '${nic.subnet}': Kube-OVN gives a pod one port per attachment`);
      return;
    }
    seenSecondary.add(nic.subnet);
    const nad = ctx.names.networkAttachment(nic.subnet);
    result.interfaces.push({ name, model: nic.model, bridge: {} });
    result.networks.push({ name, multus: { networkName: `${ctx.options.namespace}/${nad}` } });
    result.annotations[`${attachmentProvider(ctx, nic.subnet)}.kubernetes.io/logical_switch`] = ctx.names.subnet(nic.subnet);
    if (address) result.annotations[`${attachmentProvider(ctx, nic.subnet)}.kubernetes.io/ip_address`] = address;
  });
  return result;
}
