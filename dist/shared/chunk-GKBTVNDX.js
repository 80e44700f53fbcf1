import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/core/network/user-network.ts
function userNetwork(index) {
  const third = 2 + index;
  return { net: `10.0.${third}.0/24`, host: `10.0.${third}.2` };
}

// src/core/network/ipv4.ts
var OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
function parseIpv4(text) {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) throw new Error(`'${text}' is not an IPv4 address (expected four numbers 0-255 separated by dots)`);
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}
function formatIpv4(address) {
  return [24, 16, 8, 0].map((shift) => address >>> shift & 255).join(".");
}
function parseCidr(text) {
  const slash = text.indexOf("/");
  const prefixText = slash < 0 ? "" : text.slice(slash + 1);
  if (!/^(3[0-2]|[12]?\d)$/.test(prefixText)) throw new Error(`'${text}' is not a CIDR block (expected address/prefix, prefix 0-32)`);
  const prefix = Number(prefixText);
  const network = parseIpv4(text.slice(0, slash));
  if ((network & ~netmask(prefix)) >>> 0 !== 0) throw new Error(`'${text}' has host bits set`);
  return { network, prefix };
}
function formatCidr(cidr) {
  return `${formatIpv4(cidr.network)}/${cidr.prefix}`;
}
function netmask(prefix) {
  return prefix === 0 ? 0 : 4294967295 << 32 - prefix >>> 0;
}
function cidrSize(cidr) {
  return 2 ** (32 - cidr.prefix);
}
function broadcastAddress(cidr) {
  return cidr.network + cidrSize(cidr) - 1;
}
function cidrContains(cidr, address) {
  return (address & netmask(cidr.prefix)) >>> 0 === cidr.network;
}
function cidrsOverlap(a, b) {
  return a.network <= broadcastAddress(b) && b.network <= broadcastAddress(a);
}
function internetChecksum(data, initial = 0) {
  let sum = initial;
  for (let i = 0; i + 1 < data.length; i += 2) sum += data[i] << 8 | data[i + 1];
  if (data.length % 2 === 1) sum += data[data.length - 1] << 8;
  while (sum > 65535) sum = (sum & 65535) + (sum >>> 16);
  return ~sum & 65535;
}

// src/core/network/mac.ts
var PREFIX = [2, 114, 118];
function formatMac(bytes) {
  return Array.from(bytes.subarray(0, 6), (b) => b.toString(16).padStart(2, "0")).join(":");
}
function parseMac(text) {
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(text)) throw new Error(`'${text}' is not a MAC address (expected six hex pairs separated by colons)`);
  return Buffer.from(text.split(":").map((h) => Number.parseInt(h, 16)));
}
function isGroupMac(mac) {
  return (Number.parseInt(mac.slice(0, 2), 16) & 1) === 1;
}
function segmentMac(subnetOrdinal, offset) {
  if (!Number.isInteger(offset) || offset < 0 || offset > 65535) throw new Error(`host offset ${offset} does not fit a MAC address`);
  return formatMac(Uint8Array.from([...PREFIX, subnetOrdinal & 255, offset >>> 8, offset & 255]));
}

// src/core/network/address-plan.ts
var FIRST_VM_OFFSET = 2;
function planLayerNetwork(build, layer) {
  const declared = declaredSubnets(build);
  const subnets = /* @__PURE__ */ new Map();
  const vms = [];
  for (const vm of layer.vms) {
    const nics = [];
    const management = vm.nics.findIndex((n) => n.subnet === void 0);
    nics.push({ kind: "user", model: (vm.nics[management] ?? vm.nics[0])?.model ?? "virtio", management: true });
    vm.nics.forEach((nic, index) => {
      if (index === management) return;
      if (nic.subnet === void 0) {
        nics.push({ kind: "user", model: nic.model, management: false });
        return;
      }
      const subnet = subnetPlan(subnets, declared, nic.subnet, vm, index);
      const offset = FIRST_VM_OFFSET + subnet.members.length;
      const address = subnet.cidr.network + offset;
      if (address >= broadcastAddress(subnet.cidr)) {
        throw new UserError(
          `${where(build, vm, index)}: subnet ${subnet.name} (${formatCidr(subnet.cidr)}) has no address left for vm ${vm.name}: layer ${layer.name} puts ${subnet.members.length + 1} NICs on it; expected a larger CIDR`
        );
      }
      const mac = segmentMac(subnet.ordinal, offset);
      subnet.members.push({ vm: vm.name, nic: index, mac, address, hostname: vm.name });
      nics.push({ kind: "segment", model: nic.model, subnet: subnet.name, nic: index, mac, address });
    });
    checkUserNetworksApart(build, vm, nics, subnets);
    const internet = vm.nics.length === 0 || vm.nics.some((n) => n.subnet === void 0 || declared.get(n.subnet)?.vpc.internet === true);
    vms.push({ vm: vm.name, nics, internet });
  }
  const used = [...subnets.values()].sort((a, b) => a.ordinal - b.ordinal);
  for (const s of used) s.siblings = used.filter((o) => o.vpc === s.vpc && o.name !== s.name).map((o) => o.name);
  return { layer: layer.name, subnets: used, vms };
}
function layerOf(build, vm) {
  return build.layers.find((l) => l.vms.includes(vm)) ?? build.layers.find((l) => l.vms.some((v) => v.name === vm.name)) ?? { name: "", vms: [vm] };
}
function declaredSubnets(build) {
  const out = /* @__PURE__ */ new Map();
  let ordinal = 0;
  for (const vpc of build.network.vpcs) {
    for (const s of vpc.subnets) {
      out.set(s.name, { vpc, cidr: parseCidr(s.cidr), ordinal: ordinal++ });
    }
  }
  return out;
}
function subnetPlan(plans, declared, name, vm, nic) {
  const existing = plans.get(name);
  if (existing) return existing;
  const d = declared.get(name);
  if (!d) throw new UserError(`vm ${vm.name}: nics[${nic}].subnet '${name}' is not declared under network.vpcs[].subnets`);
  const gateway = d.cidr.network + 1;
  const plan = {
    name,
    vpc: d.vpc.name,
    internet: d.vpc.internet,
    cidr: d.cidr,
    ordinal: d.ordinal,
    gateway: { address: gateway, mac: segmentMac(d.ordinal, 1) },
    members: [],
    siblings: []
  };
  plans.set(name, plan);
  return plan;
}
function checkUserNetworksApart(build, vm, nics, subnets) {
  nics.forEach((nic, position) => {
    if (nic.kind !== "user") return;
    const user = parseCidr(userNetwork(position).net);
    for (const other of nics) {
      if (other.kind !== "segment") continue;
      const subnet = subnets.get(other.subnet);
      if (cidrsOverlap(user, subnet.cidr)) {
        throw new UserError(
          `${where(build, vm, other.nic)}: subnet ${subnet.name} (${formatCidr(subnet.cidr)}) overlaps ${formatCidr(user)}, the local engine's user-mode network for this VM's NIC ${position} (the build's HTTP server and SSH); expected a subnet outside ${formatCidr(user)}`
        );
      }
    }
  });
}
function where(build, vm, nic) {
  const pos = vm.positions?.[`nics.${nic}.subnet`] ?? vm.positions?.[`nics.${nic}`] ?? vm.positions?.["nics"];
  const at = pos ? `${pos.file}:${pos.line}:${pos.column}: ` : `${build.file}: `;
  return `${at}vm ${vm.name}: nics[${nic}]`;
}

export {
  userNetwork,
  parseIpv4,
  formatIpv4,
  parseCidr,
  formatCidr,
  netmask,
  broadcastAddress,
  cidrContains,
  internetChecksum,
  formatMac,
  parseMac,
  isGroupMac,
  planLayerNetwork,
  layerOf
};
