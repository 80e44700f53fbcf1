/**
 * The operators that install KubeVirt, CDI and Kube-OVN, and the DaemonSet controller, as far as
 * an install can observe them — for a harness started with `installed: false` (nothing of theirs
 * runs here: no image can be pulled). Each step takes a configurable time; Infinity is "never",
 * for testing timeouts.
 *
 * - **virt-operator** (kubevirt/kubevirt pkg/virt-operator/kubevirt.go and util/client.go at
 *   v1.9.0): once its Deployment `virt-operator` runs in the KubeVirt resource's namespace, a
 *   KubeVirt without a phase gets phase Deploying with Available False / Progressing True /
 *   Degraded False (reason DeploymentInProgress, "Deploying version … with registry …"), then,
 *   `kubevirtDeployMs` later (its components ready), phase Deployed with Available True /
 *   Progressing False / Degraded False (reason AllComponentsReady, "All components are ready.")
 *   and Created True (AllResourcesCreated), observedKubeVirtVersion = targetKubeVirtVersion.
 * - **cdi-operator** (kubevirt/containerized-data-importer v1.66.0, its
 *   vendor/kubevirt.io/controller-lifecycle-operator-sdk pkg/sdk/reconciler/reconciler.go and
 *   cr-status.go): once its Deployment `cdi-operator` exists, a CDI resource gets phase Deploying
 *   (Available False, Progressing True reason DeployStarted "Started Deployment", Degraded False),
 *   then `cdiDeployMs` later phase Deployed (Available True reason DeployCompleted "Deployment
 *   Completed", Progressing False, Degraded False).
 * - **kube-ovn-controller / kube-ovn-cni** (kubeovn/kube-ovn v1.16.2 pkg/controller/init.go
 *   `initDefaultLogicalSwitch`, pkg/controller/subnet_status.go): once kubeovn.io's Subnet
 *   resource is served, kube-ovn-cni has written each node's CNI config (a node the harness
 *   started NotReady for want of a CNI becomes Ready) and the controller creates the default
 *   Subnet `ovn-default` (10.16.0.0/16 in VPC ovn-cluster), Ready `subnetReadyMs` later.
 * - **DaemonSet controller** (kubernetes/kubernetes pkg/controller/daemon/daemon_controller.go
 *   `updateDaemonSetStatus` at v1.34.0): a DaemonSet gets one pod per node scheduled at once
 *   (desired/current/updated = nodes, observedGeneration = generation) and ready/available
 *   `daemonSetReadyMs` later.
 */
import type { Logger } from '../../../src/core/log.js';
import { timestamp, type ClusterApi } from '../cluster-api.js';
import type { StoreEvent } from '../object-store.js';
import { mustResource, type ServedResources } from '../resources.js';
import { WorkQueue } from '../work-queue.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface OperatorTimings {
  /** From virt-operator taking the KubeVirt resource (phase Deploying) to Deployed. Default 2000 ms. */
  kubevirtDeployMs?: number;
  /** From cdi-operator taking the CDI resource (phase Deploying) to Available. Default 1000 ms. */
  cdiDeployMs?: number;
  /** From kube-ovn-controller creating Subnet ovn-default to its Ready condition. Default 1000 ms. */
  subnetReadyMs?: number;
  /** From a DaemonSet's pods being scheduled to their being available. Default 1000 ms. */
  daemonSetReadyMs?: number;
}

export const DEFAULT_SUBNET = 'ovn-default';
const NO_CNI_MESSAGE = 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';

export class AddonOperators {
  private readonly deployments = mustResource('apps', 'deployments');
  private readonly daemonSets = mustResource('apps', 'daemonsets');
  private readonly nodes = mustResource('', 'nodes');
  private readonly kubevirts = mustResource('kubevirt.io', 'kubevirts');
  private readonly subnets = mustResource('kubeovn.io', 'subnets');
  private readonly queue: WorkQueue;
  private readonly unsubscribe: () => void;
  /** When each object's wait began (by uid and what it waits for). */
  private readonly since = new Map<string, number>();
  private readonly timings: Required<OperatorTimings>;

  constructor(
    private readonly api: ClusterApi,
    private readonly served: ServedResources,
    logger: Logger,
    timings: OperatorTimings = {},
    private readonly kubevirtVersion = 'v1.9.0',
  ) {
    this.timings = { kubevirtDeployMs: 2000, cdiDeployMs: 1000, subnetReadyMs: 1000, daemonSetReadyMs: 1000, ...timings };
    this.queue = new WorkQueue('addon-operators', (key) => this.reconcile(key), logger);
    this.unsubscribe = api.store.subscribe((e) => this.onEvent(e));
  }

  private onEvent(e: StoreEvent): void {
    if (e.type === 'DELETED') return;
    const m = e.object.metadata;
    switch (e.resource.kind) {
      case 'KubeVirt':
        return this.queue.add(`kubevirt/${m.namespace}/${m.name}`);
      case 'CDI':
        return this.queue.add(`cdi//${m.name}`);
      case 'DaemonSet':
        return this.queue.add(`daemonset/${m.namespace}/${m.name}`);
      case 'Deployment':
        // An operator's Deployment: it starts on the resources already there.
        if (m.name === 'virt-operator') for (const kv of this.api.store.list(this.kubevirts)) this.queue.add(`kubevirt/${kv.metadata.namespace}/${kv.metadata.name}`);
        if (m.name === 'cdi-operator') for (const cdi of this.cdiList()) this.queue.add(`cdi//${cdi.metadata.name}`);
        return;
      case 'CustomResourceDefinition':
        if ((e.object as Loose).spec?.group === 'kubeovn.io') this.queue.add('kube-ovn//');
        return;
      default:
        return;
    }
  }

  private cdiType() {
    return this.served.list().find((t) => t.group === 'cdi.kubevirt.io' && t.kind === 'CDI');
  }

  private cdiList() {
    const t = this.cdiType();
    return t ? this.api.store.list(t) : [];
  }

  /** Milliseconds left of `ms` since `key` began waiting (starting it now if new); Infinity: never. */
  private left(key: string, ms: number): number {
    const start = this.since.get(key) ?? Date.now();
    this.since.set(key, start);
    return ms === Infinity ? Infinity : start + ms - Date.now();
  }

  private later(queueKey: string, left: number): void {
    if (left !== Infinity) this.queue.addAfter(queueKey, Math.max(1, left));
  }

  private reconcile(key: string): Promise<void> {
    const [what, namespace, name] = key.split('/') as [string, string, string];
    if (what === 'kubevirt') this.kubevirt(key, namespace, name);
    else if (what === 'cdi') this.cdi(key, name);
    else if (what === 'daemonset') this.daemonSet(key, namespace, name);
    else if (what === 'kube-ovn') this.kubeOvn(key);
    return Promise.resolve();
  }

  private kubevirt(key: string, namespace: string, name: string): void {
    const kv = this.api.tryGet(this.kubevirts, namespace, name) as Loose | undefined;
    if (!kv || kv.metadata.deletionTimestamp || kv.status?.phase === 'Deployed') return;
    if (!this.api.tryGet(this.deployments, namespace, 'virt-operator')) return;
    const version = this.kubevirtVersion;
    const registry = 'quay.io/kubevirt';
    const left = this.left(`${kv.metadata.uid}/deployed`, this.timings.kubevirtDeployMs);
    const now = timestamp();
    const condition = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastProbeTime: now, lastTransitionTime: now });
    this.api.mutate(this.kubevirts, namespace, name, (o) => {
      const next = o as Loose;
      const base = { ...(next.status ?? {}), targetKubeVirtVersion: version, targetKubeVirtRegistry: registry, operatorVersion: version, defaultArchitecture: 'amd64' };
      if (left > 0) {
        if (next.status?.phase === 'Deploying') return false;
        const msg = `Deploying version ${version} with registry ${registry}`;
        next.status = {
          ...base,
          phase: 'Deploying',
          conditions: [condition('Available', 'False', 'DeploymentInProgress', msg), condition('Progressing', 'True', 'DeploymentInProgress', msg), condition('Degraded', 'False', 'DeploymentInProgress', msg)],
        };
        return;
      }
      const msg = 'All components are ready.';
      next.status = {
        ...base,
        phase: 'Deployed',
        observedKubeVirtVersion: version,
        observedKubeVirtRegistry: registry,
        observedGeneration: next.metadata.generation,
        conditions: [
          condition('Available', 'True', 'AllComponentsReady', msg),
          condition('Progressing', 'False', 'AllComponentsReady', msg),
          condition('Degraded', 'False', 'AllComponentsReady', msg),
          condition('Created', 'True', 'AllResourcesCreated', 'All resources were created.'),
        ],
      };
    });
    this.later(key, left);
  }

  private cdi(key: string, name: string): void {
    const t = this.cdiType();
    if (!t) return;
    const cdi = this.api.tryGet(t, undefined, name) as Loose | undefined;
    if (!cdi || cdi.metadata.deletionTimestamp || cdi.status?.phase === 'Deployed') return;
    if (!this.api.store.list(this.deployments).some((d) => d.metadata.name === 'cdi-operator')) return;
    const left = this.left(`${cdi.metadata.uid}/deployed`, this.timings.cdiDeployMs);
    const now = timestamp();
    const condition = (type: string, status: string, reason?: string, message?: string) => ({ type, status, ...(reason ? { reason, message } : {}), lastHeartbeatTime: now, lastTransitionTime: now });
    this.api.mutate(t, undefined, name, (o) => {
      const next = o as Loose;
      if (left > 0) {
        if (next.status?.phase === 'Deploying') return false;
        next.status = {
          ...(next.status ?? {}),
          phase: 'Deploying',
          operatorVersion: 'v1.66.0',
          targetVersion: 'v1.66.0',
          conditions: [condition('Available', 'False'), condition('Progressing', 'True', 'DeployStarted', 'Started Deployment'), condition('Degraded', 'False')],
        };
        return;
      }
      next.status = {
        ...(next.status ?? {}),
        phase: 'Deployed',
        observedVersion: 'v1.66.0',
        conditions: [condition('Available', 'True', 'DeployCompleted', 'Deployment Completed'), condition('Progressing', 'False'), condition('Degraded', 'False')],
      };
    });
    this.later(key, left);
  }

  private daemonSet(key: string, namespace: string, name: string): void {
    const ds = this.api.tryGet(this.daemonSets, namespace, name) as Loose | undefined;
    if (!ds || ds.metadata.deletionTimestamp) return;
    const nodes = this.api.store.list(this.nodes).length;
    const generation = ds.metadata.generation ?? 1;
    const left = this.left(`${ds.metadata.uid}/${generation}/available`, this.timings.daemonSetReadyMs);
    const ready = left <= 0 ? nodes : 0;
    this.api.mutate(this.daemonSets, namespace, name, (o) => {
      const next = o as Loose;
      const status = {
        currentNumberScheduled: nodes,
        desiredNumberScheduled: nodes,
        numberMisscheduled: 0,
        numberReady: ready,
        updatedNumberScheduled: nodes,
        numberAvailable: ready,
        ...(nodes - ready > 0 ? { numberUnavailable: nodes - ready } : {}),
        observedGeneration: generation,
      };
      if (JSON.stringify(next.status ?? {}) === JSON.stringify(status)) return false;
      next.status = status;
    });
    if (ready < nodes) this.later(key, left);
  }

  private kubeOvn(key: string): void {
    if (!this.served.find('kubeovn.io', 'v1', 'subnets')) return;
    // kube-ovn-cni on every node: the CNI config is written, the kubelet's network is ready.
    for (const node of this.api.store.list(this.nodes)) {
      this.api.mutate(this.nodes, undefined, node.metadata.name!, (o) => {
        const conditions = ((o as Loose).status?.conditions ?? []) as Loose[];
        const ready = conditions.find((c) => c.type === 'Ready');
        if (ready?.status === 'True') return false;
        const now = timestamp();
        (o as Loose).status = {
          ...((o as Loose).status ?? {}),
          conditions: [
            ...conditions.filter((c) => c.type !== 'Ready'),
            { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now },
          ],
        };
      });
    }
    const now = timestamp();
    let subnet = this.api.tryGet(this.subnets, undefined, DEFAULT_SUBNET) as Loose | undefined;
    if (!subnet) {
      subnet = this.api.createInternal(this.subnets, undefined, {
        apiVersion: 'kubeovn.io/v1',
        kind: 'Subnet',
        metadata: { name: DEFAULT_SUBNET },
        spec: { vpc: 'ovn-cluster', default: true, provider: 'ovn', cidrBlock: '10.16.0.0/16', gateway: '10.16.0.1', excludeIps: ['10.16.0.1'], protocol: 'IPv4', natOutgoing: true, gatewayType: 'distributed' },
        status: { conditions: [{ type: 'Ready', status: 'False', reason: 'Init', message: '', lastUpdateTime: now, lastTransitionTime: now }] },
      }) as Loose;
    }
    const left = this.left(`${subnet.metadata.uid}/ready`, this.timings.subnetReadyMs);
    if (left > 0) return this.later(key, left);
    this.api.mutate(this.subnets, undefined, DEFAULT_SUBNET, (o) => {
      const next = o as Loose;
      if ((next.status?.conditions ?? []).some((c: Loose) => c.type === 'Ready' && c.status === 'True')) return false;
      next.status = {
        ...(next.status ?? {}),
        v4availableIPs: 65533,
        v4usingIPs: 0,
        conditions: [
          { type: 'Validated', status: 'True', reason: 'ValidateLogicalSwitchSuccess', message: '', lastUpdateTime: now, lastTransitionTime: now },
          { type: 'Ready', status: 'True', reason: 'ResetLogicalSwitchAclSuccess', message: '', lastUpdateTime: now, lastTransitionTime: now },
        ],
      };
    });
  }

  /** The condition a node has before any CNI is installed. */
  static notReadyForCni(): Loose {
    return { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: NO_CNI_MESSAGE };
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.queue.close();
  }
}
