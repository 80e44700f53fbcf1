#!/usr/bin/env node
import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  ApiException,
  KubeConfig,
  ObjectApisApi,
  ObjectAuthorizationV1Api,
  ObjectCoreApi,
  ObjectCoreV1Api,
  ObjectCustomObjectsApi,
  ObjectStorageV1Api,
  require_extension,
  require_permessage_deflate,
  require_receiver,
  require_sender,
  require_stream,
  require_subprotocol,
  require_websocket,
  require_websocket_server
} from "../shared/chunk-V7EXY3WP.js";
import {
  runBuild
} from "../shared/chunk-U3DFV4YO.js";
import "../shared/chunk-MJRXNEEZ.js";
import {
  LocalEngine
} from "../shared/chunk-CJING4X3.js";
import "../shared/chunk-52SPTES6.js";
import "../shared/chunk-BZYUJOKX.js";
import "../shared/chunk-U4DSBIX5.js";
import "../shared/chunk-7DLQYBTU.js";
import "../shared/chunk-QN5OQPXW.js";
import {
  KEYSYM_NAMES,
  KEY_INTERVAL_ENV,
  formatGoDurationNanos,
  planBootCommand,
  resolveKeyInterval
} from "../shared/chunk-WE3FYFX2.js";
import {
  convertDisk
} from "../shared/chunk-MT7HJN33.js";
import "../shared/chunk-PEAZQISJ.js";
import {
  FORMATS,
  buildSpec,
  formatQuantity,
  loadBuild,
  parseQuantity
} from "../shared/chunk-3RMJ3RQ4.js";
import {
  require_dist
} from "../shared/chunk-XO4KZTKR.js";
import {
  ProgressReporter
} from "../shared/chunk-4A36UFLR.js";
import {
  publishContainerDisk
} from "../shared/chunk-BDYFBXCG.js";
import "../shared/chunk-WVXTUGLW.js";
import {
  formatGoDuration
} from "../shared/chunk-2GA4PUSK.js";
import {
  package_default
} from "../shared/chunk-BD4KSRWD.js";
import {
  BuildFileError,
  LineLogger,
  SecretMasker,
  UsageError,
  UserError,
  __toESM,
  formatBytes,
  formatProblem,
  formatProgress,
  sleep
} from "../shared/chunk-DYVWKAGB.js";

// src/cli/main.ts
import os2 from "node:os";

// src/core/bootcommand/actions.ts
var ACTION_NAMES = { press: "Press", on: "On", off: "Off" };
function formatPackerAst(action) {
  switch (action.kind) {
    case "wait":
      return `Wait<${formatGoDurationNanos(action.nanos)}>`;
    case "literal":
      return `LIT-${ACTION_NAMES[action.action]}(${action.char})`;
    case "special":
      return `Spec-${ACTION_NAMES[action.action]}(${action.key})`;
  }
}

// src/core/bootcommand/describe.ts
var INVISIBLE = /^[\p{C}\p{Z}]$/u;
var ESCAPES = { "\n": "\\n", "\r": "\\r", "	": "\\t", " ": " " };
function keysymName(keysym) {
  const named = KEYSYM_NAMES.get(keysym);
  if (named) return named;
  if (keysym > 1114111 || keysym >= 55296 && keysym <= 57343) return `0x${keysym.toString(16)}`;
  const char = String.fromCodePoint(keysym);
  const quoted = INVISIBLE.test(char) ? ESCAPES[char] ?? `\\u{${keysym.toString(16)}}` : char;
  return keysym > 255 ? `U+${keysym.toString(16).toUpperCase().padStart(4, "0")} '${quoted}'` : `'${quoted}'`;
}
function describeKeyEvent(event) {
  if ("wait" in event) {
    return `wait    ${formatGoDurationNanos(BigInt(Math.round(event.wait * 1e6)))}`;
  }
  const verb = event.down ? "press" : "release";
  return `${verb.padEnd(7)} ${keysymName(event.key).padEnd(14)} 0x${event.key.toString(16).padStart(4, "0")}`;
}

// src/cli/commands/boot-command.ts
var usage = `Usage: ruddervirt boot-command [--json | --ast] [--] TEXT...

Shows the key events a boot command sends to the VM's VNC console, by Packer's rules: the
grammar of <enter>, <leftCtrlOn>, <wait10s>, <fon> \u2026, Shift around upper-case letters and
~!@#$%^&*()_+{}|:"<>?, one pause of the key interval after every key event.

Each TEXT is one boot_command element; they are joined with nothing in between before parsing,
exactly as Packer does (so "<ent" "er>" is an <enter>). Quote TEXT for your shell.

Options:
  --json   one JSON object per line, in order: {"key": <X11 keysym>, "down": true|false}
           or {"wait": <milliseconds, may be fractional>}
  --ast    the parsed tokens in the notation of Packer's own tests (LIT-Press(a), Spec-On(leftctrl),
           Wait<1m30s>)
  --       end of options (for a TEXT that starts with "--")

Without an option, one line per event ("press Shift_L", "release 'a'", "wait 1m30s") and a
summary with the typing time at the key interval (${KEY_INTERVAL_ENV} or 100ms; a build file's
bootKeyInterval overrides both). A boot command Packer would refuse (a wait that is not positive)
exits 1 with the reason.

Examples:
  ruddervirt boot-command '<esc><wait>' 'auto url=http://10.0.2.2:8000/preseed.cfg<enter>'
  ruddervirt boot-command --json 'AbC<leftCtrlOn>c<leftCtrlOff><wait1m30s>'
`;
function parseArguments(args) {
  let format = "listing";
  const texts = [];
  let optionsEnded = false;
  for (const arg of args) {
    if (!optionsEnded && (arg === "--help" || arg === "-h")) return "help";
    if (!optionsEnded && arg === "--") optionsEnded = true;
    else if (!optionsEnded && (arg === "--json" || arg === "--ast")) {
      const wanted = arg === "--json" ? "json" : "ast";
      if (format !== "listing" && format !== wanted) throw new UsageError("--json and --ast cannot be combined");
      format = wanted;
    } else if (!optionsEnded && arg.startsWith("--")) {
      throw new UsageError(`unknown option '${arg}' (a TEXT starting with "--" goes after --)`);
    } else texts.push(arg);
  }
  if (texts.length === 0) throw new UsageError("expected at least one TEXT (the boot command)");
  return { format, texts };
}
function jsonLine(event) {
  return "wait" in event ? JSON.stringify({ wait: event.wait }) : JSON.stringify({ key: event.key, down: event.down });
}
function summary(plan, intervalMs) {
  const keyEvents = plan.events.filter((e) => !("wait" in e)).length;
  const waitMs = plan.events.reduce((sum, e) => sum + ("wait" in e ? e.wait : 0), 0);
  const waits = plan.events.length - keyEvents;
  const totalNs = BigInt(Math.round((waitMs + keyEvents * intervalMs) * 1e6));
  const interval = formatGoDurationNanos(BigInt(Math.round(intervalMs * 1e6)));
  return `-- ${keyEvents} key event${keyEvents === 1 ? "" : "s"}, ${waits} wait${waits === 1 ? "" : "s"}: ${formatGoDurationNanos(totalNs)} to type at a ${interval} key interval`;
}
var bootCommandCommand = {
  name: "boot-command",
  summary: "Show the key events a boot command types (Packer grammar)",
  usage,
  async run(args, io) {
    const parsed = parseArguments(args);
    if (parsed === "help") {
      io.stdout.write(usage);
      return 0;
    }
    const { format, texts } = parsed;
    const plan = planBootCommand(texts, { elementLabel: (i) => `argument ${i + 1}` });
    const lines = format === "json" ? plan.events.map(jsonLine) : format === "ast" ? plan.tokens.map(formatPackerAst) : [...plan.events.map(describeKeyEvent), summary(plan, resolveKeyInterval({ env: io.env }))];
    io.stdout.write(lines.map((l) => l + "\n").join(""));
    return 0;
  }
};

// src/cli/commands/build.ts
import path8 from "node:path";

// src/core/pipeline/layer-cache.ts
import { constants } from "node:fs";
import { copyFile, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
function defaultCacheRoot(env = process.env) {
  return env.RUDDERVIRT_CACHE_DIR ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "ruddervirt");
}
var LayerCache = class {
  constructor(root) {
    this.root = root;
  }
  root;
  dir(key) {
    return path.join(this.root, "layers", key);
  }
  async lookup(key) {
    try {
      const entry = JSON.parse(await readFile(path.join(this.dir(key), "entry.json"), "utf8"));
      return entry.key === key ? entry : void 0;
    } catch {
      return void 0;
    }
  }
  /** Copies a cached layer's images into `outputDir`; returns them as build outputs. */
  async restore(entry, outputDir) {
    const outputs = [];
    for (const o of entry.outputs) {
      const image = path.join(outputDir, o.file);
      await copyFile(path.join(this.dir(entry.key), o.file), image, constants.COPYFILE_FICLONE);
      const checksumFile = `${image}.sha256`;
      await writeFile(checksumFile, `${o.sha256}  ${o.file}
`);
      outputs.push({ layer: entry.layer, vm: o.vm, image, format: o.format, compressed: o.compressed, bytes: o.bytes, sha256: o.sha256, checksumFile, reused: true });
    }
    return outputs;
  }
  async store(key, layer, outputs) {
    const dir = this.dir(key);
    const staging = `${dir}.tmp-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    try {
      const entry = { key, layer, createdAt: (/* @__PURE__ */ new Date()).toISOString(), outputs: [] };
      for (const o of outputs) {
        const file = path.basename(o.image);
        await copyFile(o.image, path.join(staging, file), constants.COPYFILE_FICLONE);
        entry.outputs.push({ vm: o.vm, file, format: o.format, compressed: o.compressed, bytes: o.bytes, sha256: o.sha256 });
      }
      await writeFile(path.join(staging, "entry.json"), JSON.stringify(entry, null, 2) + "\n");
      await rm(dir, { recursive: true, force: true });
      await rename(staging, dir);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
};

// src/core/pipeline/summary.ts
function formatBuildSummary(result, formatBytes2) {
  const lines = ["", `Build ${result.status}.`, ""];
  const byVm = /* @__PURE__ */ new Map();
  for (const p of result.phases) byVm.set(p.vm, [...byVm.get(p.vm) ?? [], p]);
  for (const [vm, phases] of byVm) {
    lines.push(`  ${vm}`);
    const width = Math.max(...phases.map((p) => p.phase.length));
    for (const p of phases) {
      const took = p.status === "skipped" ? "" : formatGoDuration(Math.round(p.durationMs / 100) * 100);
      lines.push(`    ${p.phase.padEnd(width)}  ${p.status.padEnd(9)} ${took}${p.status === "failed" && p.detail ? `  ${p.detail}` : ""}`);
    }
  }
  if (result.outputs.length > 0) {
    lines.push("", "  outputs:");
    for (const o of result.outputs) lines.push(`    ${o.image}  ${formatBytes2(o.bytes)}  sha256:${o.sha256}${o.reused ? "  (reused)" : ""}`);
  }
  lines.push(`  manifest: ${result.manifest}`, "");
  return lines.join("\n");
}

// src/engines/kubevirt/engine.ts
import { readFileSync as readFileSync3 } from "node:fs";
import path7 from "node:path";

// src/engines/kubevirt/api-calls.ts
var calls = (group, resource, verbs, scope, feature, why, subresource) => verbs.map((verb) => ({ verb, group, resource, ...subresource ? { subresource } : {}, scope, feature, why }));
var CDI_NAMESPACE = "cdi";
var API_CALLS = [
  // The run.
  ...calls("", "configmaps", ["create", "get", "list", "delete"], "namespace", "core", "the run root object (owner of the run), found by label for cleanup"),
  // Secrets are written, never read: we know what we put in them.
  ...calls("", "secrets", ["create", "delete"], "namespace", "core", "cdrom files, HTTP files and export tokens"),
  ...calls("", "events", ["list"], "namespace", "core", "explaining why an import, pod or VM is stuck"),
  ...calls("", "persistentvolumeclaims", ["get", "list", "watch"], "namespace", "core", "disk status and sizes"),
  ...calls("", "pods", ["get", "list", "watch"], "namespace", "core", "virt-launcher and importer pods: status and addresses"),
  ...calls("", "pods", ["get"], "namespace", "core", "the guest's serial console log (guest-console-log container)", "log"),
  // Disks and the VM.
  ...calls("cdi.kubevirt.io", "datavolumes", ["create", "get", "list", "watch", "delete"], "namespace", "core", "disks: imports, blank disks, clones, uploads"),
  ...calls("kubevirt.io", "virtualmachines", ["create", "get", "list", "watch", "delete"], "namespace", "core", "the build VMs"),
  ...calls("kubevirt.io", "virtualmachineinstances", ["get", "list", "watch"], "namespace", "core", "VM phase, addresses, conditions"),
  ...calls("subresources.kubevirt.io", "virtualmachineinstances", ["get"], "namespace", "core", "typing boot commands over VNC", "vnc"),
  ...calls("subresources.kubevirt.io", "virtualmachineinstances", ["get"], "namespace", "core", "screenshots for step logs (not in kubevirt.io:edit since v1.9)", "vnc/screenshot"),
  ...calls("subresources.kubevirt.io", "virtualmachineinstances", ["get"], "namespace", "core", "the serial console", "console"),
  ...calls("subresources.kubevirt.io", "virtualmachineinstances", ["get"], "namespace", "core", "SSH to the guest through a port-forward", "portforward"),
  ...calls("subresources.kubevirt.io", "virtualmachines", ["update"], "namespace", "core", "starting a VM", "start"),
  ...calls("subresources.kubevirt.io", "virtualmachines", ["update"], "namespace", "core", "stopping a VM (ACPI, then forced)", "stop"),
  // The file server.
  ...calls("", "pods", ["create", "delete"], "namespace", "http-server", "the HTTP file server pod"),
  // Kube-OVN.
  ...calls("kubeovn.io", "vpcs", ["create", "get", "list", "delete"], "cluster", "network", "the build VPCs (cluster-scoped)"),
  ...calls("kubeovn.io", "subnets", ["create", "get", "list", "delete"], "cluster", "network", "the build subnets (cluster-scoped)"),
  ...calls("kubeovn.io", "vpc-egress-gateways", ["create", "get", "delete"], "namespace", "network", "internet access of a VPC (1 replica) or none (0)"),
  ...calls("k8s.cni.cncf.io", "network-attachment-definitions", ["create", "get", "delete"], "namespace", "secondary-nic", "Multus attachments for NICs after the first"),
  // Uploads of local disks and ISOs.
  ...calls("upload.cdi.kubevirt.io", "uploadtokenrequests", ["create"], "namespace", "upload", "a token for uploading a local disk or ISO"),
  ...calls("", "services", ["get"], "cdi-namespace", "upload", "finding the pods behind cdi-uploadproxy"),
  ...calls("", "pods", ["list"], "cdi-namespace", "upload", "finding the pods behind cdi-uploadproxy"),
  ...calls("", "pods", ["create", "get"], "cdi-namespace", "upload", "port-forward to cdi-uploadproxy (create for SPDY, get for websockets)", "portforward"),
  // Clones: CDI authorizes a clone by this check on the source's namespace.
  ...calls("cdi.kubevirt.io", "datavolumes", ["create"], "namespace", "clone", "cloning a disk (from: and the clone capture)", "source"),
  // Captures.
  ...calls("snapshot.storage.k8s.io", "volumesnapshots", ["create", "get", "delete"], "namespace", "volume-snapshot", "CSI snapshots of finished disks"),
  ...calls("snapshot.kubevirt.io", "virtualmachinesnapshots", ["create", "get", "delete"], "namespace", "vm-snapshot", "KubeVirt snapshots of finished VMs"),
  // Export.
  ...calls("export.kubevirt.io", "virtualmachineexports", ["create", "get", "delete"], "namespace", "export", "letting a finished disk leave the cluster"),
  ...calls("", "services", ["get"], "namespace", "export", "finding the export server pod (virt-export-<name>)"),
  ...calls("", "pods", ["create", "get"], "namespace", "export", "port-forward to the export server (create for SPDY, get for websockets)", "portforward"),
  // Waits are list + watch (never polling): on objects whose rows above lack those verbs.
  ...calls("", "configmaps", ["watch"], "namespace", "core", "waiting for the run root to be gone after cleanup"),
  ...calls("export.kubevirt.io", "virtualmachineexports", ["list", "watch"], "namespace", "export", "waiting for an export to be ready, and gone"),
  ...calls("snapshot.storage.k8s.io", "volumesnapshots", ["list", "watch"], "namespace", "volume-snapshot", "waiting for a snapshot to be ready, and gone"),
  ...calls("snapshot.kubevirt.io", "virtualmachinesnapshots", ["list", "watch"], "namespace", "vm-snapshot", "waiting for a snapshot to be ready, and gone"),
  ...calls("kubeovn.io", "vpcs", ["watch"], "cluster", "network", "waiting for the build VPCs to be gone after cleanup"),
  ...calls("kubeovn.io", "subnets", ["watch"], "cluster", "network", "waiting for the build subnets to be gone after cleanup"),
  ...calls("kubeovn.io", "vpc-egress-gateways", ["list", "watch"], "namespace", "network", "waiting for the egress gateways to be gone after cleanup"),
  ...calls("k8s.cni.cncf.io", "network-attachment-definitions", ["list", "watch"], "namespace", "secondary-nic", "waiting for the attachments to be gone after cleanup"),
  // What the cluster offers (optional: a refusal makes us assume less, it fails nothing).
  ...calls("snapshot.storage.k8s.io", "volumesnapshotclasses", ["list"], "cluster", "discovery", "whether CSI snapshots are possible"),
  ...calls("storage.k8s.io", "storageclasses", ["list"], "cluster", "discovery", "matching a snapshot class to the disks' storage class"),
  ...calls("kubevirt.io", "kubevirts", ["list"], "cluster", "discovery", "KubeVirt's settings: is emulation allowed"),
  ...calls("", "nodes", ["list"], "cluster", "discovery", "which nodes offer /dev/kvm (devices.kubevirt.io/kvm)"),
  ...calls("cdi.kubevirt.io", "cdiconfigs", ["get"], "cluster", "discovery", "where CDI publishes its upload proxy (CDIConfig status.uploadProxyURL); without it uploads port-forward")
];
var ALWAYS_ALLOWED_CALLS = [
  ...calls("authorization.k8s.io", "selfsubjectaccessreviews", ["create"], "cluster", "discovery", "checking our own permissions before a build")
];
var NON_RESOURCE_CALLS = [
  { verb: "get", path: "/api", why: "API discovery (core group)" },
  { verb: "get", path: "/api/*", why: "API discovery (core group)" },
  { verb: "get", path: "/apis", why: "API discovery (groups and versions)" },
  { verb: "get", path: "/apis/*", why: "API discovery (resources of a group)" }
];
function describeCall(call) {
  const resource = call.subresource ? `${call.resource}/${call.subresource}` : call.resource;
  return `${call.verb} ${call.group || "core"}/${resource}`;
}

// src/engines/kubevirt/capabilities.ts
var KUBEVIRT_VERSION = "v1.9.0";
var CDI_VERSION = "v1.66.0";
var KUBEVIRT_INSTALL = `install KubeVirt: kubectl apply -f https://github.com/kubevirt/kubevirt/releases/download/${KUBEVIRT_VERSION}/kubevirt-operator.yaml -f https://github.com/kubevirt/kubevirt/releases/download/${KUBEVIRT_VERSION}/kubevirt-cr.yaml (or run the setup-cluster action)`;
var CDI_INSTALL = `install CDI: kubectl apply -f https://github.com/kubevirt/containerized-data-importer/releases/download/${CDI_VERSION}/cdi-operator.yaml -f https://github.com/kubevirt/containerized-data-importer/releases/download/${CDI_VERSION}/cdi-cr.yaml`;
var REQUIRED_APIS = {
  core: [
    { group: "kubevirt.io", versions: ["v1"], what: "KubeVirt (kubevirt.io/v1)", fix: KUBEVIRT_INSTALL },
    { group: "subresources.kubevirt.io", versions: ["v1"], what: "KubeVirt's subresource API (VNC, console, port-forward)", fix: `virt-api is not serving: check the pods in the kubevirt namespace, or ${KUBEVIRT_INSTALL}` },
    { group: "cdi.kubevirt.io", versions: ["v1beta1"], what: "CDI (cdi.kubevirt.io/v1beta1) for disk imports", fix: CDI_INSTALL }
  ],
  export: [
    {
      group: "export.kubevirt.io",
      versions: ["v1", "v1beta1"],
      what: "VirtualMachineExport (export.kubevirt.io)",
      fix: `use KubeVirt ${KUBEVIRT_VERSION} (VMExport is GA), or add VMExport to spec.configuration.developerConfiguration.featureGates of the KubeVirt CR`
    }
  ],
  upload: [{ group: "upload.cdi.kubevirt.io", versions: ["v1beta1"], what: "CDI uploads (upload.cdi.kubevirt.io/v1beta1) for local disks and ISOs", fix: CDI_INSTALL }],
  network: [
    {
      group: "kubeovn.io",
      versions: ["v1"],
      resource: "vpc-egress-gateways",
      what: "Kube-OVN with VpcEgressGateway (v1.14 or later) for network.vpcs",
      fix: "install Kube-OVN v1.14 or later with Multus (see kubeovn/kube-ovn makefiles/kind.mk), or remove network from the build file"
    }
  ],
  "secondary-nic": [
    {
      group: "k8s.cni.cncf.io",
      versions: ["v1"],
      what: "Multus (k8s.cni.cncf.io/v1) for NICs after the first",
      fix: "install Multus v4 (https://github.com/k8snetworkplumbingwg/multus-cni), or give each VM one NIC"
    }
  ],
  "volume-snapshot": [
    {
      group: "snapshot.storage.k8s.io",
      versions: ["v1"],
      what: "CSI snapshots (snapshot.storage.k8s.io/v1)",
      fix: "install the external-snapshotter CRDs and controller (kubernetes-csi/external-snapshotter v8), or capture with clones"
    }
  ],
  "vm-snapshot": [
    {
      group: "snapshot.kubevirt.io",
      versions: ["v1beta1"],
      what: "VirtualMachineSnapshot (snapshot.kubevirt.io/v1beta1)",
      fix: `use KubeVirt ${KUBEVIRT_VERSION} (the Snapshot gate is on by default) or enable the Snapshot feature gate, or capture with clones`
    }
  ]
};
function buildFeatures(build) {
  const features = /* @__PURE__ */ new Set(["core", "export"]);
  if (build.network.vpcs.length > 0) features.add("network");
  for (const layer of build.layers) {
    for (const vm of layer.vms) {
      if (vm.httpDirectory !== void 0 || Object.keys(vm.httpContent ?? {}).length > 0) features.add("http-server");
      if (vm.nics.length > 1) features.add("secondary-nic");
      if (vm.source.kind === "path" || vm.cdroms.some((c) => c.iso !== void 0)) features.add("upload");
      if (vm.source.kind === "from") features.add("clone");
    }
  }
  return features;
}
function captureFeature(plan) {
  switch (plan.mode) {
    case "clone":
      return "clone";
    case "volume-snapshot":
      return "volume-snapshot";
    case "vm-snapshot":
      return "vm-snapshot";
  }
}
function serves(served, group, version) {
  return served.get(group)?.includes(version) ?? false;
}
function pickSnapshotClass(classes, storage, storageClass) {
  if (storage) {
    const target2 = storageClass !== void 0 ? storage.find((s) => s.name === storageClass) : storage.find((s) => s.isDefault);
    if (!target2) return void 0;
    const matching = classes.filter((c) => c.driver === target2.provisioner);
    return matching.find((c) => c.isDefault) ?? matching[0];
  }
  return classes.find((c) => c.isDefault) ?? (classes.length === 1 ? classes[0] : void 0);
}
async function inBatches(items, size, fn) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(...await Promise.all(items.slice(i, i + size).map(fn)));
  return out;
}
async function chooseCapture(client, request, served, warnings) {
  const asked = request.capture ?? { mode: "auto" };
  if (asked.mode !== "auto") return asked;
  if (!serves(served, "snapshot.storage.k8s.io", "v1")) return { mode: "clone" };
  const [classes, storage] = await Promise.all([client.volumeSnapshotClasses(), client.storageClasses()]);
  if (classes === void 0) {
    warnings.push("cannot list VolumeSnapshotClasses: outputs are kept as CDI clones");
    return { mode: "clone" };
  }
  const picked = pickSnapshotClass(classes, storage, request.storageClass);
  if (!picked) {
    if (classes.length > 0) warnings.push(`no VolumeSnapshotClass matches the disks' storage class: outputs are kept as CDI clones`);
    return { mode: "clone" };
  }
  return { mode: "volume-snapshot", snapshotClass: picked.name };
}
async function detectAccelerator(client, blockers, warnings) {
  const [nodes, emulation] = await Promise.all([client.kvmNodes(), client.kubeVirtEmulation()]);
  const emulationOn = emulation?.some(Boolean);
  if (nodes && nodes.withKvm > 0) return "kvm";
  if (nodes && nodes.withKvm === 0) {
    if (emulationOn) return "emulation";
    if (emulation !== void 0) {
      blockers.push({
        what: `none of the ${nodes.nodes} nodes offers /dev/kvm (devices.kubevirt.io/kvm) and KubeVirt's emulation is off, so no VM can start`,
        fix: `kubectl -n kubevirt patch kubevirt kubevirt --type merge -p '{"spec":{"configuration":{"developerConfiguration":{"useEmulation":true}}}}' (VMs then run under TCG, much slower)`
      });
      return "unknown";
    }
    warnings.push("no node offers /dev/kvm; VMs start only if KubeVirt has useEmulation on (the KubeVirt CR is not readable)");
    return "unknown";
  }
  if (emulationOn) return "kvm-or-emulation";
  warnings.push("cannot tell whether nodes offer KVM (listing nodes is not allowed); assuming they do");
  return "unknown";
}
async function discoverCapabilities(client, request) {
  const blockers = [];
  const warnings = [];
  const groups = await client.servedGroups();
  const served = new Map(groups.map((g) => [g.name, g.versions]));
  const capture = await chooseCapture(client, request, served, warnings);
  const features = new Set(request.features);
  features.add(captureFeature(capture));
  let exportApiVersion = "v1";
  for (const feature of features) {
    for (const api of REQUIRED_APIS[feature] ?? []) {
      const version = api.versions.find((v) => serves(served, api.group, v));
      if (!version) {
        blockers.push({ what: `${api.what} is not served`, fix: api.fix });
        continue;
      }
      if (api.group === "export.kubevirt.io") exportApiVersion = version;
      if (api.resource) {
        const resources = await client.servedResources(api.group, version);
        if (!resources?.includes(api.resource)) blockers.push({ what: `${api.what}: ${api.group}/${version} has no ${api.resource}`, fix: api.fix });
      }
    }
  }
  if (exportApiVersion === "v1beta1") warnings.push("export.kubevirt.io/v1 is not served; using the deprecated v1beta1 (KubeVirt before v1.9)");
  const accelerator = await detectAccelerator(client, blockers, warnings);
  const needed = API_CALLS.filter((c) => c.feature !== "discovery" && features.has(c.feature) && (c.group === "" || served.has(c.group)));
  const answers = await inBatches(needed, 8, async (call) => ({
    call,
    answer: await client.reviewAccess({
      ...call.scope === "namespace" ? { namespace: request.namespace } : call.scope === "cdi-namespace" ? { namespace: CDI_NAMESPACE } : {},
      verb: call.verb,
      group: call.group,
      resource: call.resource,
      ...call.subresource ? { subresource: call.subresource } : {}
    })
  }));
  const denied = answers.filter((a) => !a.answer.allowed);
  if (denied.length > 0) {
    const where = (c) => c.scope === "namespace" ? `in ${request.namespace}` : c.scope === "cdi-namespace" ? `in ${CDI_NAMESPACE}` : "cluster-wide";
    blockers.push({
      what: `not allowed to ${denied.map((d) => `${describeCall(d.call)} ${where(d.call)} (${d.call.why})`).join("; ")}`,
      fix: `grant the roles in docs/rbac.yaml (print them for this namespace with: ruddervirt render --rbac --namespace ${request.namespace})`
    });
  }
  return { served, exportApiVersion, capture, accelerator, features, blockers, warnings };
}
function assertBuildable(capabilities) {
  if (capabilities.blockers.length === 0) return;
  const lines = capabilities.blockers.map((b) => `- ${b.what}
  fix: ${b.fix}`);
  throw new UserError(`the cluster cannot run this build:
${lines.join("\n")}`);
}

// src/engines/kubevirt/cluster/abort-together.ts
async function allOrNothing(signal, tasks) {
  const failed2 = new AbortController();
  const shared = AbortSignal.any([signal, failed2.signal]);
  let first;
  const results = await Promise.allSettled(
    tasks.map(
      (task) => task(shared).catch((err) => {
        if (!first) {
          first = { error: err };
          failed2.abort(err instanceof Error ? err : new Error(String(err)));
        }
        throw err;
      })
    )
  );
  if (first) throw first.error;
  return results.map((r) => r.value);
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

// src/engines/kubevirt/cluster/resources.ts
var RESOURCES = {
  "/ConfigMap": { plural: "configmaps", namespaced: true },
  "/Secret": { plural: "secrets", namespaced: true },
  "/Pod": { plural: "pods", namespaced: true },
  "/Service": { plural: "services", namespaced: true },
  "/PersistentVolumeClaim": { plural: "persistentvolumeclaims", namespaced: true },
  "/Event": { plural: "events", namespaced: true },
  "cdi.kubevirt.io/DataVolume": { plural: "datavolumes", namespaced: true },
  "cdi.kubevirt.io/CDIConfig": { plural: "cdiconfigs", namespaced: false },
  "upload.cdi.kubevirt.io/UploadTokenRequest": { plural: "uploadtokenrequests", namespaced: true },
  "kubevirt.io/VirtualMachine": { plural: "virtualmachines", namespaced: true },
  "kubevirt.io/VirtualMachineInstance": { plural: "virtualmachineinstances", namespaced: true },
  "snapshot.storage.k8s.io/VolumeSnapshot": { plural: "volumesnapshots", namespaced: true },
  "snapshot.kubevirt.io/VirtualMachineSnapshot": { plural: "virtualmachinesnapshots", namespaced: true },
  "export.kubevirt.io/VirtualMachineExport": { plural: "virtualmachineexports", namespaced: true },
  "kubeovn.io/Vpc": { plural: "vpcs", namespaced: false },
  "kubeovn.io/Subnet": { plural: "subnets", namespaced: false },
  "kubeovn.io/VpcEgressGateway": { plural: "vpc-egress-gateways", namespaced: true },
  "k8s.cni.cncf.io/NetworkAttachmentDefinition": { plural: "network-attachment-definitions", namespaced: true }
};
function groupOf(apiVersion) {
  return apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
}
function resourceType(apiVersion, kind) {
  const type = RESOURCES[`${groupOf(apiVersion)}/${kind}`];
  if (!type) throw new Error(`internal: the kubevirt engine has no REST path for ${apiVersion} ${kind}`);
  return type;
}
function collectionPath(apiVersion, kind, namespace) {
  const type = resourceType(apiVersion, kind);
  const root = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  if (!type.namespaced) return `${root}/${type.plural}`;
  if (!namespace) throw new Error(`internal: ${kind} is namespaced; a namespace is needed`);
  return `${root}/namespaces/${encodeURIComponent(namespace)}/${type.plural}`;
}
function objectPath(ref, subresource) {
  return `${collectionPath(ref.apiVersion, ref.kind, ref.namespace)}/${encodeURIComponent(ref.name)}${subresource ? `/${subresource}` : ""}`;
}
function kubevirtSubresourcePath(namespace, resource, name, subresource) {
  return `/apis/subresources.kubevirt.io/v1/namespaces/${encodeURIComponent(namespace)}/${resource}/${encodeURIComponent(name)}/${subresource}`;
}
function describeRef(ref) {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}
function refOf(object) {
  return { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, ...object.metadata.namespace ? { namespace: object.metadata.namespace } : {} };
}

// src/engines/kubevirt/cluster/events.ts
function when(e) {
  return e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? "";
}
function formatEvents(events, limit) {
  return [...events].sort((a, b) => when(a) < when(b) ? -1 : when(a) > when(b) ? 1 : 0).slice(-limit).map((e) => {
    const count = e.series?.count ?? e.count ?? 1;
    const what = e.involvedObject?.kind && e.involvedObject.name ? `${e.involvedObject.kind} ${e.involvedObject.name}: ` : "";
    return `${what}${e.type ?? "Normal"} ${e.reason ?? ""}${count > 1 ? ` (x${count})` : ""}: ${(e.message ?? "").trim()}`;
  });
}
async function recentEvents(objects, refs, limit = 8) {
  const all = [];
  const signal = AbortSignal.timeout(15e3);
  try {
    for (const ref of refs) {
      if (!ref.namespace) continue;
      const list = await objects.list("v1", "Event", ref.namespace, { fieldSelector: `involvedObject.name=${ref.name},involvedObject.kind=${ref.kind}` }, signal);
      all.push(...list.items.filter((e) => (e.involvedObject?.name ?? ref.name) === ref.name && (e.involvedObject?.kind ?? ref.kind) === ref.kind));
    }
  } catch (err) {
    return [`(events could not be read: ${err instanceof Error ? err.message : String(err)})`];
  }
  return formatEvents(all, limit);
}
async function eventsSuffix(objects, refs) {
  const lines = await recentEvents(objects, refs);
  return lines.length > 0 ? `
recent events:
${lines.map((l) => `  - ${l}`).join("\n")}` : "";
}

// src/engines/kubevirt/cluster/kube-api-error.ts
var KubeApiError = class extends Error {
  constructor(method, path11, status, reason, detail, retryAfterSeconds) {
    super(`${method} ${path11}: ${status}${reason ? ` ${reason}` : ""}${detail ? `: ${detail}` : ""}`);
    this.method = method;
    this.path = path11;
    this.status = status;
    this.reason = reason;
    this.detail = detail;
    this.retryAfterSeconds = retryAfterSeconds;
  }
  method;
  path;
  status;
  reason;
  detail;
  retryAfterSeconds;
  name = "KubeApiError";
  get notFound() {
    return this.status === 404;
  }
  get alreadyExists() {
    return this.status === 409 && this.reason === "AlreadyExists";
  }
};
function kubeApiError(method, path11, status, body, retryAfterHeader) {
  let parsed;
  try {
    const value = JSON.parse(body);
    if (value && typeof value === "object") parsed = value;
  } catch {
  }
  const causes = parsed?.details?.causes?.map((c) => c.field ? `${c.field}: ${c.message ?? ""}` : c.message ?? "").filter(Boolean) ?? [];
  const message = parsed?.message ?? body.trim().slice(0, 300);
  const detail = causes.length > 0 && !causes.every((c) => message.includes(c)) ? `${message} (${causes.join("; ")})` : message;
  const headerSeconds = retryAfterHeader !== void 0 && /^\d+$/.test(retryAfterHeader) ? Number(retryAfterHeader) : void 0;
  return new KubeApiError(method, path11, status, parsed?.reason ?? defaultReason(status), detail, parsed?.details?.retryAfterSeconds ?? headerSeconds);
}
function defaultReason(status) {
  switch (status) {
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 422:
      return "Invalid";
    case 429:
      return "TooManyRequests";
    default:
      return status >= 500 ? "InternalError" : "";
  }
}
var TRANSIENT_CODES = /* @__PURE__ */ new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "ECONNABORTED", "UND_ERR_SOCKET"]);
function isTransient(err) {
  if (err instanceof KubeApiError) {
    return err.status === 429 || err.status >= 500 || err.status === 409 && err.reason !== "AlreadyExists";
  }
  const code2 = err?.code;
  if (typeof code2 === "string" && TRANSIENT_CODES.has(code2)) return true;
  return err instanceof Error && /socket hang up|other side closed|premature close/i.test(err.message);
}

// src/engines/kubevirt/cluster/kube-api.ts
import http from "node:http";
import https from "node:https";

// node_modules/ws/wrapper.mjs
var import_stream = __toESM(require_stream(), 1);
var import_extension = __toESM(require_extension(), 1);
var import_permessage_deflate = __toESM(require_permessage_deflate(), 1);
var import_receiver = __toESM(require_receiver(), 1);
var import_sender = __toESM(require_sender(), 1);
var import_subprotocol = __toESM(require_subprotocol(), 1);
var import_websocket = __toESM(require_websocket(), 1);
var import_websocket_server = __toESM(require_websocket_server(), 1);
var wrapper_default = import_websocket.default;

// src/engines/kubevirt/cluster/kube-api.ts
var DEFAULT_IDLE_TIMEOUT_MS = 6e4;
var KubeApi = class {
  constructor(kc) {
    this.kc = kc;
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error("internal: KubeApi needs a kubeconfig with a current cluster");
    this.server = new URL(cluster.server);
  }
  kc;
  server;
  /** The API server's address, for messages. */
  get address() {
    return this.server.origin;
  }
  /** Credentials and TLS settings, fresh for each call: tokens from exec plugins rotate. */
  async connectionOptions() {
    const options = {};
    await this.kc.applyToHTTPSOptions(options);
    if (this.server.protocol === "http:") delete options.agent;
    return options;
  }
  url(path11, query = {}) {
    const base = this.server.pathname.replace(/\/+$/, "");
    const url = new URL(this.server.origin + base + path11);
    for (const [k, v] of Object.entries(query)) if (v !== void 0) url.searchParams.set(k, String(v));
    return url;
  }
  /** Sends a request and resolves with the response once its headers arrived, whatever the status. */
  async send(method, path11, request) {
    const options = await this.connectionOptions();
    const url = this.url(path11, request.query);
    let body;
    const headers = { accept: "application/json", ...options.headers, ...request.headers };
    if (request.body !== void 0) {
      body = Buffer.isBuffer(request.body) ? request.body : Buffer.from(typeof request.body === "string" ? request.body : JSON.stringify(request.body));
      headers["content-type"] = request.contentType ?? "application/json";
      headers["content-length"] = String(body.length);
    }
    const signal = request.signal;
    if (signal.aborted) throw abortError(signal);
    const transport = url.protocol === "http:" ? http : https;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, { ...options, method, headers, signal });
      req.setTimeout(request.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, () => {
        req.destroy(Object.assign(new Error(`${method} ${path11}: no answer from ${this.address} for ${Math.round((request.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS) / 1e3)} s`), { code: "ETIMEDOUT" }));
      });
      req.once("response", resolve);
      req.once("error", (err) => reject(signal.aborted ? abortError(signal) : err));
      req.end(body);
    });
  }
  /** A request whose JSON answer is returned; a status of 400 or more becomes a KubeApiError. */
  async json(method, path11, request) {
    const res = await this.send(method, path11, request);
    const text = await readBody(res, request.signal);
    if ((res.statusCode ?? 0) >= 400) throw kubeApiError(method, path11, res.statusCode ?? 0, text, headerValue(res.headers["retry-after"]));
    if (text.trim() === "") return void 0;
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`${method} ${path11}: the API server answered ${res.statusCode} with something that is not JSON: ${text.slice(0, 200)}`);
    }
  }
  /** A request whose text answer is returned (pod logs). */
  async text(method, path11, request) {
    const res = await this.send(method, path11, request);
    const text = await readBody(res, request.signal);
    if ((res.statusCode ?? 0) >= 400) throw kubeApiError(method, path11, res.statusCode ?? 0, text, headerValue(res.headers["retry-after"]));
    return text;
  }
  /**
   * Opens a websocket to `path` offering `protocols`; resolves once it is open. A refused upgrade
   * (the VMI is not running, no permission) becomes a KubeApiError with the server's message.
   */
  async webSocket(path11, request) {
    const options = await this.connectionOptions();
    const url = this.url(path11, request.query);
    url.protocol = url.protocol === "http:" ? "ws:" : "wss:";
    const signal = request.signal;
    if (signal.aborted) throw abortError(signal);
    return new Promise((resolve, reject) => {
      const ws = new wrapper_default(url, request.protocols, {
        ...options,
        headers: options.headers,
        handshakeTimeout: request.timeoutMs ?? 3e4,
        // API servers and virt-api use no compression on these streams; offering it only costs CPU.
        perMessageDeflate: false
      });
      const onAbort = () => {
        ws.terminate();
        reject(abortError(signal));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      const settle = () => signal.removeEventListener("abort", onAbort);
      ws.once("open", () => {
        settle();
        if (request.protocols.length > 0 && !request.protocols.includes(ws.protocol)) {
          ws.terminate();
          reject(new Error(`GET ${path11}: the server chose the websocket subprotocol '${ws.protocol}', not one of ${request.protocols.join(", ")}`));
          return;
        }
        resolve(ws);
      });
      ws.once("unexpected-response", (_req, res) => {
        settle();
        void readBody(res, AbortSignal.timeout(1e4)).catch(() => "").then((text) => {
          ws.terminate();
          reject(kubeApiError("GET", path11, res.statusCode ?? 0, text, headerValue(res.headers["retry-after"])));
        });
      });
      ws.once("error", (err) => {
        settle();
        reject(signal.aborted ? abortError(signal) : err);
      });
    });
  }
};
function headerValue(value) {
  return Array.isArray(value) ? value[0] : value;
}
function abortError(signal) {
  return signal.reason instanceof Error ? signal.reason : new Error("Build was cancelled.");
}
function readBody(res, signal) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    const onAbort = () => {
      res.destroy();
      reject(abortError(signal));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    res.on("data", (c) => chunks.push(c));
    res.once("end", () => {
      signal.removeEventListener("abort", onAbort);
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
    res.once("error", (err) => {
      signal.removeEventListener("abort", onAbort);
      reject(err);
    });
  });
}

// src/engines/kubevirt/cluster/retry.ts
function backoffDelay(attempt, baseDelayMs, maxDelayMs, random = Math.random) {
  const exp = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exp / 2 + random() * exp / 2);
}
async function withRetries(fn, options) {
  const attempts = options.attempts ?? 6;
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 5e3;
  const retryable = options.retryable ?? isTransient;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (options.signal.aborted || attempt >= attempts || !retryable(err)) throw err;
      const asked = err instanceof KubeApiError && err.retryAfterSeconds !== void 0 ? err.retryAfterSeconds * 1e3 : 0;
      const delay = Math.min(Math.max(asked, backoffDelay(attempt, base, max)), 3e4);
      options.onRetry?.(err, attempt, delay);
      await sleep(delay, options.signal);
    }
  }
}

// src/engines/kubevirt/cluster/wait.ts
var WaitTimeoutError = class extends UserError {
  name = "WaitTimeoutError";
};
var WaitFailedError = class extends UserError {
  name = "WaitFailedError";
};
var Gone = class extends Error {
};
async function waitFor(objects, req) {
  const timeout = AbortSignal.timeout(Math.max(1, req.timeoutMs));
  const signal = AbortSignal.any([req.signal, timeout]);
  let lastState = "nothing seen yet";
  let lastVerdict;
  const judge = (object) => {
    const verdict = req.judge(object);
    const key = JSON.stringify(verdict);
    if (key !== lastVerdict) {
      lastVerdict = key;
      req.onState?.(object, verdict);
    }
    if ("done" in verdict) return verdict.done;
    if ("failed" in verdict) throw new FailedState(verdict.failed);
    lastState = verdict.waiting;
    return void 0;
  };
  try {
    let failures = 0;
    for (; ; ) {
      const list = await objects.list(req.ref.apiVersion, req.ref.kind, req.ref.namespace, { fieldSelector: `metadata.name=${req.ref.name}` }, signal);
      const found = list.items.find((o) => o.metadata.name === req.ref.name);
      const result = judge(found);
      if (result !== void 0) return result;
      let resourceVersion = list.resourceVersion;
      for (; ; ) {
        try {
          let sawEvent = false;
          const outcome = await watchOnce(objects, req, resourceVersion, signal, (event) => {
            sawEvent = true;
            failures = 0;
            if (event.type === "ERROR") {
              if (event.object.code === 410) throw new Gone();
              throw kubeApiError("WATCH", collectionPath(req.ref.apiVersion, req.ref.kind, req.ref.namespace), event.object.code ?? 500, JSON.stringify(event.object));
            }
            if (event.object.metadata?.resourceVersion) resourceVersion = event.object.metadata.resourceVersion;
            if (event.type === "BOOKMARK") return void 0;
            if (event.object.metadata?.name !== req.ref.name) return void 0;
            const object = event.type === "DELETED" ? void 0 : { ...event.object, apiVersion: req.ref.apiVersion, kind: req.ref.kind };
            return judge(object);
          });
          if (outcome.done) return outcome.value;
          if (!sawEvent) failures++;
        } catch (err) {
          if (err instanceof Gone || err instanceof KubeApiError && err.status === 410) break;
          if (err instanceof FailedState || signal.aborted) throw err;
          failures++;
        }
        if (failures > 1) await sleep(backoffDelay(Math.min(failures, 6), 250, 5e3), signal);
      }
    }
  } catch (err) {
    if (err instanceof FailedState) {
      throw new WaitFailedError(`${req.what} failed: ${err.message}${await eventsSuffix(objects, req.explain ?? [req.ref])}`);
    }
    if (timeout.aborted && !req.signal.aborted) {
      throw new WaitTimeoutError(
        `${req.what}: not done after ${formatGoDuration(req.timeoutMs)} (${describeRef(req.ref)}: ${lastState})${await eventsSuffix(objects, req.explain ?? [req.ref])}`
      );
    }
    if (req.signal.aborted) throw abortError(req.signal);
    throw err;
  }
}
var FailedState = class extends Error {
};
async function watchOnce(objects, req, resourceVersion, signal, onEvent) {
  const path11 = collectionPath(req.ref.apiVersion, req.ref.kind, req.ref.namespace);
  const watchSeconds = req.watchSeconds ?? 240;
  const res = await objects.api.send("GET", path11, {
    query: {
      watch: "true",
      resourceVersion: resourceVersion || void 0,
      allowWatchBookmarks: "true",
      fieldSelector: `metadata.name=${req.ref.name}`,
      timeoutSeconds: watchSeconds
    },
    signal,
    // Bookmarks arrive about once a minute; silence much longer than the watch itself means a dead connection.
    idleTimeoutMs: (watchSeconds + 30) * 1e3
  });
  if ((res.statusCode ?? 0) >= 400) {
    const body = await new Promise((resolve) => {
      let text = "";
      res.on("data", (c) => text += c.toString());
      res.on("end", () => resolve(text));
      res.on("error", () => resolve(text));
    });
    throw kubeApiError("GET", `${path11}?watch=true`, res.statusCode ?? 0, body);
  }
  return readEvents(res, signal, onEvent);
}
function readEvents(res, signal, onEvent) {
  return new Promise((resolve, reject) => {
    let pending = "";
    let settled = false;
    const finish = (outcome) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      res.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const onAbort = () => finish(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    res.setEncoding("utf8");
    res.on("data", (chunk) => {
      pending += chunk;
      let newline;
      while (!settled && (newline = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (line === "") continue;
        let event;
        try {
          event = JSON.parse(line);
        } catch {
          finish(new Error(`watch: the API server sent a line that is not JSON: ${line.slice(0, 200)}`));
          return;
        }
        try {
          const value = onEvent(event);
          if (value !== void 0) finish({ done: true, value });
        } catch (err) {
          finish(err instanceof Error ? err : new Error(String(err)));
        }
      }
    });
    res.once("end", () => finish({ done: false }));
    res.once("aborted", () => finish(Object.assign(new Error("watch: the connection was cut"), { code: "ECONNRESET" })));
    res.once("error", (err) => finish(err));
    res.once("close", () => finish(Object.assign(new Error("watch: the connection was closed"), { code: "ECONNRESET" })));
  });
}

// src/engines/kubevirt/cluster/vmi-wait.ts
var FATAL_VM_STATUSES = /* @__PURE__ */ new Set(["ErrImagePull", "ImagePullBackOff", "CrashLoopBackOff", "ErrorPvcNotFound", "DataVolumeError"]);
function vmiRef(namespace, name) {
  return { apiVersion: "kubevirt.io/v1", kind: "VirtualMachineInstance", namespace, name };
}
function vmRef(namespace, name) {
  return { apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", namespace, name };
}
function pendingConditions(conditions) {
  const notes = (conditions ?? []).filter((c) => c.status !== "True" && (c.reason || c.message)).map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ""}`);
  return notes.length > 0 ? `; ${notes.join(", ")}` : "";
}
function judgeVmiRunning(vmi) {
  if (!vmi) return { waiting: "no VirtualMachineInstance yet" };
  const phase = vmi.status?.phase ?? "";
  if (phase === "Running") return { done: vmi };
  if (phase === "Succeeded") return { failed: "the guest powered off before the build could use it" };
  if (phase === "Failed") {
    const why = vmi.status?.conditions?.find((c) => c.status !== "True" && c.message)?.message;
    return { failed: `the VM failed${why ? `: ${why}` : ""}` };
  }
  return { waiting: `${phase || "Pending"}${pendingConditions(vmi.status?.conditions)}` };
}
function judgeVmStarting(vm) {
  if (!vm) return { failed: "the VirtualMachine was deleted while it was starting" };
  const status = vm.status?.printableStatus ?? "";
  if (FATAL_VM_STATUSES.has(status)) {
    const why = vm.status?.conditions?.find((c) => c.status !== "True" && c.message)?.message ?? vm.status?.conditions?.find((c) => c.type === "Failure")?.message;
    return { failed: `${status}${why ? `: ${why}` : ""}` };
  }
  return { waiting: status || "no status yet" };
}
function judgeVmiStopped(vmi) {
  if (!vmi) return { done: "deleted" };
  const phase = vmi.status?.phase;
  if (phase === "Succeeded") return { done: "succeeded" };
  if (phase === "Failed") return { done: "failed" };
  return { waiting: `still ${phase ?? "Pending"}` };
}
async function waitForVmiRunning(req) {
  const both = new AbortController();
  const signal = AbortSignal.any([req.signal, both.signal]);
  const explain = [vmRef(req.namespace, req.name), vmiRef(req.namespace, req.name)];
  const running = waitFor(req.objects, {
    ref: vmiRef(req.namespace, req.name),
    what: `starting VM ${req.label}`,
    timeoutMs: req.timeoutMs,
    signal,
    judge: judgeVmiRunning,
    explain,
    onState: (vmi, verdict) => {
      if ("waiting" in verdict && vmi) req.logger.info(`vm ${req.label}: ${verdict.waiting}`);
    }
  });
  const fatal = waitFor(req.objects, {
    ref: vmRef(req.namespace, req.name),
    what: `starting VM ${req.label}`,
    timeoutMs: req.timeoutMs,
    signal,
    judge: judgeVmStarting,
    explain
  });
  const watchdog = fatal.then(
    () => new Promise(() => {
    }),
    (err) => Promise.reject(err)
  );
  try {
    return await Promise.race([running, watchdog]);
  } finally {
    both.abort(new Error("VM start wait finished"));
    await Promise.allSettled([running, fatal]);
  }
}

// src/engines/kubevirt/cluster/cluster-run.ts
var ClusterRun = class {
  constructor(objects, rendered, logger) {
    this.objects = objects;
    this.rendered = rendered;
    this.logger = logger;
  }
  objects;
  rendered;
  logger;
  created = [];
  uids;
  cleaning;
  get namespace() {
    return this.rendered.namespace;
  }
  get runId() {
    return this.rendered.runId;
  }
  /** Creates the root and the run's network (Kube-OVN VPCs, subnets, gateways, attachments). */
  async begin(signal) {
    const root = this.rendered.objects.find((o) => o.step === "run");
    if (!root) throw new Error("internal: a rendered run has a root object");
    this.record(refOf(root.object));
    const created = await this.objects.create(root.object, signal);
    const vpcs = /* @__PURE__ */ new Map();
    this.uids = { run: { apiVersion: "v1", kind: "ConfigMap", name: created.metadata.name, uid: uidOf(created) }, vpcs };
    this.logger.info(`kubevirt: run ${this.runId} in namespace ${this.namespace} (root ConfigMap ${created.metadata.name}; delete it to remove the run)`);
    for (const o of this.rendered.objects.filter((r) => r.step === "network")) {
      const made = await this.create(o, signal);
      if (made.kind === "Vpc") vpcs.set(made.metadata.name, { apiVersion: made.apiVersion, kind: "Vpc", name: made.metadata.name, uid: uidOf(made) });
    }
  }
  /** Creates a rendered object owned as rendered; recorded for cleanup first. */
  async create(rendered, signal, edit) {
    if (!this.uids) throw new Error("internal: ClusterRun.begin must run before create");
    const object = withOwner(rendered, this.uids);
    edit?.(object);
    this.record(refOf(object));
    return this.objects.create(object, signal);
  }
  /** Deletes an object of the run before the run ends (an export once downloaded). */
  async remove(ref, signal) {
    await this.objects.delete(ref, signal);
    const i = this.created.findIndex((r) => sameRef(r, ref));
    if (i >= 0) this.created.splice(i, 1);
  }
  record(ref) {
    if (!this.created.some((r) => sameRef(r, ref))) this.created.push(ref);
  }
  /**
   * Deletes everything the run created and waits until it is gone. Resolves with what is left
   * (described) when the time runs out; never rejects. Safe to call more than once.
   */
  cleanup(timeoutMs) {
    this.cleaning ??= this.removeAll(timeoutMs);
    return this.cleaning;
  }
  async removeAll(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    const vms = this.created.filter((r) => r.kind === "VirtualMachine");
    const root = this.created.filter((r) => r.kind === "ConfigMap" && this.rendered.root.metadata.name === r.name);
    const rest = this.created.filter((r) => !vms.includes(r) && !root.includes(r)).reverse();
    const order = [...vms, ...rest, ...root];
    if (order.length === 0) return [];
    const problems = [];
    for (const ref of order) {
      try {
        await this.objects.delete(ref, signal);
      } catch (err) {
        problems.push(`${describeRef(ref)}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const watched = [
      ...order.filter((r) => r.kind !== "Secret"),
      ...vms.map((r) => vmiRef(r.namespace, r.name)),
      ...order.filter((r) => r.kind === "DataVolume").map((r) => ({ apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: r.namespace, name: r.name }))
    ];
    const left = await Promise.all(
      watched.map(async (ref) => {
        let state = "still there";
        try {
          await waitFor(this.objects, {
            ref,
            what: `removing ${describeRef(ref)}`,
            // The wait's own timeout (not the signal) ends it, so what is left is described.
            timeoutMs: Math.max(1, deadline - Date.now()),
            signal: new AbortController().signal,
            judge: (o) => o ? { waiting: o.metadata.deletionTimestamp ? "being deleted" : "still there" } : { done: true },
            onState: (_o, verdict) => {
              if ("waiting" in verdict) state = verdict.waiting;
            }
          });
          return void 0;
        } catch (err) {
          return err instanceof WaitTimeoutError ? `${describeRef(ref)} (${state} after ${formatGoDuration(timeoutMs)})` : `${describeRef(ref)} (${err instanceof Error ? err.message.split("\n")[0] : String(err)})`;
        }
      })
    );
    const leftovers = [...problems, ...left.filter((l) => l !== void 0)];
    if (leftovers.length > 0) {
      this.logger.warn(`kubevirt: cleanup of run ${this.runId} left:
${leftovers.map((l) => `  - ${l}`).join("\n")}
remove them with: kubectl delete all,cm,dv,vmexport -n ${this.namespace} -l ruddervirt.io/run=${this.runId}`);
    } else {
      this.logger.info(`kubevirt: removed the ${order.length} objects of run ${this.runId}`);
    }
    this.created.length = 0;
    return leftovers;
  }
};
function uidOf(object) {
  if (!object.metadata.uid) throw new Error(`the API server returned ${object.kind} ${object.metadata.name} without a uid`);
  return object.metadata.uid;
}
function sameRef(a, b) {
  return a.kind === b.kind && a.name === b.name && a.namespace === b.namespace && a.apiVersion.split("/")[0] === b.apiVersion.split("/")[0];
}

// src/engines/kubevirt/cluster/data-volume-wait.ts
var MAX_IMPORTER_RESTARTS = 3;
function dataVolumeRef(namespace, name) {
  return { apiVersion: "cdi.kubevirt.io/v1beta1", kind: "DataVolume", namespace, name };
}
function parseProgress(progress) {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(progress ?? "");
  if (!m) return void 0;
  const pct = Number(m[1]);
  return pct >= 0 && pct <= 100 ? pct : void 0;
}
function conditionMessage(dv) {
  const running = dv.status?.conditions?.find((c2) => c2.type === "Running" && c2.status !== "True" && (c2.message || c2.reason));
  const ready = dv.status?.conditions?.find((c2) => c2.type === "Ready" && c2.status !== "True" && c2.message);
  const c = running ?? ready;
  return c ? `${c.reason ? `${c.reason}: ` : ""}${c.message ?? ""}`.trim() : void 0;
}
function judgeDataVolume(dv) {
  if (!dv) return { waiting: "not created yet" };
  const phase = dv.status?.phase ?? "";
  if (phase === "Succeeded") return { done: "succeeded" };
  if (phase === "WaitForFirstConsumer" || phase === "PendingPopulation") return { done: "waits-for-consumer" };
  if (phase === "Failed") return { failed: conditionMessage(dv) ?? "CDI marked it Failed" };
  const restarts = dv.status?.restartCount ?? 0;
  if (restarts >= MAX_IMPORTER_RESTARTS) return { failed: `its importer failed ${restarts} times${conditionMessage(dv) ? `; last: ${conditionMessage(dv)}` : ""}` };
  const progress = parseProgress(dv.status?.progress);
  return { waiting: `${phase || "pending"}${progress !== void 0 ? ` ${progress.toFixed(1)}%` : ""}` };
}
async function waitForDataVolumes(req) {
  const outcomes = /* @__PURE__ */ new Map();
  await Promise.all(
    req.dataVolumes.map(async ({ name, label }) => {
      let lastTenth = -1;
      let lastPhase;
      const ref = dataVolumeRef(req.namespace, name);
      const outcome = await waitFor(req.objects, {
        ref,
        what: `the ${label} (DataVolume ${name})`,
        timeoutMs: req.timeoutMs,
        signal: req.signal,
        judge: judgeDataVolume,
        explain: [ref, { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: req.namespace, name }, { apiVersion: "v1", kind: "Pod", namespace: req.namespace, name: `importer-${name}` }],
        onState: (dv) => {
          const phase = dv?.status?.phase;
          const pct = parseProgress(dv?.status?.progress);
          const tenth = pct === void 0 ? -1 : Math.floor(pct / 10);
          if (phase === lastPhase && tenth <= lastTenth) return;
          lastPhase = phase;
          lastTenth = Math.max(lastTenth, tenth);
          req.logger.progress({
            phase: `${label}`,
            ...pct !== void 0 ? { done: Math.round(pct), total: 100, unit: "items" } : {},
            message: phase ? `(${phase})` : "(waiting for CDI)"
          });
        }
      });
      if (outcome === "waits-for-consumer") req.logger.info(`${label}: the storage binds when the VM is scheduled; CDI fills it then`);
      outcomes.set(name, outcome);
    })
  );
  return outcomes;
}

// src/engines/kubevirt/cluster/kube-target.ts
import { existsSync, readFileSync } from "node:fs";
import path2 from "node:path";
var SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
function loadFile(file, what) {
  const kc = new KubeConfig();
  if (!existsSync(file)) throw new UserError(`${what} ${file} does not exist`);
  try {
    kc.loadFromFile(file);
  } catch (err) {
    throw new UserError(`${what} ${file} cannot be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  return kc;
}
function loadConfig(req) {
  if (req.kubeconfig) return { kc: loadFile(path2.resolve(req.kubeconfig), "the kubeconfig"), source: `kubeconfig ${req.kubeconfig}`, inCluster: false };
  const fromEnv = (req.env.KUBECONFIG ?? "").split(path2.delimiter).filter(Boolean);
  if (fromEnv.length > 0) {
    const present = fromEnv.filter((f) => existsSync(f));
    if (present.length === 0) throw new UserError(`none of the KUBECONFIG files exists: ${fromEnv.join(", ")}`);
    const kc = loadFile(present[0], "the KUBECONFIG file");
    for (const file of present.slice(1)) kc.mergeConfig(loadFile(file, "the KUBECONFIG file"), true);
    return { kc, source: `KUBECONFIG ${present.join(path2.delimiter)}`, inCluster: false };
  }
  const home = req.env.HOME;
  if (home && existsSync(path2.join(home, ".kube", "config"))) {
    const file = path2.join(home, ".kube", "config");
    return { kc: loadFile(file, "the kubeconfig"), source: `kubeconfig ${file}`, inCluster: false };
  }
  const saDir = req.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  if (req.env.KUBERNETES_SERVICE_HOST && existsSync(path2.join(saDir, "token"))) {
    const kc = new KubeConfig();
    const host = req.env.KUBERNETES_SERVICE_HOST;
    const port = req.env.KUBERNETES_SERVICE_PORT ?? "443";
    kc.loadFromClusterAndUser(
      { name: "in-cluster", server: `https://${host.includes(":") ? `[${host}]` : host}:${port}`, caFile: path2.join(saDir, "ca.crt"), skipTLSVerify: false },
      { name: "in-cluster", authProvider: { name: "tokenFile", config: { tokenFile: path2.join(saDir, "token") } } }
    );
    return { kc, source: "in-cluster service account", inCluster: true };
  }
  throw new UserError("no Kubernetes cluster configured: pass --kubeconfig FILE, set KUBECONFIG, create ~/.kube/config, or run inside a cluster");
}
function loadKubeTarget(req) {
  const { kc, source, inCluster } = loadConfig(req);
  if (req.context) {
    if (!kc.getContextObject(req.context)) throw new UserError(`${source} has no context '${req.context}' (contexts: ${kc.getContexts().map((c) => c.name).join(", ") || "none"})`);
    kc.setCurrentContext(req.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new UserError(`${source} has no current context with a cluster (set current-context, or pass a context)`);
  try {
    new URL(cluster.server);
  } catch {
    throw new UserError(`${source}: cluster '${cluster.name}' has no valid server URL ('${cluster.server}')`);
  }
  let namespace = req.namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace;
  if (!namespace && inCluster) {
    const file = path2.join(req.serviceAccountDir ?? SERVICE_ACCOUNT_DIR, "namespace");
    if (existsSync(file)) namespace = readFileSync(file, "utf8").trim();
  }
  return { kc, namespace: namespace || "default", source };
}

// src/engines/kubevirt/manifests/labels.ts
var LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
var LABEL_BUILD = "ruddervirt.io/build";
var LABEL_RUN = "ruddervirt.io/run";
var LABEL_LAYER = "ruddervirt.io/layer";
var LABEL_VM = "ruddervirt.io/vm";
var LABEL_COMPONENT = "ruddervirt.io/component";
var MANAGED_BY = "ruddervirt";
function runLabels(scope, component) {
  const labels = {
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_BUILD]: scope.build,
    [LABEL_RUN]: scope.runId
  };
  if (scope.layer !== void 0) labels[LABEL_LAYER] = scope.layer;
  if (scope.vm !== void 0) labels[LABEL_VM] = scope.vm;
  labels[LABEL_COMPONENT] = component;
  return labels;
}

// src/engines/kubevirt/cluster/objects.ts
var RBAC_HINT = "grant the roles in docs/rbac.yaml (ruddervirt render --rbac --namespace NS prints them)";
function explainApiError(err, doing, namespace) {
  if (!(err instanceof KubeApiError)) return err;
  switch (err.status) {
    case 401:
      return new UserError(`${doing}: the API server refused our credentials (401): check the kubeconfig's user and token`);
    case 403:
      return new UserError(`${doing}: forbidden (403): ${err.detail}; ${RBAC_HINT}`);
    case 400:
    case 422:
      return new UserError(`${doing}: the API server refused it (${err.status} ${err.reason}): ${err.detail}`);
    case 404:
      if (namespace !== void 0 && /namespaces? .*not found/i.test(err.detail)) {
        return new UserError(`${doing}: namespace '${namespace}' does not exist; create it (kubectl create namespace ${namespace}) or pass --namespace`);
      }
      return err;
    default:
      return err;
  }
}
var ObjectClient = class {
  constructor(api, logger) {
    this.api = api;
    this.logger = logger;
  }
  api;
  logger;
  retries(signal, what) {
    return {
      signal,
      onRetry: (err, attempt, delayMs) => this.logger.debug(`${what}: ${err instanceof Error ? err.message : String(err)}; trying again in ${delayMs} ms (try ${attempt + 1})`)
    };
  }
  async create(object, signal) {
    const ref = refOf(object);
    const what = `creating ${describeRef(ref)}`;
    const path11 = collectionPath(ref.apiVersion, ref.kind, ref.namespace);
    try {
      return await withRetries(async () => {
        try {
          return await this.api.json("POST", path11, { body: object, signal });
        } catch (err) {
          if (!(err instanceof KubeApiError && err.alreadyExists)) throw err;
          return this.adopt(object, ref, path11, signal);
        }
      }, this.retries(signal, what));
    } catch (err) {
      throw explainApiError(err, what, ref.namespace);
    }
  }
  async adopt(object, ref, path11, signal) {
    if (ref.kind === "Secret") {
      this.logger.debug(`${describeRef(ref)} already exists (an earlier try of this run); replacing it`);
      await this.delete(ref, signal);
      return this.api.json("POST", path11, { body: object, signal });
    }
    const existing = await this.get(ref, signal);
    if (!existing) {
      throw new KubeApiError("POST", path11, 409, "Conflict", `${describeRef(ref)} was reported to exist but is not there`);
    }
    const ours = object.metadata.labels?.[LABEL_RUN];
    if (ours !== void 0 && existing.metadata.labels?.[LABEL_RUN] === ours && !existing.metadata.deletionTimestamp) {
      this.logger.debug(`${describeRef(ref)} already exists from an earlier try of this run; using it`);
      return existing;
    }
    throw new UserError(
      `${describeRef(ref)} already exists and was not made by this build run${existing.metadata.labels?.[LABEL_RUN] ? ` (it is from run ${existing.metadata.labels[LABEL_RUN]})` : ""}; delete it or build in another namespace`
    );
  }
  /** The object, or undefined when it does not exist. */
  async get(ref, signal) {
    const what = `reading ${describeRef(ref)}`;
    try {
      return await withRetries(async () => {
        try {
          return await this.api.json("GET", objectPath(ref), { signal });
        } catch (err) {
          if (err instanceof KubeApiError && err.notFound) return void 0;
          throw err;
        }
      }, this.retries(signal, what));
    } catch (err) {
      throw explainApiError(err, what, ref.namespace);
    }
  }
  async list(apiVersion, kind, namespace, filter, signal) {
    const what = `listing ${kind}s${namespace ? ` in ${namespace}` : ""}`;
    try {
      const list = await withRetries(
        () => this.api.json("GET", collectionPath(apiVersion, kind, namespace), {
          query: { labelSelector: filter.labelSelector, fieldSelector: filter.fieldSelector },
          signal
        }),
        this.retries(signal, what)
      );
      const items = (list.items ?? []).map((i) => ({ ...i, apiVersion, kind }));
      return { items, resourceVersion: list.metadata?.resourceVersion ?? "" };
    } catch (err) {
      throw explainApiError(err, what, namespace);
    }
  }
  /** Deletes the object; resolves false when it was already gone. */
  async delete(ref, signal, options = {}) {
    const what = `deleting ${describeRef(ref)}`;
    const body = {
      kind: "DeleteOptions",
      apiVersion: "v1",
      propagationPolicy: options.propagationPolicy ?? "Background",
      ...options.gracePeriodSeconds !== void 0 ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}
    };
    try {
      return await withRetries(async () => {
        try {
          await this.api.json("DELETE", objectPath(ref), { body, signal });
          return true;
        } catch (err) {
          if (err instanceof KubeApiError && err.notFound) return false;
          throw err;
        }
      }, this.retries(signal, what));
    } catch (err) {
      throw explainApiError(err, what, ref.namespace);
    }
  }
  /**
   * PUT to a subresource (KubeVirt's stop). Retried on overload and broken connections only: a 409
   * there is KubeVirt saying the request does not apply (the VM is not running), not a lock conflict.
   */
  async put(path11, body, signal, what) {
    try {
      await withRetries(() => this.api.json("PUT", path11, { body, signal }), {
        ...this.retries(signal, what),
        retryable: (err) => isTransient(err) && !(err instanceof KubeApiError && err.status === 409)
      });
    } catch (err) {
      throw explainApiError(err, what);
    }
  }
};

// src/engines/kubevirt/cluster/retrying-discovery-client.ts
var TRANSIENT = /(: HTTP (429|5\d\d)$)|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|socket hang up|other side closed|fetch failed|terminated/i;
function discoveryRetryable(err) {
  return err instanceof Error && TRANSIENT.test(err.message);
}
var RetryingDiscoveryClient = class {
  constructor(inner, signal, onRetry) {
    this.inner = inner;
    this.signal = signal;
    this.onRetry = onRetry;
  }
  inner;
  signal;
  onRetry;
  retry(ask) {
    return withRetries(ask, { signal: this.signal, retryable: discoveryRetryable, ...this.onRetry ? { onRetry: this.onRetry } : {} });
  }
  servedGroups() {
    return this.retry(() => this.inner.servedGroups());
  }
  servedResources(group, version) {
    return this.retry(() => this.inner.servedResources(group, version));
  }
  reviewAccess(attributes) {
    return this.retry(() => this.inner.reviewAccess(attributes));
  }
  volumeSnapshotClasses() {
    return this.retry(() => this.inner.volumeSnapshotClasses());
  }
  storageClasses() {
    return this.retry(() => this.inner.storageClasses());
  }
  kubeVirtEmulation() {
    return this.retry(() => this.inner.kubeVirtEmulation());
  }
  kvmNodes() {
    return this.retry(() => this.inner.kvmNodes());
  }
};

// src/engines/kubevirt/cluster/pod-wait.ts
var HOPELESS_WAITING = /* @__PURE__ */ new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "CrashLoopBackOff"]);
function judgePodServing(pod) {
  if (!pod) return { waiting: "not created yet" };
  const s = pod.status;
  for (const c of s?.containerStatuses ?? []) {
    const reason = c.state?.waiting?.reason;
    if (reason && HOPELESS_WAITING.has(reason)) {
      const last = c.lastState?.terminated;
      return { failed: `container ${c.name}: ${reason}${c.state?.waiting?.message ? `: ${c.state.waiting.message}` : ""}${last ? ` (last exit ${last.exitCode ?? "?"} ${last.reason ?? ""})` : ""}` };
    }
  }
  if (s?.phase === "Failed" || s?.phase === "Succeeded") return { failed: `the pod ended (${s.phase}); its server should run until the build ends` };
  if (s?.phase === "Running" && s.podIP) return { done: s.podIP };
  const unscheduled = s?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
  return { waiting: `${s?.phase ?? "Pending"}${unscheduled ? ` (${unscheduled.reason ?? "unscheduled"}: ${unscheduled.message ?? ""})` : ""}` };
}

// src/engines/kubevirt/cluster/session.ts
var DEFAULT_TIMEOUTS = {
  import: 30 * 6e4,
  start: 10 * 6e4,
  export: 30 * 6e4,
  cleanup: 5 * 6e4,
  stop: 3 * 6e4
};

// src/engines/kubevirt/cluster/upload.ts
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Transform } from "node:stream";

// src/engines/kubevirt/cluster/cluster-https.ts
import http2 from "node:http";
import https2 from "node:https";
import net from "node:net";
import tls from "node:tls";

// src/engines/kubevirt/cluster/pod-port-forward.ts
import { Duplex } from "node:stream";
var PORT_FORWARD_PROTOCOL = "v4.channel.k8s.io";
var DATA_CHANNEL = 0;
var ERROR_CHANNEL = 1;
async function openPodPortForward(api, req) {
  const path11 = `/api/v1/namespaces/${encodeURIComponent(req.namespace)}/pods/${encodeURIComponent(req.pod)}/portforward`;
  const ws = await api.webSocket(path11, { protocols: [PORT_FORWARD_PROTOCOL], query: { ports: req.port }, signal: req.signal });
  return new PortForwardStream(ws, `${req.namespace}/${req.pod}:${req.port}`);
}
var PortForwardStream = class extends Duplex {
  constructor(ws, target2) {
    super();
    this.ws = ws;
    this.target = target2;
    ws.on("message", (data) => this.onFrame(toBuffer(data)));
    ws.once("close", () => {
      if (this.errorText) this.destroy(new Error(`port-forward to ${this.target}: ${this.errorText.trim()}`));
      else this.push(null);
    });
    ws.once("error", (err) => this.destroy(err));
  }
  ws;
  target;
  headerSeen = /* @__PURE__ */ new Set();
  errorText = "";
  onFrame(frame) {
    if (frame.length === 0) return;
    const channel = frame[0];
    let payload = frame.subarray(1);
    if (!this.headerSeen.has(channel)) {
      this.headerSeen.add(channel);
      payload = payload.subarray(2);
    }
    if (payload.length === 0) return;
    if (channel === DATA_CHANNEL) {
      if (!this.push(payload)) this.ws.pause();
    } else if (channel === ERROR_CHANNEL) {
      this.errorText += payload.toString("utf8");
    }
  }
  _read() {
    this.ws.resume();
  }
  _write(chunk, _encoding, callback) {
    if (this.ws.readyState !== this.ws.OPEN) {
      callback(new Error(`port-forward to ${this.target}: the connection is closed`));
      return;
    }
    this.ws.send(Buffer.concat([Buffer.of(DATA_CHANNEL), chunk]), { binary: true }, (err) => callback(err ?? null));
  }
  _final(callback) {
    this.ws.close(1e3);
    callback();
  }
  _destroy(error, callback) {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.terminate();
    callback(error);
  }
};
function toBuffer(data) {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

// src/engines/kubevirt/cluster/cluster-https.ts
function runningInCluster(env) {
  return Boolean(env.KUBERNETES_SERVICE_HOST);
}
async function routeToService(objects, req) {
  const svc = await objects.get({ apiVersion: "v1", kind: "Service", namespace: req.namespace, name: req.service }, req.signal);
  if (!svc) throw new UserError(`Service ${req.namespace}/${req.service} does not exist, so its server cannot be reached`);
  const selector = Object.entries(svc.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(",");
  if (!selector) throw new UserError(`Service ${req.namespace}/${req.service} selects no pods; cannot port-forward to it`);
  const servicePort = svc.spec?.ports?.find((p) => p.port === req.port) ?? svc.spec?.ports?.[0];
  const pods = await objects.list("v1", "Pod", req.namespace, { labelSelector: selector }, req.signal);
  const ready = (p) => p.status?.phase === "Running" && (p.status.conditions?.find((c) => c.type === "Ready")?.status ?? "True") === "True";
  const pod = pods.items.find(ready) ?? pods.items.find((p) => p.status?.phase === "Running");
  if (!pod) throw new UserError(`no running pod behind Service ${req.namespace}/${req.service} (selector ${selector}); cannot port-forward to it`);
  const target2 = servicePort?.targetPort ?? servicePort?.port ?? req.port;
  let port = typeof target2 === "number" ? target2 : /^\d+$/.test(target2) ? Number(target2) : void 0;
  if (port === void 0) {
    port = pod.spec?.containers?.flatMap((c) => c.ports ?? []).find((p) => p.name === target2)?.containerPort;
    if (port === void 0) throw new UserError(`pod ${pod.metadata.name} has no port named '${String(target2)}' (Service ${req.namespace}/${req.service})`);
  }
  return { kind: "port-forward", namespace: req.namespace, pod: pod.metadata.name, port };
}
function transferRetryable(err) {
  const status = err.status;
  if (typeof status === "number") return status >= 500 || status === 429;
  if (err instanceof UserError) return false;
  return !(err instanceof Error && isCertificateError(err));
}
function isCertificateError(err) {
  const code2 = err.code ?? "";
  return /CERT|SELF_SIGNED|ERR_TLS_CERT|UNABLE_TO_VERIFY|HOSTNAME/.test(code2) || /certificate/i.test(err.message);
}
function trust(target2) {
  if (target2.insecure) return { rejectUnauthorized: false };
  return target2.ca && target2.ca.length > 0 ? { ca: [...tls.rootCertificates, ...target2.ca] } : {};
}
async function clusterHttpsRequest(api, target2, call) {
  const { signal } = call;
  if (signal.aborted) throw abortError(signal);
  const servername = target2.url.hostname;
  let socket;
  const route = target2.route;
  if (route.kind === "port-forward") {
    const tunnel = await openPodPortForward(api, { namespace: route.namespace, pod: route.pod, port: route.port, signal });
    socket = tls.connect({ socket: tunnel, ...net.isIP(servername) ? {} : { servername }, ...trust(target2) });
    socket.once("close", () => tunnel.destroy());
    await new Promise((resolve, reject) => {
      socket.once("secureConnect", resolve);
      socket.once("error", (err) => {
        tunnel.destroy();
        const message = `TLS to ${target2.url.host} through a port-forward to pod ${route.namespace}/${route.pod}: ${err.message}`;
        reject(isCertificateError(err) ? new UserError(message) : new Error(message));
      });
    });
  }
  const tlsSocket = socket;
  return new Promise((resolve, reject) => {
    const options = {
      method: call.method,
      headers: { host: target2.url.host, ...call.headers },
      signal,
      ...tlsSocket ? { createConnection: () => tlsSocket } : {}
    };
    const req = tlsSocket ? http2.request(new URL(target2.url.pathname + target2.url.search, "http://tunnel"), options) : httpsRequest(target2, options);
    req.once("response", resolve);
    req.once("error", (err) => {
      tlsSocket?.destroy();
      reject(signal.aborted ? abortError(signal) : err);
    });
    const body = call.body;
    if (body === void 0) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else {
      body.once("error", (err) => req.destroy(err));
      body.pipe(req);
    }
  });
}
function httpsRequest(target2, options) {
  const servername = net.isIP(target2.url.hostname) ? {} : { servername: target2.url.hostname };
  return https2.request(target2.url, { ...options, ...trust(target2), ...servername });
}

// src/engines/kubevirt/cluster/upload.ts
var UPLOAD_PROXY_SERVICE = "cdi-uploadproxy";
var UPLOAD_PROXY_PORT = 443;
var UPLOAD_PATH = "/v1beta1/upload";
async function uploadProxy(req) {
  let published;
  try {
    const config = await req.objects.get({ apiVersion: "cdi.kubevirt.io/v1beta1", kind: "CDIConfig", name: "config" }, req.signal);
    published = config?.status?.uploadProxyURL;
  } catch (err) {
    req.logger.debug(`upload: cannot read CDIConfig: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (published) {
    const url = new URL(`${/^https?:\/\//.test(published) ? published : `https://${published}`}`.replace(/\/+$/, "") + UPLOAD_PATH);
    return { url, route: { kind: "direct" }, ...req.clusterCa ? { ca: [req.clusterCa] } : {} };
  }
  const route = await routeToService(req.objects, { namespace: CDI_NAMESPACE, service: UPLOAD_PROXY_SERVICE, port: UPLOAD_PROXY_PORT, signal: req.signal });
  return { url: new URL(`https://${UPLOAD_PROXY_SERVICE}.${CDI_NAMESPACE}.svc${UPLOAD_PATH}`), route, insecure: true };
}
async function uploadDisk(req) {
  const { objects, logger, signal } = req;
  const ref = dataVolumeRef(req.namespace, req.dataVolume);
  const size = (await stat(req.file).catch(() => {
    throw new UserError(`cannot upload ${req.file}: it does not exist`);
  })).size;
  const ready = await waitFor(objects, {
    ref,
    what: `the upload server of DataVolume ${req.dataVolume}`,
    timeoutMs: req.readyTimeoutMs,
    signal,
    judge: (dv) => {
      const phase = dv?.status?.phase;
      if (phase === "UploadReady") return { done: "ready" };
      if (phase === "Succeeded") return { done: "done" };
      if (phase === "Failed") return { failed: dv?.status?.conditions?.find((c) => c.type === "Running")?.message ?? "the DataVolume failed" };
      return { waiting: dv ? `phase ${phase || "none yet"}` : "not created yet" };
    }
  });
  if (ready === "done") return;
  const tokenRequest = await objects.create(
    { apiVersion: "upload.cdi.kubevirt.io/v1beta1", kind: "UploadTokenRequest", metadata: { name: req.dataVolume, namespace: req.namespace }, spec: { pvcName: req.dataVolume } },
    signal
  );
  const token = tokenRequest.status?.token;
  if (!token) throw new Error(`CDI returned no upload token for ${req.dataVolume}`);
  const target2 = await uploadProxy(req);
  logger.info(`upload: ${req.file} (${size} bytes) \u2192 DataVolume ${req.dataVolume} via ${target2.route.kind === "direct" ? target2.url.host : `a port-forward to ${target2.route.namespace}/${target2.route.pod}`}`);
  await withRetries(
    async (attempt) => {
      const progress = new ProgressReporter(logger, `upload ${req.dataVolume}`, size);
      progress.start();
      const body = createReadStream(req.file).pipe(
        new Transform({
          transform(chunk, _encoding, callback) {
            progress.add(chunk.length);
            callback(null, chunk);
          }
        })
      );
      const res = await clusterHttpsRequest(objects.api, target2, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream", "content-length": String(size) },
        body,
        signal
      });
      const text = await readBody(res, signal);
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        progress.finish(attempt > 1 ? `after ${attempt} tries` : void 0);
        return;
      }
      const error = new UploadError(`CDI's upload proxy refused the upload of ${req.dataVolume} (${status}): ${text.trim().slice(0, 300)}`);
      error.status = status;
      throw error;
    },
    {
      signal,
      attempts: 3,
      baseDelayMs: 2e3,
      retryable: transferRetryable,
      onRetry: (err) => logger.warn(`upload: ${err instanceof Error ? err.message : String(err)}; starting it again`)
    }
  );
}
var UploadError = class extends UserError {
  name = "UploadError";
  status = 0;
};

// src/engines/kubevirt/cluster/vm-handle.ts
import { mkdir as mkdir2, rm as rm2 } from "node:fs/promises";
import path3 from "node:path";

// src/engines/kubevirt/cluster/capture-wait.ts
function judgeSnapshot(snapshot) {
  if (!snapshot) return { waiting: "not created yet" };
  const s = snapshot.status;
  if (s?.readyToUse === true) return { done: true };
  if (s?.phase === "Failed") return { failed: s.error?.message ?? s.conditions?.find((c) => c.type === "Failure" && c.message)?.message ?? "the snapshot failed" };
  if (s?.error?.message) return { failed: s.error.message };
  return { waiting: s?.phase ? `phase ${s.phase}` : "not ready yet" };
}
async function waitForCapture(req) {
  const { output } = req;
  if (output.kind === "DataVolume") {
    await waitForDataVolumes({ objects: req.objects, namespace: req.namespace, dataVolumes: [{ name: output.name, label: `output of ${req.label}` }], logger: req.logger, signal: req.signal, timeoutMs: req.timeoutMs });
    return;
  }
  const apiVersion = output.kind === "VolumeSnapshot" ? "snapshot.storage.k8s.io/v1" : "snapshot.kubevirt.io/v1beta1";
  await waitFor(req.objects, {
    ref: { apiVersion, kind: output.kind, namespace: req.namespace, name: output.name },
    what: `the ${output.kind} of ${req.label}`,
    timeoutMs: req.timeoutMs,
    signal: req.signal,
    judge: judgeSnapshot,
    onState: (_o, verdict) => {
      if ("waiting" in verdict) req.logger.info(`output of ${req.label}: ${verdict.waiting}`);
    }
  });
}

// src/engines/kubevirt/cluster/export-download.ts
import { pipeline } from "node:stream/promises";
import { Transform as Transform2 } from "node:stream";
import { createGunzip } from "node:zlib";

// src/engines/kubevirt/cluster/sparse-file-writer.ts
import { open } from "node:fs/promises";
import { Writable } from "node:stream";
var BLOCK = 64 * 1024;
function isZero(buf) {
  let i = 0;
  for (; i + 8 <= buf.length; i += 8) if (buf.readBigUInt64LE(i) !== 0n) return false;
  for (; i < buf.length; i++) if (buf[i] !== 0) return false;
  return true;
}
var SparseFileWriter = class extends Writable {
  constructor(file) {
    super();
    this.file = file;
  }
  file;
  handle;
  position = 0;
  pending = Buffer.alloc(0);
  /** Bytes written so far (holes included). */
  get bytesWritten() {
    return this.position + this.pending.length;
  }
  _construct(callback) {
    open(this.file, "w").then(
      (h) => {
        this.handle = h;
        callback();
      },
      (err) => callback(err)
    );
  }
  _write(chunk, _encoding, callback) {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const whole = this.pending.length - this.pending.length % BLOCK;
    const ready = this.pending.subarray(0, whole);
    this.pending = this.pending.subarray(whole);
    this.writeBlocks(ready).then(() => callback(), callback);
  }
  _final(callback) {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    this.writeBlocks(rest).then(() => this.handle.truncate(this.position)).then(() => callback(), callback);
  }
  _destroy(error, callback) {
    const h = this.handle;
    this.handle = void 0;
    if (!h) return callback(error);
    h.close().then(
      () => callback(error),
      () => callback(error)
    );
  }
  async writeBlocks(data) {
    for (let off = 0; off < data.length; off += BLOCK) {
      const block = data.subarray(off, Math.min(off + BLOCK, data.length));
      if (!isZero(block)) await this.handle.write(block, 0, block.length, this.position);
      this.position += block.length;
    }
  }
};

// src/engines/kubevirt/cluster/export-download.ts
var EXPORT_TOKEN_HEADER = "x-kubevirt-export-token";
var EXPORT_SERVICE_PORT = 443;
function judgeExport(object) {
  if (!object) return { waiting: "not created yet" };
  const phase = object.status?.phase ?? "";
  const hasLinks = (object.status?.links?.internal?.volumes?.length ?? 0) > 0 || (object.status?.links?.external?.volumes?.length ?? 0) > 0;
  if (phase === "Ready" && hasLinks) return { done: object };
  if (phase === "Terminated") return { failed: "the export ended (its time to live ran out, or its source started running)" };
  if (phase === "Skipped") return { failed: "KubeVirt skipped the export (its source holds no exportable volume)" };
  const why = object.status?.conditions?.find((c) => c.status !== "True" && (c.message || c.reason));
  return { waiting: `${phase || "Pending"}${why ? ` (${why.reason ?? ""}${why.message ? `: ${why.message}` : ""})` : ""}` };
}
function pickDiskLink(object, volume, preferExternal) {
  const sets = [
    [object.status?.links?.external, true],
    [object.status?.links?.internal, false]
  ];
  if (!preferExternal) sets.reverse();
  for (const [links, external] of sets) {
    const volumes = links?.volumes ?? [];
    const chosen = volumes.find((v) => v.name === volume) ?? volumes.find((v) => volume !== void 0 && v.name?.includes(volume)) ?? volumes[0];
    for (const format of ["gzip", "raw"]) {
      const url = chosen?.formats?.find((f) => f.format === format)?.url;
      if (url) return { url: new URL(url), format, links, external };
    }
  }
  throw new UserError(`VirtualMachineExport ${object.metadata.name} offers no raw or gzip disk link (formats: ${JSON.stringify(object.status?.links ?? {})})`);
}
async function target(req, object) {
  const inCluster = runningInCluster(req.env);
  const link = pickDiskLink(object, req.volume, !inCluster);
  const ca = [link.links.cert, link.external ? req.clusterCa : void 0].filter((c) => Boolean(c));
  if (link.external || inCluster) return { target: { url: link.url, route: { kind: "direct" }, ca }, format: link.format };
  const service = object.status?.serviceName ?? `virt-export-${req.exportName}`;
  const route = await routeToService(req.objects, { namespace: req.namespace, service, port: EXPORT_SERVICE_PORT, signal: req.signal });
  return { target: { url: link.url, route, ca }, format: link.format };
}
async function downloadExport(req) {
  const { objects, logger, signal } = req;
  const ref = { apiVersion: req.apiVersion, kind: "VirtualMachineExport", namespace: req.namespace, name: req.exportName };
  const ready = await waitFor(objects, {
    ref,
    what: `the export ${req.exportName}`,
    timeoutMs: req.readyTimeoutMs,
    signal,
    judge: judgeExport,
    onState: (_o, verdict) => {
      if ("waiting" in verdict) logger.info(`export: ${verdict.waiting}`);
    }
  });
  const { target: where, format } = await target(req, ready);
  logger.info(`export: downloading ${format} from ${where.url.host}${where.route.kind === "port-forward" ? ` through a port-forward to pod ${where.route.namespace}/${where.route.pod}` : ""}`);
  await withRetries(
    async () => {
      const res = await clusterHttpsRequest(objects.api, where, { method: "GET", headers: { [EXPORT_TOKEN_HEADER]: req.token, accept: "*/*" }, signal });
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        const text = await readBody(res, signal).catch(() => "");
        const error = new UserError(`the export server answered ${status} for ${where.url.pathname}: ${text.trim().slice(0, 300)}`);
        throw Object.assign(error, { status });
      }
      const length = Number(res.headers["content-length"]);
      const progress = new ProgressReporter(logger, `download ${req.exportName} (${format})`, Number.isFinite(length) && length > 0 ? length : void 0);
      progress.start();
      const counter = new Transform2({
        transform(chunk, _enc, cb) {
          progress.add(chunk.length);
          cb(null, chunk);
        }
      });
      const writer = new SparseFileWriter(req.rawFile);
      if (format === "gzip") await pipeline(res, counter, createGunzip(), writer, { signal });
      else await pipeline(res, counter, writer, { signal });
      progress.finish(`${writer.bytesWritten} bytes of disk`);
    },
    {
      signal,
      attempts: 3,
      baseDelayMs: 2e3,
      retryable: transferRetryable,
      onRetry: (err) => logger.warn(`export: ${err instanceof Error ? err.message : String(err)}; downloading again`)
    }
  );
}

// src/engines/kubevirt/cluster/local-forwarder.ts
import net2 from "node:net";
async function startLocalForwarder(options) {
  const stop = new AbortController();
  const live = /* @__PURE__ */ new Set();
  const server = net2.createServer((local) => {
    const pair = { local };
    live.add(pair);
    local.pause();
    const end = () => {
      live.delete(pair);
      local.destroy();
      pair.remote?.destroy();
    };
    local.once("close", end);
    local.on("error", () => end());
    options.open(stop.signal).then(
      (remote) => {
        if (local.destroyed) {
          remote.destroy();
          return;
        }
        pair.remote = remote;
        remote.on("error", (err) => {
          options.logger.debug(`${options.what}: tunnel closed: ${err.message}`);
          end();
        });
        remote.once("close", end);
        remote.pipe(local);
        local.pipe(remote);
        local.resume();
      },
      (err) => {
        options.logger.debug(`${options.what}: cannot open the tunnel: ${err instanceof Error ? err.message : String(err)}`);
        end();
      }
    );
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = server.address().port;
  let closed;
  return {
    host: "127.0.0.1",
    port,
    close() {
      closed ??= new Promise((resolve) => {
        stop.abort(new Error(`${options.what}: forwarder closed`));
        for (const pair of live) {
          pair.local.destroy();
          pair.remote?.destroy();
        }
        live.clear();
        server.close(() => resolve());
      });
      return closed;
    }
  };
}

// src/engines/kubevirt/cluster/serial-console.ts
var CONSOLE_LOG_CONTAINER = "guest-console-log";
async function serialConsoleTail(objects, namespace, vmName, lines, signal) {
  const vmi = await objects.get(vmiRef(namespace, vmName), signal);
  const selectors = [vmi?.metadata.uid ? `kubevirt.io/created-by=${vmi.metadata.uid}` : void 0, `vm.kubevirt.io/name=${vmName}`].filter((s) => s !== void 0);
  let pods = [];
  for (const labelSelector of selectors) {
    pods = (await objects.list("v1", "Pod", namespace, { labelSelector }, signal)).items;
    if (pods.length > 0) break;
  }
  if (pods.length === 0) throw new Error(`no virt-launcher pod of VM ${vmName} was found (labels ${selectors.join(" or ")})`);
  pods.sort((a, b) => (a.status?.startTime ?? "") < (b.status?.startTime ?? "") ? -1 : 1);
  const pod = pods.at(-1);
  const text = await withRetries(
    () => objects.api.text("GET", `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod.metadata.name)}/log`, {
      query: { container: CONSOLE_LOG_CONTAINER, tailLines: lines },
      signal
    }),
    { signal, attempts: 4 }
  );
  return text.replace(/\r/g, "").split("\n").filter((l, i, all) => l !== "" || i < all.length - 1).slice(-lines);
}

// src/engines/kubevirt/cluster/vmi-streams.ts
var KUBEVIRT_STREAM_PROTOCOL = "plain.kubevirt.io";
var PING_INTERVAL_MS = 15e3;
function webSocketDuplex(ws) {
  const stream = (0, import_stream.default)(ws);
  let alive = true;
  ws.on("pong", () => alive = true);
  const pinger = setInterval(() => {
    if (!alive) {
      ws.terminate();
      return;
    }
    alive = false;
    if (ws.readyState === wrapper_default.OPEN) ws.ping();
  }, PING_INTERVAL_MS);
  pinger.unref();
  ws.once("close", () => clearInterval(pinger));
  stream.once("close", () => clearInterval(pinger));
  return stream;
}
function worthRetrying(err) {
  return isTransient(err) || err instanceof KubeApiError && err.status === 400 && /not running|not ready|no .*socket|connection refused/i.test(err.detail);
}
async function openVmiStream(api, req, subresource, query = {}) {
  const path11 = kubevirtSubresourcePath(req.namespace, "virtualmachineinstances", req.vmi, subresource);
  const ws = await withRetries(() => api.webSocket(path11, { protocols: [KUBEVIRT_STREAM_PROTOCOL], query, signal: req.signal }), {
    signal: req.signal,
    attempts: 8,
    retryable: worthRetrying
  });
  return webSocketDuplex(ws);
}
function openVmiVnc(api, req) {
  return openVmiStream(api, req, "vnc", { preserveSession: "false" });
}
function openVmiPortForward(api, req) {
  return openVmiStream(api, req, `portforward/${req.port}/tcp`);
}

// src/engines/kubevirt/cluster/vm-handle.ts
var POWER_OFF_GRACE_MARGIN_S = 60;
var KubevirtVmHandle = class {
  constructor(options) {
    this.options = options;
    this.name = options.vm.name;
  }
  options;
  name;
  ssh;
  stopping;
  get key() {
    return `${this.options.rendered.layer}/${this.options.rendered.vm}`;
  }
  get vmName() {
    return this.options.rendered.names.vm;
  }
  get namespace() {
    return this.options.session.namespace;
  }
  httpEndpoint() {
    return this.options.http;
  }
  openVnc(signal) {
    return openVmiVnc(this.options.session.objects.api, { namespace: this.namespace, vmi: this.vmName, signal });
  }
  async sshAddress(signal) {
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("cancelled");
    this.ssh ??= startLocalForwarder({
      what: `ssh to ${this.key}`,
      logger: this.options.logger,
      open: (s) => openVmiPortForward(this.options.session.objects.api, { namespace: this.namespace, vmi: this.vmName, port: this.options.vm.communicator.sshPort, signal: s })
    }).then((f) => {
      this.options.logger.info(`ssh: 127.0.0.1:${f.port} forwards to port ${this.options.vm.communicator.sshPort} of ${this.key} (KubeVirt port-forward)`);
      return f;
    });
    const forwarder = await this.ssh;
    return { host: forwarder.host, port: forwarder.port };
  }
  async powerOff() {
    const gracePeriod = Math.ceil(this.options.vm.shutdownTimeout / 1e3) + POWER_OFF_GRACE_MARGIN_S;
    await this.stopRequest(gracePeriod, AbortSignal.timeout(6e4));
  }
  /** KubeVirt's stop; "not running" (409) and "gone" (404) mean there is nothing to stop. */
  async stopRequest(gracePeriod, signal) {
    const path11 = kubevirtSubresourcePath(this.namespace, "virtualmachines", this.vmName, "stop");
    try {
      await this.options.session.objects.put(path11, { gracePeriod }, signal, `stopping VM ${this.key}`);
    } catch (err) {
      const status = err.status;
      if (status === 404 || status === 409) {
        this.options.logger.debug(`stop ${this.key}: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      throw err;
    }
  }
  async waitForShutdown(timeoutMs, signal) {
    try {
      const outcome = await waitFor(this.options.session.objects, {
        ref: vmiRef(this.namespace, this.vmName),
        what: `VM ${this.key} to power off`,
        timeoutMs,
        signal,
        judge: judgeVmiStopped
      });
      if (outcome === "failed") this.options.logger.warn(`vm ${this.key}: the VirtualMachineInstance ended Failed rather than Succeeded`);
      return true;
    } catch (err) {
      if (err instanceof WaitTimeoutError) return false;
      throw err;
    }
  }
  stop() {
    this.stopping ??= this.forceStop();
    return this.stopping;
  }
  async forceStop() {
    const { session, logger } = this.options;
    const signal = AbortSignal.timeout(session.timeouts.stop);
    await this.ssh?.then((f) => f.close()).catch(() => void 0);
    try {
      await this.stopRequest(0, signal);
    } catch (err) {
      logger.debug(`stop ${this.key}: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      await session.objects.delete(vmRef(this.namespace, this.vmName), signal);
      await waitFor(session.objects, {
        ref: vmiRef(this.namespace, this.vmName),
        what: `VM ${this.key} to stop`,
        timeoutMs: session.timeouts.stop,
        signal,
        judge: (o) => o ? { waiting: "still there" } : { done: true }
      });
    } catch (err) {
      logger.warn(`vm ${this.key}: could not confirm it stopped: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
    }
  }
  async serialTail(lines) {
    return serialConsoleTail(this.options.session.objects, this.namespace, this.vmName, lines, AbortSignal.timeout(2e4));
  }
  async exportDisk(req) {
    const { session, rendered } = this.options;
    const { logger, signal } = req;
    const mine = session.run.rendered.objects.filter((o) => o.vm === this.key);
    const capture = mine.find((o) => o.step === "capture");
    if (!capture) throw new Error(`internal: no capture object rendered for ${this.key}`);
    logger.info(`export: keeping the disk of ${this.key} as ${rendered.output.kind} ${rendered.output.name}`);
    await session.run.create(capture, signal);
    await waitForCapture({ objects: session.objects, namespace: this.namespace, output: rendered.output, label: this.key, logger, signal, timeoutMs: session.timeouts.export });
    session.outputs.add(this.key);
    const exports = mine.filter((o) => o.step === "export");
    const exportObject = exports.find((o) => o.object.kind === "VirtualMachineExport");
    if (!exportObject) throw new Error(`internal: no VirtualMachineExport rendered for ${this.key}`);
    for (const o of exports) await session.run.create(o, signal);
    const rawFile = path3.join(this.options.workDir, `${rendered.names.vm}-export.raw`);
    try {
      await downloadExport({
        objects: session.objects,
        namespace: this.namespace,
        exportName: exportObject.object.metadata.name,
        apiVersion: exportObject.object.apiVersion,
        token: session.exportToken(this.key),
        volume: rendered.output.kind === "DataVolume" ? rendered.output.name : rendered.names.rootDisk,
        rawFile,
        logger,
        signal,
        readyTimeoutMs: session.timeouts.export,
        env: session.env,
        ...session.clusterCa ? { clusterCa: session.clusterCa } : {}
      });
      await mkdir2(path3.dirname(req.destination), { recursive: true });
      await convertDisk({ source: rawFile, destination: req.destination, format: req.format, compress: req.compress, logger, signal });
    } finally {
      await rm2(rawFile, { force: true });
      for (const o of [...exports].reverse()) {
        await session.run.remove(refOf(o.object), AbortSignal.timeout(6e4)).catch((err) => {
          logger.debug(`export: removing ${describeRef(refOf(o.object))} later: ${err instanceof Error ? err.message : String(err)}`);
        });
      }
    }
  }
};

// src/engines/kubevirt/kube-discovery-client.ts
var DEFAULT_STORAGE_CLASS = "storageclass.kubernetes.io/is-default-class";
var DEFAULT_SNAPSHOT_CLASS = "snapshot.storage.kubernetes.io/is-default-class";
var KVM_RESOURCE = "devices.kubevirt.io/kvm";
function statusOf(err) {
  return err instanceof ApiException ? err.code : void 0;
}
function failed(what, err) {
  const status = statusOf(err);
  const detail = status === 401 ? "unauthorized (401): check the kubeconfig credentials" : status !== void 0 ? `HTTP ${status}` : err instanceof Error ? err.message : String(err);
  return new UserError(`Kubernetes API: ${what} failed: ${detail}`);
}
async function optional(what, ask) {
  try {
    return await ask();
  } catch (err) {
    const status = statusOf(err);
    if (status === 403 || status === 404) return void 0;
    throw failed(what, err);
  }
}
var KubeDiscoveryClient = class {
  constructor(kc) {
    this.kc = kc;
  }
  kc;
  async servedGroups() {
    try {
      const [core, groups] = await Promise.all([this.kc.makeApiClient(ObjectCoreApi).getAPIVersions(), this.kc.makeApiClient(ObjectApisApi).getAPIVersions()]);
      return [{ name: "", versions: core.versions }, ...groups.groups.map((g) => ({ name: g.name, versions: g.versions.map((v) => v.version) }))];
    } catch (err) {
      throw failed(`listing API groups at ${this.kc.getCurrentCluster()?.server ?? "the API server"}`, err);
    }
  }
  async servedResources(group, version) {
    const list = await optional(
      `listing the resources of ${group || "core"}/${version}`,
      () => group === "" ? this.kc.makeApiClient(ObjectCoreV1Api).getAPIResources() : this.kc.makeApiClient(ObjectCustomObjectsApi).getAPIResources({ group, version })
    );
    return list?.resources.map((r) => r.name);
  }
  async reviewAccess(attributes) {
    try {
      const review = await this.kc.makeApiClient(ObjectAuthorizationV1Api).createSelfSubjectAccessReview({
        body: {
          apiVersion: "authorization.k8s.io/v1",
          kind: "SelfSubjectAccessReview",
          spec: { resourceAttributes: { ...attributes } }
        }
      });
      const status = review.status;
      return { allowed: status?.allowed === true && status.denied !== true, ...status?.reason ? { reason: status.reason } : {} };
    } catch (err) {
      throw failed(`SelfSubjectAccessReview for ${attributes.verb} ${attributes.resource}`, err);
    }
  }
  async volumeSnapshotClasses() {
    const list = await optional(
      "listing VolumeSnapshotClasses",
      () => this.kc.makeApiClient(ObjectCustomObjectsApi).listClusterCustomObject({ group: "snapshot.storage.k8s.io", version: "v1", plural: "volumesnapshotclasses" })
    );
    return list?.items?.map((c) => ({
      name: c.metadata?.name ?? "",
      driver: c.driver ?? "",
      isDefault: c.metadata?.annotations?.[DEFAULT_SNAPSHOT_CLASS] === "true"
    }));
  }
  async storageClasses() {
    const list = await optional("listing StorageClasses", () => this.kc.makeApiClient(ObjectStorageV1Api).listStorageClass());
    return list?.items.map((s) => ({
      name: s.metadata?.name ?? "",
      provisioner: s.provisioner,
      isDefault: s.metadata?.annotations?.[DEFAULT_STORAGE_CLASS] === "true"
    }));
  }
  async kubeVirtEmulation() {
    const list = await optional(
      "listing KubeVirt CRs",
      () => this.kc.makeApiClient(ObjectCustomObjectsApi).listClusterCustomObject({ group: "kubevirt.io", version: "v1", plural: "kubevirts" })
    );
    return list?.items?.map((kv) => kv.spec?.configuration?.developerConfiguration?.useEmulation === true);
  }
  async kvmNodes() {
    const list = await optional("listing nodes", () => this.kc.makeApiClient(ObjectCoreV1Api).listNode());
    if (!list) return void 0;
    const count = (q) => {
      const parsed = parseQuantity(q ?? "0");
      return "bytes" in parsed ? parsed.bytes : 0;
    };
    const withKvm = list.items.filter((n) => count(n.status?.allocatable?.[KVM_RESOURCE]) > 0).length;
    return { nodes: list.items.length, withKvm };
  }
};

// src/engines/kubevirt/manifests/local-files.ts
import { readdirSync, readFileSync as readFileSync2, statSync } from "node:fs";
import path4 from "node:path";
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
    const rel = path4.relative(build.dir, p);
    return rel && !rel.startsWith("..") && !path4.isAbsolute(rel) ? rel + (p.endsWith("/") ? "/" : "") : p;
  };
  for (const layer of build.layers) {
    for (const vm of layer.vms) {
      const what = `vm ${layer.name}/${vm.name}`;
      const http3 = httpFiles(vm, what);
      if (http3.length > 0) inputs.http.set(vmKey(layer.name, vm.name), http3);
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
function readFile2(file, what) {
  try {
    return readFileSync2(file);
  } catch (err) {
    throw new UserError(`${what}: cannot read ${file}: ${err.code ?? err.message}`);
  }
}
function httpFiles(vm, what) {
  const files = /* @__PURE__ */ new Map();
  if (vm.httpDirectory) {
    for (const rel of walk(vm.httpDirectory, `${what}: httpDirectory`)) {
      files.set(rel, { path: rel, data: readFile2(path4.join(vm.httpDirectory, ...rel.split("/")), `${what}: httpDirectory`) });
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
      const childAbs = path4.join(abs, name);
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
    files.set(name, { path: name, data: readFile2(abs, what) });
  };
  for (const entry of cdrom.files ?? []) {
    const contentsOnly = entry.endsWith("/");
    const abs = path4.resolve(entry);
    const st = statSync(abs, { throwIfNoEntry: false });
    if (!st) throw new UserError(`${what}: file '${shown(entry)}' does not exist`);
    if (st.isFile()) {
      add(path4.basename(abs), abs);
      continue;
    }
    if (!contentsOnly) {
      throw new UserError(
        `${what}: '${shown(entry)}' is a folder; the kubevirt engine makes cdroms from Secrets, whose files all sit at the root of the CD, so a folder cannot be on it: list the folder's files instead`
      );
    }
    for (const name of readdirSync(abs).sort()) {
      const child = path4.join(abs, name);
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
    throw new UserError(
      `${what} add up to ${formatBytes(total)}; the kubevirt engine carries them in a Kubernetes Secret, which holds at most 1 MiB. ${advice}`
    );
  }
}

// src/engines/kubevirt/manifests/names.ts
import { createHash, randomBytes } from "node:crypto";
var MAX_NAME_LENGTH = 63;
var DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
var HASH_LENGTH = 8;
function isDnsLabel(text, maxLength = MAX_NAME_LENGTH) {
  return text.length <= maxLength && DNS_LABEL.test(text);
}
function sanitize(part) {
  return part.toLowerCase().replace(/[^-a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}
function shortHash(text) {
  return createHash("sha256").update(text).digest("hex").slice(0, HASH_LENGTH);
}
function kubeName(parts, options = {}) {
  const maxLength = options.maxLength ?? MAX_NAME_LENGTH;
  if (maxLength <= HASH_LENGTH) throw new Error(`internal: names of at most ${maxLength} characters cannot hold a hash`);
  const rawSuffix = options.suffix ?? "";
  const suffix = sanitize(rawSuffix);
  const tail = suffix ? `-${suffix}` : "";
  const cleaned = parts.map(sanitize).filter((p) => p.length > 0);
  const joined = cleaned.join("-");
  const changed = suffix !== rawSuffix || cleaned.length !== parts.length || cleaned.some((p, i) => p !== parts[i]);
  if (!changed && joined.length > 0 && joined.length + tail.length <= maxLength) return joined + tail;
  const hash = shortHash(JSON.stringify([parts, rawSuffix]));
  const budget = maxLength - tail.length - HASH_LENGTH - 1;
  if (budget < 0) return `${[joined, suffix].filter(Boolean).join("-").slice(0, maxLength - HASH_LENGTH - 1).replace(/-+$/, "")}-${hash}`.replace(/^-/, "");
  const head = joined.slice(0, budget).replace(/-+$/, "");
  return `${head ? `${head}-` : ""}${hash}${tail}`;
}
var RUN_ID = /^[a-z0-9]{1,12}$/;
function checkRunId(runId) {
  return RUN_ID.test(runId) ? void 0 : `run id '${runId}' must be 1 to 12 lower-case letters and digits`;
}
function newRunId(random = randomBytes) {
  const bytes = random(6);
  let id = "";
  for (const b of bytes) id += (b % 36).toString(36);
  return id;
}
function stableRunId(plan) {
  const digest = createHash("sha256").update(plan).digest();
  return newRunId((n) => digest.subarray(0, n));
}

// src/engines/kubevirt/manifests/render-context.ts
import path5 from "node:path";

// src/engines/kubevirt/manifests/run-names.ts
var EGRESS_GATEWAY_MAX_LENGTH = 40;
var RunNames = class {
  constructor(build, runId) {
    this.build = build;
    this.runId = runId;
  }
  build;
  runId;
  /** The run's root ConfigMap, owner of every namespaced object of the run. */
  get root() {
    return kubeName([this.build, this.runId]);
  }
  vpc(vpc) {
    return kubeName([this.build, vpc, this.runId]);
  }
  subnet(subnet) {
    return kubeName([this.build, subnet, this.runId]);
  }
  egressGateway(vpc) {
    return kubeName([this.build, vpc, this.runId], { suffix: "egress", maxLength: EGRESS_GATEWAY_MAX_LENGTH });
  }
  networkAttachment(subnet) {
    return kubeName([this.build, subnet, this.runId], { suffix: "nad" });
  }
  vm(layer, vm) {
    const parts = [this.build, layer, vm, this.runId];
    const named = (suffix) => kubeName(parts, suffix === void 0 ? {} : { suffix });
    return {
      vm: named(),
      rootDisk: named("root"),
      disk: (name) => named(`disk-${name}`),
      installIso: named("install-iso"),
      cdrom: (name) => named(`cd-${name}`),
      httpFiles: named("http-files"),
      httpServer: named("http"),
      output: named("output"),
      export: named("export"),
      exportToken: named("export-token")
    };
  }
};

// src/engines/kubevirt/manifests/render-context.ts
function renderContext(build, options, inputs) {
  return { build, options, names: new RunNames(build.name, options.runId), inputs, problems: [] };
}
function vmScopes(ctx) {
  return ctx.build.layers.flatMap(
    (layer, layerIndex) => layer.vms.map((vm, vmIndex) => ({ layer, vm, names: ctx.names.vm(layer.name, vm.name), layerIndex, vmIndex }))
  );
}
function reportVmProblem(ctx, scope, field, message) {
  const positions = scope.vm.positions ?? {};
  let key = field;
  let pos = positions[key];
  while (!pos && key.includes(".")) {
    key = key.slice(0, key.lastIndexOf("."));
    pos = positions[key];
  }
  const fieldPath = field.replace(/\.(\d+)(?=\.|$)/g, "[$1]");
  ctx.problems.push({
    file: pos?.file ?? ctx.build.file,
    line: pos?.line ?? 1,
    column: pos?.column ?? 1,
    path: `layers[${scope.layerIndex}].vms[${scope.vmIndex}].${fieldPath}`,
    message: `kubevirt engine: ${message}`
  });
}
function objectMeta(ctx, name, component, scope, extras = {}) {
  const meta = { name };
  if (!extras.clusterScoped) meta.namespace = ctx.options.namespace;
  meta.labels = runLabels(
    { build: ctx.build.name, runId: ctx.options.runId, ...scope ? { layer: scope.layer.name, vm: scope.vm.name } : {} },
    component
  );
  if (extras.annotations && Object.keys(extras.annotations).length > 0) meta.annotations = { ...extras.annotations };
  return meta;
}
function shownPath(ctx, file) {
  const rel = path5.relative(ctx.build.dir, file);
  return rel === "" || path5.isAbsolute(rel) ? file : rel.split(path5.sep).join("/");
}

// src/engines/kubevirt/manifests/data-volumes.ts
var BIND_IMMEDIATE_ANNOTATION = "cdi.kubevirt.io/storage.bind.immediate.requested";
var MIB = 1024 * 1024;
function dataVolume(ctx, scope, name, component, source, sizeBytes) {
  const storage = { resources: { requests: { storage: formatQuantity(sizeBytes) } } };
  if (ctx.options.storageClass !== void 0) storage.storageClassName = ctx.options.storageClass;
  return {
    apiVersion: "cdi.kubevirt.io/v1beta1",
    kind: "DataVolume",
    metadata: objectMeta(ctx, name, component, scope, { annotations: { [BIND_IMMEDIATE_ANNOTATION]: "true" } }),
    spec: { source, storage }
  };
}
function findVm(ctx, layer, vm) {
  return ctx.build.layers.find((l) => l.name === layer)?.vms.find((v) => v.name === vm);
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
      rootSource = { http: { url: source.url, checksum: `${source.checksum.algorithm}:${source.checksum.hex}` } };
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
      const iso = dataVolume(
        ctx,
        scope,
        names.installIso,
        "install-iso",
        { http: { url: source.url, checksum: `${source.checksum.algorithm}:${source.checksum.hex}` } },
        ctx.options.isoVolumeBytes
      );
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
      rootSize = Math.max(rootSize, parent?.disks[0]?.sizeBytes ?? 0);
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
    if (firstSubnet) {
      const gateway = {
        apiVersion: "kubeovn.io/v1",
        kind: "VpcEgressGateway",
        metadata: objectMeta(ctx, ctx.names.egressGateway(vpc.name), "egress-gateway"),
        spec: {
          vpc: vpcName,
          replicas: vpc.internet ? 1 : 0,
          externalSubnet: ctx.options.egressExternalSubnet,
          internalSubnet: ctx.names.subnet(firstSubnet.name),
          policies: [{ snat: true, subnets: vpc.subnets.map((s) => ctx.names.subnet(s.name)) }]
        }
      };
      out.push({
        object: gateway,
        step: "network",
        owner: { kind: "run" },
        note: `egress of VPC ${vpc.name}: ${vpc.internet ? "internet (1 replica)" : "no internet (scaled to 0)"}`
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
  scope.vm.nics.forEach((nic, i) => {
    const name = `nic${i}`;
    if (i === 0) {
      result.networks.push({ name, pod: {} });
      if (nic.subnet === void 0) {
        result.interfaces.push({ name, model: nic.model, masquerade: {} });
      } else {
        const subnet = ctx.names.subnet(nic.subnet);
        result.interfaces.push({ name, model: nic.model, bridge: {} });
        result.annotations[LOGICAL_SWITCH_ANNOTATION] = subnet;
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
  const spec = {
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
        image: ctx.options.httpServerImage,
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
      annotations: primarySubnet ? { [LOGICAL_SWITCH_ANNOTATION]: primarySubnet } : {}
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

// src/engines/kubevirt/manifests/run-root.ts
import path6 from "node:path";
function renderRunRoot(ctx, objects) {
  const clusterObjects = objects.filter((o) => o.object.metadata.namespace === void 0).map((o) => `${o.object.kind}/${o.object.metadata.name}`);
  const vms = ctx.build.layers.flatMap((l) => l.vms.map((vm) => `${l.name}/${vm.name}`));
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: objectMeta(ctx, ctx.names.root, "run"),
    data: {
      build: ctx.build.name,
      buildFile: path6.basename(ctx.build.file),
      runId: ctx.options.runId,
      vms: vms.join("\n"),
      clusterObjects: clusterObjects.join("\n")
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
    const device = { name: cdrom.name, cdrom: { bus: CDROM_BUS, readonly: true } };
    const fromFiles = parts.cdroms.secrets.get(cdrom.name);
    const fromIso = parts.disks.cdromIsos.get(cdrom.name);
    if (fromFiles) attach(device, { secret: { secretName: fromFiles.secretName, volumeLabel: fromFiles.label } }, `cdroms.${i}`);
    else if (fromIso) attach(device, { dataVolume: { name: fromIso } }, `cdroms.${i}`);
  });
  const memory = formatQuantity(vm.memoryBytes);
  const secureBoot = vm.efiFirmware?.secureBoot === true;
  const object = {
    apiVersion: "kubevirt.io/v1",
    kind: "VirtualMachine",
    metadata: objectMeta(ctx, scope.names.vm, "vm", scope),
    spec: {
      runStrategy: "Once",
      template: {
        metadata: {
          labels: runLabels({ build: ctx.build.name, runId: ctx.options.runId, layer: scope.layer.name, vm: vm.name }, "vm"),
          ...Object.keys(parts.networking.annotations).length > 0 ? { annotations: parts.networking.annotations } : {}
        },
        spec: {
          hostname: vm.name,
          terminationGracePeriodSeconds: Math.max(1, Math.ceil(vm.shutdownTimeout / 1e3)),
          domain: {
            machine: { type: "q35" },
            cpu: { cores: vm.cpu, sockets: 1, threads: 1 },
            memory: { guest: memory },
            resources: { requests: { memory } },
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

// src/engines/kubevirt/manifests/render.ts
function renderBuild(build, inputs, options) {
  const ctx = renderContext(build, options, inputs);
  const objects = [...renderNetwork(ctx)];
  const vms = [];
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
      objects.push(...disks.objects, ...cdroms.objects, ...fileServer?.objects ?? []);
      objects.push(renderVirtualMachine(ctx, scope, { disks, cdroms, networking }));
      const capture = renderCapture(ctx, scope, disks.rootSizeBytes);
      captures.push(capture.object);
      exports.push(...renderExport(ctx, scope));
      vms.push({
        layer: scope.layer.name,
        vm: scope.vm.name,
        names: scope.names,
        ...fileServer ? { httpPort: fileServer.port } : {},
        output: capture.output
      });
    }
    objects.push(...captures, ...exports);
  }
  checkUniqueNames(ctx, objects);
  if (ctx.problems.length > 0) throw new BuildFileError(ctx.problems);
  const root = renderRunRoot(ctx, objects);
  return {
    namespace: options.namespace,
    runId: options.runId,
    root,
    objects: [{ object: root, step: "run", owner: { kind: "none" }, note: `root of run ${options.runId}: owns the run's namespaced objects` }, ...objects],
    vms
  };
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

// src/engines/kubevirt/manifests/render-options.ts
import { randomBytes as randomBytes2 } from "node:crypto";
var DEFAULT_HTTP_SERVER_IMAGE = "docker.io/library/busybox:1.37";
var DEFAULT_EGRESS_EXTERNAL_SUBNET = "ovn-vpc-external-network";
function randomExportToken() {
  return randomBytes2(24).toString("base64url");
}
function renderOptions(given) {
  const options = {
    namespace: "default",
    capture: { mode: "clone" },
    exportApiVersion: "v1",
    egressExternalSubnet: DEFAULT_EGRESS_EXTERNAL_SUBNET,
    httpServerImage: DEFAULT_HTTP_SERVER_IMAGE,
    httpPort: 8080,
    isoVolumeBytes: 10 * 1024 ** 3,
    exportTtl: "2h",
    exportToken: randomExportToken,
    ...given
  };
  const problems = [];
  if (!isDnsLabel(options.namespace)) problems.push(`namespace '${options.namespace}' is not a Kubernetes namespace name (lower-case letters, digits and '-', at most 63)`);
  const runIdProblem = checkRunId(options.runId);
  if (runIdProblem) problems.push(runIdProblem);
  if (options.storageClass !== void 0 && !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(options.storageClass)) {
    problems.push(`storage class '${options.storageClass}' is not a Kubernetes name`);
  }
  if (options.capture.mode === "volume-snapshot" && !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(options.capture.snapshotClass)) {
    problems.push(`volume snapshot class '${options.capture.snapshotClass}' is not a Kubernetes name`);
  }
  if (!isDnsLabel(options.egressExternalSubnet)) problems.push(`egress external subnet '${options.egressExternalSubnet}' is not a Kube-OVN subnet name`);
  if (!Number.isInteger(options.httpPort) || options.httpPort < 1 || options.httpPort > 65535) problems.push(`HTTP port ${options.httpPort} is not a TCP port`);
  if (options.httpServerImage.trim() === "" || /\s/.test(options.httpServerImage)) problems.push(`HTTP server image '${options.httpServerImage}' is not an image reference`);
  if (problems.length > 0) throw new UserError(`kubevirt engine: ${problems.join("; ")}`);
  return options;
}

// src/engines/kubevirt/manifests/to-yaml.ts
var import_yaml = __toESM(require_dist(), 1);
var STEP_NOTES = {
  run: "created first",
  network: "created before any VM",
  prepare: "created before the VM",
  start: "created to start the VM",
  capture: "created after the VM shut down",
  export: "created to take the output out of the cluster"
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
function renderedToYaml(build, options = {}) {
  return build.objects.map((o) => `---
${objectToYaml(o, options)}`).join("");
}

// src/engines/kubevirt/engine.ts
var KubevirtEngine = class {
  constructor(options = {}) {
    this.options = options;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.logger = options.logger;
  }
  options;
  name = "kubevirt";
  opening;
  run;
  logger;
  timeouts;
  handles = /* @__PURE__ */ new Set();
  closed = false;
  get env() {
    return this.options.env ?? process.env;
  }
  async startVm(req) {
    if (this.closed) throw new Error("internal: the kubevirt engine was closed");
    this.logger ??= req.logger;
    this.opening ??= this.open(req);
    const session = await this.opening;
    if (session.build !== req.build) throw new Error("internal: one kubevirt engine runs one build");
    const handle = await this.startOne(session, req);
    this.handles.add(handle);
    return handle;
  }
  /** Loads the kubeconfig, checks the cluster, renders the build and creates the run's root and network. */
  async open(req) {
    const { build, signal } = req;
    const logger = this.logger ?? req.logger;
    const target2 = loadKubeTarget({ env: this.env, ...pick(this.options, "kubeconfig", "namespace", "context") });
    const api = new KubeApi(target2.kc);
    const objects = new ObjectClient(api, logger);
    logger.info(`kubevirt: cluster ${api.address} (${target2.source}), namespace ${target2.namespace}`);
    const discovery = new RetryingDiscoveryClient(
      new KubeDiscoveryClient(target2.kc),
      signal,
      (err) => logger.debug(`kubevirt: discovery: ${err instanceof Error ? err.message : String(err)}; asking again`)
    );
    const capabilities = await discoverCapabilities(discovery, {
      namespace: target2.namespace,
      features: buildFeatures(build),
      ...this.options.capture ? { capture: this.options.capture } : {},
      ...this.options.storageClass ? { storageClass: this.options.storageClass } : {}
    });
    for (const warning of capabilities.warnings) logger.warn(`kubevirt: ${warning}`);
    assertBuildable(capabilities);
    logger.info(
      `kubevirt: VMs run with ${capabilities.accelerator === "emulation" ? "emulation (TCG, slow)" : capabilities.accelerator}; outputs kept as ${capabilities.capture.mode === "volume-snapshot" ? `CSI snapshots (${capabilities.capture.snapshotClass})` : capabilities.capture.mode}; export.kubevirt.io/${capabilities.exportApiVersion}`
    );
    const tokens = /* @__PURE__ */ new Map();
    const rendered = renderBuild(
      build,
      collectLocalInputs(build),
      renderOptions({
        runId: this.options.runId ?? newRunId(),
        namespace: target2.namespace,
        capture: capabilities.capture,
        exportApiVersion: capabilities.exportApiVersion,
        ...pick(this.options, "storageClass", "httpServerImage"),
        exportToken: (key) => {
          const token = randomExportToken();
          tokens.set(key, token);
          return token;
        }
      })
    );
    const run = new ClusterRun(objects, rendered, logger);
    this.run = run;
    await run.begin(signal);
    const clusterCa = readClusterCa(target2);
    return {
      objects,
      run,
      namespace: target2.namespace,
      timeouts: this.timeouts,
      env: this.env,
      ...clusterCa ? { clusterCa } : {},
      exportToken: (key) => {
        const token = tokens.get(key);
        if (!token) throw new Error(`internal: no export token rendered for ${key}`);
        return token;
      },
      outputs: /* @__PURE__ */ new Set(),
      rendered,
      build
    };
  }
  async startOne(session, req) {
    const { build, vm, logger, signal } = req;
    const layer = layerOf(build, vm);
    const key = `${layer.name}/${vm.name}`;
    const rendered = session.rendered.vms.find((v) => v.layer === layer.name && v.vm === vm.name);
    if (!rendered) throw new Error(`internal: ${key} was not rendered`);
    const mine = session.rendered.objects.filter((o) => o.vm === key);
    const names = rendered.names;
    if (vm.nics[0]?.subnet) {
      logger.warn(`vm ${key}: its first NIC is on Kube-OVN subnet ${vm.nics[0].subnet}; KubeVirt's port-forward (SSH) cannot reach custom VPCs (kubeovn/kube-ovn#4908)`);
    }
    const uploads = [];
    let rootEdit;
    if (vm.source.kind === "path") uploads.push({ dataVolume: names.rootDisk, file: path7.resolve(build.dir, vm.source.path) });
    if (vm.source.kind === "from" && !session.outputs.has(`${vm.source.layer}/${vm.source.vm}`)) {
      if (!req.parentDisk) throw new UserError(`vm ${key}: the output of ${vm.source.layer}/${vm.source.vm} is neither in the cluster nor on this machine`);
      logger.info(`vm ${key}: ${vm.source.layer}/${vm.source.vm} was reused from the layer cache; uploading it`);
      rootEdit = (o) => {
        if (o.kind === "DataVolume") o.spec.source = { upload: {} };
      };
      uploads.push({ dataVolume: names.rootDisk, file: req.parentDisk });
    }
    for (const cdrom of vm.cdroms) if (cdrom.iso) uploads.push({ dataVolume: names.cdrom(cdrom.name), file: cdrom.iso });
    for (const o of mine.filter((r) => r.step === "prepare")) {
      const edit = rootEdit && o.object.kind === "DataVolume" && o.object.metadata.name === names.rootDisk ? rootEdit : void 0;
      await session.run.create(o, signal, edit);
    }
    const dataVolumes = mine.filter((o) => o.step === "prepare" && o.object.kind === "DataVolume").map((o) => ({ name: o.object.metadata.name, label: diskLabel(o, key) }));
    const fileServer = mine.find((o) => o.step === "prepare" && o.object.kind === "Pod");
    let http3;
    await allOrNothing(signal, [
      (s) => waitForDataVolumes({ objects: session.objects, namespace: session.namespace, dataVolumes, logger, signal: s, timeoutMs: this.timeouts.import }),
      ...uploads.map(
        (u) => (s) => uploadDisk({ objects: session.objects, namespace: session.namespace, ...u, logger, signal: s, readyTimeoutMs: this.timeouts.import, ...session.clusterCa ? { clusterCa: session.clusterCa } : {} })
      ),
      async (s) => {
        if (!fileServer || rendered.httpPort === void 0) return;
        const ip = await waitFor(session.objects, {
          ref: { apiVersion: "v1", kind: "Pod", namespace: session.namespace, name: fileServer.object.metadata.name },
          what: `the HTTP file server of ${key}`,
          timeoutMs: this.timeouts.start,
          signal: s,
          judge: judgePodServing
        });
        http3 = { ip, port: rendered.httpPort };
        logger.info(`http: files of ${key} served by pod ${fileServer.object.metadata.name} at ${ip}:${rendered.httpPort}`);
      }
    ]);
    for (const o of mine.filter((r) => r.step === "start")) await session.run.create(o, signal);
    const vmi = await waitForVmiRunning({ objects: session.objects, namespace: session.namespace, name: names.vm, label: key, logger, signal, timeoutMs: this.timeouts.start });
    logger.info(`vm ${key}: running${vmi.status?.nodeName ? ` on node ${vmi.status.nodeName}` : ""} (VirtualMachine ${names.vm})`);
    return new KubevirtVmHandle({ session, vm, rendered, ...http3 ? { http: http3 } : {}, workDir: req.workDir, logger });
  }
  async close() {
    this.closed = true;
    await this.opening?.catch(() => void 0);
    await Promise.all([...this.handles].map((h) => h.stop()));
    this.handles.clear();
    if (this.run) await this.run.cleanup(this.timeouts.cleanup);
  }
};
function pick(from, ...keys) {
  const out = {};
  for (const k of keys) if (from[k] !== void 0) out[k] = from[k];
  return out;
}
function layerOf(build, vm) {
  const layer = build.layers.find((l) => l.vms.includes(vm));
  if (!layer) throw new Error(`internal: vm ${vm.name} is not part of build ${build.name}`);
  return layer;
}
function diskLabel(o, key) {
  const component = o.object.metadata.labels?.[LABEL_COMPONENT];
  switch (component) {
    case "root-disk":
      return `root disk of ${key}`;
    case "install-iso":
      return `installer ISO of ${key}`;
    default:
      return `${component ?? "disk"} ${o.object.metadata.name}`;
  }
}
function readClusterCa(target2) {
  const cluster = target2.kc.getCurrentCluster();
  if (cluster?.caData) return Buffer.from(cluster.caData, "base64").toString("utf8");
  if (cluster?.caFile) {
    try {
      return readFileSync3(cluster.caFile, "utf8");
    } catch {
      return void 0;
    }
  }
  return void 0;
}

// src/cli/args.ts
import { parseArgs } from "node:util";
function parseCommandArgs(args, options) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}
function parseKeyValues(values, flag) {
  const out = {};
  for (const v of values ?? []) {
    const eq = v.indexOf("=");
    if (eq <= 0) throw new UsageError(`${flag} expects key=value, got '${v}'`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

// src/cli/terminal-logger.ts
function terminalLogger(stderr, masker = new SecretMasker(), verbose = false) {
  return new LineLogger(
    (level, line) => {
      const tag = level === "warn" ? "warning: " : level === "error" ? "error: " : "";
      stderr.write(`${tag}${line}
`);
    },
    masker,
    "",
    verbose
  );
}

// src/cli/commands/build.ts
var usage2 = `Usage: ruddervirt build FILE [options]

Builds every layer and VM of the build file in Packer's order of operations: source, disks, HTTP
server, VM, boot wait, boot command over VNC, SSH, provisioners, shutdown, disk export. Progress goes
to stderr; the last line on stdout is the output image's path.

Options:
  --var k=v                  Set a build variable (repeatable); it must be declared under variables.
  --on-error cleanup|abort   On failure, clean up everything (default) or leave the VM and its files
                             for debugging (Packer's -on-error=abort).
  --output DIR               Where images, checksums, logs and manifest.json go
                             (default: output/<build name> beside the current directory).
  --force                    Rebuild every layer even if an identical one is cached.
  --only LAYER               Build only this layer (earlier layers come from the layer cache).
  --until LAYER              Stop after this layer.
  --no-layer-cache           Neither reuse nor store layers (default: reuse unchanged layers from
                             RUDDERVIRT_CACHE_DIR or ~/.cache/ruddervirt/layers).
  --engine local|kubevirt    Where VMs run: QEMU on this machine (default), or KubeVirt VirtualMachines
                             on a Kubernetes cluster (needs KubeVirt and CDI; see docs/kubevirt.md).
  --kubeconfig FILE          kubevirt: the cluster and credentials (default: KUBECONFIG,
                             ~/.kube/config, or the pod's service account inside a cluster).
  --namespace NS             kubevirt: where the build's objects go (default: the context's
                             namespace, else default). Everything the build creates there is
                             removed when it ends.
  --verbose                  Debug lines too.

Exit status: 0 built, 1 failed (bad build file or a failed step), 130 cancelled (SIGINT/SIGTERM).
`;
var buildCommand = {
  name: "build",
  summary: "Build the images a build file describes (QEMU here, or KubeVirt)",
  usage: usage2,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      var: { type: "string", multiple: true },
      "on-error": { type: "string", default: "cleanup" },
      output: { type: "string" },
      engine: { type: "string", default: "local" },
      verbose: { type: "boolean", default: false },
      force: { type: "boolean", default: false },
      only: { type: "string" },
      until: { type: "string" },
      "no-layer-cache": { type: "boolean", default: false },
      kubeconfig: { type: "string" },
      namespace: { type: "string" }
    });
    if (positionals.length !== 1) throw new UsageError("expects exactly one build file");
    const onError = values["on-error"];
    if (onError !== "cleanup" && onError !== "abort") throw new UsageError(`--on-error must be cleanup or abort, got '${onError}'`);
    if (values.engine !== "local" && values.engine !== "kubevirt") throw new UsageError(`--engine must be local or kubevirt, got '${values.engine}'`);
    if (values.engine === "local") {
      for (const flag of ["kubeconfig", "namespace"]) if (values[flag] !== void 0) throw new UsageError(`--${flag} is for --engine kubevirt`);
    }
    const build = loadBuild(positionals[0], { vars: parseKeyValues(values.var, "--var"), env: io.env, cwd: io.cwd });
    const masker = new SecretMasker();
    for (const s of build.secrets) masker.add(s);
    const logger = terminalLogger(io.stderr, masker, values.verbose);
    const outputDir = path8.resolve(io.cwd, values.output ?? path8.join("output", build.name));
    logger.info(`build ${build.name}: ${build.layers.length} layer(s), ${build.layers.reduce((n, l) => n + l.vms.length, 0)} VM(s) \u2192 ${outputDir}`);
    const engine = values.engine === "kubevirt" ? new KubevirtEngine({
      env: io.env,
      logger,
      ...values.kubeconfig !== void 0 ? { kubeconfig: path8.resolve(io.cwd, values.kubeconfig) } : {},
      ...values.namespace !== void 0 ? { namespace: values.namespace } : {}
    }) : new LocalEngine({ env: io.env });
    let result;
    try {
      result = await runBuild({
        build,
        engine,
        outputDir,
        onError,
        logger,
        signal: io.signal,
        force: values.force,
        ...values["no-layer-cache"] ? {} : { layerCache: new LayerCache(defaultCacheRoot(io.env)) },
        ...values.only !== void 0 ? { only: values.only } : {},
        ...values.until !== void 0 ? { until: values.until } : {}
      });
    } finally {
      await engine.close();
    }
    io.stderr.write(masker.mask(formatBuildSummary(result, formatBytes)));
    if (result.status === "cancelled") throw new UserError("Build was cancelled.", 130);
    if (result.status === "failed") throw new UserError(`build failed: ${masker.mask(result.error?.message ?? "unknown error")}`, 1);
    for (const o of result.outputs) io.stdout.write(`${o.image}
`);
    return 0;
  }
};

// src/cli/commands/publish.ts
import { readFile as readFile3 } from "node:fs/promises";
import path9 from "node:path";
var usage3 = `Usage: ruddervirt publish DISK IMAGE_REF... [options]
       ruddervirt publish --disk PLATFORM=DISK... IMAGE_REF... [options]

Packages a qcow2 or raw disk as a KubeVirt containerDisk (one layer holding /disk/disk.qcow2 or
/disk/disk.img, owned by 107:107) and pushes it to every IMAGE_REF, streaming: the disk is compressed
while it is hashed and uploaded, with no temporary copy. Prints IMAGE@sha256:\u2026 last.

An image whose 'shasum' label already matches the disk is not sent again.

Options:
  --platform OS/ARCH        platform of DISK (default linux/amd64)
  --disk PLATFORM=PATH      one disk per platform, repeatable: pushes an index (multi-platform
                            image); every positional argument is then an IMAGE_REF
  --label KEY=VALUE         image label, repeatable
  --compression gzip|zstd   layer compression (default gzip)
  --compression-level N     gzip 1-9 (default 6), zstd 1-19 (default 3)
  --format oci|docker       manifest media types (default oci; docker = Docker v2 schema 2)
  --insecure                allow plain http and unverified TLS (always allowed for localhost)
  --ca-file PEM             trust this CA for the registry's certificate
  --username USER           registry user; the password comes from --password-file or
  --password-file FILE      RUDDERVIRT_REGISTRY_PASSWORD (else docker's config.json is used)
  --authfile PATH           docker config.json to read (default $DOCKER_CONFIG or ~/.docker)
  --oci-layout DIR          write an OCI layout directory instead of pushing (IMAGE_REFs, or
                            bare tags, name its entries; default 'latest')
  --source URL              org.opencontainers.image.source (default: the GitHub repository)
  --revision REV            org.opencontainers.image.revision (default: $GITHUB_SHA)
  --title TEXT              org.opencontainers.image.title
  --created RFC3339         image creation time (default $SOURCE_DATE_EPOCH, else the disk's mtime)
  --verbose                 debug output
`;
function cliLogger(stderr, masker, verbose) {
  const base = terminalLogger(stderr, masker, verbose);
  const tty = stderr.isTTY === true;
  if (!tty) return { logger: base, tty };
  let progressShown = false;
  const clear = () => {
    if (progressShown) stderr.write("\r\x1B[K");
    progressShown = false;
  };
  const wrap = (l) => ({
    info: (m) => (clear(), l.info(m)),
    warn: (m) => (clear(), l.warn(m)),
    error: (m) => (clear(), l.error(m)),
    debug: (m) => (clear(), l.debug(m)),
    progress: (p) => {
      stderr.write(`\r\x1B[K${masker.mask(formatProgress(p))}`);
      progressShown = true;
      if (p.total !== void 0 && p.done === p.total) clear();
    },
    child: (prefix) => wrap(l.child(prefix))
  });
  return { logger: wrap(base), tty };
}
function parseDiskFlag(value) {
  const eq = value.indexOf("=");
  if (eq <= 0 || eq === value.length - 1) throw new UsageError(`--disk expects PLATFORM=PATH (e.g. linux/arm64=arm64.qcow2), got '${value}'`);
  return { platform: value.slice(0, eq), path: value.slice(eq + 1) };
}
var publishCommand = {
  name: "publish",
  summary: "Push a disk to a registry as a KubeVirt containerDisk",
  usage: usage3,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      platform: { type: "string" },
      disk: { type: "string", multiple: true },
      label: { type: "string", multiple: true },
      compression: { type: "string" },
      "compression-level": { type: "string" },
      format: { type: "string" },
      insecure: { type: "boolean" },
      "ca-file": { type: "string" },
      username: { type: "string" },
      "password-file": { type: "string" },
      authfile: { type: "string" },
      "oci-layout": { type: "string" },
      source: { type: "string" },
      revision: { type: "string" },
      title: { type: "string" },
      created: { type: "string" },
      verbose: { type: "boolean" }
    });
    const resolvePath = (p) => path9.resolve(io.cwd, p);
    let disk;
    let refs;
    if (values.disk?.length) {
      if (values.platform) throw new UsageError("--platform is for a single DISK; with --disk give PLATFORM=PATH for each");
      disk = values.disk.map(parseDiskFlag).map((d) => ({ ...d, path: resolvePath(d.path) }));
      refs = positionals;
    } else {
      const [first, ...rest] = positionals;
      if (first === void 0) throw new UsageError("missing DISK");
      disk = resolvePath(first);
      refs = rest;
    }
    const layout = values["oci-layout"] ? resolvePath(values["oci-layout"]) : void 0;
    if (refs.length === 0 && !layout) throw new UsageError("missing IMAGE_REF (where to push), or --oci-layout DIR");
    const compression = values.compression ?? "gzip";
    if (compression !== "gzip" && compression !== "zstd") throw new UsageError(`--compression must be gzip or zstd, got '${compression}'`);
    const format = values.format ?? "oci";
    if (format !== "oci" && format !== "docker") throw new UsageError(`--format must be oci or docker, got '${format}'`);
    let level;
    if (values["compression-level"] !== void 0) {
      level = Number(values["compression-level"]);
      if (!Number.isInteger(level)) throw new UsageError(`--compression-level must be a whole number, got '${values["compression-level"]}'`);
    }
    const masker = new SecretMasker();
    let password = io.env.RUDDERVIRT_REGISTRY_PASSWORD;
    if (values["password-file"]) {
      try {
        password = (await readFile3(resolvePath(values["password-file"]), "utf8")).replace(/\r?\n$/, "");
      } catch (err) {
        throw new UserError(`--password-file ${values["password-file"]}: ${err.code ?? String(err)}`);
      }
    }
    if (values.username && !password) throw new UsageError("--username needs --password-file or RUDDERVIRT_REGISTRY_PASSWORD");
    masker.add(password);
    const { logger, tty } = cliLogger(io.stderr, masker, values.verbose === true);
    const env = io.env;
    const source = values.source ?? (env.GITHUB_REPOSITORY ? `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}` : void 0);
    const revision = values.revision ?? env.GITHUB_SHA;
    const result = await publishContainerDisk({
      disk,
      refs,
      labels: parseKeyValues(values.label, "--label"),
      compression,
      compressionLevel: level,
      platform: values.platform,
      format,
      insecure: values.insecure === true,
      caFile: values["ca-file"] ? resolvePath(values["ca-file"]) : void 0,
      auth: {
        ...values.username ? { username: values.username, password } : {},
        ...values.authfile ? { dockerConfig: resolvePath(values.authfile) } : {}
      },
      build: {
        ...source ? { source } : {},
        ...revision ? { revision } : {},
        ...values.title ? { title: values.title } : {},
        ...values.created ? { created: values.created } : {}
      },
      ociLayout: layout,
      logger,
      masker,
      env,
      signal: io.signal,
      progressIntervalMs: tty ? 250 : 1e4
    });
    const names = [...new Set(result.refs.map((r) => r.replace(/:[\w][\w.-]{0,127}$/, "")))];
    for (const name of names) io.stdout.write(`${name}@${result.digest}
`);
    return 0;
  }
};

// src/cli/commands/render.ts
import { readFileSync as readFileSync4 } from "node:fs";
import path10 from "node:path";

// src/engines/kubevirt/rbac.ts
var import_yaml2 = __toESM(require_dist(), 1);
var VERB_ORDER = ["get", "list", "watch", "create", "update", "patch", "delete"];
function ruleResource(call) {
  return call.subresource ? `${call.resource}/${call.subresource}` : call.resource;
}
function rulesFor(calls2) {
  const verbsByResource = /* @__PURE__ */ new Map();
  for (const call of calls2) {
    const key = `${call.group}\0${ruleResource(call)}`;
    const verbs = verbsByResource.get(key) ?? /* @__PURE__ */ new Set();
    verbs.add(call.verb);
    verbsByResource.set(key, verbs);
  }
  const rules = /* @__PURE__ */ new Map();
  for (const [key, verbSet] of verbsByResource) {
    const [group = "", resource = ""] = key.split("\0");
    const verbs = [...verbSet].sort((a, b) => VERB_ORDER.indexOf(a) - VERB_ORDER.indexOf(b));
    const ruleKey = `${group}\0${verbs.join(",")}`;
    const rule = rules.get(ruleKey) ?? { apiGroups: [group], resources: [], verbs };
    rule.resources.push(resource);
    rules.set(ruleKey, rule);
  }
  const list = [...rules.values()];
  for (const r of list) r.resources.sort();
  return list.sort((a, b) => a.apiGroups[0].localeCompare(b.apiGroups[0]) || a.resources[0].localeCompare(b.resources[0]) || a.verbs.join().localeCompare(b.verbs.join()));
}
var ROLE_NAMES = {
  builder: "ruddervirt-builder",
  upload: "ruddervirt-builder-upload",
  network: "ruddervirt-builder-network",
  discovery: "ruddervirt-builder-discovery"
};
function roleOf(call) {
  const byScope = {
    namespace: () => "builder",
    "cdi-namespace": () => "upload",
    cluster: (f) => f === "network" ? "network" : "discovery"
  };
  return byScope[call.scope](call.feature);
}
function roleSets(namespace) {
  const all = [...API_CALLS, ...ALWAYS_ALLOWED_CALLS];
  const of = (role) => all.filter((c) => roleOf(c) === role);
  return [
    { name: ROLE_NAMES.builder, kind: "Role", namespace, calls: of("builder"), nonResource: false, purpose: "everything a build does in its namespace" },
    { name: ROLE_NAMES.upload, kind: "Role", namespace: CDI_NAMESPACE, calls: of("upload"), nonResource: false, purpose: "uploads of local disks and ISOs through cdi-uploadproxy" },
    { name: ROLE_NAMES.network, kind: "ClusterRole", calls: of("network"), nonResource: false, purpose: "Kube-OVN VPCs and subnets (only for builds with network.vpcs)" },
    { name: ROLE_NAMES.discovery, kind: "ClusterRole", calls: of("discovery"), nonResource: true, purpose: "read-only discovery of what the cluster offers (optional)" }
  ];
}
var LABELS = { "app.kubernetes.io/managed-by": "ruddervirt", "app.kubernetes.io/component": "rbac" };
function rbacObjects(options) {
  const subject = { kind: "ServiceAccount", name: options.serviceAccount, namespace: options.namespace };
  const out = [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: options.serviceAccount, namespace: options.namespace, labels: LABELS } }
  ];
  for (const set of roleSets(options.namespace)) {
    const rules = rulesFor(set.calls);
    if (set.nonResource) rules.push({ nonResourceURLs: NON_RESOURCE_CALLS.map((c) => c.path), verbs: ["get"] });
    const ns = set.namespace ? { namespace: set.namespace } : {};
    out.push({ apiVersion: "rbac.authorization.k8s.io/v1", kind: set.kind, metadata: { name: set.name, ...ns, labels: LABELS }, rules });
    out.push({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: set.kind === "Role" ? "RoleBinding" : "ClusterRoleBinding",
      metadata: { name: set.kind === "ClusterRole" ? `${set.name}-${options.namespace}-${options.serviceAccount}` : set.name, ...ns, labels: LABELS },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: set.kind, name: set.name },
      subjects: [subject]
    });
  }
  return out;
}
function rbacYaml(options) {
  const header = [
    "# Least-privilege RBAC for the RudderVirt kubevirt engine, generated from",
    "# src/engines/kubevirt/api-calls.ts (ruddervirt render --rbac --namespace NS [--service-account SA]).",
    ...roleSets(options.namespace).map((s) => `#   ${s.name} (${s.kind}${s.namespace ? ` in ${s.namespace}` : ""}): ${s.purpose}`),
    "# Secrets are only created and deleted, never read. Bind the ServiceAccount (or your CI user) and",
    "# drop the network ClusterRole when no build declares network.vpcs."
  ].join("\n");
  return `${header}
${rbacObjects(options).map((o) => `---
${(0, import_yaml2.stringify)(o, { lineWidth: 0 })}`).join("")}`;
}

// src/cli/commands/render.ts
var usage4 = `Usage: ruddervirt render FILE [--engine kubevirt] [--namespace NS] [options]
       ruddervirt render --rbac [--namespace NS] [--service-account SA]

Prints every Kubernetes object the build creates on KubeVirt, as multi-document YAML in creation
order, each with a comment saying when it is created: the run's root ConfigMap (owner of the
rest), Kube-OVN VPCs, subnets and egress gateways, CDI DataVolumes, cdrom and HTTP-file Secrets,
the HTTP file-server pods, the VirtualMachines, and what keeps and exports each VM's disk. Needs
no cluster. Owner references are not printed: they need the root's uid, which exists only once
the root is created (a build fills them in). Every object carries the label
ruddervirt.io/run=RUN_ID, so a run applied by hand can be deleted by label.

Options:
  --engine kubevirt              the engine that has manifests (the default; 'local' has none)
  --namespace NS                 namespace of the objects (default "default")
  --run-id ID                    ends every name, 1-12 of a-z0-9 (default: a digest of the file and
                                 its variables, so an unchanged file renders the same names)
  --var NAME=VALUE               set a build variable (repeatable)
  --capture MODE                 how a finished disk is kept: clone (default), volume-snapshot,
                                 vm-snapshot
  --snapshot-class NAME          VolumeSnapshotClass (implies --capture volume-snapshot)
  --storage-class NAME           StorageClass of every disk (default: the cluster's default)
  --export-api v1|v1beta1        export.kubevirt.io version (v1 from KubeVirt 1.9; default v1)
  --egress-external-subnet NAME  Kube-OVN external subnet of egress gateways
                                 (default ovn-vpc-external-network)
  --http-server-image IMAGE      image of the HTTP file server (default docker.io/library/busybox:1.37)
  --iso-size SIZE                volume size for an installer ISO (default 10Gi)
  --redact                       print Secret values as REDACTED
  --rbac                         print the least-privilege RBAC (ServiceAccount, Roles, bindings)
  --service-account SA           the ServiceAccount the RBAC binds (default ruddervirt)
`;
function capturePlan(mode, snapshotClass) {
  const chosen = mode ?? (snapshotClass ? "volume-snapshot" : "clone");
  switch (chosen) {
    case "clone":
    case "vm-snapshot":
      if (snapshotClass) throw new UsageError(`--snapshot-class goes with --capture volume-snapshot, not ${chosen}`);
      return { mode: chosen };
    case "volume-snapshot":
      if (!snapshotClass) throw new UsageError("--capture volume-snapshot needs --snapshot-class NAME");
      return { mode: "volume-snapshot", snapshotClass };
    default:
      throw new UsageError(`--capture must be clone, volume-snapshot or vm-snapshot, got '${chosen}'`);
  }
}
var renderCommand = {
  name: "render",
  summary: "Print the Kubernetes manifests a build creates on KubeVirt (no cluster needed)",
  usage: usage4,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      engine: { type: "string" },
      namespace: { type: "string" },
      "run-id": { type: "string" },
      var: { type: "string", multiple: true },
      capture: { type: "string" },
      "snapshot-class": { type: "string" },
      "storage-class": { type: "string" },
      "export-api": { type: "string" },
      "egress-external-subnet": { type: "string" },
      "http-server-image": { type: "string" },
      "iso-size": { type: "string" },
      redact: { type: "boolean" },
      rbac: { type: "boolean" },
      "service-account": { type: "string" }
    });
    const namespace = values.namespace ?? "default";
    if (!isDnsLabel(namespace)) throw new UsageError(`--namespace '${namespace}' is not a namespace name (lower-case letters, digits and '-', at most 63)`);
    if (values.rbac) {
      if (positionals.length > 0) throw new UsageError("--rbac takes no build file");
      const serviceAccount = values["service-account"] ?? "ruddervirt";
      if (!isDnsLabel(serviceAccount)) throw new UsageError(`--service-account '${serviceAccount}' is not a ServiceAccount name`);
      io.stdout.write(rbacYaml({ namespace, serviceAccount }));
      return 0;
    }
    if (values["service-account"] !== void 0) throw new UsageError("--service-account goes with --rbac");
    const engine = values.engine ?? "kubevirt";
    if (engine === "local") throw new UsageError("the local engine runs QEMU directly and has no manifests; render is for --engine kubevirt");
    if (engine !== "kubevirt") throw new UsageError(`--engine must be kubevirt, got '${engine}'`);
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "missing the build FILE" : "render takes one build FILE");
    const exportApi = values["export-api"] ?? "v1";
    if (exportApi !== "v1" && exportApi !== "v1beta1") throw new UsageError(`--export-api must be v1 or v1beta1, got '${exportApi}'`);
    let isoVolumeBytes;
    if (values["iso-size"] !== void 0) {
      const size = parseQuantity(values["iso-size"]);
      if ("error" in size) throw new UsageError(`--iso-size: ${size.error}`);
      isoVolumeBytes = size.bytes;
    }
    const capture = capturePlan(values.capture, values["snapshot-class"]);
    const build = loadBuild(positionals[0], { vars: parseKeyValues(values.var, "--var"), env: io.env, cwd: io.cwd });
    const given = {
      runId: values["run-id"] ?? defaultRunId(readFileSync4(path10.resolve(io.cwd, positionals[0]), "utf8"), build.variables),
      namespace,
      capture,
      exportApiVersion: exportApi,
      ...values["storage-class"] !== void 0 ? { storageClass: values["storage-class"] } : {},
      ...values["egress-external-subnet"] !== void 0 ? { egressExternalSubnet: values["egress-external-subnet"] } : {},
      ...values["http-server-image"] !== void 0 ? { httpServerImage: values["http-server-image"] } : {},
      ...isoVolumeBytes !== void 0 ? { isoVolumeBytes } : {}
    };
    const rendered = renderBuild(build, collectLocalInputs(build), renderOptions(given));
    io.stdout.write(renderedToYaml(rendered, { redactSecrets: values.redact === true }));
    return 0;
  }
};

// src/core/config/json-schema.ts
function buildJsonSchema() {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "RudderVirt build file",
    ...toSchema(buildSpec)
  };
}
function jsonSchemaText() {
  return JSON.stringify(buildJsonSchema(), null, 2) + "\n";
}
function annotations(spec) {
  const out = { description: spec.description + (spec.defaultText ? ` Default: ${spec.defaultText}.` : "") };
  if (spec.default !== void 0) out.default = spec.default;
  return out;
}
function toSchema(spec) {
  switch (spec.type) {
    case "string":
      return { ...annotations(spec), ...stringSchema(spec) };
    case "integer": {
      const s = { ...annotations(spec), type: "integer" };
      if (spec.minimum !== void 0) s.minimum = spec.minimum;
      if (spec.maximum !== void 0) s.maximum = spec.maximum;
      return s;
    }
    case "boolean":
      return { ...annotations(spec), type: "boolean" };
    case "scalar":
      return { ...annotations(spec), anyOf: [{ type: "string" }, { type: "number" }, { type: "boolean" }] };
    case "array": {
      const s = { ...annotations(spec), type: "array", items: toSchema(spec.items) };
      if (spec.minItems !== void 0) s.minItems = spec.minItems;
      return s;
    }
    case "map":
      return {
        ...annotations(spec),
        type: "object",
        propertyNames: { pattern: anchored(FORMATS[spec.keyFormat].pattern) },
        additionalProperties: toSchema(spec.values)
      };
    case "union":
      return { ...annotations(spec), anyOf: spec.options.map(toSchema) };
    case "object":
      return { ...annotations(spec), ...objectSchema(spec) };
    case "tagged": {
      const tags = Object.keys(spec.variants);
      return {
        ...annotations(spec),
        type: "object",
        required: [spec.tag],
        properties: { [spec.tag]: { enum: tags } },
        allOf: Object.entries(spec.variants).map(([tag, variant]) => ({
          if: { properties: { [spec.tag]: { const: tag } }, required: [spec.tag] },
          then: objectSchema(variant)
        }))
      };
    }
  }
}
function stringSchema(spec) {
  if (spec.enum) return { type: "string", enum: [...spec.enum] };
  if (!spec.format) return { type: "string" };
  const pattern = anchored(FORMATS[spec.format].pattern);
  return { type: "string", pattern: spec.template ? `${pattern}|\\{\\{` : pattern };
}
function anchored(pattern) {
  return `^(?:${pattern})$`;
}
function objectSchema(spec) {
  const s = {
    type: "object",
    properties: Object.fromEntries(Object.entries(spec.properties).map(([k, v]) => [k, toSchema(v)])),
    additionalProperties: false
  };
  if (spec.title) s.title = spec.title;
  if (spec.required?.length) s.required = [...spec.required];
  const allOf = [];
  if (spec.exactlyOne) allOf.push({ oneOf: spec.exactlyOne.map((k) => ({ required: [k] })) });
  if (spec.anyOf) allOf.push({ anyOf: spec.anyOf.map((k) => ({ required: [k] })) });
  for (const [a, b] of spec.exclusive ?? []) allOf.push({ not: { required: [a, b] } });
  if (allOf.length) s.allOf = allOf;
  if (spec.requires) s.dependencies = Object.fromEntries(Object.entries(spec.requires).map(([k, v]) => [k, [...v]]));
  return s;
}

// src/cli/commands/schema.ts
var schemaCommand = {
  name: "schema",
  summary: "Print the build file's JSON Schema",
  usage: `Usage: ruddervirt schema

Prints the JSON Schema (draft-07) of build files. Editors with YAML support use it for completion
and inline errors; point them at it with a first line such as
  # yaml-language-server: $schema=../schema/build.schema.json
The schema checks each field on its own; 'ruddervirt validate' also checks the rules between
fields (a NIC's subnet exists, 'from' names an earlier layer, files exist).
`,
  async run(args, io) {
    if (args.length > 0) throw new UsageError(`unexpected argument '${args[0]}'`);
    io.stdout.write(jsonSchemaText());
    return 0;
  }
};

// src/cli/commands/validate.ts
function parseBuildFileArgs(args) {
  const files = [];
  const vars = {};
  let optionsDone = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (optionsDone || !arg.startsWith("-") || arg === "-") {
      files.push(arg);
      continue;
    }
    if (arg === "--") {
      optionsDone = true;
      continue;
    }
    let assignment;
    if (arg === "--var" || arg === "-var") {
      assignment = args[++i];
      if (assignment === void 0) throw new UsageError(`${arg} needs NAME=VALUE`);
    } else if (arg.startsWith("--var=") || arg.startsWith("-var=")) {
      assignment = arg.slice(arg.indexOf("=") + 1);
    } else {
      throw new UsageError(`unknown option '${arg}'`);
    }
    const eq = assignment.indexOf("=");
    if (eq <= 0) throw new UsageError(`--var expects NAME=VALUE, got '${assignment}'`);
    vars[assignment.slice(0, eq)] = assignment.slice(eq + 1);
  }
  return { files, vars };
}
var validateCommand = {
  name: "validate",
  summary: "Check build files and show every problem with its line and column",
  usage: `Usage: ruddervirt validate FILE... [--var NAME=VALUE]...

Checks each build file completely: YAML syntax, keys and value types, formats (durations, sizes,
checksums, names), templates, references between fields (subnets, from, dependsOn) and that the
local files it names exist. Prints "FILE: ok" for a valid file and every problem of an invalid one
as FILE:LINE:COL: field.path: message. Exits 1 when any file has a problem.

Options:
  --var NAME=VALUE   Set a variable declared under 'variables' (repeatable)
`,
  async run(args, io) {
    const { files, vars } = parseBuildFileArgs(args);
    if (files.length === 0) throw new UsageError("expected at least one build file");
    let bad = 0;
    for (const file of files) {
      try {
        loadBuild(file, { vars, env: io.env, cwd: io.cwd });
        io.stdout.write(`${file}: ok
`);
      } catch (err) {
        if (!(err instanceof BuildFileError)) throw err;
        bad++;
        for (const p of err.problems) io.stderr.write(formatProblem(p) + "\n");
        io.stderr.write(`${file}: ${err.problems.length} problem${err.problems.length === 1 ? "" : "s"}
`);
      }
    }
    return bad > 0 ? 1 : 0;
  }
};

// src/cli/commands.ts
var commands = [buildCommand, validateCommand, bootCommandCommand, renderCommand, publishCommand, schemaCommand];

// src/cli/run.ts
var VERSION = package_default.version;
function overview(commands2) {
  const width = Math.max(...commands2.map((c) => c.name.length));
  return [
    "Usage: ruddervirt <command> [options]",
    "",
    "Build virtual-machine images the way Packer does, on KubeVirt or locally with QEMU.",
    "",
    "Commands:",
    ...commands2.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run 'ruddervirt <command> --help' for a command's options.",
    ""
  ].join("\n");
}
async function runCli(argv, commands2, io) {
  const [name, ...rest] = argv;
  if (name === void 0 || name === "--help" || name === "-h" || name === "help") {
    const target2 = name === "help" ? commands2.find((c) => c.name === rest[0]) : void 0;
    io.stdout.write(target2 ? target2.usage.trimEnd() + "\n" : overview(commands2));
    return name === void 0 ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    io.stdout.write(`ruddervirt ${VERSION}
`);
    return 0;
  }
  const command = commands2.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`ruddervirt: unknown command '${name}'. Run 'ruddervirt --help' for the list.
`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(command.usage.trimEnd() + "\n");
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`ruddervirt ${command.name}: ${err.message}
Run 'ruddervirt ${command.name} --help' for usage.
`);
      return 2;
    }
    if (err instanceof UserError) {
      io.stderr.write(`ruddervirt ${command.name}: ${err.message}
`);
      return err.exitCode;
    }
    if (io.signal.aborted) {
      io.stderr.write(`ruddervirt ${command.name}: cancelled
`);
      return 130;
    }
    io.stderr.write(`ruddervirt ${command.name}: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}
`);
    return 1;
  }
}

// src/cli/main.ts
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, os2.availableParallelism()));
var controller = new AbortController();
var signals = 0;
var onSignal = (sig) => {
  signals++;
  if (signals === 1) {
    process.stderr.write(`
ruddervirt: ${sig} received, stopping and cleaning up (send again to force exit)
`);
    controller.abort(new Error(`cancelled by ${sig}`));
  } else {
    process.stderr.write(`ruddervirt: second ${sig}, exiting without waiting for cleanup
`);
    process.exit(130);
  }
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
var code = await runCli(process.argv.slice(2), commands, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal
});
process.exitCode = controller.signal.aborted && code !== 0 ? 130 : code;
