import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  SBOM_DOCUMENT_PLACEHOLDER,
  SHA256_PLACEHOLDER,
  keepOutputPatch,
  keepOutputPatchPlaceholder,
  renderGoldenPublish,
  renderKeep,
  sbomConfigMapName
} from "./chunk-KL2LFKXQ.js";
import {
  unusedMirrorWarnings
} from "./chunk-MQCLEGTP.js";
import {
  egressGatewayAddress,
  helperAddresses,
  helperPlacement,
  httpServerImage,
  lowestHelperAddress,
  objectMeta,
  renderContext,
  reportSettingProblem,
  reportVmProblem,
  shownPath,
  sshJumpImage,
  stableRunId,
  vmScopes,
  vmSettings,
  vmSubnetAddresses
} from "./chunk-RDPLCPIX.js";
import {
  runLabels
} from "./chunk-FARCU6DL.js";
import {
  quantityValue
} from "./chunk-M2E66S6E.js";
import {
  BuildFileError
} from "./chunk-MF7EYUNN.js";
import {
  require_dist
} from "./chunk-H4EHQFTY.js";
import {
  formatQuantity
} from "./chunk-UWT5WVQO.js";
import {
  checksumText,
  knownChecksum
} from "./chunk-IGBDJUBW.js";
import {
  formatIpv4,
  parseIpv4
} from "./chunk-GKBTVNDX.js";
import {
  cdromBus
} from "./chunk-CRBZ5IG5.js";
import {
  formatBytes
} from "./chunk-PXB3LWWR.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import {
  __toESM
} from "./chunk-U4LSYZ75.js";

// src/engines/kubevirt/manifests/local-files.ts
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
var SECRET_DATA_LIMIT = 1024 * 1024;
var SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
var vmKey = (layer, vm) => `${layer}/${vm}`;
var cdromKey = (layer, vm, cdrom) => `${layer}/${vm}/${cdrom}`;
function emptyLocalInputs() {
  return { http: /* @__PURE__ */ new Map(), cdromFiles: /* @__PURE__ */ new Map(), isoSizes: /* @__PURE__ */ new Map() };
}
function collectLocalInputs(build) {
  const inputs = emptyLocalInputs();
  const shown = (p) => {
    const rel = path.relative(build.dir, p);
    return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel + (p.endsWith("/") ? "/" : "") : p;
  };
  for (const layer of build.layers) {
    for (const vm of layer.vms) {
      const what = `vm ${layer.name}/${vm.name}`;
      const http = httpFiles(vm, what);
      if (http.length > 0) inputs.http.set(vmKey(layer.name, vm.name), http);
      for (const cdrom of vm.cdroms) {
        if (cdrom.files) inputs.cdromFiles.set(cdromKey(layer.name, vm.name, cdrom.name), cdromFiles(cdrom, `${what}: cdroms.${cdrom.name}`, shown));
        if (cdrom.iso) inputs.isoSizes.set(cdrom.iso, fileSize(cdrom.iso, `${what}: cdroms.${cdrom.name}.iso`));
      }
    }
  }
  return inputs;
}
function fileSize(file, what) {
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new UserError(`${what}: ${file} is not a file`);
    return st.size;
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${what}: cannot read ${file}: ${err.code ?? err.message}`);
  }
}
function readFile(file, what) {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new UserError(`${what}: cannot read ${file}: ${err.code ?? err.message}`);
  }
}
function httpFiles(vm, what) {
  const files = /* @__PURE__ */ new Map();
  if (vm.httpDirectory) {
    for (const rel of walk(vm.httpDirectory, `${what}: httpDirectory`)) {
      files.set(rel, { path: rel, data: readFile(path.join(vm.httpDirectory, ...rel.split("/")), `${what}: httpDirectory`) });
    }
  }
  for (const [urlPath, content] of Object.entries(vm.httpContent ?? {})) {
    const rel = urlPath.replace(/^\/+/, "");
    if (rel === "" || rel.split("/").some((s) => s === "" || s === "." || s === "..")) {
      throw new UserError(`${what}: httpContent key '${urlPath}' must name a file, like /preseed.cfg`);
    }
    files.set(rel, { path: rel, data: Buffer.from(content, "utf8") });
  }
  const list = [...files.values()].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  checkSecretSize(list, `${what}: the HTTP files (httpDirectory and httpContent)`, "put large files on a web server and fetch them by URL");
  return list;
}
function walk(dir, what) {
  const out = [];
  const visit = (abs, rel, depth) => {
    if (depth > 32) throw new UserError(`${what}: ${dir} is nested more than 32 folders deep (a symlink loop?)`);
    let entries;
    try {
      entries = readdirSync(abs);
    } catch (err) {
      throw new UserError(`${what}: cannot read the folder ${abs}: ${err.code ?? err.message}`);
    }
    for (const name of entries.sort()) {
      const childAbs = path.join(abs, name);
      const childRel = rel ? `${rel}/${name}` : name;
      const st = statSync(childAbs, { throwIfNoEntry: false });
      if (st?.isDirectory()) visit(childAbs, childRel, depth + 1);
      else if (st?.isFile()) out.push(childRel);
    }
  };
  visit(dir, "", 0);
  return out;
}
function cdromFiles(cdrom, what, shown) {
  const files = /* @__PURE__ */ new Map();
  const add = (name, abs) => {
    if (!SECRET_KEY.test(name)) {
      throw new UserError(`${what}: file name '${name}' cannot be used on a KubeVirt cdrom (allowed: letters, digits, '-', '_' and '.')`);
    }
    if (files.has(name)) throw new UserError(`${what}: two files are named '${name}'; a cdrom holds each name once`);
    files.set(name, { path: name, data: readFile(abs, what) });
  };
  for (const entry of cdrom.files ?? []) {
    const contentsOnly = entry.endsWith("/");
    const abs = path.resolve(entry);
    const st = statSync(abs, { throwIfNoEntry: false });
    if (!st) throw new UserError(`${what}: file '${shown(entry)}' does not exist`);
    if (st.isFile()) {
      add(path.basename(abs), abs);
      continue;
    }
    if (!contentsOnly) {
      throw new UserError(
        `${what}: '${shown(entry)}' is a folder; the kubevirt engine makes cdroms from Secrets, whose files all sit at the root of the CD, so a folder cannot be on it: list the folder's files instead`
      );
    }
    for (const name of readdirSync(abs).sort()) {
      const child = path.join(abs, name);
      const cst = statSync(child, { throwIfNoEntry: false });
      if (cst?.isDirectory()) {
        throw new UserError(`${what}: '${shown(entry)}' holds the folder '${name}'; a KubeVirt cdrom made from a Secret holds files only at its root`);
      }
      if (cst?.isFile()) add(name, child);
    }
  }
  const list = [...files.values()].sort((a, b) => a.path < b.path ? -1 : 1);
  checkSecretSize(list, what, "put large files on an ISO (cdroms[].iso) instead");
  return list;
}
function checkSecretSize(files, what, advice) {
  const total = files.reduce((n, f) => n + f.data.length, 0);
  if (total > SECRET_DATA_LIMIT) {
    throw new UserError(`${what} add up to ${formatBytes(total)}; the kubevirt engine carries them in a Kubernetes Secret, which holds at most 1 MiB. ${advice}`);
  }
}

// src/engines/kubevirt/manifests/owners.ts
function ownerReference(owner) {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid };
}
function resolveOwner(owner, uids) {
  switch (owner.kind) {
    case "run":
      return uids.run;
    case "vpc": {
      const vpc = uids.vpcs.get(owner.name);
      if (!vpc) throw new Error(`internal: Vpc ${owner.name} must be created before the objects it owns`);
      return vpc;
    }
    case "none":
      return void 0;
  }
}
function withOwner(rendered, uids) {
  const owner = resolveOwner(rendered.owner, uids);
  const copy = structuredClone(rendered.object);
  if (owner) copy.metadata.ownerReferences = [ownerReference(owner)];
  return copy;
}

// src/engines/kubevirt/manifests/data-volumes.ts
var BIND_IMMEDIATE_ANNOTATION = "cdi.kubevirt.io/storage.bind.immediate.requested";
var MIB = 1024 * 1024;
function dataVolume(ctx, scope, name, component, source, sizeBytes) {
  const storage = { resources: { requests: { storage: formatQuantity(sizeBytes) } } };
  const settings = vmSettings(ctx, scope);
  if (settings.storageClassName !== void 0) storage.storageClassName = settings.storageClassName;
  if (settings.volumeMode !== void 0) storage.volumeMode = settings.volumeMode;
  if (settings.accessMode !== void 0) storage.accessModes = [settings.accessMode];
  return {
    apiVersion: "cdi.kubevirt.io/v1beta1",
    kind: "DataVolume",
    metadata: objectMeta(ctx, name, component, scope, { annotations: { [BIND_IMMEDIATE_ANNOTATION]: "true" } }),
    spec: { source: structuredClone(ctx.run.volumeSources?.get(name) ?? source), storage }
  };
}
function findVm(ctx, layer, vm) {
  return ctx.build.layers.find((l) => l.name === layer)?.vms.find((v) => v.name === vm);
}
function rootDiskBytes(ctx, layer, vm, seen = /* @__PURE__ */ new Set()) {
  const found = findVm(ctx, layer, vm);
  const key = `${layer}/${vm}`;
  if (!found || seen.has(key)) return 0;
  seen.add(key);
  const own = found.disks[0]?.sizeBytes ?? 0;
  return found.source.kind === "from" ? Math.max(own, rootDiskBytes(ctx, found.source.layer, found.source.vm, seen)) : own;
}
function outputSource(ctx, layer, vm) {
  const names = ctx.names.vm(layer, vm);
  const namespace = ctx.options.namespace;
  switch (ctx.options.capture.mode) {
    case "clone":
      return { pvc: { namespace, name: names.output } };
    case "volume-snapshot":
      return { snapshot: { namespace, name: names.output } };
    case "vm-snapshot":
      return { pvc: { namespace, name: names.rootDisk } };
  }
}
function renderVmDisks(ctx, scope) {
  const { vm, names } = scope;
  const where = `${scope.layer.name}/${vm.name}`;
  const result = { objects: [], rootSizeBytes: 0, disks: [], cdromIsos: /* @__PURE__ */ new Map() };
  const add = (object, note) => result.objects.push({ object, step: "prepare", owner: { kind: "run" }, vm: where, note });
  const [root, ...extra] = vm.disks;
  if (!root) {
    reportVmProblem(ctx, scope, "disks", "the VM needs a root disk (disks[0])");
    return result;
  }
  const source = vm.source;
  let rootSource;
  let rootSize = root.sizeBytes;
  let rootNote;
  switch (source.kind) {
    case "url":
      rootSource = { http: { url: source.url, checksum: checksumText(knownChecksum(source.checksum, source.url)) } };
      rootNote = `root disk of ${where}, imported from ${source.url}`;
      break;
    case "containerDisk":
      rootSource = { registry: { url: `docker://${source.image}` } };
      rootNote = `root disk of ${where}, imported from the containerDisk ${source.image}`;
      break;
    case "iso": {
      rootSource = { blank: {} };
      rootNote = `root disk of ${where}, blank for the installer`;
      result.installIso = names.installIso;
      const iso = dataVolume(ctx, scope, names.installIso, "install-iso", { http: { url: source.url, checksum: checksumText(knownChecksum(source.checksum, source.url)) } }, ctx.options.isoVolumeBytes);
      add(iso, `installer ISO of ${where}, imported from ${source.url}`);
      break;
    }
    case "path":
      rootSource = { upload: {} };
      rootNote = `root disk of ${where}, uploaded from ${shownPath(ctx, source.path)}`;
      break;
    case "from": {
      rootSource = outputSource(ctx, source.layer, source.vm);
      const parent = findVm(ctx, source.layer, source.vm);
      if (!parent) reportVmProblem(ctx, scope, "source.from", `no VM ${source.layer}/${source.vm} to start from`);
      rootSize = Math.max(rootSize, rootDiskBytes(ctx, source.layer, source.vm));
      rootNote = `root disk of ${where}, cloned from the output of ${source.layer}/${source.vm}`;
      break;
    }
  }
  add(dataVolume(ctx, scope, names.rootDisk, "root-disk", rootSource, rootSize), rootNote);
  result.rootSizeBytes = rootSize;
  result.disks.push({ disk: root, dataVolume: names.rootDisk });
  for (const disk of extra) {
    const name = names.disk(disk.name);
    add(dataVolume(ctx, scope, name, "disk", { blank: {} }, disk.sizeBytes), `disk ${disk.name} of ${where}, blank`);
    result.disks.push({ disk, dataVolume: name });
  }
  vm.cdroms.forEach((cdrom, i) => {
    if (!cdrom.iso) return;
    const size = ctx.inputs.isoSizes.get(cdrom.iso);
    if (size === void 0) {
      reportVmProblem(ctx, scope, `cdroms.${i}.iso`, `the size of ${cdrom.iso} is unknown (it was not read before rendering)`);
      return;
    }
    const name = names.cdrom(cdrom.name);
    add(dataVolume(ctx, scope, name, "cdrom", { upload: {} }, Math.max(MIB, Math.ceil(size / MIB) * MIB)), `cdrom ${cdrom.name} of ${where}, uploaded from ${shownPath(ctx, cdrom.iso)}`);
    result.cdromIsos.set(cdrom.name, name);
  });
  return result;
}

// src/engines/kubevirt/manifests/capture.ts
function renderCapture(ctx, scope, rootSizeBytes) {
  const { names } = scope;
  const where = `${scope.layer.name}/${scope.vm.name}`;
  const capture = ctx.options.capture;
  switch (capture.mode) {
    case "clone": {
      const object = dataVolume(ctx, scope, names.output, "output", { pvc: { namespace: ctx.options.namespace, name: names.rootDisk } }, rootSizeBytes);
      return {
        object: { object, step: "capture", owner: { kind: "run" }, vm: where, note: `output of ${where}: a CDI clone of its root disk (no VolumeSnapshotClass needed)` },
        output: { kind: "DataVolume", name: names.output }
      };
    }
    case "volume-snapshot": {
      const object = {
        apiVersion: "snapshot.storage.k8s.io/v1",
        kind: "VolumeSnapshot",
        metadata: objectMeta(ctx, names.output, "output", scope),
        spec: { volumeSnapshotClassName: capture.snapshotClass, source: { persistentVolumeClaimName: names.rootDisk } }
      };
      return {
        object: { object, step: "capture", owner: { kind: "run" }, vm: where, note: `output of ${where}: a CSI snapshot of its root disk (class ${capture.snapshotClass})` },
        output: { kind: "VolumeSnapshot", name: names.output }
      };
    }
    case "vm-snapshot": {
      const object = {
        apiVersion: "snapshot.kubevirt.io/v1beta1",
        kind: "VirtualMachineSnapshot",
        metadata: objectMeta(ctx, names.output, "output", scope),
        spec: { source: { apiGroup: "kubevirt.io", kind: "VirtualMachine", name: names.vm } }
      };
      return {
        object: { object, step: "capture", owner: { kind: "run" }, vm: where, note: `output of ${where}: a KubeVirt snapshot of the stopped VM` },
        output: { kind: "VirtualMachineSnapshot", name: names.output }
      };
    }
  }
}

// src/engines/kubevirt/manifests/secret-data.ts
function keyFiles(files) {
  const used = /* @__PURE__ */ new Set();
  return files.map((f) => {
    const base = SECRET_KEY.test(f.path) && f.path !== "." && f.path !== ".." ? f.path : f.path.replace(/\//g, "__").replace(/[^-._a-zA-Z0-9]/g, "_");
    let key = base;
    for (let n = 2; used.has(key); n++) key = `${base}-${n}`;
    used.add(key);
    return { key, path: f.path, data: f.data };
  });
}
function secretData(files) {
  const data = {};
  for (const f of files) data[f.key] = f.data.toString("base64");
  return data;
}

// src/engines/kubevirt/manifests/cdroms.ts
var DEFAULT_LABEL = "packer";
function renderCdromSecrets(ctx, scope) {
  const result = { objects: [], secrets: /* @__PURE__ */ new Map() };
  scope.vm.cdroms.forEach((cdrom, i) => {
    if (!cdrom.files) return;
    const files = ctx.inputs.cdromFiles.get(cdromKey(scope.layer.name, scope.vm.name, cdrom.name));
    if (!files) {
      reportVmProblem(ctx, scope, `cdroms.${i}.files`, "the files of this cdrom were not read before rendering");
      return;
    }
    const label = cdrom.label ?? DEFAULT_LABEL;
    if (label.length > 32) reportVmProblem(ctx, scope, `cdroms.${i}.label`, `label '${label}' is longer than the 32 characters of an ISO volume label`);
    const secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: objectMeta(ctx, scope.names.cdrom(cdrom.name), "cdrom", scope),
      type: "Opaque",
      data: secretData(keyFiles(files))
    };
    result.objects.push({
      object: secret,
      step: "prepare",
      owner: { kind: "run" },
      vm: `${scope.layer.name}/${scope.vm.name}`,
      note: `files of cdrom ${cdrom.name} (label ${label}): ${files.map((f) => f.path).join(", ")}`
    });
    result.secrets.set(cdrom.name, { secretName: secret.metadata.name, label });
  });
  return result;
}

// src/engines/kubevirt/manifests/export.ts
function renderExport(ctx, scope) {
  const { names } = scope;
  const where = `${scope.layer.name}/${scope.vm.name}`;
  const token = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: objectMeta(ctx, names.exportToken, "export-token", scope),
    type: "Opaque",
    data: { token: Buffer.from(ctx.options.exportToken(where), "utf8").toString("base64") }
  };
  let source;
  switch (ctx.options.capture.mode) {
    case "clone":
      source = { kind: "PersistentVolumeClaim", name: names.output };
      break;
    case "volume-snapshot":
      source = { kind: "PersistentVolumeClaim", name: names.rootDisk };
      break;
    case "vm-snapshot":
      source = { apiGroup: "snapshot.kubevirt.io", kind: "VirtualMachineSnapshot", name: names.output };
      break;
  }
  const exportObject = {
    apiVersion: `export.kubevirt.io/${ctx.options.exportApiVersion}`,
    kind: "VirtualMachineExport",
    metadata: objectMeta(ctx, names.export, "export", scope),
    spec: { source, tokenSecretRef: names.exportToken, ttlDuration: ctx.options.exportTtl }
  };
  return [
    { object: token, step: "export", owner: { kind: "run" }, vm: where, note: `token of the export of ${where}` },
    { object: exportObject, step: "export", owner: { kind: "run" }, vm: where, note: `export of ${where}'s output (raw or gzip, by port-forward)` }
  ];
}

// src/engines/kubevirt/manifests/network.ts
var LOGICAL_SWITCH_ANNOTATION = "ovn.kubernetes.io/logical_switch";
var IP_ADDRESS_ANNOTATION = "ovn.kubernetes.io/ip_address";
var KUBE_OVN_DAEMON_SOCKET = "/run/openvswitch/kube-ovn-daemon.sock";
function subnetUses(ctx) {
  const uses = /* @__PURE__ */ new Map();
  for (const vpc of ctx.build.network.vpcs) {
    for (const subnet of vpc.subnets) uses.set(subnet.name, { vpc, subnet, primary: false, secondary: false });
  }
  for (const { vm } of vmScopes(ctx)) {
    vm.nics.forEach((nic, i) => {
      const use = nic.subnet === void 0 ? void 0 : uses.get(nic.subnet);
      if (!use) return;
      if (i === 0) use.primary = true;
      else use.secondary = true;
    });
  }
  return uses;
}
function attachmentProvider(ctx, subnet) {
  return `${ctx.names.networkAttachment(subnet)}.${ctx.options.namespace}.ovn`;
}
function renderNetwork(ctx) {
  const out = [];
  const uses = subnetUses(ctx);
  for (const vpc of ctx.build.network.vpcs) {
    const vpcName = ctx.names.vpc(vpc.name);
    const vpcObject = {
      apiVersion: "kubeovn.io/v1",
      kind: "Vpc",
      metadata: objectMeta(ctx, vpcName, "vpc", void 0, { clusterScoped: true }),
      spec: { namespaces: [ctx.options.namespace] }
    };
    out.push({ object: vpcObject, step: "network", owner: { kind: "none" }, note: `VPC ${vpc.name}` });
    for (const subnet of vpc.subnets) {
      const use = uses.get(subnet.name);
      const spec = {
        vpc: vpcName,
        cidrBlock: subnet.cidr,
        protocol: subnet.cidr.includes(":") ? "IPv6" : "IPv4"
      };
      if (use?.secondary && !use.primary) spec.provider = attachmentProvider(ctx, subnet.name);
      const subnetObject = {
        apiVersion: "kubeovn.io/v1",
        kind: "Subnet",
        metadata: objectMeta(ctx, ctx.names.subnet(subnet.name), "subnet", void 0, { clusterScoped: true }),
        spec
      };
      out.push({ object: subnetObject, step: "network", owner: { kind: "vpc", name: vpcName }, note: `subnet ${subnet.name} (${subnet.cidr}) of VPC ${vpc.name}` });
    }
    const [firstSubnet] = vpc.subnets;
    if (firstSubnet && vpc.internet) {
      const gateway = {
        apiVersion: "kubeovn.io/v1",
        kind: "VpcEgressGateway",
        metadata: objectMeta(ctx, ctx.names.egressGateway(vpc.name), "egress-gateway"),
        spec: {
          vpc: vpcName,
          replicas: 1,
          externalSubnet: ctx.options.egressExternalSubnet,
          internalSubnet: ctx.names.subnet(firstSubnet.name),
          // Pinned above the VMs' and helpers' addresses (subnet-addresses.ts): unpinned, its pod would take the first VM's.
          internalIPs: [formatIpv4(egressGatewayAddress(ctx.build, firstSubnet.name))],
          policies: [{ snat: true, subnets: vpc.subnets.map((s) => ctx.names.subnet(s.name)) }]
        }
      };
      out.push({
        object: gateway,
        step: "network",
        owner: { kind: "run" },
        note: `egress of VPC ${vpc.name}: internet (1 replica)`
      });
    }
  }
  for (const use of uses.values()) {
    if (!use.secondary) continue;
    const nad = {
      apiVersion: "k8s.cni.cncf.io/v1",
      kind: "NetworkAttachmentDefinition",
      metadata: objectMeta(ctx, ctx.names.networkAttachment(use.subnet.name), "network-attachment"),
      spec: {
        config: JSON.stringify({
          cniVersion: "0.3.1",
          type: "kube-ovn",
          server_socket: KUBE_OVN_DAEMON_SOCKET,
          provider: attachmentProvider(ctx, use.subnet.name)
        })
      }
    };
    out.push({ object: nad, step: "network", owner: { kind: "run" }, note: `Multus attachment for second NICs on subnet ${use.subnet.name}` });
  }
  return out;
}
function vmNetworking(ctx, scope) {
  const result = { interfaces: [], networks: [], annotations: {} };
  const seenSecondary = /* @__PURE__ */ new Set();
  const addresses = scope.vm.nics.some((n) => n.subnet !== void 0) ? vmSubnetAddresses(ctx.build, scope.layer, scope.vm) : /* @__PURE__ */ new Map();
  scope.vm.nics.forEach((nic, i) => {
    const name = `nic${i}`;
    const address = addresses.get(i);
    const helpersFrom = nic.subnet === void 0 ? void 0 : lowestHelperAddress(ctx.build, nic.subnet);
    if (address && helpersFrom !== void 0 && parseIpv4(address) >= helpersFrom) {
      reportVmProblem(
        ctx,
        scope,
        `nics.${i}`,
        `subnet '${nic.subnet}' is too small: ${address} would be one of the addresses taken from its top for file-server and SSH jump pods (and an internet VPC's egress gateway); expected a larger CIDR`
      );
    }
    if (i === 0) {
      result.networks.push({ name, pod: {} });
      if (nic.subnet === void 0) {
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
    if (nic.subnet === void 0) {
      reportVmProblem(ctx, scope, `nics.${i}`, "only the first NIC can be on the default network (a VM has one pod network); give this NIC a subnet from network.vpcs");
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

// src/engines/kubevirt/manifests/file-server.ts
var HTTP_ROOT = "/srv/http";
var NOBODY = 65534;
function renderFileServer(ctx, scope, primarySubnet) {
  const files = ctx.inputs.http.get(vmKey(scope.layer.name, scope.vm.name));
  if (!files || files.length === 0) return void 0;
  const where = `${scope.layer.name}/${scope.vm.name}`;
  const keyed = keyFiles(files);
  const port = ctx.options.httpPort;
  const secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: objectMeta(ctx, scope.names.httpFiles, "http-files", scope),
    type: "Opaque",
    data: secretData(keyed)
  };
  const settings = vmSettings(ctx, scope);
  const spec = {
    ...helperPlacement(settings),
    restartPolicy: "Always",
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: 2,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: NOBODY,
      runAsGroup: NOBODY,
      seccompProfile: { type: "RuntimeDefault" }
    },
    containers: [
      {
        name: "httpd",
        image: httpServerImage(settings),
        command: ["busybox", "httpd", "-f", "-v", "-p", String(port), "-h", HTTP_ROOT],
        ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
        resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] }
        },
        volumeMounts: [{ name: "files", mountPath: HTTP_ROOT, readOnly: true }]
      }
    ],
    volumes: [
      {
        name: "files",
        secret: { secretName: secret.metadata.name, defaultMode: 292, items: keyed.map((f) => ({ key: f.key, path: f.path })) }
      }
    ]
  };
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: objectMeta(ctx, scope.names.httpServer, "http-server", scope, {
      annotations: primarySubnet ? { [LOGICAL_SWITCH_ANNOTATION]: primarySubnet, [IP_ADDRESS_ANNOTATION]: helperAddresses(ctx.build, scope.layer, scope.vm).fileServer } : {}
    }),
    spec
  };
  const list = files.map((f) => f.path).join(", ");
  return {
    port,
    objects: [
      { object: secret, step: "prepare", owner: { kind: "run" }, vm: where, note: `HTTP files of ${where}: ${list}` },
      { object: pod, step: "prepare", owner: { kind: "run" }, vm: where, note: `HTTP server of ${where} on port ${port} ({{ .HTTPIP }} is this pod's IP)` }
    ]
  };
}

// src/engines/kubevirt/manifests/run-inputs.ts
function ownerUidPlaceholder(kind, name) {
  return `<uid of ${kind} ${name}, set when it is created>`;
}
function isOwnerUidPlaceholder(uid) {
  return uid.startsWith("<uid of ");
}

// src/engines/kubevirt/manifests/run-root.ts
import path2 from "node:path";
function renderRunRoot(ctx, objects) {
  const clusterObjects = objects.filter((o) => o.object.metadata.namespace === void 0).map((o) => `${o.object.kind}/${o.object.metadata.name}`);
  const vms = ctx.build.layers.flatMap((l) => l.vms.map((vm) => `${l.name}/${vm.name}`));
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: objectMeta(ctx, ctx.names.root, "run"),
    data: {
      build: ctx.build.name,
      buildFile: path2.basename(ctx.build.file),
      runId: ctx.options.runId,
      vms: vms.join("\n"),
      clusterObjects: clusterObjects.join("\n")
    }
  };
}

// src/engines/kubevirt/manifests/ssh-jump.ts
var SSH_JUMP_PORT = 2222;
var NOBODY2 = 65534;
function renderSshJump(ctx, scope, primarySubnet) {
  const { vm } = scope;
  if (!primarySubnet || vm.communicator.type !== "ssh") return void 0;
  const target = vmSubnetAddresses(ctx.build, scope.layer, vm).get(0);
  const helpers = helperAddresses(ctx.build, scope.layer, vm);
  if (!target || !helpers) return void 0;
  const where = `${scope.layer.name}/${vm.name}`;
  const settings = vmSettings(ctx, scope);
  const spec = {
    ...helperPlacement(settings),
    restartPolicy: "Always",
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: 2,
    securityContext: { runAsNonRoot: true, runAsUser: NOBODY2, runAsGroup: NOBODY2, seccompProfile: { type: "RuntimeDefault" } },
    containers: [
      {
        name: "relay",
        image: sshJumpImage(settings),
        command: ["busybox", "nc", "-ll", "-p", String(SSH_JUMP_PORT), "-e", "busybox", "nc", target, String(vm.communicator.sshPort)],
        ports: [{ name: "ssh", containerPort: SSH_JUMP_PORT, protocol: "TCP" }],
        resources: { requests: { cpu: "10m", memory: "8Mi" }, limits: { memory: "32Mi" } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } }
      }
    ]
  };
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: objectMeta(ctx, scope.names.sshJump, "ssh-jump", scope, {
      annotations: { [LOGICAL_SWITCH_ANNOTATION]: primarySubnet, [IP_ADDRESS_ANNOTATION]: helpers.sshJump }
    }),
    spec
  };
  return {
    port: SSH_JUMP_PORT,
    object: {
      object: pod,
      step: "prepare",
      owner: { kind: "run" },
      vm: where,
      note: `SSH jump pod of ${where} on its custom-VPC subnet: relays port ${SSH_JUMP_PORT} to ${target}:${vm.communicator.sshPort} (KubeVirt's port-forward cannot reach custom VPCs)`
    }
  };
}

// src/engines/kubevirt/manifests/virtual-machine.ts
var INSTALL_ISO_DISK = "install-iso";
var CDROM_BUS = "sata";
function renderVirtualMachine(ctx, scope, parts) {
  const { vm } = scope;
  const devices = [];
  const volumes = [];
  const used = /* @__PURE__ */ new Set();
  const attach = (device, volume, field) => {
    if (used.has(device.name)) {
      reportVmProblem(ctx, scope, field, `the name '${device.name}' is used twice; KubeVirt needs one name per disk and cdrom${device.name === INSTALL_ISO_DISK ? ` ('${INSTALL_ISO_DISK}' is the installer ISO's)` : ""}`);
      return;
    }
    used.add(device.name);
    devices.push(device);
    volumes.push({ name: device.name, ...volume });
  };
  parts.disks.disks.forEach(({ disk, dataVolume: dataVolume2 }, i) => {
    attach({ name: disk.name, disk: { bus: disk.bus }, ...i === 0 ? { bootOrder: 1 } : {} }, { dataVolume: { name: dataVolume2 } }, `disks.${i}`);
  });
  if (parts.disks.installIso) {
    attach({ name: INSTALL_ISO_DISK, cdrom: { bus: CDROM_BUS, readonly: true }, bootOrder: 2 }, { dataVolume: { name: parts.disks.installIso } }, "source.iso");
  }
  vm.cdroms.forEach((cdrom, i) => {
    const bus = cdromBus(cdrom);
    const device = cdrom.type === "disk" ? { name: cdrom.name, disk: { bus, ...bus === "sata" ? {} : { readonly: true } } } : { name: cdrom.name, cdrom: { bus, readonly: true } };
    const fromFiles = parts.cdroms.secrets.get(cdrom.name);
    const fromIso = parts.disks.cdromIsos.get(cdrom.name);
    if (fromFiles) attach(device, { secret: { secretName: fromFiles.secretName, volumeLabel: fromFiles.label } }, `cdroms.${i}`);
    else if (fromIso) attach(device, { dataVolume: { name: fromIso } }, `cdroms.${i}`);
  });
  if (vm.qemuArgs && vm.qemuArgs.length > 0) {
    reportVmProblem(
      ctx,
      scope,
      "qemuArgs",
      "qemuArgs are for the local engine only: on KubeVirt, virt-launcher builds QEMU's command line from the VirtualMachine and takes no extra arguments; remove qemuArgs, or build with --engine local"
    );
  }
  if (vm.machineType === "pc") {
    reportVmProblem(ctx, scope, "machineType", "KubeVirt runs amd64 VMs on q35 only (its emulatedMachines default is q35*,pc-q35*); remove machineType: pc");
  }
  const memory = formatQuantity(vm.memoryBytes);
  const secureBoot = vm.efiFirmware?.secureBoot === true;
  const settings = vmSettings(ctx, scope);
  const instancetype = settings.instancetype;
  if (instancetype) checkInstancetypeConflicts(ctx, scope);
  const limit = quantityValue(settings.resources?.limits?.memory);
  if (!instancetype && limit !== void 0 && limit < vm.memoryBytes) {
    reportSettingProblem(
      ctx,
      scope,
      "resources",
      "limits.memory",
      `the memory limit ${settings.resources.limits.memory} is below the VM's memory ${memory}; KubeVirt refuses a guest larger than its limit \u2014 raise the limit or lower memory`
    );
  }
  const resources = {
    ...instancetype ? {} : { requests: { memory, ...settings.resources?.requests } },
    ...settings.resources?.limits && Object.keys(settings.resources.limits).length > 0 ? { limits: { ...settings.resources.limits } } : {}
  };
  const cpu = {
    ...instancetype ? {} : { cores: vm.cpu, sockets: 1, threads: 1 },
    ...vm.cpuModel ? { model: vm.cpuModel === "host" ? "host-passthrough" : vm.cpuModel } : {}
  };
  const object = {
    apiVersion: "kubevirt.io/v1",
    kind: "VirtualMachine",
    metadata: objectMeta(ctx, scope.names.vm, "vm", scope),
    spec: {
      runStrategy: "Once",
      ...instancetype ? { instancetype: { name: instancetype.name, kind: instancetype.kind } } : {},
      ...settings.preference ? { preference: { name: settings.preference.name, kind: settings.preference.kind } } : {},
      template: {
        metadata: {
          labels: runLabels({ build: ctx.build.name, runId: ctx.options.runId, layer: scope.layer.name, vm: vm.name }, "vm"),
          ...Object.keys(parts.networking.annotations).length > 0 ? { annotations: parts.networking.annotations } : {}
        },
        spec: {
          hostname: vm.name,
          terminationGracePeriodSeconds: Math.max(1, Math.ceil(vm.shutdownTimeout / 1e3)),
          ...settings.nodeSelector && Object.keys(settings.nodeSelector).length > 0 ? { nodeSelector: { ...settings.nodeSelector } } : {},
          ...settings.tolerations && settings.tolerations.length > 0 ? { tolerations: settings.tolerations.map((t) => ({ ...t })) } : {},
          ...settings.affinity ? { affinity: structuredClone(settings.affinity) } : {},
          domain: {
            machine: { type: "q35" },
            ...Object.keys(cpu).length > 0 ? { cpu } : {},
            ...instancetype ? {} : { memory: { guest: memory } },
            ...Object.keys(resources).length > 0 ? { resources } : {},
            firmware: { bootloader: vm.efiFirmware ? { efi: { secureBoot } } : { bios: {} } },
            features: secureBoot ? { acpi: {}, smm: { enabled: true } } : { acpi: {} },
            devices: {
              autoattachGraphicsDevice: true,
              autoattachSerialConsole: true,
              logSerialConsole: true,
              disks: devices,
              interfaces: parts.networking.interfaces
            }
          },
          networks: parts.networking.networks,
          volumes
        }
      }
    }
  };
  return {
    object,
    step: "start",
    owner: { kind: "run" },
    vm: `${scope.layer.name}/${vm.name}`,
    note: `the build VM ${scope.layer.name}/${vm.name}`
  };
}
function checkInstancetypeConflicts(ctx, scope) {
  const settings = vmSettings(ctx, scope);
  const name = settings.instancetype.name;
  const positions = scope.vm.positions ?? {};
  for (const field of ["cpu", "memory"]) {
    if (!positions[field]) continue;
    reportVmProblem(
      ctx,
      scope,
      field,
      `${field} conflicts with the instance type ${name} (kubevirt.instancetype): KubeVirt refuses a VM that sets ${field === "cpu" ? "domain.cpu.cores" : "domain.memory.guest"} besides an instance type; remove ${field}, or the instance type`
    );
  }
  for (const which of ["requests", "limits"]) {
    for (const res of ["cpu", "memory"]) {
      if (settings.resources?.[which]?.[res] === void 0) continue;
      reportSettingProblem(ctx, scope, "resources", `${which}.${res}`, `resources.${which}.${res} conflicts with the instance type ${name}, which sets the VM's ${res}; remove it, or the instance type`);
    }
  }
}

// src/engines/kubevirt/manifests/render.ts
function renderBuild(build, inputs, options, run = {}) {
  const ctx = renderContext(build, options, inputs, run);
  const objects = [...renderNetwork(ctx)];
  const vms = [];
  const publish = [];
  const keep = [];
  const scopes = vmScopes(ctx);
  for (const [layerIndex] of build.layers.entries()) {
    const layerScopes = scopes.filter((s) => s.layerIndex === layerIndex);
    const captures = [];
    const exports = [];
    for (const scope of layerScopes) {
      const networking = vmNetworking(ctx, scope);
      const disks = renderVmDisks(ctx, scope);
      const cdroms = renderCdromSecrets(ctx, scope);
      const fileServer = renderFileServer(ctx, scope, networking.primarySubnet);
      const sshJump = renderSshJump(ctx, scope, networking.primarySubnet);
      objects.push(...disks.objects, ...cdroms.objects, ...fileServer?.objects ?? [], ...sshJump ? [sshJump.object] : []);
      objects.push(renderVirtualMachine(ctx, scope, { disks, cdroms, networking }));
      const capture = renderCapture(ctx, scope, disks.rootSizeBytes);
      captures.push(capture.object);
      exports.push(...renderExport(ctx, scope));
      vms.push({
        layer: scope.layer.name,
        vm: scope.vm.name,
        names: scope.names,
        ...fileServer ? { httpPort: fileServer.port } : {},
        ...sshJump ? { sshJump: { pod: sshJump.object.object.metadata.name, port: sshJump.port } } : {},
        output: capture.output
      });
      const kept = renderKeepStep(ctx, scope, capture.output);
      if (kept) keep.push(kept);
      const published = renderPublish(ctx, scope, capture.output);
      if (published) publish.push(published);
    }
    objects.push(...captures, ...exports);
  }
  checkUniqueNames(ctx, objects);
  if (ctx.problems.length > 0) throw new BuildFileError(ctx.problems);
  const root = renderRunRoot(ctx, objects);
  const mirrorWarnings = unusedMirrorWarnings(build);
  for (const o of objects) setOwnerReference(ctx, o);
  return {
    namespace: options.namespace,
    runId: options.runId,
    root,
    objects: [{ object: root, step: "run", owner: { kind: "none" }, note: `root of run ${options.runId}: owns the run's namespaced objects` }, ...objects],
    vms,
    keep,
    publish,
    ...mirrorWarnings.length > 0 ? { warnings: mirrorWarnings } : {},
    rerender: (next) => renderBuild(build, inputs, options, next)
  };
}
function renderKeepStep(ctx, scope, output) {
  if (output.kind === "VirtualMachineSnapshot") return void 0;
  const key = `${scope.layer.name}/${scope.vm.name}`;
  const source = { kind: output.kind, namespace: ctx.options.namespace, name: output.name };
  const sbomScope = { build: ctx.build.name, layer: scope.layer.name, vm: scope.vm.name };
  const given = ctx.run.kept?.get(key);
  if (given) return renderKeep(key, source, sbomScope, keepOutputPatch(given.facts), given.facts.sha256, given.sbom);
  const { format, compress, sbom } = scope.vm.output;
  const patch = keepOutputPatchPlaceholder({ runId: ctx.options.runId, format, compressed: format === "qcow2" && compress, ...sbom ? { sbom: sbomConfigMapName(output.name) } : {} });
  return renderKeep(key, source, sbomScope, patch, SHA256_PLACEHOLDER, sbom ? { document: SBOM_DOCUMENT_PLACEHOLDER, ownerUid: ownerUidPlaceholder(output.kind, output.name) } : void 0);
}
function renderPublish(ctx, scope, output) {
  const ds = scope.vm.output.dataSource;
  if (!ds) return void 0;
  const key = `${scope.layer.name}/${scope.vm.name}`;
  const golden = { build: ctx.build.name, layer: scope.layer.name, vm: scope.vm.name };
  const given = ctx.run.published?.get(key);
  if (given) return renderGoldenPublish(key, ds, golden, given);
  if (output.kind === "VirtualMachineSnapshot") {
    reportVmProblem(
      ctx,
      scope,
      "output.dataSource",
      "a DataSource points at a PVC or a VolumeSnapshot, but this build keeps outputs as VirtualMachineSnapshots (vm-snapshot capture); use the clone or volume-snapshot capture"
    );
    return void 0;
  }
  const source = { kind: output.kind, namespace: ctx.options.namespace, name: output.name };
  return renderGoldenPublish(key, ds, golden, {
    source,
    sha256: SHA256_PLACEHOLDER,
    ...scope.vm.output.sbom ? { sbom: { document: SBOM_DOCUMENT_PLACEHOLDER, ownerUid: ownerUidPlaceholder(output.kind, output.name) }, sbomConfigMap: sbomConfigMapName(output.name) } : {}
  });
}
function setOwnerReference(ctx, o) {
  const owner = o.owner;
  if (owner.kind === "none") return;
  const created = owner.kind === "run" ? ctx.run.owners?.run : ctx.run.owners?.vpcs?.get(owner.name);
  const ref = owner.kind === "run" ? { apiVersion: "v1", kind: "ConfigMap", name: ctx.names.root } : { apiVersion: "kubeovn.io/v1", kind: "Vpc", name: owner.name };
  o.object.metadata.ownerReferences = [ownerReference(created ?? { ...ref, uid: ownerUidPlaceholder(ref.kind, ref.name) })];
}
function checkUniqueNames(ctx, objects) {
  const seen = /* @__PURE__ */ new Map();
  const scopes = vmScopes(ctx);
  const reported = /* @__PURE__ */ new Set();
  for (const o of objects) {
    const key = `${o.object.kind}/${o.object.metadata.namespace ?? ""}/${o.object.metadata.name}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, o);
      continue;
    }
    const pair = `${first.vm ?? first.note}|${o.vm ?? o.note}`;
    if (reported.has(pair)) continue;
    reported.add(pair);
    const message = `${first.note} and ${o.note} would both be the ${o.object.kind} '${o.object.metadata.name}'; rename a layer or VM so their names joined with '-' differ`;
    const scope = scopes.find((s) => `${s.layer.name}/${s.vm.name}` === o.vm);
    if (scope) reportVmProblem(ctx, scope, "name", message);
    else ctx.problems.push({ file: ctx.build.file, line: 1, column: 1, path: "", message: `kubevirt engine: ${message}` });
  }
}
function defaultRunId(buildFileText, variables) {
  return stableRunId(JSON.stringify([buildFileText, Object.entries(variables).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)]));
}

// src/engines/kubevirt/manifests/to-yaml.ts
var import_yaml = __toESM(require_dist(), 1);
var STEP_NOTES = {
  run: "created first",
  network: "created before any VM",
  prepare: "created before the VM",
  start: "created to start the VM",
  capture: "created after the VM shut down",
  export: "created to take the output out of the cluster",
  keep: "sent once the layer succeeded, when the build keeps layers",
  publish: "sent once the output is downloaded"
};
function redacted(object) {
  if (object.kind !== "Secret" || !("data" in object) || !object.data) return object;
  const copy = structuredClone(object);
  if ("data" in copy && copy.data) for (const key of Object.keys(copy.data)) copy.data[key] = "REDACTED";
  return copy;
}
function objectToYaml(rendered, options = {}) {
  const object = options.redactSecrets ? redacted(rendered.object) : rendered.object;
  const comment = `# ${rendered.step}: ${rendered.note} (${STEP_NOTES[rendered.step]})
`;
  return comment + (0, import_yaml.stringify)(object, { lineWidth: 0, minContentWidth: 0 });
}
function patchToYaml(p, when, step) {
  const body = JSON.stringify(p.patch).replace(/'/g, "'\\''");
  return `# ${step}: ${p.note} (${when})
# kubectl patch ${p.target.kind.toLowerCase()} ${p.target.name} -n ${p.target.namespace} --type merge -p '${body}'
`;
}
function commentedObjectToYaml(object, step, note, options = {}) {
  const yaml = (0, import_yaml.stringify)(options.redactSecrets ? redacted(object) : object, { lineWidth: 0, minContentWidth: 0 });
  const lines = yaml.trimEnd().split("\n");
  return `# ${step}: ${note} (${STEP_NOTES[step]}; it outlives the run, so it is not applied with it)
${lines.map((l) => `#> ${l}`).join("\n")}
`;
}
function renderedToYaml(build, options = {}) {
  const docs = build.objects.map((o) => objectToYaml(o, options));
  let after = "";
  for (const k of build.keep) {
    if (k.sbom) after += commentedObjectToYaml(k.sbom, "keep", `SBOM of the output of ${k.vm}, owned by it (the publish step creates it when the build keeps no layers)`, options);
    after += patchToYaml(k.patch, STEP_NOTES.keep, "keep");
  }
  for (const p of build.publish) {
    for (const x of p.patches) after += patchToYaml(x, STEP_NOTES.publish, "publish");
    after += commentedObjectToYaml(p.object, "publish", `DataSource ${p.dataSource.name}: the golden image, the output of ${p.vm}`, options);
    after += patchToYaml(p.refresh, "sent instead of the create above when it exists", "publish");
    after += patchToYaml(p.release, "sent after the DataSource is Ready", "publish");
  }
  if (after && docs.length > 0) docs[docs.length - 1] += after;
  return docs.map((doc) => `---
${doc}`).join("");
}

export {
  isOwnerUidPlaceholder,
  SECRET_DATA_LIMIT,
  collectLocalInputs,
  ownerReference,
  resolveOwner,
  withOwner,
  renderBuild,
  defaultRunId,
  objectToYaml,
  renderedToYaml
};
