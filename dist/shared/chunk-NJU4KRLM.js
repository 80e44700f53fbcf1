import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  chooseAccelerator
} from "./chunk-M7Q5RACF.js";
import {
  fetchSource
} from "./chunk-L72HRDDD.js";
import {
  startMachine
} from "./chunk-GIYZDKOS.js";
import {
  cidrContains,
  createBlankDisk,
  createOverlay,
  formatCidr,
  formatIpv4,
  formatMac,
  internetChecksum,
  isGroupMac,
  layerOf,
  netmask,
  parseMac,
  peerAddresses,
  planLayerNetwork,
  qemuArgs,
  runTool,
  userNetwork
} from "./chunk-LAWJDJJ5.js";
import {
  UserError,
  abortReason
} from "./chunk-Q75WJYVF.js";

// src/core/httpserver/http-server.ts
import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import http from "node:http";
import path from "node:path";

// src/core/httpserver/content-type.ts
var TYPES = {
  ".cfg": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".sh": "text/x-shellscript; charset=utf-8",
  ".ks": "text/plain; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".yaml": "application/yaml",
  ".yml": "application/yaml",
  ".iso": "application/octet-stream"
};
function contentTypeFor(file) {
  const dot = file.lastIndexOf(".");
  return (dot >= 0 ? TYPES[file.slice(dot).toLowerCase()] : void 0) ?? "application/octet-stream";
}

// src/core/httpserver/http-server.ts
async function resolveInside(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return void 0;
  }
  if (decoded.includes("\0")) return void 0;
  const candidate = path.resolve(root, "." + path.posix.normalize("/" + decoded));
  const realRoot = await realpath(root);
  let real;
  try {
    real = await realpath(candidate);
  } catch {
    return void 0;
  }
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return void 0;
  return real;
}
async function startHttpServer(options) {
  const { source, logger } = options;
  const requests = [];
  const server = http.createServer((req, res) => {
    const urlPath = (req.url ?? "/").split(/[?#]/, 1)[0] || "/";
    const done = (status, bytes) => {
      requests.push({ method: req.method ?? "?", path: urlPath, status, bytes });
      logger.info(`http: ${req.method} ${urlPath} \u2192 ${status} (${bytes} B) from ${req.socket.remoteAddress}`);
    };
    const fail = (status, text) => {
      res.writeHead(status, { "content-type": "text/plain" }).end(text + "\n");
      done(status, 0);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return fail(405, "method not allowed");
    void serve(urlPath, req.method === "HEAD").catch((err) => {
      logger.warn(`http: ${urlPath}: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) fail(500, "internal error");
      else res.destroy();
    });
    async function serve(p, headOnly) {
      if ("content" in source) {
        const body = source.content[p];
        if (body === void 0) return fail(404, "not found");
        const buf = Buffer.from(body);
        res.writeHead(200, { "content-type": contentTypeFor(p), "content-length": buf.length });
        res.end(headOnly ? void 0 : buf);
        return done(200, buf.length);
      }
      let file = await resolveInside(source.directory, p);
      if (file && (await stat(file)).isDirectory()) {
        file = await resolveInside(source.directory, path.posix.join(p, "index.html"));
      }
      if (!file) return fail(404, "not found");
      const { size } = await stat(file);
      res.writeHead(200, { "content-type": contentTypeFor(file), "content-length": size });
      if (headOnly) {
        res.end();
        return done(200, 0);
      }
      createReadStream(file).on("error", (err) => res.destroy(err)).on("end", () => done(200, size)).pipe(res);
    }
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address();
  logger.info(`http: serving ${"directory" in source ? source.directory : `${Object.keys(source.content).length} inline file(s)`} on ${host}:${port}`);
  return {
    port,
    host,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    })
  };
}

// src/engines/local/engine.ts
import { access as access2, mkdir, rm as rm3 } from "node:fs/promises";
import path9 from "node:path";

// src/engines/local/network/guest-forward.ts
import { writeFile } from "node:fs/promises";
import path2 from "node:path";
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
  const script = path2.join(options.runtimeDir, RELAY_FILE);
  await writeFile(script, RELAY_SOURCE, { mode: 384 });
  return { ip: options.guestIp, port: options.guestPort, command: [options.nodeBinary ?? process.execPath, script, "127.0.0.1", String(options.hostPort)] };
}

// src/engines/local/network/layer-network.ts
import { rm as rm2 } from "node:fs/promises";

// src/engines/local/runtime-dir.ts
import { mkdtemp, readdir, readFile, rm, stat as stat2, writeFile as writeFile2 } from "node:fs/promises";
import os from "node:os";
import path3 from "node:path";

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
  const dir = await mkdtemp(path3.join(root, PREFIX));
  await writeFile2(path3.join(dir, OWNER_FILE), `${process.pid}
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
    const dir = path3.join(root, name);
    const owner = Number.parseInt(await readFile(path3.join(dir, OWNER_FILE), "utf8").catch(() => ""), 10);
    if (Number.isInteger(owner) && owner > 0) {
      if (owner === process.pid || isProcessAlive(owner)) continue;
    } else {
      const age = now - ((await stat2(dir).catch(() => void 0))?.mtimeMs ?? now);
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
import path4 from "node:path";

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
        const socketPath = path4.join(options.dir, `s${options.plan.ordinal}-${i}.sock`);
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
    const socketPath = path4.join(this.dir, `s${this.plan.ordinal}-d${this.added++}.sock`);
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
        logger.info(
          `network ${subnet.name} (${formatCidr(subnet.cidr)}, VPC ${subnet.vpc}${subnet.internet ? "" : ", no internet"}): gateway ${formatIpv4(subnet.gateway.address)}; ${members}`
        );
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
    const httpGuestIp = plan.internet ? userNetwork(0).host : RESTRICTED_HTTP_IP;
    return {
      plan,
      httpGuestIp,
      release,
      async nicPlans({ ssh, http: http2, runtimeDir }) {
        const nics = [];
        for (const nic of plan.nics) {
          if (nic.kind === "segment") {
            nics.push({ model: nic.model, forwards: [], segment: { socket: segmentNetwork.socketFor(nic.subnet, vm.name, nic.nic), mac: nic.mac } });
          } else if (nic.management) {
            const guestForwards = [];
            if (!plan.internet && http2) {
              guestForwards.push(await relayToHost({ runtimeDir, guestIp: httpGuestIp, guestPort: http2.port, hostPort: http2.port, ...nodeBinary ? { nodeBinary } : {} }));
            }
            nics.push({ model: nic.model, forwards: ssh ? [ssh] : [], ...plan.internet ? {} : { restrict: true, guestForwards } });
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
    const open2 = [...this.live];
    this.live.clear();
    await Promise.all(open2.map((p) => p.then((n) => n.close()).catch(() => void 0)));
  }
};

// src/engines/local/firmware.ts
import { copyFile, chmod, readdir as readdir2, readFile as readFile2, stat as stat3 } from "node:fs/promises";
import os2 from "node:os";
import path5 from "node:path";
var KNOWN_FIRMWARE = [
  { code: "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd", vars: "/usr/share/OVMF/OVMF_VARS_4M.ms.fd", secureBoot: true },
  { code: "/usr/share/OVMF/OVMF_CODE.secboot.fd", vars: "/usr/share/OVMF/OVMF_VARS.ms.fd", secureBoot: true },
  { code: "/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd", vars: "/usr/share/edk2/ovmf/OVMF_VARS.secboot.fd", secureBoot: true },
  { code: "/usr/share/OVMF/OVMF_CODE_4M.fd", vars: "/usr/share/OVMF/OVMF_VARS_4M.fd", secureBoot: false },
  { code: "/usr/share/OVMF/OVMF_CODE.fd", vars: "/usr/share/OVMF/OVMF_VARS.fd", secureBoot: false },
  { code: "/usr/share/edk2/ovmf/OVMF_CODE.fd", vars: "/usr/share/edk2/ovmf/OVMF_VARS.fd", secureBoot: false },
  { code: "/usr/share/edk2/x64/OVMF_CODE.fd", vars: "/usr/share/edk2/x64/OVMF_VARS.fd", secureBoot: false }
];
function defaultDescriptorDirs(env = process.env) {
  const config = env.XDG_CONFIG_HOME || path5.join(os2.homedir(), ".config");
  return [path5.join(config, "qemu", "firmware"), "/etc/qemu/firmware", "/usr/share/qemu/firmware"];
}
async function findUefiFirmware(options) {
  const env = options.env ?? process.env;
  if (options.secureBoot && options.machine !== "q35") throw new Error("Secure Boot firmware needs the q35 machine");
  if (env.RUDDERVIRT_OVMF_CODE || env.RUDDERVIRT_OVMF_VARS) {
    if (!env.RUDDERVIRT_OVMF_CODE || !env.RUDDERVIRT_OVMF_VARS) {
      throw new UserError("set both RUDDERVIRT_OVMF_CODE and RUDDERVIRT_OVMF_VARS, or neither");
    }
    for (const f of [env.RUDDERVIRT_OVMF_CODE, env.RUDDERVIRT_OVMF_VARS]) {
      if (!await isFile(f)) throw new UserError(`OVMF file ${f} (from RUDDERVIRT_OVMF_*) does not exist`);
    }
    return {
      code: env.RUDDERVIRT_OVMF_CODE,
      codeFormat: "raw",
      varsTemplate: env.RUDDERVIRT_OVMF_VARS,
      varsFormat: "raw",
      secureBoot: options.secureBoot,
      requiresSmm: options.secureBoot,
      origin: "RUDDERVIRT_OVMF_CODE/RUDDERVIRT_OVMF_VARS"
    };
  }
  for (const [file, d] of await readDescriptors(options.descriptorDirs ?? defaultDescriptorDirs(env))) {
    const fw = await fromDescriptor(d, options);
    if (fw) return { ...fw, origin: file };
  }
  for (const k of options.knownPaths ?? KNOWN_FIRMWARE) {
    if (k.secureBoot !== options.secureBoot) continue;
    if (await isFile(k.code) && await isFile(k.vars)) {
      return {
        code: k.code,
        codeFormat: "raw",
        varsTemplate: k.vars,
        varsFormat: "raw",
        secureBoot: k.secureBoot,
        requiresSmm: k.secureBoot,
        origin: "well-known path"
      };
    }
  }
  throw new UserError(
    `efiFirmware${options.secureBoot ? " with secureBoot" : ""} needs OVMF UEFI firmware, and none was found (Debian/Ubuntu: sudo apt-get install -y ovmf; or set RUDDERVIRT_OVMF_CODE and RUDDERVIRT_OVMF_VARS)`
  );
}
async function prepareUefiVars(firmware, destination) {
  await copyFile(firmware.varsTemplate, destination);
  await chmod(destination, 384);
  return destination;
}
async function readDescriptors(dirs) {
  const byName = /* @__PURE__ */ new Map();
  for (const dir of [...dirs].reverse()) {
    let names;
    try {
      names = await readdir2(dir);
    } catch {
      continue;
    }
    for (const n of names) if (n.endsWith(".json")) byName.set(n, path5.join(dir, n));
  }
  const out = [];
  for (const name of [...byName.keys()].sort()) {
    const file = byName.get(name);
    try {
      out.push([file, JSON.parse(await readFile2(file, "utf8"))]);
    } catch {
    }
  }
  return out;
}
async function fromDescriptor(d, options) {
  if (!d["interface-types"]?.includes("uefi") || d.mapping?.device !== "flash") return void 0;
  const code = d.mapping.executable?.filename;
  const vars = d.mapping["nvram-template"]?.filename;
  if (!code || !vars) return void 0;
  const representative = options.machine === "q35" ? "pc-q35-99.0" : "pc-i440fx-99.0";
  const fitsMachine = (d.targets ?? []).some((t) => t.architecture === "x86_64" && (t.machines ?? []).some((glob) => globMatch(glob, representative)));
  if (!fitsMachine) return void 0;
  const features = new Set(d.features ?? []);
  if (features.has("amd-sev-es") || features.has("amd-sev-snp") || features.has("intel-tdx")) return void 0;
  if (options.secureBoot) {
    if (!features.has("secure-boot") || !features.has("enrolled-keys")) return void 0;
  } else if (features.has("secure-boot")) {
    return void 0;
  }
  if (!await isFile(code) || !await isFile(vars)) return void 0;
  return {
    code,
    codeFormat: d.mapping.executable?.format === "qcow2" ? "qcow2" : "raw",
    varsTemplate: vars,
    varsFormat: d.mapping["nvram-template"]?.format === "qcow2" ? "qcow2" : "raw",
    secureBoot: options.secureBoot,
    requiresSmm: features.has("requires-smm")
  };
}
function globMatch(glob, text) {
  const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
  return re.test(text);
}
async function isFile(p) {
  try {
    return (await stat3(p)).isFile();
  } catch {
    return false;
  }
}

// src/engines/local/ports.ts
import { randomInt } from "node:crypto";
import { mkdirSync, unlinkSync } from "node:fs";
import { link, open, readFile as readFile3, rename, stat as stat4, unlink, writeFile as writeFile3 } from "node:fs/promises";
import net2 from "node:net";
import os3 from "node:os";
import path6 from "node:path";
var SSH_HOST_PORTS = { min: 2222, max: 4444 };
var VNC_PORTS = { min: 5900, max: 6e3 };
function defaultLockDir() {
  return path6.join(os3.tmpdir(), "ruddervirt-ports");
}
var heldLocks = /* @__PURE__ */ new Set();
var exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const file of heldLocks) {
      try {
        unlinkSync(file);
      } catch {
      }
    }
  });
}
async function allocatePort(options) {
  const { range } = options;
  if (!Number.isInteger(range.min) || !Number.isInteger(range.max) || range.min < 1 || range.max > 65535 || range.min > range.max) {
    throw new Error(`invalid port range ${range.min}-${range.max}`);
  }
  const lockDir = options.lockDir ?? defaultLockDir();
  mkdirSync(lockDir, { recursive: true, mode: 1023 });
  installExitHook();
  const span = Math.max(1, range.max - range.min);
  const candidates = [...Array.from({ length: Math.min(span, 32) }, () => range.min + randomInt(span))];
  const start = randomInt(span);
  for (let i = 0; i < span; i++) candidates.push(range.min + (start + i) % span);
  const tried = /* @__PURE__ */ new Set();
  for (const port of candidates) {
    if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error("aborted");
    if (tried.has(port)) continue;
    tried.add(port);
    const lockFile = path6.join(lockDir, String(port));
    if (!await takeLock(lockFile)) continue;
    if (await canBind(port)) {
      heldLocks.add(lockFile);
      let released = false;
      return {
        port,
        async release() {
          if (released) return;
          released = true;
          heldLocks.delete(lockFile);
          await unlink(lockFile).catch(() => void 0);
        }
      };
    }
    await unlink(lockFile).catch(() => void 0);
  }
  throw new Error(`no free port in ${range.min}-${range.max} on 127.0.0.1 (locks in ${lockDir})`);
}
async function takeLock(lockFile) {
  const mine = `${lockFile}.${process.pid}.${randomInt(1e9)}`;
  await writeFile3(mine, `${process.pid}
`);
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await link(mine, lockFile);
        return true;
      } catch (err) {
        if (err.code !== "EEXIST") throw err;
      }
      if (attempt === 0 && !await removeIfStale(lockFile)) return false;
    }
    return false;
  } finally {
    await unlink(mine).catch(() => void 0);
  }
}
async function removeIfStale(lockFile) {
  let owner;
  let inode;
  try {
    const handle = await open(lockFile, "r");
    try {
      inode = (await handle.stat()).ino;
      owner = Number.parseInt((await handle.readFile("utf8")).trim(), 10);
    } finally {
      await handle.close();
    }
  } catch {
    return true;
  }
  if (Number.isInteger(owner) && owner > 0 && isProcessAlive(owner)) return false;
  const aside = `${lockFile}.stale.${process.pid}.${randomInt(1e9)}`;
  try {
    await rename(lockFile, aside);
  } catch {
    return true;
  }
  const moved = await stat4(aside).catch(() => void 0);
  if (moved && moved.ino !== inode) {
    await link(aside, lockFile).catch(() => void 0);
    await unlink(aside).catch(() => void 0);
    return false;
  }
  await unlink(aside).catch(() => void 0);
  return true;
}
function canBind(port) {
  return new Promise((resolve) => {
    const server = net2.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}

// src/engines/local/vm-storage.ts
import { access } from "node:fs/promises";
import path8 from "node:path";

// src/engines/local/cdrom.ts
import { stat as stat5 } from "node:fs/promises";
import path7 from "node:path";
var DEFAULT_CD_LABEL = "packer";
function validateCdLabel(label, what) {
  if (label.length === 0 || label.length > 32) {
    throw new UserError(`${what}: label '${label}' must be 1 to 32 characters long (an ISO 9660 volume identifier)`);
  }
  if (/[\u0000-\u001f\u007f-\uffff]/.test(label)) {
    throw new UserError(`${what}: label '${label}' may only hold printable ASCII characters`);
  }
}
async function buildCdromIso(req) {
  const label = req.label ?? DEFAULT_CD_LABEL;
  validateCdLabel(label, req.what);
  if (req.files.length === 0) throw new UserError(`${req.what}: no files to put on the CD`);
  const grafts = [];
  for (const entry of req.files) {
    const contentsOnly = entry.endsWith("/");
    const source = path7.resolve(req.baseDir, entry);
    let isDir;
    try {
      isDir = (await stat5(source)).isDirectory();
    } catch {
      throw new UserError(`${req.what}: file '${entry}' does not exist (looked for ${source})`);
    }
    const target = isDir && contentsOnly ? "/" : `/${path7.basename(source)}`;
    grafts.push(`${escapeGraft(target)}=${escapeGraft(source)}`);
  }
  await runTool(
    "xorriso",
    ["-as", "mkisofs", "-quiet", "-o", req.destination, "-V", label, "-iso-level", "3", "-J", "-joliet-long", "-r", "-graft-points", ...grafts],
    req.signal ? { signal: req.signal } : {}
  );
}
function escapeGraft(p) {
  return p.replace(/[\\=]/g, (c) => `\\${c}`);
}

// src/engines/local/vm-storage.ts
async function prepareStorage(r) {
  const { vm, logger, signal } = r;
  const base = fileSafe(vm.name);
  const rootSpec = vm.disks[0];
  if (!rootSpec) throw new UserError(`vm ${vm.name}: needs at least one disk (the first is the root disk)`);
  const rootDisk = path8.join(r.workDir, `${base}-${fileSafe(rootSpec.name)}.qcow2`);
  const disks = [];
  const cdroms = [];
  if (vm.source.kind === "iso") {
    const iso = await r.fetch(vm.source.url, vm.source.checksum);
    r.made(rootDisk);
    await createBlankDisk(rootDisk, rootSpec.sizeBytes, signal);
    cdroms.push({ id: "cd0", path: iso, bootIndex: 2 });
  } else {
    const image = await r.sourceImage();
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("Build was cancelled.");
    r.made(rootDisk);
    const info = await createOverlay({ source: image, destination: rootDisk, sizeBytes: rootSpec.sizeBytes, what: `vm ${vm.name}: disks.${rootSpec.name}`, signal });
    logger.info(`disk ${rootSpec.name}: overlay on ${image} (${info.format}), ${rootSpec.sizeBytes} bytes`);
  }
  disks.push({ id: "disk0", path: rootDisk, format: "qcow2", bus: rootSpec.bus, bootIndex: 1 });
  for (const [i, d] of vm.disks.slice(1).entries()) {
    const file = path8.join(r.workDir, `${base}-${fileSafe(d.name)}.qcow2`);
    r.made(file);
    await createBlankDisk(file, d.sizeBytes, signal);
    disks.push({ id: `disk${i + 1}`, path: file, format: "qcow2", bus: d.bus });
  }
  for (const c of vm.cdroms) {
    const id = `cd${cdroms.length}`;
    const where = `vm ${vm.name}: cdroms.${c.name}`;
    if (c.iso) {
      const iso = path8.resolve(r.build.dir, c.iso);
      await access(iso).catch(() => {
        throw new UserError(`${where}: iso '${c.iso}' does not exist (looked for ${iso})`);
      });
      cdroms.push({ id, path: iso });
    } else {
      const file = path8.join(r.workDir, `${base}-cdrom-${fileSafe(c.name)}.iso`);
      r.made(file);
      await buildCdromIso({ files: c.files ?? [], baseDir: r.build.dir, ...c.label ? { label: c.label } : {}, destination: file, what: where, signal });
      cdroms.push({ id, path: file });
    }
  }
  return { rootDisk, disks, cdroms };
}
function fileSafe(name) {
  return name.replace(/[^A-Za-z0-9_.-]/g, "_");
}

// src/engines/local/engine.ts
var MAX_SOCKET_PATH2 = 100;
var LocalEngine = class {
  constructor(options = {}) {
    this.options = options;
    this.networks = new LocalNetworks(options.runtimeRoot ? { runtimeRoot: options.runtimeRoot } : {});
  }
  options;
  name = "local";
  machines = /* @__PURE__ */ new Set();
  swept;
  networks;
  async startVm(req) {
    const { vm, logger, signal } = req;
    const undo = [];
    const checkpoint = () => {
      if (signal.aborted) throw abortReason(signal);
    };
    try {
      const accelerator = this.options.accelerator ?? (await chooseAccelerator({ logger, env: this.env, ...this.qemuOption() })).accelerator;
      checkpoint();
      await mkdir(req.workDir, { recursive: true });
      await mkdir(req.logDir, { recursive: true });
      const made = (file) => undo.push(() => rm3(file, { force: true }));
      const { rootDisk, disks, cdroms } = await prepareStorage({
        build: req.build,
        vm,
        workDir: req.workDir,
        logger,
        signal,
        fetch: (url, checksum) => fetchSource({ url, checksum, logger, signal, ...this.cacheOption() }),
        sourceImage: () => this.sourceImage(req, signal),
        made
      });
      checkpoint();
      let machine = "pc";
      let firmware;
      if (vm.efiFirmware) {
        machine = vm.efiFirmware.secureBoot ? "q35" : "pc";
        const fw = await findUefiFirmware({ secureBoot: vm.efiFirmware.secureBoot, machine, env: this.env });
        const vars = path9.join(req.workDir, `${fileSafe(vm.name)}-efivars.fd`);
        made(vars);
        await prepareUefiVars(fw, vars);
        firmware = { code: fw.code, codeFormat: fw.codeFormat, vars, varsFormat: fw.varsFormat, secureBoot: fw.secureBoot, smm: fw.requiresSmm || fw.secureBoot };
        logger.debug(`firmware: ${fw.code} (${fw.origin})`);
      }
      this.swept ??= sweepStaleRuntimeDirs(this.options.runtimeRoot).then(
        (dirs) => dirs.forEach((d) => logger.debug(`removed ${d}, left by a build that was killed`)),
        () => void 0
      );
      await this.swept;
      const runtimeDir = await createRuntimeDir(this.options.runtimeRoot);
      undo.push(() => rm3(runtimeDir, { recursive: true, force: true }));
      const leases = [];
      const lease = async (range) => {
        const l = await allocatePort({ range, signal, ...this.options.portLockDir ? { lockDir: this.options.portLockDir } : {} });
        undo.push(() => l.release());
        leases.push(l);
        return l.port;
      };
      const sshPort = vm.communicator.type === "ssh" ? await lease(SSH_HOST_PORTS) : void 0;
      const vncSocket = path9.join(runtimeDir, "vnc.sock");
      const vnc = this.options.vncListen !== "port" && vncSocket.length <= MAX_SOCKET_PATH2 ? { socket: vncSocket } : { port: await lease(VNC_PORTS) };
      const qmpSocket = path9.join(runtimeDir, "qmp.sock");
      if (qmpSocket.length > MAX_SOCKET_PATH2) throw new UserError(`the temp folder path ${runtimeDir} is too long for a unix socket; set TMPDIR to a shorter path`);
      const network = await this.networks.attach(req.build, vm, logger);
      undo.push(() => network.release());
      leases.push({ port: 0, release: () => network.release() });
      const nics = await network.nicPlans({
        runtimeDir,
        ...sshPort !== void 0 ? { ssh: { hostPort: sshPort, guestPort: vm.communicator.sshPort } } : {},
        ...req.http ? { http: { port: req.http.port } } : {}
      });
      if (!network.plan.internet) {
        logger.info(`vm ${vm.name}: no internet (its subnets' VPCs have internet: false); the guest reaches only the build's HTTP server, at ${network.httpGuestIp}`);
      }
      const plan = {
        name: vm.name,
        accelerator,
        machine,
        cpus: vm.cpu,
        ...vm.cpuModel ? { cpuModel: vm.cpuModel } : {},
        memoryMiB: Math.ceil(vm.memoryBytes / (1024 * 1024)),
        ...firmware ? { firmware } : {},
        disks,
        cdroms,
        nics,
        vnc,
        qmpSocket,
        serialLog: path9.join(req.logDir, "serial.log")
      };
      const args = qemuArgs(plan);
      checkpoint();
      logger.info(
        `starting qemu (${accelerator}, ${machine}${firmware ? firmware.secureBoot ? ", UEFI Secure Boot" : ", UEFI" : ", BIOS"}, ${plan.cpus} cpu, ${plan.memoryMiB} MiB${sshPort ? `, ssh on 127.0.0.1:${sshPort}` : ""}, vnc on ${"socket" in vnc ? vnc.socket : `127.0.0.1:${vnc.port}`})`
      );
      const handle = await startMachine({
        name: vm.name,
        qemuBinary: this.options.qemuBinary ?? "qemu-system-x86_64",
        args,
        qmpSocket,
        vnc,
        serialLog: plan.serialLog,
        rootDisk,
        ...sshPort !== void 0 ? { ssh: { host: "127.0.0.1", port: sshPort } } : {},
        ...req.http ? { http: { ip: network.httpGuestIp, port: req.http.port } } : {},
        leases,
        runtimeDir,
        logger,
        signal
      });
      this.machines.add(handle);
      return handle;
    } catch (err) {
      for (const u of undo.reverse()) await u().catch(() => void 0);
      throw err;
    }
  }
  /** The layer's other VMs that `vm` reaches on its subnets, by name: for provisioner variables and /etc/hosts. */
  peerAddresses(build, layer, vm) {
    return peerAddresses(build, layer, vm.name);
  }
  async close() {
    await Promise.all([...this.machines].map((m) => m.stop()));
    this.machines.clear();
    await this.networks.close();
  }
  get env() {
    return this.options.env ?? process.env;
  }
  qemuOption() {
    return this.options.qemuBinary ? { qemuBinary: this.options.qemuBinary } : {};
  }
  cacheOption() {
    return { env: this.env, ...this.options.cacheDir ? { cacheDir: this.options.cacheDir } : {} };
  }
  /** A local disk image holding the VM's source (url, path, from, containerDisk). */
  async sourceImage(req, signal) {
    const { vm, logger } = req;
    const source = vm.source;
    switch (source.kind) {
      case "url":
        return fetchSource({ url: source.url, checksum: source.checksum, logger, signal, ...this.cacheOption() });
      case "path": {
        const file = path9.resolve(req.build.dir, source.path);
        await access2(file).catch(() => {
          throw new UserError(`vm ${vm.name}: source.path '${source.path}' does not exist (looked for ${file})`);
        });
        return file;
      }
      case "from":
        if (!req.parentDisk) throw new Error(`vm ${vm.name}: source from ${source.layer}/${source.vm} needs the parent's disk (parentDisk) from the pipeline`);
        return req.parentDisk;
      case "containerDisk":
        if (!this.options.resolveContainerDisk) {
          throw new UserError(`vm ${vm.name}: containerDisk sources need a registry client; this local engine was created without one`);
        }
        return this.options.resolveContainerDisk(source.image, signal);
      case "iso":
        throw new Error("unreachable: iso sources are attached as CD-ROMs");
    }
  }
};

export {
  startHttpServer,
  LocalEngine
};
