/**
 * Kube-OVN's controllers, as far as a build can observe them: Vpcs and Subnets become ready (a
 * Subnet whose VPC does not exist is not), VpcEgressGateways report their replicas and become
 * ready when scaled above zero (and not ready at zero, the "internet: false" state). The routing
 * itself is the data plane's (kube-ovn-dataplane.ts): this controller tells it when a gateway
 * scales (egress on or off) and when a Subnet is gone (its segment closes).
 */
import type { Logger } from '../../../src/core/log.js';
import { timestamp, type ClusterApi } from '../cluster-api.js';
import type { StoreEvent } from '../object-store.js';
import { mustResource, type ResourceType } from '../resources.js';
import { WorkQueue } from '../work-queue.js';
import type { KubeOvnDataplane } from './kube-ovn-dataplane.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function ipCount(cidr: string): number {
  const bits = Number(cidr.split('/')[1] ?? 32);
  return Math.max(0, 2 ** (32 - bits) - 3);
}

export class NetworkController {
  private readonly vpcs = mustResource('kubeovn.io', 'vpcs');
  private readonly subnets = mustResource('kubeovn.io', 'subnets');
  private readonly gateways = mustResource('kubeovn.io', 'vpc-egress-gateways');
  private readonly queue: WorkQueue;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly api: ClusterApi,
    private readonly dataplane: KubeOvnDataplane,
    logger: Logger,
  ) {
    this.queue = new WorkQueue('kube-ovn-controller', (key) => this.reconcile(key), logger);
    this.unsubscribe = api.store.subscribe((e) => this.onEvent(e));
  }

  private onEvent(e: StoreEvent): void {
    if (e.resource.group !== 'kubeovn.io') return;
    if (e.resource.plural === 'vpc-egress-gateways') this.queue.add('egress//sync');
    if (e.type === 'DELETED') {
      if (e.resource.plural === 'subnets') this.queue.add(`removed-subnet//${e.object.metadata.name}`);
      return;
    }
    this.queue.add(`${e.resource.plural}/${e.object.metadata.namespace ?? ''}/${e.object.metadata.name}`);
    // Subnets wait for their VPC.
    if (e.resource.plural === 'vpcs') for (const s of this.api.store.list(this.subnets)) this.queue.add(`subnets//${s.metadata.name}`);
  }

  private ready(resource: ResourceType, namespace: string | undefined, name: string, status: (current: Loose) => Loose): void {
    this.api.mutate(resource, namespace, name, (o) => {
      const next = status(o as Loose);
      if (JSON.stringify((o as Loose).status ?? {}) === JSON.stringify(next)) return false;
      (o as Loose).status = next;
    });
  }

  private async reconcile(key: string): Promise<void> {
    const [plural, namespace, name] = key.split('/') as [string, string, string];
    const ns = namespace || undefined;
    if (plural === 'egress') return this.dataplane.syncEgress();
    if (plural === 'removed-subnet') return this.dataplane.removeSubnet(name);
    const condition = (status: 'True' | 'False', reason: string, message = '', old?: Loose[]) => {
      const prev = old?.find((c) => c.type === 'Ready');
      return { type: 'Ready', status, reason, message, lastUpdateTime: timestamp(), lastTransitionTime: prev?.status === status ? prev.lastTransitionTime : timestamp() };
    };
    if (plural === 'vpcs') {
      const vpc = this.api.tryGet(this.vpcs, undefined, name) as Loose | undefined;
      if (!vpc) return;
      this.ready(this.vpcs, undefined, name, (o) => ({
        ...(o.status ?? {}),
        standby: true,
        default: false,
        router: name,
        defaultLogicalSwitch: o.spec?.defaultSubnet ?? '',
        subnets: this.api.list(this.subnets, undefined).filter((s) => (s as Loose).spec?.vpc === name).map((s) => s.metadata.name!),
        conditions: [{ ...condition('True', 'Init', '', o.status?.conditions), type: 'Ready' }],
      }));
      return;
    }
    if (plural === 'subnets') {
      const subnet = this.api.tryGet(this.subnets, undefined, name) as Loose | undefined;
      if (!subnet) return;
      const vpcName: string = subnet.spec?.vpc ?? 'ovn-cluster';
      const vpcExists = vpcName === 'ovn-cluster' || this.api.tryGet(this.vpcs, undefined, vpcName) !== undefined;
      this.ready(this.subnets, undefined, name, (o) => ({
        ...(o.status ?? {}),
        v4availableIPs: ipCount(o.spec?.cidrBlock ?? '0.0.0.0/32'),
        v4usingIPs: 0,
        conditions: [vpcExists ? condition('True', 'ResetLogicalSwitchAclSuccess', '', o.status?.conditions) : condition('False', 'VpcNotFound', `vpc ${vpcName} not found`, o.status?.conditions)],
      }));
      return;
    }
    if (plural === 'vpc-egress-gateways') {
      const gw = this.api.tryGet(this.gateways, ns, name) as Loose | undefined;
      if (!gw) return;
      const replicas: number = gw.spec?.replicas ?? 1;
      this.ready(this.gateways, ns, name, (o) => ({
        ...(o.status ?? {}),
        replicas,
        ready: replicas > 0,
        phase: 'Completed',
        labelSelector: `ovn.kubernetes.io/vpc-egress-gateway=${name}`,
        internalIPs: [],
        externalIPs: [],
        conditions: [replicas > 0 ? condition('True', 'Ready', '', o.status?.conditions) : condition('False', 'ScaledToZero', 'the gateway has no replicas', o.status?.conditions)],
      }));
    }
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.queue.close();
  }
}
