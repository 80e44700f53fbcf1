/**
 * One subnet's layer-2 segment: a learning Ethernet switch in this process. Every planned NIC on
 * the subnet has its own port, a unix socket that its QEMU connects to with `-netdev stream`
 * (frames length-prefixed, see stream-frames.ts); a port knows which VM's NIC it is, which is how
 * DHCP can hand each NIC its planned address. Frames to a known MAC go to its port; broadcast,
 * multicast and unknown destinations are flooded; what is meant for the subnet's gateway (ARP for
 * it, DHCP, ping, traffic for the VPC's other subnets) is answered by the gateway (gateway.ts).
 *
 * Why a switch of our own rather than QEMU's multicast sockets: multicast is shared by every
 * process on the host (two builds with the same subnet would hear each other) and needs a working
 * multicast route; unix sockets in a private folder are reachable only from this build, need no
 * port numbers, and tell us which VM sent a frame.
 */
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../../../core/log.js';
import type { SegmentMember, SubnetPlan } from '../../../core/network/address-plan.js';
import { isGroupMac } from '../../../core/network/mac.js';
import { parseEthernet, type EthernetFrame } from './packets.js';
import { encodeFrame, FrameDecoder } from './stream-frames.js';

/** Beyond this many unsent bytes a port drops frames, as a congested switch would, instead of buffering without limit. */
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

/** What answers for the subnet's gateway address; returns true when it consumed the frame. */
export interface GatewayHandler {
  handle(frame: EthernetFrame, raw: Buffer, from: SwitchPort): boolean;
}

export class SwitchPort {
  socket: net.Socket | undefined;
  /**
   * A user-mode network stack (QEMU's slirp standing in for a pod's network namespace, in the kube
   * harness) rather than a guest NIC: it answers for fixed MACs and gets no flooded unicast, because
   * slirp takes every TCP segment it sees as its own and would reset other hosts' connections.
   */
  stack = false;
  everConnected = false;
  logger: Logger;
  dropped = 0;

  constructor(
    readonly member: SegmentMember,
    readonly socketPath: string,
    readonly server: net.Server,
    logger: Logger,
  ) {
    this.logger = logger;
  }

  get label(): string {
    return `${this.member.vm} nic ${this.member.nic}`;
  }

  send(frame: Buffer): void {
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    if (socket.writableLength > MAX_QUEUED_BYTES) {
      this.dropped++;
      return;
    }
    socket.write(encodeFrame(frame));
  }
}

export class SegmentSwitch {
  private readonly ports: SwitchPort[] = [];
  private readonly macTable = new Map<string, SwitchPort>();
  private gateway: GatewayHandler | undefined;
  private closed = false;
  private dir = '';
  private added = 0;

  private constructor(
    readonly plan: SubnetPlan,
    private readonly logger: Logger,
    private readonly onPortClosed: (port: SwitchPort) => void,
  ) {}

  /** Listens on one socket per planned NIC under `dir` (a private folder). */
  static async open(options: { plan: SubnetPlan; dir: string; logger: Logger; onPortClosed?: (port: SwitchPort) => void }): Promise<SegmentSwitch> {
    const sw = new SegmentSwitch(options.plan, options.logger, options.onPortClosed ?? (() => undefined));
    sw.dir = options.dir;
    try {
      for (const [i, member] of options.plan.members.entries()) {
        const socketPath = path.join(options.dir, `s${options.plan.ordinal}-${i}.sock`);
        const server = net.createServer((socket) => sw.accept(port, socket));
        const port = new SwitchPort(member, socketPath, server, options.logger);
        sw.ports.push(port);
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(socketPath, () => {
            server.off('error', reject);
            resolve();
          });
        });
      }
    } catch (err) {
      await sw.close();
      throw err;
    }
    return sw;
  }

  /**
   * A port for a member that joins after the switch opened (the kube harness attaches VMs and pods
   * as they start). `stack` ports answer for `macs` (a user-mode stack uses one MAC per address it
   * owns) and get only the frames addressed to those MACs, and broadcasts.
   */
  async addPort(member: SegmentMember, options: { stack?: { macs: string[] }; logger?: Logger } = {}): Promise<SwitchPort> {
    if (this.closed) throw new Error(`network ${this.plan.name} is closed`);
    const socketPath = path.join(this.dir, `s${this.plan.ordinal}-d${this.added++}.sock`);
    const server = net.createServer((socket) => this.accept(port, socket));
    const port = new SwitchPort(member, socketPath, server, options.logger ?? this.logger);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    if (options.stack) {
      port.stack = true;
      for (const mac of options.stack.macs) this.macTable.set(mac, port);
    }
    this.ports.push(port);
    this.plan.members.push(member);
    return port;
  }

  /** Disconnects and forgets a port added by addPort. */
  async removePort(port: SwitchPort): Promise<void> {
    const i = this.ports.indexOf(port);
    if (i < 0) return;
    this.ports.splice(i, 1);
    const m = this.plan.members.indexOf(port.member);
    if (m >= 0) this.plan.members.splice(m, 1);
    for (const [mac, p] of this.macTable) if (p === port) this.macTable.delete(mac);
    port.socket?.destroy();
    if (port.server.listening) await new Promise<void>((resolve) => port.server.close(() => resolve()));
  }

  setGateway(gateway: GatewayHandler): void {
    this.gateway = gateway;
  }

  /** The port of the NIC `nic` (index into the VM's declared nics) of `vm`. */
  port(vm: string, nic: number): SwitchPort | undefined {
    return this.ports.find((p) => p.member.vm === vm && p.member.nic === nic);
  }

  get allPorts(): readonly SwitchPort[] {
    return this.ports;
  }

  /** A frame from the gateway side (DHCP answers, routed packets): switched like any other. */
  deliver(raw: Buffer): void {
    const frame = parseEthernet(raw);
    if (!frame || this.closed) return;
    if (isGroupMac(frame.dst)) {
      for (const p of this.ports) p.send(raw);
      return;
    }
    const known = this.macTable.get(frame.dst);
    if (known) known.send(raw);
    else for (const p of this.ports) if (!p.stack) p.send(raw);
  }

  /** Sends straight to one port (a DHCP answer belongs to the port that asked). */
  sendTo(port: SwitchPort, raw: Buffer): void {
    if (!this.closed) port.send(raw);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.ports.map(async (p) => {
        p.socket?.destroy();
        if (p.server.listening) await new Promise<void>((resolve) => p.server.close(() => resolve()));
      }),
    );
    this.macTable.clear();
  }

  private accept(port: SwitchPort, socket: net.Socket): void {
    if (this.closed || (port.socket && !port.socket.destroyed)) {
      // One QEMU per port: a second connection would let another process into the segment.
      socket.destroy();
      return;
    }
    port.socket = socket;
    port.everConnected = true;
    port.logger.debug(`network ${this.plan.name}: ${port.label} connected`);
    const decoder = new FrameDecoder();
    socket.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = decoder.push(chunk);
      } catch (err) {
        port.logger.warn(`network ${this.plan.name}: ${port.label}: ${err instanceof Error ? err.message : String(err)}; disconnecting it`);
        socket.destroy();
        return;
      }
      for (const f of frames) this.receive(f, port);
    });
    socket.on('error', (err) => port.logger.debug(`network ${this.plan.name}: ${port.label}: ${err.message}`));
    socket.on('close', () => {
      if (port.socket === socket) port.socket = undefined;
      if (!port.stack) for (const [mac, p] of this.macTable) if (p === port) this.macTable.delete(mac);
      if (port.dropped > 0) port.logger.debug(`network ${this.plan.name}: ${port.label}: ${port.dropped} frames dropped (port congested)`);
      port.logger.debug(`network ${this.plan.name}: ${port.label} disconnected`);
      if (!this.closed) this.onPortClosed(port);
    });
  }

  private receive(raw: Buffer, from: SwitchPort): void {
    if (this.closed) return;
    const frame = parseEthernet(raw);
    if (!frame || isGroupMac(frame.src)) return;
    // A stack port's MACs are fixed; learning must not move them to another port.
    if (!from.stack && this.macTable.get(frame.src)?.stack !== true) this.macTable.set(frame.src, from);
    if (frame.dst === this.plan.gateway.mac) {
      this.gateway?.handle(frame, raw, from);
      return;
    }
    if (isGroupMac(frame.dst)) {
      if (this.gateway?.handle(frame, raw, from)) return;
      this.flood(raw, from);
      return;
    }
    const to = this.macTable.get(frame.dst);
    if (to === from) return;
    if (to) to.send(raw);
    else this.flood(raw, from, true);
  }

  /** Broadcasts reach every port; unknown unicast only ports that are guests (see SwitchPort.stack). */
  private flood(raw: Buffer, from: SwitchPort, unicast = false): void {
    for (const p of this.ports) if (p !== from && !(unicast && p.stack)) p.send(raw);
  }
}
