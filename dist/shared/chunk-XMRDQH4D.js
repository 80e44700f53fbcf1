import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  cidrContains,
  formatCidr,
  formatIpv4,
  formatMac,
  internetChecksum,
  isGroupMac,
  layerOf,
  netmask,
  parseMac,
  planLayerNetwork,
  userNetwork
} from "./chunk-GKBTVNDX.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/engines/local/network/guest-forward.ts
import { writeFile } from "node:fs/promises";
import path from "node:path";
var RELAY_FILE = "guestfwd-relay.mjs";
var RESTRICTED_HTTP_IP = "10.0.2.4";
var RELAY_SOURCE = `import net from 'node:net';
const [host, port] = process.argv.slice(2);
const guest = new net.Socket({ fd: 0, readable: true, writable: true, allowHalfOpen: true });
const server = net.connect({ host, port: Number(port), allowHalfOpen: true });
const stop = () => { guest.destroy(); server.destroy(); };
guest.on('error', stop);
server.on('error', stop);
guest.pipe(server);
server.pipe(guest);
`;
async function relayToHost(options) {
  const script = path.join(options.runtimeDir, RELAY_FILE);
  await writeFile(script, RELAY_SOURCE, { mode: 384 });
  return { ip: options.guestIp, port: options.guestPort, command: [options.nodeBinary ?? process.execPath, script, "127.0.0.1", String(options.hostPort)] };
}

// src/engines/local/network/layer-network.ts
import { rm as rm2 } from "node:fs/promises";

// src/engines/local/runtime-dir.ts
import { mkdtemp, readdir, readFile, rm, stat, writeFile as writeFile2 } from "node:fs/promises";
import os from "node:os";
import path2 from "node:path";

// src/engines/local/pid-alive.ts
function isProcessAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}

// src/engines/local/runtime-dir.ts
var PREFIX = "ruddervirt-vm-";
var OWNER_FILE = "owner.pid";
var UNOWNED_GRACE_MS = 6e4;
async function createRuntimeDir(root = os.tmpdir()) {
  const dir = await mkdtemp(path2.join(root, PREFIX));
  await writeFile2(path2.join(dir, OWNER_FILE), `${process.pid}
`);
  return dir;
}
async function sweepStaleRuntimeDirs(root = os.tmpdir(), now = Date.now()) {
  let names;
  try {
    names = (await readdir(root)).filter((n) => n.startsWith(PREFIX));
  } catch {
    return [];
  }
  const removed = [];
  for (const name of names) {
    const dir = path2.join(root, name);
    const owner = Number.parseInt(await readFile(path2.join(dir, OWNER_FILE), "utf8").catch(() => ""), 10);
    if (Number.isInteger(owner) && owner > 0) {
      if (owner === process.pid || isProcessAlive(owner)) continue;
    } else {
      const age = now - ((await stat(dir).catch(() => void 0))?.mtimeMs ?? now);
      if (age < UNOWNED_GRACE_MS) continue;
    }
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

// src/engines/local/network/dhcp-message.ts
var DHCP_SERVER_PORT = 67;
var DHCP_CLIENT_PORT = 68;
var DhcpType = {
  discover: 1,
  offer: 2,
  request: 3,
  decline: 4,
  ack: 5,
  nak: 6,
  release: 7,
  inform: 8
};
var DhcpOption = {
  subnetMask: 1,
  router: 3,
  hostname: 12,
  broadcast: 28,
  requestedIp: 50,
  leaseTime: 51,
  messageType: 53,
  serverId: 54,
  renewalTime: 58,
  rebindingTime: 59,
  classlessRoutes: 121
};
var BOOTREQUEST = 1;
var BOOTREPLY = 2;
var FIXED_PART = 236;
var MAGIC_COOKIE = 1669485411;
var PAD = 0;
var END = 255;
function parseDhcp(data) {
  if (data.length < FIXED_PART + 4) return void 0;
  const op = data[0];
  if (op !== BOOTREQUEST && op !== BOOTREPLY || data[1] !== 1 || data[2] !== 6) return void 0;
  if (data.readUInt32BE(FIXED_PART) !== MAGIC_COOKIE) return void 0;
  const options = /* @__PURE__ */ new Map();
  let i = FIXED_PART + 4;
  while (i < data.length) {
    const code = data[i];
    if (code === END) break;
    if (code === PAD) {
      i++;
      continue;
    }
    if (i + 1 >= data.length) return void 0;
    const length = data[i + 1];
    if (i + 2 + length > data.length) return void 0;
    const value = data.subarray(i + 2, i + 2 + length);
    const before = options.get(code);
    options.set(code, before ? Buffer.concat([before, value]) : Buffer.from(value));
    i += 2 + length;
  }
  return {
    op: op === BOOTREQUEST ? "request" : "reply",
    xid: data.readUInt32BE(4),
    flags: data.readUInt16BE(10),
    ciaddr: data.readUInt32BE(12),
    yiaddr: data.readUInt32BE(16),
    siaddr: data.readUInt32BE(20),
    giaddr: data.readUInt32BE(24),
    chaddr: formatMac(data.subarray(28, 34)),
    options
  };
}
function encodeDhcp(m) {
  const fixed = Buffer.alloc(FIXED_PART + 4);
  fixed[0] = m.op === "request" ? BOOTREQUEST : BOOTREPLY;
  fixed[1] = 1;
  fixed[2] = 6;
  fixed.writeUInt32BE(m.xid >>> 0, 4);
  fixed.writeUInt16BE(m.flags, 10);
  fixed.writeUInt32BE(m.ciaddr >>> 0, 12);
  fixed.writeUInt32BE(m.yiaddr >>> 0, 16);
  fixed.writeUInt32BE(m.siaddr >>> 0, 20);
  fixed.writeUInt32BE(m.giaddr >>> 0, 24);
  parseMac(m.chaddr).copy(fixed, 28);
  fixed.writeUInt32BE(MAGIC_COOKIE, FIXED_PART);
  const parts = [fixed];
  for (const [code, value] of m.options) {
    for (let at = 0; at < value.length || at === 0; at += 255) {
      const chunk = value.subarray(at, at + 255);
      parts.push(Buffer.from([code, chunk.length]), chunk);
      if (value.length === 0) break;
    }
  }
  parts.push(Buffer.from([END]));
  const out = Buffer.concat(parts);
  return out.length >= 300 ? out : Buffer.concat([out, Buffer.alloc(300 - out.length)]);
}
function messageType(m) {
  const v = m.options.get(DhcpOption.messageType);
  return v && v.length === 1 ? v[0] : void 0;
}
function optionAddress(m, code) {
  const v = m.options.get(code);
  return v && v.length === 4 ? v.readUInt32BE(0) : void 0;
}
function u32(value) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b;
}
function encodeClasslessRoutes(routes) {
  const parts = [];
  for (const r of routes) {
    const significant = Math.ceil(r.prefix / 8);
    parts.push(Buffer.from([r.prefix]), u32(r.network).subarray(0, significant), u32(r.router));
  }
  return Buffer.concat(parts);
}

// src/engines/local/network/dhcp-server.ts
var BROADCAST_IP = 4294967295;
function answerDhcp(request, lease, settings) {
  if (request.op !== "request") return void 0;
  const type = messageType(request);
  const serverId = optionAddress(request, DhcpOption.serverId);
  switch (type) {
    case DhcpType.discover:
      return reply(request, DhcpType.offer, lease, settings);
    case DhcpType.request: {
      if (serverId !== void 0 && serverId !== settings.serverAddress) return void 0;
      const wanted = optionAddress(request, DhcpOption.requestedIp) ?? request.ciaddr;
      if (wanted !== lease.address) return nak(request, settings);
      return reply(request, DhcpType.ack, lease, settings);
    }
    case DhcpType.inform:
      return reply(request, DhcpType.ack, lease, settings, { inform: true });
    default:
      return void 0;
  }
}
function reply(request, type, lease, s, opts = {}) {
  const options = /* @__PURE__ */ new Map([
    [DhcpOption.messageType, Buffer.from([type])],
    [DhcpOption.serverId, u32(s.serverAddress)]
  ]);
  if (!opts.inform) {
    options.set(DhcpOption.leaseTime, u32(s.leaseSeconds));
    options.set(DhcpOption.renewalTime, u32(Math.floor(s.leaseSeconds / 2)));
    options.set(DhcpOption.rebindingTime, u32(Math.floor(s.leaseSeconds * 7 / 8)));
  }
  options.set(DhcpOption.subnetMask, u32(netmask(s.cidr.prefix)));
  options.set(DhcpOption.broadcast, u32((s.cidr.network | ~netmask(s.cidr.prefix)) >>> 0));
  options.set(DhcpOption.hostname, Buffer.from(lease.hostname, "ascii"));
  if (lease.defaultRoute) options.set(DhcpOption.router, u32(s.serverAddress));
  if (s.routes.length > 0) {
    options.set(DhcpOption.classlessRoutes, encodeClasslessRoutes(s.routes.map((r) => ({ network: r.network, prefix: r.prefix, router: s.serverAddress }))));
  }
  const message = {
    op: "reply",
    xid: request.xid,
    flags: request.flags,
    ciaddr: request.ciaddr,
    yiaddr: opts.inform ? 0 : lease.address,
    siaddr: 0,
    giaddr: request.giaddr,
    chaddr: request.chaddr,
    options
  };
  return { message, ipDestination: request.ciaddr !== 0 ? request.ciaddr : BROADCAST_IP };
}
function nak(request, s) {
  const options = /* @__PURE__ */ new Map([
    [DhcpOption.messageType, Buffer.from([DhcpType.nak])],
    [DhcpOption.serverId, u32(s.serverAddress)]
  ]);
  const message = { op: "reply", xid: request.xid, flags: request.flags, ciaddr: 0, yiaddr: 0, siaddr: 0, giaddr: request.giaddr, chaddr: request.chaddr, options };
  return { message, ipDestination: BROADCAST_IP };
}

// src/engines/local/network/packets.ts
var ETHERTYPE_IPV4 = 2048;
var ETHERTYPE_ARP = 2054;
var IP_PROTOCOL_ICMP = 1;
var IP_PROTOCOL_UDP = 17;
var ETHERNET_HEADER = 14;
var ETHERNET_MIN_FRAME = 60;
function parseEthernet(frame) {
  if (frame.length < ETHERNET_HEADER) return void 0;
  return { dst: formatMac(frame.subarray(0, 6)), src: formatMac(frame.subarray(6, 12)), type: frame.readUInt16BE(12), payload: frame.subarray(ETHERNET_HEADER) };
}
function buildEthernet(dst, src, type, payload) {
  const frame = Buffer.alloc(Math.max(ETHERNET_MIN_FRAME, ETHERNET_HEADER + payload.length));
  parseMac(dst).copy(frame, 0);
  parseMac(src).copy(frame, 6);
  frame.writeUInt16BE(type, 12);
  frame.set(payload, ETHERNET_HEADER);
  return frame;
}
var ARP_REQUEST = 1;
var ARP_REPLY = 2;
function parseArp(payload) {
  if (payload.length < 28) return void 0;
  if (payload.readUInt16BE(0) !== 1 || payload.readUInt16BE(2) !== ETHERTYPE_IPV4 || payload[4] !== 6 || payload[5] !== 4) return void 0;
  return {
    op: payload.readUInt16BE(6),
    senderMac: formatMac(payload.subarray(8, 14)),
    senderIp: payload.readUInt32BE(14),
    targetMac: formatMac(payload.subarray(18, 24)),
    targetIp: payload.readUInt32BE(24)
  };
}
function buildArp(p) {
  const b = Buffer.alloc(28);
  b.writeUInt16BE(1, 0);
  b.writeUInt16BE(ETHERTYPE_IPV4, 2);
  b[4] = 6;
  b[5] = 4;
  b.writeUInt16BE(p.op, 6);
  parseMac(p.senderMac).copy(b, 8);
  b.writeUInt32BE(p.senderIp, 14);
  parseMac(p.targetMac).copy(b, 18);
  b.writeUInt32BE(p.targetIp, 24);
  return b;
}
function parseIpv4Packet(bytes) {
  if (bytes.length < 20 || bytes[0] >> 4 !== 4) return void 0;
  const headerLength = (bytes[0] & 15) * 4;
  const total = bytes.readUInt16BE(2);
  if (headerLength < 20 || total < headerLength || total > bytes.length) return void 0;
  if (internetChecksum(bytes.subarray(0, headerLength)) !== 0) return void 0;
  const packet = bytes.subarray(0, total);
  return { ttl: bytes[8], protocol: bytes[9], src: bytes.readUInt32BE(12), dst: bytes.readUInt32BE(16), bytes: packet, payload: packet.subarray(headerLength) };
}
function buildIpv4Packet(p) {
  const b = Buffer.alloc(20 + p.payload.length);
  b[0] = 69;
  b.writeUInt16BE(b.length, 2);
  b.writeUInt16BE((p.id ?? 0) & 65535, 4);
  b.writeUInt16BE(16384, 6);
  b[8] = p.ttl ?? 64;
  b[9] = p.protocol;
  b.writeUInt32BE(p.src >>> 0, 12);
  b.writeUInt32BE(p.dst >>> 0, 16);
  b.writeUInt16BE(internetChecksum(b.subarray(0, 20)), 10);
  b.set(p.payload, 20);
  return b;
}
function forwardedIpv4(packet) {
  if (packet.ttl <= 1) return void 0;
  const copy = Buffer.from(packet.bytes);
  const headerLength = (copy[0] & 15) * 4;
  copy[8] = packet.ttl - 1;
  copy.writeUInt16BE(0, 10);
  copy.writeUInt16BE(internetChecksum(copy.subarray(0, headerLength)), 10);
  return copy;
}
function parseUdp(payload) {
  if (payload.length < 8) return void 0;
  const length = payload.readUInt16BE(4);
  if (length < 8 || length > payload.length) return void 0;
  return { srcPort: payload.readUInt16BE(0), dstPort: payload.readUInt16BE(2), payload: payload.subarray(8, length) };
}
function buildUdp(src, dst, srcPort, dstPort, data) {
  const b = Buffer.alloc(8 + data.length);
  b.writeUInt16BE(srcPort, 0);
  b.writeUInt16BE(dstPort, 2);
  b.writeUInt16BE(b.length, 4);
  b.set(data, 8);
  const pseudo = Buffer.alloc(12);
  pseudo.writeUInt32BE(src >>> 0, 0);
  pseudo.writeUInt32BE(dst >>> 0, 4);
  pseudo[9] = IP_PROTOCOL_UDP;
  pseudo.writeUInt16BE(b.length, 10);
  const sum = internetChecksum(Buffer.concat([pseudo, b]));
  b.writeUInt16BE(sum === 0 ? 65535 : sum, 6);
  return b;
}
var ICMP_ECHO_REPLY = 0;
var ICMP_ECHO_REQUEST = 8;
function icmpEchoReply(icmp) {
  if (icmp.length < 8 || icmp[0] !== ICMP_ECHO_REQUEST || icmp[1] !== 0 || internetChecksum(icmp) !== 0) return void 0;
  const reply2 = Buffer.from(icmp);
  reply2[0] = ICMP_ECHO_REPLY;
  reply2.writeUInt16BE(0, 2);
  reply2.writeUInt16BE(internetChecksum(reply2), 2);
  return reply2;
}

// src/engines/local/network/gateway.ts
var LEASE_SECONDS = 24 * 3600;
var SubnetGateway = class {
  constructor(sw, routing, siblingCidrs) {
    this.sw = sw;
    this.routing = routing;
    this.dhcp = { serverAddress: sw.plan.gateway.address, cidr: sw.plan.cidr, leaseSeconds: LEASE_SECONDS, routes: siblingCidrs };
  }
  sw;
  routing;
  dhcp;
  bound = /* @__PURE__ */ new Set();
  get address() {
    return this.sw.plan.gateway.address;
  }
  get mac() {
    return this.sw.plan.gateway.mac;
  }
  handle(frame, _raw, from) {
    if (frame.type === ETHERTYPE_ARP) return this.handleArp(frame, from);
    if (frame.type !== ETHERTYPE_IPV4) return false;
    const packet = parseIpv4Packet(frame.payload);
    if (!packet) return false;
    if (packet.protocol === IP_PROTOCOL_UDP) {
      const udp = parseUdp(packet.payload);
      if (udp && udp.dstPort === DHCP_SERVER_PORT && udp.srcPort === DHCP_CLIENT_PORT) {
        this.handleDhcp(udp.payload, from);
        return true;
      }
    }
    if (frame.dst !== this.mac) return false;
    if (packet.dst === this.address) {
      if (packet.protocol === IP_PROTOCOL_ICMP) {
        const reply2 = icmpEchoReply(packet.payload);
        if (reply2) this.sendIp(frame.src, packet.src, IP_PROTOCOL_ICMP, reply2, from);
      }
      return true;
    }
    this.routing.route(packet, this.sw.plan.name);
    return true;
  }
  /** A packet routed here from another subnet of the VPC: handed to the planned NIC with that address. */
  deliverRouted(forwarded, dst) {
    const member = this.sw.plan.members.find((m) => m.address === dst);
    if (!member) return false;
    this.sw.deliver(buildEthernet(member.mac, this.mac, ETHERTYPE_IPV4, forwarded));
    return true;
  }
  handleArp(frame, from) {
    const arp = parseArp(frame.payload);
    if (!arp || arp.op !== ARP_REQUEST || arp.targetIp !== this.address) return false;
    const reply2 = buildArp({ op: ARP_REPLY, senderMac: this.mac, senderIp: this.address, targetMac: arp.senderMac, targetIp: arp.senderIp });
    this.sw.sendTo(from, buildEthernet(arp.senderMac, this.mac, ETHERTYPE_ARP, reply2));
    return true;
  }
  handleDhcp(data, from) {
    const request = parseDhcp(data);
    if (!request) return;
    const lease = { address: from.member.address, hostname: from.member.hostname, ...from.member.defaultRoute ? { defaultRoute: true } : {} };
    const answer = answerDhcp(request, lease, this.dhcp);
    if (!answer) return;
    const udp = buildUdp(this.address, answer.ipDestination, DHCP_SERVER_PORT, DHCP_CLIENT_PORT, encodeDhcp(answer.message));
    const ip = buildIpv4Packet({ src: this.address, dst: answer.ipDestination, protocol: IP_PROTOCOL_UDP, payload: udp });
    this.sw.sendTo(from, buildEthernet(request.chaddr, this.mac, ETHERTYPE_IPV4, ip));
    const type = messageType(answer.message);
    const what = `${from.label} (${request.chaddr})`;
    if (type === DhcpType.ack && answer.message.yiaddr !== 0 && !this.bound.has(from)) {
      this.bound.add(from);
      from.logger.info(`network ${this.sw.plan.name}: ${from.member.vm} has ${formatIpv4(lease.address)} (dhcp, ${what})`);
    } else {
      from.logger.debug(`network ${this.sw.plan.name}: dhcp ${type === DhcpType.nak ? "nak" : type === DhcpType.offer ? "offer" : "ack"} ${formatIpv4(lease.address)} to ${what}`);
    }
  }
  sendIp(dstMac, dst, protocol, payload, to) {
    this.sw.sendTo(to, buildEthernet(dstMac, this.mac, ETHERTYPE_IPV4, buildIpv4Packet({ src: this.address, dst, protocol, payload })));
  }
};

// src/engines/local/network/segment-switch.ts
import net from "node:net";
import path3 from "node:path";

// src/engines/local/network/stream-frames.ts
var MAX_FRAME = 4096 + 65536;
function encodeFrame(frame) {
  const out = Buffer.alloc(4 + frame.length);
  out.writeUInt32BE(frame.length, 0);
  out.set(frame, 4);
  return out;
}
var FrameStreamError = class extends Error {
  name = "FrameStreamError";
};
var FrameDecoder = class {
  pending = [];
  pendingLength = 0;
  /** Returns the frames completed by `chunk`; throws FrameStreamError on an impossible length. */
  push(chunk) {
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
    const frames = [];
    let buffer = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingLength);
    let at = 0;
    while (buffer.length - at >= 4) {
      const length = buffer.readUInt32BE(at);
      if (length > MAX_FRAME) throw new FrameStreamError(`frame length ${length} exceeds ${MAX_FRAME}: not a QEMU stream netdev`);
      if (buffer.length - at < 4 + length) break;
      frames.push(Buffer.from(buffer.subarray(at + 4, at + 4 + length)));
      at += 4 + length;
    }
    buffer = buffer.subarray(at);
    this.pending = buffer.length > 0 ? [buffer] : [];
    this.pendingLength = buffer.length;
    return frames;
  }
  /** Bytes of an incomplete frame still waiting for the rest. */
  get buffered() {
    return this.pendingLength;
  }
};

// src/engines/local/network/segment-switch.ts
var MAX_QUEUED_BYTES = 4 * 1024 * 1024;
var SwitchPort = class {
  constructor(member, socketPath, server, logger) {
    this.member = member;
    this.socketPath = socketPath;
    this.server = server;
    this.logger = logger;
  }
  member;
  socketPath;
  server;
  socket;
  /**
   * A user-mode network stack (QEMU's slirp standing in for a pod's network namespace, in the kube
   * harness) rather than a guest NIC: it answers for fixed MACs and gets no flooded unicast, because
   * slirp takes every TCP segment it sees as its own and would reset other hosts' connections.
   */
  stack = false;
  everConnected = false;
  logger;
  dropped = 0;
  get label() {
    return `${this.member.vm} nic ${this.member.nic}`;
  }
  send(frame) {
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    if (socket.writableLength > MAX_QUEUED_BYTES) {
      this.dropped++;
      return;
    }
    socket.write(encodeFrame(frame));
  }
};
var SegmentSwitch = class _SegmentSwitch {
  constructor(plan, logger, onPortClosed) {
    this.plan = plan;
    this.logger = logger;
    this.onPortClosed = onPortClosed;
  }
  plan;
  logger;
  onPortClosed;
  ports = [];
  macTable = /* @__PURE__ */ new Map();
  gateway;
  closed = false;
  dir = "";
  added = 0;
  /** Listens on one socket per planned NIC under `dir` (a private folder). */
  static async open(options) {
    const sw = new _SegmentSwitch(options.plan, options.logger, options.onPortClosed ?? (() => void 0));
    sw.dir = options.dir;
    try {
      for (const [i, member] of options.plan.members.entries()) {
        const socketPath = path3.join(options.dir, `s${options.plan.ordinal}-${i}.sock`);
        const server = net.createServer((socket) => sw.accept(port, socket));
        const port = new SwitchPort(member, socketPath, server, options.logger);
        sw.ports.push(port);
        await new Promise((resolve, reject) => {
          server.once("error", reject);
          server.listen(socketPath, () => {
            server.off("error", reject);
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
  async addPort(member, options = {}) {
    if (this.closed) throw new Error(`network ${this.plan.name} is closed`);
    const socketPath = path3.join(this.dir, `s${this.plan.ordinal}-d${this.added++}.sock`);
    const server = net.createServer((socket) => this.accept(port, socket));
    const port = new SwitchPort(member, socketPath, server, options.logger ?? this.logger);
    await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(socketPath, () => {
        server.off("error", reject);
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
  async removePort(port) {
    const i = this.ports.indexOf(port);
    if (i < 0) return;
    this.ports.splice(i, 1);
    const m = this.plan.members.indexOf(port.member);
    if (m >= 0) this.plan.members.splice(m, 1);
    for (const [mac, p] of this.macTable) if (p === port) this.macTable.delete(mac);
    port.socket?.destroy();
    if (port.server.listening) await new Promise((resolve) => port.server.close(() => resolve()));
  }
  setGateway(gateway) {
    this.gateway = gateway;
  }
  /** The port of the NIC `nic` (index into the VM's declared nics) of `vm`. */
  port(vm, nic) {
    return this.ports.find((p) => p.member.vm === vm && p.member.nic === nic);
  }
  get allPorts() {
    return this.ports;
  }
  /** A frame from the gateway side (DHCP answers, routed packets): switched like any other. */
  deliver(raw) {
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
  sendTo(port, raw) {
    if (!this.closed) port.send(raw);
  }
  async close() {
    this.closed = true;
    await Promise.all(
      this.ports.map(async (p) => {
        p.socket?.destroy();
        if (p.server.listening) await new Promise((resolve) => p.server.close(() => resolve()));
      })
    );
    this.macTable.clear();
  }
  accept(port, socket) {
    if (this.closed || port.socket && !port.socket.destroyed) {
      socket.destroy();
      return;
    }
    port.socket = socket;
    port.everConnected = true;
    port.logger.debug(`network ${this.plan.name}: ${port.label} connected`);
    const decoder = new FrameDecoder();
    socket.on("data", (chunk) => {
      let frames;
      try {
        frames = decoder.push(chunk);
      } catch (err) {
        port.logger.warn(`network ${this.plan.name}: ${port.label}: ${err instanceof Error ? err.message : String(err)}; disconnecting it`);
        socket.destroy();
        return;
      }
      for (const f of frames) this.receive(f, port);
    });
    socket.on("error", (err) => port.logger.debug(`network ${this.plan.name}: ${port.label}: ${err.message}`));
    socket.on("close", () => {
      if (port.socket === socket) port.socket = void 0;
      if (!port.stack) {
        for (const [mac, p] of this.macTable) if (p === port) this.macTable.delete(mac);
      }
      if (port.dropped > 0) port.logger.debug(`network ${this.plan.name}: ${port.label}: ${port.dropped} frames dropped (port congested)`);
      port.logger.debug(`network ${this.plan.name}: ${port.label} disconnected`);
      if (!this.closed) this.onPortClosed(port);
    });
  }
  receive(raw, from) {
    if (this.closed) return;
    const frame = parseEthernet(raw);
    if (!frame || isGroupMac(frame.src)) return;
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
  flood(raw, from, unicast = false) {
    for (const p of this.ports) if (p !== from && !(unicast && p.stack)) p.send(raw);
  }
};

// src/engines/local/network/vpc-router.ts
var VpcRouter = class {
  /**
   * Where packets for outside the VPC go, per source subnet: the address of a next hop on that
   * subnet (the kube harness's egress gateway), or undefined to drop them. The local engine sets
   * none: its VMs leave through their user-mode NIC.
   */
  constructor(egressHop = () => void 0) {
    this.egressHop = egressHop;
  }
  egressHop;
  subnets = /* @__PURE__ */ new Map();
  add(sw, gateway) {
    this.subnets.set(sw.plan.name, { sw, gateway });
  }
  route(packet, from) {
    const source = this.subnets.get(from);
    if (!source) return;
    for (const name of source.sw.plan.siblings) {
      const target = this.subnets.get(name);
      if (!target || !cidrContains(target.sw.plan.cidr, packet.dst)) continue;
      const forwarded2 = forwardedIpv4(packet);
      if (forwarded2) target.gateway.deliverRouted(forwarded2, packet.dst);
      return;
    }
    if (cidrContains(source.sw.plan.cidr, packet.dst)) return;
    const hop = this.egressHop(from);
    const forwarded = hop === void 0 ? void 0 : forwardedIpv4(packet);
    if (forwarded) source.gateway.deliverRouted(forwarded, hop);
  }
};

// src/engines/local/network/layer-network.ts
var MAX_SOCKET_PATH = 100;
var LayerNetwork = class _LayerNetwork {
  constructor(plan, dir, switches) {
    this.plan = plan;
    this.dir = dir;
    this.switches = switches;
  }
  plan;
  dir;
  switches;
  closing;
  static async open(options) {
    const { plan, logger } = options;
    const dir = await createRuntimeDir(options.runtimeRoot);
    const switches = /* @__PURE__ */ new Map();
    const network = new _LayerNetwork(plan, dir, switches);
    try {
      const routers = /* @__PURE__ */ new Map();
      for (const subnet of plan.subnets) {
        const sw = await SegmentSwitch.open({ plan: subnet, dir, logger });
        switches.set(subnet.name, sw);
        for (const p of sw.allPorts) {
          if (p.socketPath.length > MAX_SOCKET_PATH) throw new UserError(`the temp folder path ${dir} is too long for a unix socket; set TMPDIR to a shorter path`);
        }
        let router = routers.get(subnet.vpc);
        if (!router) routers.set(subnet.vpc, router = new VpcRouter());
        const siblings = plan.subnets.filter((s) => subnet.siblings.includes(s.name)).map((s) => s.cidr);
        const gateway = new SubnetGateway(sw, router, siblings);
        sw.setGateway(gateway);
        router.add(sw, gateway);
        const members = subnet.members.map((m) => `${m.vm} ${formatIpv4(m.address)}`).join(", ");
        logger.info(`network ${subnet.name} (${formatCidr(subnet.cidr)}, VPC ${subnet.vpc}${subnet.internet ? "" : ", no internet"}): gateway ${formatIpv4(subnet.gateway.address)}; ${members}`);
      }
    } catch (err) {
      await network.close();
      throw err;
    }
    return network;
  }
  /** The socket the NIC `nic` (index into the VM's declared nics) of `vm` connects to. */
  socketFor(subnet, vm, nic) {
    const port = this.switches.get(subnet)?.port(vm, nic);
    if (!port) throw new Error(`no port for vm ${vm} nic ${nic} on subnet ${subnet} in layer ${this.plan.layer}`);
    return port.socketPath;
  }
  /** Lets the port's events (DHCP leases, disconnects) be logged with the VM's own logger. */
  adoptLogger(vm, logger) {
    for (const sw of this.switches.values()) for (const p of sw.allPorts) if (p.member.vm === vm) p.logger = logger;
  }
  close() {
    this.closing ??= (async () => {
      await Promise.all([...this.switches.values()].map((s) => s.close()));
      await rm2(this.dir, { recursive: true, force: true });
    })();
    return this.closing;
  }
};

// src/engines/local/network/local-networks.ts
function httpGuestIpFor(plan) {
  return plan.internet ? userNetwork(0).host : RESTRICTED_HTTP_IP;
}
var LocalNetworks = class {
  constructor(options = {}) {
    this.options = options;
  }
  options;
  builds = /* @__PURE__ */ new WeakMap();
  live = /* @__PURE__ */ new Set();
  async attach(build, vm, logger) {
    const layer = layerOf(build, vm);
    const layerPlan = planLayerNetwork(build, layer);
    const plan = layerPlan.vms.find((v) => v.vm === vm.name);
    const needsSegments = plan.nics.some((n) => n.kind === "segment");
    let network;
    let release = async () => void 0;
    if (needsSegments) {
      let layers = this.builds.get(build);
      if (!layers) this.builds.set(build, layers = /* @__PURE__ */ new Map());
      const byLayer = layers;
      let entry = byLayer.get(layer.name);
      if (!entry) {
        const opening = LayerNetwork.open({ plan: layerPlan, logger, ...this.options.runtimeRoot ? { runtimeRoot: this.options.runtimeRoot } : {} });
        entry = { network: opening, holders: 0 };
        byLayer.set(layer.name, entry);
        this.live.add(opening);
        opening.catch(() => {
          this.live.delete(opening);
          if (byLayer.get(layer.name)?.network === opening) byLayer.delete(layer.name);
        });
      }
      const held = entry;
      held.holders++;
      let released = false;
      release = async () => {
        if (released) return;
        released = true;
        if (--held.holders > 0) return;
        if (byLayer.get(layer.name) === held) byLayer.delete(layer.name);
        this.live.delete(held.network);
        const n = await held.network.catch(() => void 0);
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
        const nics = [];
        for (const nic of plan.nics) {
          if (nic.kind === "segment") {
            nics.push({ model: nic.model, forwards: [], segment: { socket: segmentNetwork.socketFor(nic.subnet, vm.name, nic.nic), mac: nic.mac } });
          } else if (nic.management) {
            const guestForwards = [];
            if (!plan.internet && http) {
              guestForwards.push(await relayToHost({ runtimeDir, guestIp: httpGuestIp, guestPort: http.port, hostPort: http.port, ...nodeBinary ? { nodeBinary } : {} }));
            }
            const forwards = [ssh, guestUp].filter((f) => f !== void 0);
            nics.push({ model: nic.model, forwards, ...plan.internet ? {} : { restrict: true, guestForwards } });
          } else {
            nics.push({ model: nic.model, forwards: [] });
          }
        }
        return nics;
      }
    };
  }
  /** Closes every network still open (the engine's safety net; VMs normally release theirs). */
  async close() {
    const open = [...this.live];
    this.live.clear();
    await Promise.all(open.map((p) => p.then((n) => n.close()).catch(() => void 0)));
  }
};

export {
  isProcessAlive,
  createRuntimeDir,
  sweepStaleRuntimeDirs,
  httpGuestIpFor,
  LocalNetworks
};
