/**
 * One build run's objects in the cluster: created in the rendered order, each exactly as the
 * render gives it once the run's inputs are known — the build is rendered again with the uids of
 * the root ConfigMap (owner of every namespaced object) and of each Vpc (owner of its Subnets),
 * and with any run-time volume source (manifests/run-inputs.ts); nothing is edited after
 * rendering, so `ruddervirt render` shows what is created. All removed again by cleanup — on success, failure and cancellation alike. Each object is
 * recorded before its create is sent, so one whose create was cut short (cancelled, the answer
 * lost) is still deleted. Cleanup deletes the VMs first (their guests stop and free the disks),
 * then everything else newest first, the root last (its cascade catches anything missed), and
 * watches until what it deleted is gone, with the VMIs and PVCs that hang off the VMs and disks.
 *
 * A VM on a subnet of an internet-enabled VPC is created only once the VPC's VpcEgressGateway is
 * ready: Kube-OVN reports ready only when a workload pod per replica is up, and routes the
 * subnets through it only after that (kubeovn/kube-ovn pkg/controller/vpc_egress_gateway.go,
 * v1.16.2); before, the guest's first minutes (package mirrors, downloads) would have no internet.
 */
import { UserError } from '../../../core/errors.js';
import { formatProblem } from '../../../core/config/problems.js';
import type { Logger } from '../../../core/log.js';
import type { CreatedOwner, OwnerUids } from '../manifests/owners.js';
import type { RenderedBuild, RenderedObject } from '../manifests/rendered.js';
import { isOwnerUidPlaceholder, type RunInputs } from '../manifests/run-inputs.js';
import type { AnyManifest } from '../manifests/types.js';
import type { LiveObject, ObjectClient } from './objects.js';
import { describeRef, refOf, type ObjectRef } from './resources.js';
import { vmiRef } from './vmi-wait.js';
import { waitFor, type Verdict } from './wait.js';
import { waitUntilGone } from './wait-gone.js';

/** How long the first VM on an internet-enabled VPC waits for its egress gateway (an image pull and a Multus attachment). */
export const EGRESS_READY_TIMEOUT_MS = 10 * 60_000;

interface EgressGatewayObject extends LiveObject {
  spec?: { policies?: { subnets?: string[] }[] };
  status?: { ready?: boolean; conditions?: { type: string; status: string; message?: string }[] };
}

export function judgeEgressGateway(gateway: EgressGatewayObject | undefined): Verdict<true> {
  if (!gateway) return { waiting: 'not created yet' };
  if (gateway.status?.ready === true) return { done: true };
  const ready = gateway.status?.conditions?.find((c) => c.type === 'Ready');
  return { waiting: ready?.message ? `not ready: ${ready.message}` : 'not ready yet' };
}

export class ClusterRun {
  private readonly created: ObjectRef[] = [];
  private uids: OwnerUids | undefined;
  private cleaning: Promise<string[]> | undefined;
  /** The egress gateway of each internet-enabled subnet (by subnet object name). */
  private readonly gateways = new Map<string, RenderedObject>();
  /** Each gateway becoming ready, by gateway name. */
  private readonly egress = new Map<string, Promise<void>>();
  private egressTimeoutMs = EGRESS_READY_TIMEOUT_MS;

  constructor(
    readonly objects: ObjectClient,
    readonly rendered: RenderedBuild,
    private readonly logger: Logger,
  ) {}

  get namespace(): string {
    return this.rendered.namespace;
  }

  get runId(): string {
    return this.rendered.runId;
  }

  /**
   * Creates the root and the run's network (Kube-OVN VPCs, subnets, gateways, attachments). VMs
   * on a gateway's subnets are created once it is ready (create).
   */
  async begin(signal: AbortSignal, egressTimeoutMs = EGRESS_READY_TIMEOUT_MS): Promise<void> {
    this.egressTimeoutMs = egressTimeoutMs;
    const root = this.rendered.objects.find((o) => o.step === 'run');
    if (!root) throw new Error('internal: a rendered run has a root object');
    this.record(refOf(root.object));
    const created = await this.objects.create<LiveObject>(root.object as LiveObject & AnyManifest, signal);
    const vpcs = new Map<string, CreatedOwner>();
    this.uids = { run: { apiVersion: 'v1', kind: 'ConfigMap', name: created.metadata.name, uid: uidOf(created) }, vpcs };
    this.logger.info(`kubevirt: run ${this.runId} in namespace ${this.namespace} (root ConfigMap ${created.metadata.name}; delete it to remove the run)`);
    for (const w of this.rendered.warnings ?? []) this.logger.warn(formatProblem(w));
    for (const o of this.rendered.objects.filter((r) => r.step === 'network')) {
      const made = await this.create(o, signal);
      if (made.kind === 'Vpc') vpcs.set(made.metadata.name, { apiVersion: made.apiVersion, kind: 'Vpc', name: made.metadata.name, uid: uidOf(made) });
      if (o.object.kind === 'VpcEgressGateway') for (const policy of (o.object as EgressGatewayObject).spec?.policies ?? []) for (const subnet of policy.subnets ?? []) this.gateways.set(subnet, o);
    }
  }

  /**
   * The gateways a VM depends on (those of the subnets its NICs are put on), each awaited once
   * per run. Watched only when such a VM is about to be created — a process that creates none (a
   * stage action importing a source) leaves no watch open — while the gateway itself has been
   * starting since begin() created it.
   */
  private egressFor(object: AnyManifest, signal: AbortSignal): Promise<void>[] {
    if (object.kind !== 'VirtualMachine' || this.gateways.size === 0) return [];
    const annotations = (object as { spec?: { template?: { metadata?: { annotations?: Record<string, string> } } } }).spec?.template?.metadata?.annotations ?? {};
    const needed = new Set<RenderedObject>();
    for (const [key, subnet] of Object.entries(annotations)) {
      const gateway = key.endsWith('logical_switch') ? this.gateways.get(subnet) : undefined;
      if (gateway) needed.add(gateway);
    }
    return [...needed].map((gateway) => {
      const ref = refOf(gateway.object);
      let ready = this.egress.get(ref.name);
      if (!ready) {
        ready = waitFor<EgressGatewayObject, true>(this.objects, {
          ref,
          what: `the egress gateway ${ref.name} (internet for the VPC's VMs)`,
          timeoutMs: this.egressTimeoutMs,
          signal,
          judge: judgeEgressGateway,
        }).then(() => this.logger.info(`kubevirt: egress gateway ${ref.name} is ready`));
        this.egress.set(ref.name, ready);
        // A failed wait is not remembered: the next VM asks again.
        ready.catch(() => this.egress.delete(ref.name));
      }
      return ready;
    });
  }

  /**
   * Joins a run another process began (the stage actions: import-source or build-vm created the
   * root, provision and snapshot come later, each its own process): reads the root and the Vpcs
   * for their uids, so objects created from here on are owned as usual. Creates nothing and
   * records nothing for cleanup: the run belongs to the process (or post step) that removes it.
   */
  async adopt(signal: AbortSignal): Promise<void> {
    const root = await this.objects.get<LiveObject>(refOf(this.rendered.root), signal);
    if (!root || root.metadata.deletionTimestamp) {
      throw new UserError(
        `run ${this.runId} is not in namespace ${this.namespace} (any more): its root ConfigMap ${this.rendered.root.metadata.name} is ${root ? 'being deleted' : 'missing'}; it was cleaned up after a failure, or never started`,
      );
    }
    const vpcs = new Map<string, CreatedOwner>();
    for (const o of this.rendered.objects.filter((r) => r.step === 'network' && r.object.kind === 'Vpc')) {
      const vpc = await this.objects.get<LiveObject>(refOf(o.object), signal);
      if (!vpc) throw new UserError(`run ${this.runId}: its ${describeRef(refOf(o.object))} is missing`);
      vpcs.set(vpc.metadata.name, { apiVersion: vpc.apiVersion, kind: 'Vpc', name: vpc.metadata.name, uid: uidOf(vpc) });
    }
    this.uids = { run: { apiVersion: 'v1', kind: 'ConfigMap', name: root.metadata.name, uid: uidOf(root) }, vpcs };
  }

  /**
   * Creates a rendered object as the build renders it with the owners created so far and the
   * given run-time volume sources; recorded for cleanup first.
   */
  async create<T extends LiveObject = LiveObject>(rendered: RenderedObject, signal: AbortSignal, inputs: Omit<RunInputs, 'owners'> = {}): Promise<T> {
    const object = this.objectToCreate(rendered, inputs);
    await Promise.all(this.egressFor(object, signal));
    this.record(refOf(object));
    return this.objects.create<T>(object as unknown as T, signal);
  }

  /** The object `rendered` as it is created now: the build rendered with this run's inputs. */
  objectToCreate(rendered: RenderedObject, inputs: Omit<RunInputs, 'owners'> = {}): AnyManifest {
    if (!this.uids) throw new Error('internal: ClusterRun.begin or adopt must run before create');
    const now = this.rendered.rerender({ ...inputs, owners: this.uids });
    const ref = refOf(rendered.object);
    const object = now.objects.find((o) => sameRef(refOf(o.object), ref))?.object;
    if (!object) throw new Error(`internal: ${describeRef(ref)} is not an object of run ${this.runId}`);
    const unresolved = object.metadata.ownerReferences?.find((r) => isOwnerUidPlaceholder(r.uid));
    if (unresolved) throw new Error(`internal: ${describeRef(ref)} is owned by ${unresolved.kind} ${unresolved.name}, which must be created first`);
    return object;
  }

  /** Deletes an object of the run before the run ends (an export once downloaded). */
  async remove(ref: ObjectRef, signal: AbortSignal): Promise<void> {
    await this.objects.delete(ref, signal);
    this.release(ref);
  }

  /**
   * Leaves an object of the run out of its cleanup: a VM output kept for later builds
   * (kept-layers.ts), which has lost its owner reference and run label by now.
   */
  release(ref: ObjectRef): void {
    const i = this.created.findIndex((r) => sameRef(r, ref));
    if (i >= 0) this.created.splice(i, 1);
  }

  private record(ref: ObjectRef): void {
    if (!this.created.some((r) => sameRef(r, ref))) this.created.push(ref);
  }

  /**
   * Deletes everything the run created and waits until it is gone. Resolves with what is left
   * (described) when the time runs out; never rejects. Safe to call more than once.
   */
  cleanup(timeoutMs: number): Promise<string[]> {
    this.cleaning ??= this.removeAll(timeoutMs);
    return this.cleaning;
  }

  private async removeAll(timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    const vms = this.created.filter((r) => r.kind === 'VirtualMachine');
    const root = this.created.filter((r) => r.kind === 'ConfigMap' && this.rendered.root.metadata.name === r.name);
    const rest = this.created.filter((r) => !vms.includes(r) && !root.includes(r)).reverse();
    const order = [...vms, ...rest, ...root];
    if (order.length === 0) return [];
    const problems: string[] = [];
    for (const ref of order) {
      try {
        await this.objects.delete(ref, signal);
      } catch (err) {
        problems.push(`${describeRef(ref)}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    // What we can watch: everything but Secrets (never read, and deleted at once anyway), plus
    // what hangs off the VMs and disks.
    const watched = [
      ...order.filter((r) => r.kind !== 'Secret'),
      ...vms.map((r) => vmiRef(r.namespace!, r.name)),
      ...order.filter((r) => r.kind === 'DataVolume').map((r) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: r.namespace!, name: r.name })),
    ];
    const left = await waitUntilGone(this.objects, watched, deadline, timeoutMs);
    const leftovers = [...problems, ...left];
    if (leftovers.length > 0) {
      this.logger.warn(
        `kubevirt: cleanup of run ${this.runId} left:\n${leftovers.map((l) => `  - ${l}`).join('\n')}\nremove them with: kubectl delete all,cm,dv,vmexport -n ${this.namespace} -l ruddervirt.io/run=${this.runId}`,
      );
    } else {
      this.logger.info(`kubevirt: removed the ${order.length} objects of run ${this.runId}`);
    }
    this.created.length = 0;
    return leftovers;
  }
}

function uidOf(object: LiveObject): string {
  if (!object.metadata.uid) throw new Error(`the API server returned ${object.kind} ${object.metadata.name} without a uid`);
  return object.metadata.uid;
}

function sameRef(a: ObjectRef, b: ObjectRef): boolean {
  return a.kind === b.kind && a.name === b.name && a.namespace === b.namespace && a.apiVersion.split('/')[0] === b.apiVersion.split('/')[0];
}
