/**
 * The local engine's networks across a build: the VMs of a layer start one by one (each through
 * its own startVm), yet share their subnets' switches. The first VM of a layer that has subnet
 * NICs opens the layer's networks; every VM holds them while it runs; when the last one lets go
 * (its QEMU stopped, or its start failed) they are closed. A later layer gets networks of its own,
 * with its own address plan.
 */
import type { Build, Vm } from '../../../core/config/model.js';
import type { Logger } from '../../../core/log.js';
import { userNetwork } from '../../../core/network/user-network.js';
import type { GuestForward, NicPlan, PortForward } from '../qemu-args.js';
import { layerOf, planLayerNetwork, type VmNetworkPlan } from '../../../core/network/address-plan.js';
import { RESTRICTED_HTTP_IP, relayToHost } from './guest-forward.js';
import { LayerNetwork } from './layer-network.js';

interface Entry {
  network: Promise<LayerNetwork>;
  holders: number;
}

/** A VM's place on the networks, held until release(). */
export interface NetworkAttachment {
  readonly plan: VmNetworkPlan;
  /** Where the guest reaches the build's HTTP server ({{ .HTTPIP }}). */
  readonly httpGuestIp: string;
  /** QEMU NIC plans in the plan's order: the management NIC first (SSH forward, HTTP). */
  nicPlans(options: { ssh?: PortForward; guestUp?: PortForward; http?: { port: number }; runtimeDir: string }): Promise<NicPlan[]>;
  /** Idempotent. */
  release(): Promise<void>;
}

/**
 * Where a guest with this network plan reaches the build's HTTP server ({{ .HTTPIP }}): QEMU's
 * user-mode host address, or the relay's address on a NIC without internet (guest-forward.ts).
 * Known before the VM starts, so `ruddervirt boot-command --build-file` shows it too.
 */
export function httpGuestIpFor(plan: Pick<VmNetworkPlan, 'internet'>): string {
  return plan.internet ? userNetwork(0).host : RESTRICTED_HTTP_IP;
}

export class LocalNetworks {
  private readonly builds = new WeakMap<Build, Map<string, Entry>>();
  private readonly live = new Set<Promise<LayerNetwork>>();

  constructor(private readonly options: { runtimeRoot?: string; nodeBinary?: string } = {}) {}

  async attach(build: Build, vm: Vm, logger: Logger): Promise<NetworkAttachment> {
    const layer = layerOf(build, vm);
    const layerPlan = planLayerNetwork(build, layer);
    const plan = layerPlan.vms.find((v) => v.vm === vm.name)!;
    const needsSegments = plan.nics.some((n) => n.kind === 'segment');

    let network: LayerNetwork | undefined;
    let release = async (): Promise<void> => undefined;
    if (needsSegments) {
      let layers = this.builds.get(build);
      if (!layers) this.builds.set(build, (layers = new Map()));
      const byLayer = layers;
      let entry = byLayer.get(layer.name);
      if (!entry) {
        const opening = LayerNetwork.open({ plan: layerPlan, logger, ...(this.options.runtimeRoot ? { runtimeRoot: this.options.runtimeRoot } : {}) });
        entry = { network: opening, holders: 0 };
        byLayer.set(layer.name, entry);
        this.live.add(opening);
        opening.catch(() => {
          this.live.delete(opening);
          if (byLayer.get(layer.name)?.network === opening) byLayer.delete(layer.name);
        });
      }
      // Counted before waiting, so a sibling's release cannot close the networks under us.
      const held = entry;
      held.holders++;
      let released = false;
      release = async () => {
        if (released) return;
        released = true;
        if (--held.holders > 0) return;
        if (byLayer.get(layer.name) === held) byLayer.delete(layer.name);
        this.live.delete(held.network);
        const n = await held.network.catch(() => undefined);
        await n?.close();
      };
      try {
        network = await held.network;
      } catch (err) {
        await release();
        throw err;
      }
      network.adoptLogger(vm.name, logger);
    }

    const segmentNetwork = network;
    const nodeBinary = this.options.nodeBinary;
    const httpGuestIp = httpGuestIpFor(plan);
    return {
      plan,
      httpGuestIp,
      release,
      async nicPlans({ ssh, guestUp, http, runtimeDir }) {
        const nics: NicPlan[] = [];
        for (const nic of plan.nics) {
          if (nic.kind === 'segment') {
            nics.push({ model: nic.model, forwards: [], segment: { socket: segmentNetwork!.socketFor(nic.subnet, vm.name, nic.nic), mac: nic.mac } });
          } else if (nic.management) {
            const guestForwards: GuestForward[] = [];
            if (!plan.internet && http) {
              guestForwards.push(await relayToHost({ runtimeDir, guestIp: httpGuestIp, guestPort: http.port, hostPort: http.port, ...(nodeBinary ? { nodeBinary } : {}) }));
            }
            const forwards = [ssh, guestUp].filter((f) => f !== undefined);
            nics.push({ model: nic.model, forwards, ...(plan.internet ? {} : { restrict: true, guestForwards }) });
          } else {
            // A further NIC without a subnet is on the default network, which has internet.
            nics.push({ model: nic.model, forwards: [] });
          }
        }
        return nics;
      },
    };
  }

  /** Closes every network still open (the engine's safety net; VMs normally release theirs). */
  async close(): Promise<void> {
    const open = [...this.live];
    this.live.clear();
    await Promise.all(open.map((p) => p.then((n) => n.close()).catch(() => undefined)));
  }
}
