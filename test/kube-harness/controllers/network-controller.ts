/**
 * Kube-OVN's controllers, as far as a build can observe them: Vpcs and Subnets become ready (a
 * Subnet whose VPC does not exist is not). VpcEgressGateways behave as kube-ovn-controller makes
 * them (kubeovn/kube-ovn pkg/controller/vpc_egress_gateway.go, v1.14.0 to v1.16.2):
 * - the first reconcile adds the finalizer `kubeovn.io/kube-ovn-controller` with a full typed
 *   Update. `replicas` is `int32 json:"replicas,omitempty"`, so a 0 is left out of that body and
 *   the CRD default (1) comes back (crd-defaults.ts): a gateway created with 0 replicas ends with
 *   1. Only a scale after the finalizer is on keeps 0;
 * - without its internal Subnet or spec.externalSubnet (or with an external one whose provider
 *   names no attachment) there is no workload: Ready False ReconcileWorkloadFailed with the
 *   lister's error, replicas 0, until that Subnet is there;
 * - the gateway is not ready until a workload pod per replica is up (`egressStartMs` here, the
 *   image pull and Multus attachment on a real cluster): status.ready false, phase Processing,
 *   condition Ready False; then ready with one external IP per replica. At 0 replicas it is never
 *   ready;
 * - a deleted gateway loses its finalizer and goes.
 * The routing itself is the data plane's (kube-ovn-dataplane.ts): this controller tells it when a
 * gateway changes (egress on or off) and when a Subnet is gone (its segment closes).
 */
import type { Logger } from '../../../src/core/log.js';
import { timestamp, type ClusterApi } from '../cluster-api.js';
import type { StoreEvent } from '../object-store.js';
import { mustResource, type ResourceType } from '../resources.js';
import { WorkQueue } from '../work-queue.js';
import type { KubeOvnDataplane } from './kube-ovn-dataplane.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const KUBE_OVN_CONTROLLER_FINALIZER = 'kubeovn.io/kube-ovn-controller';

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
  /** When each gateway's workload began starting (by uid and replicas). */
  private readonly starting = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly api: ClusterApi,
    private readonly dataplane: KubeOvnDataplane,
    logger: Logger,
    /** How long a gateway's workload takes to come up. */
    private readonly egressStartMs = 1500,
  ) {
    this.queue = new WorkQueue('kube-ovn-controller', (key) => this.reconcile(key), logger);
    this.unsubscribe = api.store.subscribe((e) => this.onEvent(e));
  }

  private onEvent(e: StoreEvent): void {
    if (e.resource.group !== 'kubeovn.io') return;
    if (e.resource.plural === 'vpc-egress-gateways') this.queue.add('egress//sync');
    if (e.type === 'DELETED') {
      if (e.resource.plural === 'subnets') {
        this.queue.add(`removed-subnet//${e.object.metadata.name}`);
        for (const g of this.api.store.list(this.gateways)) this.queue.add(`vpc-egress-gateways/${g.metadata.namespace}/${g.metadata.name}`);
      }
      return;
    }
    this.queue.add(`${e.resource.plural}/${e.object.metadata.namespace ?? ''}/${e.object.metadata.name}`);
    // Subnets wait for their VPC.
    if (e.resource.plural === 'vpcs') for (const s of this.api.store.list(this.subnets)) this.queue.add(`subnets//${s.metadata.name}`);
    // Gateways wait for their internal and external Subnets.
    if (e.resource.plural === 'subnets' || e.resource.plural === 'vpcs') for (const g of this.api.store.list(this.gateways)) this.queue.add(`vpc-egress-gateways/${g.metadata.namespace}/${g.metadata.name}`);
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
        subnets: this.api
          .list(this.subnets, undefined)
          .filter((s) => (s as Loose).spec?.vpc === name)
          .map((s) => s.metadata.name!),
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
      const forget = () => {
        for (const k of this.starting.keys()) if (k.startsWith(`${gw.metadata.uid}/`)) this.starting.delete(k);
      };
      if (gw.metadata.deletionTimestamp) {
        forget();
        this.api.removeFinalizer(this.gateways, ns, name, KUBE_OVN_CONTROLLER_FINALIZER);
        return;
      }
      if (!(gw.metadata.finalizers ?? []).includes(KUBE_OVN_CONTROLLER_FINALIZER)) {
        // controllerutil.AddFinalizer + VpcEgressGateways(ns).Update(gw): the Go struct's zero
        // replicas is omitted from the body, and the API server defaults it again.
        this.api.mutate(this.gateways, ns, name, (o) => {
          const next = o as Loose;
          next.metadata.finalizers = [...(next.metadata.finalizers ?? []), KUBE_OVN_CONTROLLER_FINALIZER];
          if (next.spec?.replicas === 0) delete next.spec.replicas;
        });
        return; // the update queues the next reconcile
      }
      const missing = this.gatewaySubnetProblem(gw);
      if (missing) {
        forget();
        this.ready(this.gateways, ns, name, (o) => ({
          ...(o.status ?? {}),
          replicas: 0,
          ready: o.status?.ready === true,
          phase: o.status?.ready === true ? o.status.phase : 'Processing',
          labelSelector: `ovn.kubernetes.io/vpc-egress-gateway=${name}`,
          conditions: [condition('False', 'ReconcileWorkloadFailed', missing, o.status?.conditions)],
        }));
        return;
      }
      const replicas: number = gw.spec?.replicas ?? 1;
      const key = `${gw.metadata.uid}/${replicas}`;
      let startedAt = this.starting.get(key);
      // Scaled to 0 the workload is gone; scaled up again it starts over.
      if (replicas === 0) forget();
      if (startedAt === undefined && replicas > 0) {
        forget();
        startedAt = Date.now();
        this.starting.set(key, startedAt);
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.queue.add(`vpc-egress-gateways/${namespace}/${name}`);
        }, this.egressStartMs);
        this.timers.add(timer);
      }
      const up = replicas > 0 && startedAt !== undefined && Date.now() - startedAt >= this.egressStartMs;
      const external = up ? Array.from({ length: replicas }, (_, i) => `172.19.0.${100 + i}`) : [];
      this.ready(this.gateways, ns, name, (o) => ({
        ...(o.status ?? {}),
        replicas,
        ready: up,
        phase: up ? 'Completed' : replicas > 0 ? 'Processing' : 'Completed',
        labelSelector: `ovn.kubernetes.io/vpc-egress-gateway=${name}`,
        internalIPs: up ? external.map((_, i) => `10.255.0.${10 + i}`) : [],
        externalIPs: external,
        conditions: [
          up
            ? condition('True', 'ReconcileSuccess', '', o.status?.conditions)
            : condition('False', 'Processing', `expected ${replicas} networked workload pods with network ${ns}/${o.spec?.externalSubnet ?? ''}, got 0`, o.status?.conditions),
        ],
      }));
    }
  }

  /**
   * Why kube-ovn-controller cannot make the gateway's workload for want of a Subnet: the internal
   * one (spec.internalSubnet, else the VPC's default) and spec.externalSubnet must exist, and the
   * external one's provider must name its attachment as `<nad>.<namespace>`
   * (kubeovn/kube-ovn pkg/controller/vpc_egress_gateway.go reconcileVpcEgressGatewayWorkload,
   * v1.16.2; the lister's NotFound reads `subnet.kubeovn.io "<name>" not found`).
   */
  private gatewaySubnetProblem(gw: Loose): string | undefined {
    const vpcName: string = gw.spec?.vpc || 'ovn-cluster';
    const vpc = this.api.tryGet(this.vpcs, undefined, vpcName) as Loose | undefined;
    const internal: string = gw.spec?.internalSubnet || vpc?.status?.defaultLogicalSwitch || (vpcName === 'ovn-cluster' ? 'ovn-default' : '');
    if (!internal) return `default subnet of vpc ${vpcName} not found, please set internal subnet of the egress gateway`;
    if (!this.api.tryGet(this.subnets, undefined, internal)) return `subnet.kubeovn.io "${internal}" not found`;
    const externalName = String(gw.spec?.externalSubnet ?? '');
    const external = this.api.tryGet(this.subnets, undefined, externalName) as Loose | undefined;
    if (!external) return `subnet.kubeovn.io "${externalName}" not found`;
    if (!String(external.spec?.provider ?? '').includes('.')) return `please set correct provider of subnet ${externalName} to get the network-attachment-definition`;
    return undefined;
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.unsubscribe();
    await this.queue.close();
  }
}
