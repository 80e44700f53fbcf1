import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  KubeDiscoveryClient
} from "./chunk-4QA2NAVJ.js";
import {
  dataVolumeRef,
  judgeVmiStopped,
  vmRef,
  vmiRef,
  waitForDataVolumes,
  waitForVmiRunning
} from "./chunk-N2UXHEZV.js";
import {
  DEFAULT_KEPT_PER_VM,
  cloneSourceOf,
  findKeptLayer,
  keptKindOf,
  pruneKept,
  touchKept
} from "./chunk-LHQMOHGF.js";
import {
  DEFAULT_TIMEOUTS,
  ObjectClient,
  WaitTimeoutError,
  describeRef,
  kubevirtSubresourcePath,
  refOf,
  waitFor,
  waitUntilGone,
  withRetries
} from "./chunk-ZDQUUEWG.js";
import {
  KubeApi,
  KubeApiError,
  abortError,
  import_stream,
  isTransient,
  readBody,
  wrapper_default
} from "./chunk-4J23RLGN.js";
import {
  loadKubeTarget
} from "./chunk-WBGPXQT6.js";
import {
  collectLocalInputs,
  isOwnerUidPlaceholder,
  renderBuild
} from "./chunk-CFYWBAR4.js";
import {
  ANNOTATION_DATA_SOURCE_SHA256,
  DATA_SOURCE_API_VERSION,
  goldenOutputSelector,
  renderGoldenPublish,
  sbomConfigMap,
  sbomConfigMapName,
  sbomFromConfigMap
} from "./chunk-KL2LFKXQ.js";
import {
  newRunId,
  randomExportToken,
  renderOptions
} from "./chunk-RDPLCPIX.js";
import {
  LABEL_COMPONENT,
  LABEL_LAYER_KEY,
  LABEL_MANAGED_BY,
  MANAGED_BY
} from "./chunk-FARCU6DL.js";
import {
  effectiveSettings
} from "./chunk-M2E66S6E.js";
import {
  formatProblem
} from "./chunk-MF7EYUNN.js";
import {
  convertDisk,
  peerAddresses
} from "./chunk-U2YEPGJA.js";
import {
  ProgressReporter,
  containerDiskDigest
} from "./chunk-Q2MXJOS2.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import {
  require_https
} from "./chunk-YB6FBBBD.js";
import {
  require_http
} from "./chunk-YQXKSN3H.js";
import {
  __toESM
} from "./chunk-U4LSYZ75.js";

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
  // KubeVirt's subresources, each its own RBAC resource; kubevirt.io:edit grants every one below
  // (kubevirt/kubevirt pkg/virt-operator/resource/generate/rbac/cluster.go@v1.9.0, newEditClusterRole).
  // Screenshots are taken from the VNC stream itself: vnc/screenshot is admin-only there.
  ...calls("subresources.kubevirt.io", "virtualmachineinstances", ["get"], "namespace", "core", "typing boot commands over VNC; screenshots come from the same stream", "vnc"),
  ...calls("subresources.kubevirt.io", "virtualmachineinstances", ["get"], "namespace", "core", "the serial console", "console"),
  ...calls("subresources.kubevirt.io", "virtualmachineinstances", ["get"], "namespace", "core", "SSH to the guest through a port-forward", "portforward"),
  ...calls("subresources.kubevirt.io", "virtualmachines", ["update"], "namespace", "core", "starting a VM", "start"),
  ...calls("subresources.kubevirt.io", "virtualmachines", ["update"], "namespace", "core", "stopping a VM (ACPI, then forced)", "stop"),
  // The file server.
  ...calls("", "pods", ["create", "delete"], "namespace", "http-server", "the HTTP file server pod"),
  // Kube-OVN.
  ...calls("kubeovn.io", "vpcs", ["create", "get", "list", "delete"], "cluster", "network", "the build VPCs (cluster-scoped)"),
  ...calls("kubeovn.io", "subnets", ["create", "get", "list", "delete"], "cluster", "network", "the build subnets (cluster-scoped)"),
  ...calls("kubeovn.io", "vpc-egress-gateways", ["create", "get", "delete"], "namespace", "network", "internet access of a VPC (none for internet: false)"),
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
  ...calls("", "pods", ["delete"], "namespace", "volume-snapshot", "removing a Failed virt-launcher pod (crashed or killed guest) that keeps the root disk export InUse"),
  ...calls("snapshot.kubevirt.io", "virtualmachinesnapshots", ["create", "get", "delete"], "namespace", "vm-snapshot", "KubeVirt snapshots of finished VMs"),
  // Outputs kept for later builds (cluster/kept-layers.ts): no owner, no run label, the layer key.
  ...calls("cdi.kubevirt.io", "datavolumes", ["patch"], "namespace", "clone", "keeping a clone output for later builds of the same layer (labels, annotations, no owner)"),
  ...calls("snapshot.storage.k8s.io", "volumesnapshots", ["patch"], "namespace", "volume-snapshot", "keeping a snapshot output for later builds of the same layer (labels, annotations, no owner)"),
  // Golden images (cluster/golden-images.ts): the output stays behind a CDI DataSource; the previous one goes.
  ...calls("cdi.kubevirt.io", "datasources", ["create", "get", "patch"], "namespace", "data-source", "pointing a DataSource at the output kept as a golden image"),
  ...calls("cdi.kubevirt.io", "datasources", ["list", "watch"], "namespace", "data-source", "waiting for the DataSource to be Ready"),
  ...calls("cdi.kubevirt.io", "datavolumes", ["patch"], "namespace", "data-source", "keeping a clone output as a golden image (labels, no owner)"),
  ...calls("", "persistentvolumeclaims", ["patch"], "namespace", "data-source", "the default instance type and preference labels on the golden image claim (KubeVirt infers them from the PVC)"),
  ...calls("snapshot.storage.k8s.io", "volumesnapshots", ["patch", "list", "delete"], "namespace", "data-source", "keeping a snapshot output as a golden image; removing the one it replaces"),
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
  ...calls("kubeovn.io", "vpc-egress-gateways", ["list", "watch"], "namespace", "network", "waiting for the egress gateways to be ready before the first boot, and gone after cleanup"),
  ...calls("k8s.cni.cncf.io", "network-attachment-definitions", ["list", "watch"], "namespace", "secondary-nic", "waiting for the attachments to be gone after cleanup"),
  // What the cluster offers (optional: a refusal makes us assume less, it fails nothing).
  ...calls("snapshot.storage.k8s.io", "volumesnapshotclasses", ["list"], "cluster", "discovery", "whether CSI snapshots are possible"),
  ...calls("storage.k8s.io", "storageclasses", ["list"], "cluster", "discovery", "matching a snapshot class to the disks' storage class"),
  ...calls("kubevirt.io", "kubevirts", ["list"], "cluster", "discovery", "KubeVirt's settings: is emulation allowed"),
  ...calls("cdi.kubevirt.io", "cdis", ["list"], "cluster", "discovery", "CDI's readiness (its Available condition) before builds; unreadable, setup-cluster warns and trusts the served API group"),
  ...calls("", "nodes", ["list"], "cluster", "discovery", "which nodes offer /dev/kvm (devices.kubevirt.io/kvm)"),
  ...calls("cdi.kubevirt.io", "cdiconfigs", ["get"], "cluster", "discovery", "where CDI publishes its upload proxy (CDIConfig status.uploadProxyURL); without it uploads port-forward")
];
var ALWAYS_ALLOWED_CALLS = [...calls("authorization.k8s.io", "selfsubjectaccessreviews", ["create"], "cluster", "discovery", "checking our own permissions before a build")];
var NON_RESOURCE_CALLS = [
  { verb: "get", path: "/api", why: "API discovery (core group)" },
  { verb: "get", path: "/api/*", why: "API discovery (core group)" },
  { verb: "get", path: "/apis", why: "API discovery (groups and versions)" },
  { verb: "get", path: "/apis/*", why: "API discovery (resources of a group)" },
  // Everyone may read it already (system:public-info-viewer, kubernetes/kubernetes
  // plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go@v1.34.0); listed so the table is whole.
  { verb: "get", path: "/version", why: "the Kubernetes version setup-cluster reports" }
];
function describeCall(call) {
  const resource = call.subresource ? `${call.resource}/${call.subresource}` : call.resource;
  return `${call.verb} ${call.group || "core"}/${resource}`;
}

// src/engines/kubevirt/feature-gates.ts
function gateEnabled(gate, kubevirt) {
  const minor = minorOf(kubevirt.version);
  if (gate === "VMExport" && minor !== void 0 && minor >= 9) return true;
  if (kubevirt.featureGates.includes(gate)) return true;
  if (minor === void 0) return void 0;
  if (minor < 9) return false;
  return !kubevirt.disabledFeatureGates.includes(gate);
}
function minorOf(version) {
  const m = version ? /^v?(\d+)\.(\d+)/.exec(version) : null;
  if (!m) return void 0;
  return Number(m[1]) > 1 ? Number.POSITIVE_INFINITY : Number(m[2]);
}
function enableGateCommand(gate, kubevirt) {
  const developerConfiguration = { featureGates: [.../* @__PURE__ */ new Set([...kubevirt.featureGates, gate])] };
  if (kubevirt.disabledFeatureGates.includes(gate)) developerConfiguration.disabledFeatureGates = kubevirt.disabledFeatureGates.filter((g) => g !== gate);
  const patch = JSON.stringify({ spec: { configuration: { developerConfiguration } } });
  return `kubectl -n ${kubevirt.namespace} patch kubevirt ${kubevirt.name} --type merge -p '${patch}'`;
}

// src/engines/kubevirt/capabilities.ts
var KUBEVIRT_VERSION = "v1.9.0";
var CDI_VERSION = "v1.66.0";
var KUBEVIRT_INSTALL = `install KubeVirt: kubectl apply -f https://github.com/kubevirt/kubevirt/releases/download/${KUBEVIRT_VERSION}/kubevirt-operator.yaml -f https://github.com/kubevirt/kubevirt/releases/download/${KUBEVIRT_VERSION}/kubevirt-cr.yaml (or run the setup-cluster action)`;
var CDI_INSTALL = `install CDI: kubectl apply -f https://github.com/kubevirt/containerized-data-importer/releases/download/${CDI_VERSION}/cdi-operator.yaml -f https://github.com/kubevirt/containerized-data-importer/releases/download/${CDI_VERSION}/cdi-cr.yaml`;
var REQUIRED_APIS = {
  core: [
    { group: "kubevirt.io", versions: ["v1"], what: "KubeVirt (kubevirt.io/v1)", fix: KUBEVIRT_INSTALL },
    {
      group: "subresources.kubevirt.io",
      versions: ["v1"],
      what: "KubeVirt's subresource API (VNC, console, port-forward)",
      fix: `virt-api is not serving: check the pods in the kubevirt namespace, or ${KUBEVIRT_INSTALL}`
    },
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
      if (vm.output.dataSource) features.add("data-source");
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
  const picks = (request.storageClasses ?? [void 0]).map((sc) => pickSnapshotClass(classes, storage, sc));
  const picked = picks.every((p) => p !== void 0 && p.name === picks[0]?.name) ? picks[0] : void 0;
  if (!picked) {
    if (classes.length > 0) warnings.push(`no VolumeSnapshotClass matches the disks' storage class: outputs are kept as CDI clones`);
    return { mode: "clone" };
  }
  return { mode: "volume-snapshot", snapshotClass: picked.name };
}
async function detectAccelerator(client, kubevirts, blockers, warnings) {
  const nodes = await client.kvmNodes();
  const emulation = kubevirts?.map((kv) => kv.useEmulation);
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
function checkFeatureGates(gated, kubevirts, blockers, warnings) {
  if (gated.length === 0) return;
  const [kubevirt] = kubevirts ?? [];
  if (!kubevirt) {
    warnings.push(
      `cannot read the KubeVirt CR, so the ${gated.map(([g]) => g).join(" and ")} feature gate${gated.length > 1 ? "s are" : " is"} not checked; before KubeVirt v1.9 the build fails at its end if one is off`
    );
    return;
  }
  for (const [gate, what] of gated) {
    const on = gateEnabled(gate, kubevirt);
    if (on === true) continue;
    if (on === void 0) {
      warnings.push(`the KubeVirt CR ${kubevirt.namespace}/${kubevirt.name} reports no version, so whether the ${gate} feature gate is on is unknown (${what} needs it)`);
      continue;
    }
    blockers.push({
      what: `KubeVirt ${kubevirt.version ?? ""} has the ${gate} feature gate off, so it would refuse ${what} ("${gate === "VMExport" ? "vm export" : "snapshot"} feature gate not enabled") after the whole build ran`,
      fix: `${enableGateCommand(gate, kubevirt)}${gate === "VMExport" ? ` (or upgrade to KubeVirt ${KUBEVIRT_VERSION}, where VMExport is GA)` : " (or capture with clones)"}`
    });
  }
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
  const kubevirts = await client.kubeVirts();
  const accelerator = await detectAccelerator(client, kubevirts, blockers, warnings);
  const gated = [];
  if (features.has("export") && served.has("export.kubevirt.io")) gated.push(["VMExport", "the export of the finished disks (VirtualMachineExport)"]);
  if (features.has("vm-snapshot") && served.has("snapshot.kubevirt.io")) gated.push(["Snapshot", "vm-snapshot capture (VirtualMachineSnapshot)"]);
  checkFeatureGates(gated, kubevirts, blockers, warnings);
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

// src/engines/kubevirt/engine.ts
import { readFileSync } from "node:fs";
import path4 from "node:path";

// src/engines/kubevirt/cluster/abort-together.ts
async function allOrNothing(signal, tasks) {
  const failed = new AbortController();
  const shared = AbortSignal.any([signal, failed.signal]);
  let first;
  const results = await Promise.allSettled(
    tasks.map(
      (task) => task(shared).catch((err) => {
        if (!first) {
          first = { error: err };
          failed.abort(err instanceof Error ? err : new Error(String(err)));
        }
        throw err;
      })
    )
  );
  if (first) throw first.error;
  return results.map((r) => r.value);
}

// src/engines/kubevirt/cluster/vm-handle.ts
import path2 from "node:path";

// src/engines/kubevirt/cluster/capture-wait.ts
var SNAPSHOT_ERROR_GRACE_MS = 5 * 6e4;
function judgeSnapshot(snapshot, now = Date.now(), graceMs = SNAPSHOT_ERROR_GRACE_MS) {
  if (!snapshot) return { waiting: "not created yet" };
  const s = snapshot.status;
  if (s?.readyToUse === true) return { done: true };
  if (s?.phase === "Failed") return { failed: s.error?.message ?? s.conditions?.find((c) => c.type === "Failure" && c.message)?.message ?? "the snapshot failed" };
  if (s?.error?.message) {
    const since = s.error.time ? Date.parse(s.error.time) : Number.NaN;
    if (!Number.isNaN(since) && now - since > graceMs) return { failed: `${s.error.message} (reported since ${s.error.time}, still not ready)` };
    return { waiting: `the snapshot controller reports "${s.error.message}" and retries` };
  }
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
    judge: (o) => judgeSnapshot(o),
    onState: (_o, verdict) => {
      if ("waiting" in verdict) req.logger.info(`output of ${req.label}: ${verdict.waiting}`);
    }
  });
}

// src/engines/kubevirt/cluster/output-download.ts
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";

// src/engines/kubevirt/cluster/export-download.ts
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import { createGunzip } from "node:zlib";

// src/engines/kubevirt/cluster/cluster-https.ts
var import_node_http = __toESM(require_http(), 1);
var import_node_https = __toESM(require_https(), 1);
import net from "node:net";
import tls from "node:tls";

// src/engines/kubevirt/cluster/pod-port-forward.ts
import { Duplex } from "node:stream";
var PORT_FORWARD_PROTOCOL = "v4.channel.k8s.io";
var DATA_CHANNEL = 0;
var ERROR_CHANNEL = 1;
async function openPodPortForward(api, req) {
  const path5 = `/api/v1/namespaces/${encodeURIComponent(req.namespace)}/pods/${encodeURIComponent(req.pod)}/portforward`;
  const ws = await api.webSocket(path5, { protocols: [PORT_FORWARD_PROTOCOL], query: { ports: req.port }, signal: req.signal });
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
  const code = err.code ?? "";
  return /CERT|SELF_SIGNED|ERR_TLS_CERT|UNABLE_TO_VERIFY|HOSTNAME/.test(code) || /certificate/i.test(err.message);
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
    const req = tlsSocket ? import_node_http.default.request(new URL(target2.url.pathname + target2.url.search, "http://tunnel"), options) : httpsRequest(target2, options);
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
  return import_node_https.default.request(target2.url, { ...options, ...trust(target2), ...servername });
}

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
      const counter = new Transform({
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

// src/engines/kubevirt/cluster/output-download.ts
function exportedVolume(rendered) {
  return rendered.output.kind === "DataVolume" ? rendered.output.name : rendered.names.rootDisk;
}
async function downloadOutput(req) {
  const { session, rendered, logger, signal } = req;
  const key = `${rendered.layer}/${rendered.vm}`;
  const exports = session.run.rendered.objects.filter((o) => o.vm === key && o.step === "export");
  const exportObject = exports.find((o) => o.object.kind === "VirtualMachineExport");
  if (!exportObject) throw new Error(`internal: no VirtualMachineExport rendered for ${key}`);
  for (const o of exports) await session.run.create(o, signal);
  try {
    await downloadExport({
      objects: session.objects,
      namespace: session.namespace,
      exportName: exportObject.object.metadata.name,
      apiVersion: exportObject.object.apiVersion,
      token: session.exportToken(key),
      volume: exportedVolume(rendered),
      rawFile: req.rawFile,
      logger,
      signal,
      readyTimeoutMs: session.timeouts.export,
      env: session.env,
      ...session.clusterCa ? { clusterCa: session.clusterCa } : {}
    });
    await mkdir(path.dirname(req.destination), { recursive: true });
    await convertDisk({ source: req.rawFile, destination: req.destination, format: req.format, compress: req.compress, ...req.compressionType ? { compressionType: req.compressionType } : {}, logger, signal });
  } finally {
    await rm(req.rawFile, { force: true });
    for (const o of [...exports].reverse()) {
      await session.run.remove(refOf(o.object), AbortSignal.timeout(6e4)).catch((err) => {
        logger.debug(`export: removing ${describeRef(refOf(o.object))} later: ${err instanceof Error ? err.message : String(err)}`);
      });
    }
  }
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

// src/engines/kubevirt/cluster/launcher-pods.ts
var LAUNCHER_HOSTNAME_LABEL = "vm.kubevirt.io/name";
function launcherSelector(identity) {
  const labels = { ...identity.templateLabels, [LAUNCHER_HOSTNAME_LABEL]: identity.hostname };
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",");
}
async function removeFailedLaunchers(objects, namespace, identity, logger, signal) {
  const pods = (await objects.list("v1", "Pod", namespace, { labelSelector: launcherSelector(identity) }, signal)).items;
  const failed = pods.filter((p) => p.status?.phase === "Failed" && !p.metadata.deletionTimestamp);
  for (const pod of failed) {
    logger.info(`export: removing the Failed virt-launcher pod ${pod.metadata.name} (the guest crashed or was killed), which would keep the disk's export InUse`);
    await objects.delete({ apiVersion: "v1", kind: "Pod", namespace, name: pod.metadata.name }, signal);
  }
  return failed.map((p) => p.metadata.name);
}

// src/engines/kubevirt/cluster/serial-console.ts
var CONSOLE_LOG_CONTAINER = "guest-console-log";
async function serialConsoleTail(objects, namespace, vmName, launcher, lines, signal) {
  const vmi = await objects.get(vmiRef(namespace, vmName), signal);
  const selectors = [vmi?.metadata.uid ? `kubevirt.io/created-by=${vmi.metadata.uid}` : void 0, launcherSelector(launcher)].filter((s) => s !== void 0);
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

// src/engines/kubevirt/cluster/serial-recorder.ts
var IDLE_CLOSE_MS = 1e4;
var SerialRecorder = class {
  constructor(sources) {
    this.sources = sources;
  }
  sources;
  idle;
  chunks = [];
  length = 0;
  started;
  stream;
  closed = false;
  failure;
  /** Bytes from `from` on of history + live output (recording starts on the first call). */
  async read(from, signal) {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => this.rest(), IDLE_CLOSE_MS);
    this.idle.unref();
    this.started ??= this.start(signal);
    await this.started;
    if (!this.stream) {
      const lines = await this.sources.history(signal);
      const all2 = Buffer.from(lines.length > 0 ? lines.join("\n") + "\n" : "", "utf8");
      return all2.subarray(Math.min(from, all2.length));
    }
    if (this.failure && this.length <= from) throw this.failure;
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.chunks = [all];
    return all.subarray(Math.min(from, all.length));
  }
  close() {
    this.closed = true;
    if (this.idle) clearTimeout(this.idle);
    this.stream?.destroy();
  }
  /** Nobody reads: let the console go; a later read starts again from the log. */
  rest() {
    this.stream?.destroy();
    this.stream = void 0;
    this.started = void 0;
    this.chunks = [];
    this.length = 0;
    this.failure = void 0;
  }
  append(chunk) {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }
  async start(signal) {
    let stream;
    try {
      stream = await this.sources.openConsole(signal);
    } catch {
      return;
    }
    this.stream = stream;
    if (this.closed) stream.destroy();
    const current = () => this.stream === stream;
    const early = [];
    const hold = (chunk) => void early.push(chunk);
    stream.on("data", hold);
    stream.on("error", (err) => {
      if (current()) this.failure = new Error(`the serial console stream failed: ${err.message}`);
    });
    stream.on("close", () => {
      if (current()) this.failure ??= new Error("the serial console stream ended");
    });
    const history = await this.sources.history(signal).catch(() => []);
    if (!current()) return;
    this.append(Buffer.from(history.length > 0 ? history.join("\n") + "\n" : "", "utf8"));
    for (const chunk of early) this.append(chunk);
    stream.off("data", hold);
    stream.on("data", (chunk) => {
      if (current()) this.append(chunk);
    });
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
function vmiStreamRetryable(subresource, err) {
  if (!(err instanceof KubeApiError)) return isTransient(err);
  if (subresource.startsWith("portforward")) {
    if (err.status === 500 && /dialing VM/.test(err.detail)) return false;
    if (err.status === 400) return /no network interfaces are present/.test(err.detail);
  }
  if (err.status === 400) return /VMI is not running|Unable to connect to VirtualMachineInstance because phase is/i.test(err.detail);
  return isTransient(err);
}
async function openVmiStream(api, req, subresource, query = {}) {
  const path5 = kubevirtSubresourcePath(req.namespace, "virtualmachineinstances", req.vmi, subresource);
  const ws = await withRetries(() => api.webSocket(path5, { protocols: [KUBEVIRT_STREAM_PROTOCOL], query, signal: req.signal }), {
    signal: req.signal,
    attempts: 8,
    retryable: (err) => vmiStreamRetryable(subresource, err)
  });
  return webSocketDuplex(ws);
}
function openVmiVnc(api, req) {
  return openVmiStream(api, req, "vnc", { preserveSession: "false" });
}
function openVmiConsole(api, req) {
  return openVmiStream(api, req, "console");
}
function openVmiPortForward(api, req) {
  return openVmiStream(api, req, `portforward/${req.port}/tcp`);
}

// src/engines/kubevirt/cluster/vm-handle.ts
var SERIAL_HISTORY_LINES = 1e5;
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
  serial;
  /** As found when started or attached; false once this process stopped it. */
  isRunning() {
    return this.stopping === void 0 && this.options.running !== false;
  }
  get key() {
    return `${this.options.rendered.layer}/${this.options.rendered.vm}`;
  }
  get vmName() {
    return this.options.rendered.names.vm;
  }
  /** The VirtualMachine's name in the run's namespace. */
  get virtualMachine() {
    return this.options.rendered.names.vm;
  }
  /** The guest's SSH port (reached through a port-forward, never directly). */
  get sshPort() {
    return this.options.vm.communicator.sshPort;
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
    this.ssh ??= this.startSshForwarder(signal);
    this.ssh.catch(() => this.ssh = void 0);
    const forwarder = await this.ssh;
    return { host: forwarder.host, port: forwarder.port };
  }
  async startSshForwarder(signal) {
    const { session, logger, vm, rendered } = this.options;
    const jump = rendered.sshJump;
    if (!jump) {
      const f2 = await startLocalForwarder({
        what: `ssh to ${this.key}`,
        logger,
        open: (s) => openVmiPortForward(session.objects.api, { namespace: this.namespace, vmi: this.vmName, port: vm.communicator.sshPort, signal: s })
      });
      logger.info(`ssh: 127.0.0.1:${f2.port} forwards to port ${vm.communicator.sshPort} of ${this.key} (KubeVirt port-forward)`);
      return f2;
    }
    await waitFor(session.objects, {
      ref: { apiVersion: "v1", kind: "Pod", namespace: this.namespace, name: jump.pod },
      what: `the SSH jump pod of ${this.key}`,
      timeoutMs: session.timeouts.start,
      signal,
      judge: judgePodServing
    });
    const f = await startLocalForwarder({
      what: `ssh to ${this.key}`,
      logger,
      open: (s) => openPodPortForward(session.objects.api, { namespace: this.namespace, pod: jump.pod, port: jump.port, signal: s })
    });
    logger.info(`ssh: 127.0.0.1:${f.port} forwards to port ${vm.communicator.sshPort} of ${this.key} through the jump pod ${jump.pod} on its subnet (pod port-forward)`);
    return f;
  }
  async powerOff() {
    const gracePeriod = Math.ceil(this.options.vm.shutdownTimeout / 1e3) + POWER_OFF_GRACE_MARGIN_S;
    await this.stopRequest(gracePeriod, AbortSignal.timeout(6e4));
  }
  /** KubeVirt's stop; "not running" (409) and "gone" (404) mean there is nothing to stop. */
  async stopRequest(gracePeriod, signal) {
    const path5 = kubevirtSubresourcePath(this.namespace, "virtualmachines", this.vmName, "stop");
    try {
      await this.options.session.objects.put(path5, { gracePeriod }, signal, `stopping VM ${this.key}`);
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
    this.serial?.close();
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
    return serialConsoleTail(this.options.session.objects, this.namespace, this.vmName, this.launcherIdentity(), lines, AbortSignal.timeout(2e4));
  }
  /** The console since boot: the launcher's console log, then the console subresource live (serial-recorder.ts). */
  readSerial(from, signal) {
    this.serial ??= new SerialRecorder({
      openConsole: (s) => openVmiConsole(this.options.session.objects.api, { namespace: this.namespace, vmi: this.vmName, signal: s }),
      history: (s) => serialConsoleTail(this.options.session.objects, this.namespace, this.vmName, this.launcherIdentity(), SERIAL_HISTORY_LINES, s)
    });
    return this.serial.read(from, signal);
  }
  /** How the rendered VirtualMachine labels its launcher pods (its VMI template). */
  launcherIdentity() {
    const vm = this.options.session.run.rendered.objects.find((o) => o.vm === this.key && o.object.kind === "VirtualMachine")?.object;
    const template = vm?.spec?.template;
    return { hostname: template?.spec?.hostname ?? this.vmName, templateLabels: template?.metadata?.labels ?? {} };
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
    if (rendered.output.kind === "VolumeSnapshot") await removeFailedLaunchers(session.objects, this.namespace, this.launcherIdentity(), logger, signal);
    await downloadOutput({
      session,
      rendered,
      rawFile: path2.join(this.options.workDir, `${rendered.names.vm}-export.raw`),
      destination: req.destination,
      format: req.format,
      compress: req.compress,
      ...req.compressionType ? { compressionType: req.compressionType } : {},
      logger,
      signal
    });
  }
};

// src/engines/kubevirt/cluster/attach-vm.ts
async function attachVm(session, req) {
  const { layer, vm, signal } = req;
  const key = `${layer.name}/${vm.name}`;
  const rendered = session.run.rendered.vms.find((v) => v.layer === layer.name && v.vm === vm.name);
  if (!rendered) throw new Error(`internal: ${key} was not rendered`);
  const name = rendered.names.vm;
  const found = await session.objects.get(vmRef(session.namespace, name), signal);
  if (!found || found.metadata.deletionTimestamp) {
    throw new UserError(`vm ${key}: its VirtualMachine ${session.namespace}/${name} ${found ? "is being deleted" : "does not exist"}; start it with build-vm first (a failed stage removes it)`);
  }
  const vmi = await session.objects.get(vmiRef(session.namespace, name), signal);
  const running = vmi?.status?.phase === "Running" && !vmi.metadata.deletionTimestamp;
  req.logger.info(`vm ${key}: attached to VirtualMachine ${session.namespace}/${name} (${running ? "running" : `not running: ${vmi?.status?.phase ?? "no VirtualMachineInstance"}`})`);
  return { handle: new KubevirtVmHandle({ session, vm, rendered, workDir: req.workDir, logger: req.logger, running }), running };
}

// src/engines/kubevirt/cluster/cluster-run.ts
var EGRESS_READY_TIMEOUT_MS = 10 * 6e4;
function judgeEgressGateway(gateway) {
  if (!gateway) return { waiting: "not created yet" };
  if (gateway.status?.ready === true) return { done: true };
  const ready = gateway.status?.conditions?.find((c) => c.type === "Ready");
  return { waiting: ready?.message ? `not ready: ${ready.message}` : "not ready yet" };
}
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
  /** The egress gateway of each internet-enabled subnet (by subnet object name). */
  gateways = /* @__PURE__ */ new Map();
  /** Each gateway becoming ready, by gateway name. */
  egress = /* @__PURE__ */ new Map();
  egressTimeoutMs = EGRESS_READY_TIMEOUT_MS;
  get namespace() {
    return this.rendered.namespace;
  }
  get runId() {
    return this.rendered.runId;
  }
  /**
   * Creates the root and the run's network (Kube-OVN VPCs, subnets, gateways, attachments). VMs
   * on a gateway's subnets are created once it is ready (create).
   */
  async begin(signal, egressTimeoutMs = EGRESS_READY_TIMEOUT_MS) {
    this.egressTimeoutMs = egressTimeoutMs;
    const root = this.rendered.objects.find((o) => o.step === "run");
    if (!root) throw new Error("internal: a rendered run has a root object");
    this.record(refOf(root.object));
    const created = await this.objects.create(root.object, signal);
    const vpcs = /* @__PURE__ */ new Map();
    this.uids = { run: { apiVersion: "v1", kind: "ConfigMap", name: created.metadata.name, uid: uidOf(created) }, vpcs };
    this.logger.info(`kubevirt: run ${this.runId} in namespace ${this.namespace} (root ConfigMap ${created.metadata.name}; delete it to remove the run)`);
    for (const w of this.rendered.warnings ?? []) this.logger.warn(formatProblem(w));
    for (const o of this.rendered.objects.filter((r) => r.step === "network")) {
      const made = await this.create(o, signal);
      if (made.kind === "Vpc") vpcs.set(made.metadata.name, { apiVersion: made.apiVersion, kind: "Vpc", name: made.metadata.name, uid: uidOf(made) });
      if (o.object.kind === "VpcEgressGateway") for (const policy of o.object.spec?.policies ?? []) for (const subnet of policy.subnets ?? []) this.gateways.set(subnet, o);
    }
  }
  /**
   * The gateways a VM depends on (those of the subnets its NICs are put on), each awaited once
   * per run. Watched only when such a VM is about to be created — a process that creates none (a
   * stage action importing a source) leaves no watch open — while the gateway itself has been
   * starting since begin() created it.
   */
  egressFor(object, signal) {
    if (object.kind !== "VirtualMachine" || this.gateways.size === 0) return [];
    const annotations = object.spec?.template?.metadata?.annotations ?? {};
    const needed = /* @__PURE__ */ new Set();
    for (const [key, subnet] of Object.entries(annotations)) {
      const gateway = key.endsWith("logical_switch") ? this.gateways.get(subnet) : void 0;
      if (gateway) needed.add(gateway);
    }
    return [...needed].map((gateway) => {
      const ref = refOf(gateway.object);
      let ready = this.egress.get(ref.name);
      if (!ready) {
        ready = waitFor(this.objects, {
          ref,
          what: `the egress gateway ${ref.name} (internet for the VPC's VMs)`,
          timeoutMs: this.egressTimeoutMs,
          signal,
          judge: judgeEgressGateway
        }).then(() => this.logger.info(`kubevirt: egress gateway ${ref.name} is ready`));
        this.egress.set(ref.name, ready);
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
  async adopt(signal) {
    const root = await this.objects.get(refOf(this.rendered.root), signal);
    if (!root || root.metadata.deletionTimestamp) {
      throw new UserError(
        `run ${this.runId} is not in namespace ${this.namespace} (any more): its root ConfigMap ${this.rendered.root.metadata.name} is ${root ? "being deleted" : "missing"}; it was cleaned up after a failure, or never started`
      );
    }
    const vpcs = /* @__PURE__ */ new Map();
    for (const o of this.rendered.objects.filter((r) => r.step === "network" && r.object.kind === "Vpc")) {
      const vpc = await this.objects.get(refOf(o.object), signal);
      if (!vpc) throw new UserError(`run ${this.runId}: its ${describeRef(refOf(o.object))} is missing`);
      vpcs.set(vpc.metadata.name, { apiVersion: vpc.apiVersion, kind: "Vpc", name: vpc.metadata.name, uid: uidOf(vpc) });
    }
    this.uids = { run: { apiVersion: "v1", kind: "ConfigMap", name: root.metadata.name, uid: uidOf(root) }, vpcs };
  }
  /**
   * Creates a rendered object as the build renders it with the owners created so far and the
   * given run-time volume sources; recorded for cleanup first.
   */
  async create(rendered, signal, inputs = {}) {
    const object = this.objectToCreate(rendered, inputs);
    await Promise.all(this.egressFor(object, signal));
    this.record(refOf(object));
    return this.objects.create(object, signal);
  }
  /** The object `rendered` as it is created now: the build rendered with this run's inputs. */
  objectToCreate(rendered, inputs = {}) {
    if (!this.uids) throw new Error("internal: ClusterRun.begin or adopt must run before create");
    const now = this.rendered.rerender({ ...inputs, owners: this.uids });
    const ref = refOf(rendered.object);
    const object = now.objects.find((o) => sameRef(refOf(o.object), ref))?.object;
    if (!object) throw new Error(`internal: ${describeRef(ref)} is not an object of run ${this.runId}`);
    const unresolved = object.metadata.ownerReferences?.find((r) => isOwnerUidPlaceholder(r.uid));
    if (unresolved) throw new Error(`internal: ${describeRef(ref)} is owned by ${unresolved.kind} ${unresolved.name}, which must be created first`);
    return object;
  }
  /** Deletes an object of the run before the run ends (an export once downloaded). */
  async remove(ref, signal) {
    await this.objects.delete(ref, signal);
    this.release(ref);
  }
  /**
   * Leaves an object of the run out of its cleanup: a VM output kept for later builds
   * (kept-layers.ts), which has lost its owner reference and run label by now.
   */
  release(ref) {
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
    const left = await waitUntilGone(this.objects, watched, deadline, timeoutMs);
    const leftovers = [...problems, ...left];
    if (leftovers.length > 0) {
      this.logger.warn(
        `kubevirt: cleanup of run ${this.runId} left:
${leftovers.map((l) => `  - ${l}`).join("\n")}
remove them with: kubectl delete all,cm,dv,vmexport -n ${this.namespace} -l ruddervirt.io/run=${this.runId}`
      );
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

// src/engines/kubevirt/cluster/golden-images.ts
var KINDS = {
  DataVolume: "cdi.kubevirt.io/v1beta1",
  VolumeSnapshot: "snapshot.storage.k8s.io/v1"
};
function sourceRef(source) {
  return { apiVersion: KINDS[source.kind], kind: source.kind, namespace: source.namespace, name: source.name };
}
function dataSourceRef(ds, namespace) {
  return { apiVersion: DATA_SOURCE_API_VERSION, kind: "DataSource", namespace, name: ds.name };
}
function pointsAt(ds) {
  const s = ds.spec?.source;
  const ns = ds.metadata.namespace ?? "";
  if (s?.pvc) return { kind: "DataVolume", namespace: s.pvc.namespace || ns, name: s.pvc.name };
  if (s?.snapshot) return { kind: "VolumeSnapshot", namespace: s.snapshot.namespace || ns, name: s.snapshot.name };
  return void 0;
}
function judgeReady(ds) {
  if (!ds) return { waiting: "not there yet" };
  const ready = ds.status?.conditions?.find((c) => c.type === "Ready");
  if (ready?.status === "True") return { done: true };
  return { waiting: ready ? `Ready ${ready.status}: ${ready.reason ?? ""} ${ready.message ?? ""}`.trim() : "no Ready condition yet (is CDI running?)" };
}
async function existingDataSource(objects, ref, signal) {
  let found;
  try {
    found = await objects.get(ref, signal);
  } catch (err) {
    if (err instanceof KubeApiError && err.notFound) {
      throw new UserError(`${describeRef(ref)}: the cluster serves no DataSources (cdi.kubevirt.io/v1beta1 datasources); output.dataSource needs CDI v1.43 or later`);
    }
    throw err;
  }
  if (found && found.metadata.labels?.[LABEL_MANAGED_BY] !== MANAGED_BY) {
    throw new UserError(`${describeRef(ref)} exists and was not made by ruddervirt (no label ${LABEL_MANAGED_BY}=${MANAGED_BY}); choose another output.dataSource name, or delete it if it may be replaced`);
  }
  return found;
}
async function goldenUpToDate(objects, ds, namespace, sha256, signal) {
  const ref = dataSourceRef(ds, namespace);
  const found = await existingDataSource(objects, ref, signal);
  const at = found ? pointsAt(found) : void 0;
  if (!found || !at || found.metadata.annotations?.[ANNOTATION_DATA_SOURCE_SHA256] !== sha256) return void 0;
  const source = await objects.get(sourceRef(at), signal);
  return source ? `${describeRef(ref)} \u2192 ${describeRef(sourceRef(at))}` : void 0;
}
function sendPatch(objects, p, signal) {
  return objects.mergePatch(p.target, p.patch, signal);
}
async function publishGolden(req) {
  const { objects, dataSource: ds, source, scope, sha256, logger, signal } = req;
  const plan = req.plan ?? renderGoldenPublish(`${scope.layer}/${scope.vm}`, ds, scope, { source, sha256, ...req.sbom ? { sbomConfigMap: req.sbom } : {} });
  if (plan.source.kind !== source.kind || plan.source.name !== source.name || plan.source.namespace !== source.namespace || plan.dataSource.name !== ds.name) {
    throw new Error(`internal: the publish step was rendered for ${describeRef(sourceRef(plan.source))}, not ${describeRef(sourceRef(source))}`);
  }
  const dsRef = dataSourceRef(ds, source.namespace);
  const srcRef = sourceRef(source);
  const existing = await existingDataSource(objects, dsRef, signal);
  const before = existing ? pointsAt(existing) : void 0;
  const unchanged = before?.kind === source.kind && before.name === source.name && before.namespace === source.namespace;
  for (const p of plan.patches) await sendPatch(objects, p, signal);
  if (existing) await sendPatch(objects, plan.refresh, signal);
  else await objects.create(plan.object, signal);
  await waitFor(objects, {
    ref: dsRef,
    what: `${describeRef(dsRef)} to be Ready`,
    timeoutMs: req.timeoutMs,
    signal,
    judge: judgeReady,
    explain: [dsRef, srcRef]
  });
  const where = `${describeRef(dsRef)} \u2192 ${describeRef(srcRef)}`;
  logger.info(`golden image: ${unchanged ? "still " : ""}${where} (Ready)`);
  const replaced = [];
  const doomed = [];
  for (const [kind, apiVersion] of Object.entries(KINDS)) {
    const { items } = await objects.list(apiVersion, kind, source.namespace, { labelSelector: goldenOutputSelector(ds.name) }, signal);
    for (const o of items) {
      const ref = refOf(o);
      if (kind === source.kind && o.metadata.name === source.name) continue;
      if (o.metadata.labels?.[LABEL_LAYER_KEY] !== void 0) {
        await objects.mergePatch(ref, plan.release.patch, signal);
        if (kind === "DataVolume") await objects.mergePatch({ apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: source.namespace, name: o.metadata.name }, plan.release.patch, signal).catch(() => void 0);
        replaced.push(`${describeRef(ref)} (kept as a layer output)`);
        continue;
      }
      await objects.delete(ref, signal);
      doomed.push(ref);
      replaced.push(describeRef(ref));
    }
  }
  const left = await waitUntilGone(objects, doomed, Date.now() + req.timeoutMs, req.timeoutMs);
  if (replaced.length > 0) logger.info(`golden image ${ds.name}: replaced ${replaced.join(", ")}`);
  if (left.length > 0) logger.warn(`golden image ${ds.name}: not yet gone: ${left.join(", ")}`);
  return { where, replaced, unchanged };
}

// src/engines/kubevirt/cluster/local-disk-uploads.ts
import path3 from "node:path";
function localDiskUploads(req) {
  const { build, vm, key, names } = req;
  const uploads = [];
  let rootSource;
  if (vm.source.kind === "path") uploads.push({ dataVolume: names.rootDisk, file: path3.resolve(build.dir, vm.source.path) });
  if (vm.source.kind === "from" && !req.outputs.has(`${vm.source.layer}/${vm.source.vm}`)) {
    const parent = `${vm.source.layer}/${vm.source.vm}`;
    if (!req.parentDisk) throw new UserError(`vm ${key}: the output of ${parent} is neither in the cluster nor on this machine`);
    req.logger.info(`vm ${key}: the output of ${parent} is not in the cluster; uploading it from ${req.parentDisk}`);
    rootSource = { upload: {} };
    uploads.push({ dataVolume: names.rootDisk, file: req.parentDisk });
  }
  for (const cdrom of vm.cdroms) if (cdrom.iso) uploads.push({ dataVolume: names.cdrom(cdrom.name), file: cdrom.iso });
  return { uploads, ...rootSource ? { rootSource } : {} };
}

// src/engines/kubevirt/cluster/kept-sboms.ts
import { readFile } from "node:fs/promises";
async function keepSbom(req) {
  const { objects, output, signal } = req;
  const namespace = output.namespace;
  const name = sbomConfigMapName(output.name);
  const cmRef = { apiVersion: "v1", kind: "ConfigMap", namespace, name };
  const existing = await objects.get(cmRef, signal);
  if (existing && !existing.metadata.deletionTimestamp && "document" in sbomFromConfigMap(existing, req.sha256)) return name;
  const owner = await objects.get(output, signal);
  if (!owner?.metadata.uid) throw new Error(`${describeRef(output)} is not there to own its SBOM`);
  const document = await readFile(req.sbomFile, "utf8");
  if (existing) await objects.delete(cmRef, signal);
  const sbomOwner = { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid };
  const cm = req.render ? req.render({ document, owner: sbomOwner }) : sbomConfigMap({ namespace, owner: sbomOwner, scope: req.scope, sha256: req.sha256, document });
  if (cm.metadata.name !== name || cm.metadata.namespace !== namespace)
    throw new Error(`internal: the SBOM of ${describeRef(output)} was rendered as ConfigMap ${cm.metadata.namespace}/${cm.metadata.name}, not ${namespace}/${name}`);
  await objects.create(cm, signal);
  return name;
}
async function readKeptSbom(objects, namespace, name, sha256, signal) {
  const ref = { apiVersion: "v1", kind: "ConfigMap", namespace, name };
  const cm = await objects.get(ref, signal);
  if (!cm) throw new Error(`${describeRef(ref)} is gone`);
  const found = sbomFromConfigMap(cm, sha256);
  if ("problem" in found) throw new Error(found.problem);
  return found.document;
}

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
  kubeVirts() {
    return this.retry(() => this.inner.kubeVirts());
  }
  kvmNodes() {
    return this.retry(() => this.inner.kvmNodes());
  }
};

// src/engines/kubevirt/cluster/upload.ts
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Transform as Transform2 } from "node:stream";
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
  const target2 = await uploadProxy(req);
  logger.info(`upload: ${req.file} (${size} bytes) \u2192 DataVolume ${req.dataVolume} via ${target2.route.kind === "direct" ? target2.url.host : `a port-forward to ${target2.route.namespace}/${target2.route.pod}`}`);
  await withRetries(
    async (attempt) => {
      const token = await uploadToken(objects, req.namespace, req.dataVolume, signal);
      const progress = new ProgressReporter(logger, `upload ${req.dataVolume}`, size);
      progress.start();
      const file = createReadStream(req.file);
      const body = file.pipe(
        new Transform2({
          transform(chunk, _encoding, callback) {
            progress.add(chunk.length);
            callback(null, chunk);
          }
        })
      );
      let res;
      try {
        res = await clusterHttpsRequest(objects.api, target2, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream", "content-length": String(size) },
          body,
          signal
        });
      } finally {
        file.destroy();
      }
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
      // A 401 is an expired token: the next try asks for a new one.
      retryable: (err) => transferRetryable(err) || err instanceof UploadError && err.status === 401,
      onRetry: (err) => logger.warn(`upload: ${err instanceof Error ? err.message : String(err)}; starting it again`)
    }
  );
}
async function uploadToken(objects, namespace, dataVolume, signal) {
  const tokenRequest = await objects.create(
    { apiVersion: "upload.cdi.kubevirt.io/v1beta1", kind: "UploadTokenRequest", metadata: { name: dataVolume, namespace }, spec: { pvcName: dataVolume } },
    signal
  );
  const token = tokenRequest.status?.token;
  if (!token) throw new Error(`CDI returned no upload token for ${dataVolume}`);
  return token;
}
var UploadError = class extends UserError {
  name = "UploadError";
  status = 0;
};

// src/engines/kubevirt/cluster/source-import.ts
async function importSourceVolume(session, req) {
  const { build, layer, vm, logger, signal } = req;
  const key = `${layer.name}/${vm.name}`;
  const rendered = session.run.rendered.vms.find((v) => v.layer === layer.name && v.vm === vm.name);
  if (!rendered) throw new Error(`internal: ${key} was not rendered`);
  const name = vm.source.kind === "iso" ? rendered.names.installIso : rendered.names.rootDisk;
  const object = session.run.rendered.objects.find((o) => o.vm === key && o.step === "prepare" && o.object.kind === "DataVolume" && o.object.metadata.name === name);
  if (!object) throw new Error(`internal: no source DataVolume ${name} rendered for ${key}`);
  const { uploads, rootSource } = localDiskUploads({
    build,
    vm,
    key,
    names: rendered.names,
    outputs: session.outputs,
    logger,
    ...req.parentDisk ? { parentDisk: req.parentDisk } : {}
  });
  const upload = uploads.find((u) => u.dataVolume === name);
  await session.run.create(object, signal, name === rendered.names.rootDisk && rootSource ? { volumeSources: /* @__PURE__ */ new Map([[name, rootSource]]) } : {});
  const label = vm.source.kind === "iso" ? `installer ISO of ${key}` : `root disk of ${key}`;
  await allOrNothing(signal, [
    (s) => waitForDataVolumes({ objects: session.objects, namespace: session.namespace, dataVolumes: [{ name, label }], logger, signal: s, timeoutMs: session.timeouts.import }),
    ...upload ? [
      (s) => uploadDisk({ objects: session.objects, namespace: session.namespace, ...upload, logger, signal: s, readyTimeoutMs: session.timeouts.import, ...session.clusterCa ? { clusterCa: session.clusterCa } : {} })
    ] : []
  ]);
  return { reference: `${session.namespace}/${name}`, namespace: session.namespace, dataVolume: name, how: upload ? "upload" : "import" };
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
  servesHttpItself = true;
  connecting;
  opening;
  /** Outputs of earlier builds this build reuses, by "layer/vm": later layers clone them. */
  kept = /* @__PURE__ */ new Map();
  run;
  logger;
  timeouts;
  handles = /* @__PURE__ */ new Set();
  closed = false;
  /** A VM of the run was handed to another process: the run outlives this one (close() keeps it). */
  detachedAny = false;
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
  /**
   * The stage actions' seam (one process per stage, the run kept by its id, options.runId):
   * creates the DataVolume holding the VM's source in the run (creating or adopting its root) and
   * fills it. Nothing is removed when the process ends without close().
   */
  async importSource(req) {
    if (this.closed) throw new Error("internal: the kubevirt engine was closed");
    this.logger ??= req.logger;
    this.opening ??= this.open(req);
    return importSourceVolume(await this.opening, { ...req, layer: layerOf(req.build, req.vm) });
  }
  /**
   * The stage actions' seam: a handle on a VM of run options.runId that another process started
   * (provision, snapshot). The run is adopted, nothing is created; close() does not stop the VM.
   */
  async attachVm(req) {
    if (this.closed) throw new Error("internal: the kubevirt engine was closed");
    this.logger ??= req.logger;
    this.opening ??= this.open(req, "adopt");
    return attachVm(await this.opening, { ...req, layer: layerOf(req.build, req.vm) });
  }
  /**
   * Hands a VM of this run to another process: the cluster keeps the VirtualMachine running, and
   * from now on close() leaves the whole run in place (the stage that finishes the VM, or a post
   * step, removes it by its label).
   */
  async detach(handle) {
    if (!(handle instanceof KubevirtVmHandle) || !this.handles.has(handle)) throw new Error(`internal: vm ${handle.name} was not started by this kubevirt engine`);
    const session = await this.opening;
    this.handles.delete(handle);
    this.detachedAny = true;
    const host = `vmi/${handle.virtualMachine}.${session.namespace}`;
    const port = handle.sshPort;
    return {
      engine: "kubevirt",
      vm: handle.name,
      sshEndpoint: { host, port, display: `${host}:${port}` },
      state: { runId: session.run.runId, namespace: session.namespace, virtualMachine: handle.virtualMachine }
    };
  }
  /** A handle on a VM of this engine's run (options.runId) that another process detached; the run is adopted. */
  async attach(record, req) {
    if (record.engine !== "kubevirt") throw new Error(`internal: a ${record.engine} VM record was given to the kubevirt engine`);
    const runId = record.state.runId;
    if (typeof runId !== "string" || runId !== this.options.runId) {
      throw new Error(`internal: vm ${record.vm} belongs to run ${String(runId)}, but this kubevirt engine joins run ${String(this.options.runId)}`);
    }
    const attached = await this.attachVm(req);
    this.handles.add(attached.handle);
    return attached.handle;
  }
  /** Loads the kubeconfig, checks the cluster can run the build and renders it; creates nothing. */
  async connect(req) {
    const { build, signal } = req;
    const logger = this.logger ?? req.logger;
    const target2 = loadKubeTarget({ env: this.env, ...pick(this.options, "kubeconfig", "namespace", "context") });
    const api = new KubeApi(target2.kc);
    const objects = new ObjectClient(api, logger);
    logger.info(`kubevirt: cluster ${api.address} (${target2.source}), namespace ${target2.namespace}`);
    const discovery = new RetryingDiscoveryClient(new KubeDiscoveryClient(target2.kc), signal, (err) => logger.debug(`kubevirt: discovery: ${err instanceof Error ? err.message : String(err)}; asking again`));
    const capabilities = await discoverCapabilities(discovery, {
      namespace: target2.namespace,
      features: buildFeatures(build),
      ...this.options.capture ? { capture: this.options.capture } : {},
      storageClasses: storageClassesOf(build, this.options.kubevirt)
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
      engineRenderOptions({ ...this.options, runId: this.options.runId ?? newRunId() }, { namespace: target2.namespace, capture: capabilities.capture, exportApiVersion: capabilities.exportApiVersion }, (key) => {
        const token = randomExportToken();
        tokens.set(key, token);
        return token;
      })
    );
    const clusterCa = readClusterCa(target2);
    return { objects, namespace: target2.namespace, capture: capabilities.capture, rendered, tokens, ...clusterCa ? { clusterCa } : {}, build };
  }
  /**
   * Connects (once), then creates the run's root and network (or adopts them when they exist),
   * or — `adopt` — only joins a run that must exist.
   */
  async open(req, mode = "create") {
    const { signal } = req;
    const logger = this.logger ?? req.logger;
    const c = await (this.connecting ??= this.connect(req));
    const run = new ClusterRun(c.objects, c.rendered, logger);
    this.run = run;
    if (mode === "adopt") await run.adopt(signal);
    else await run.begin(signal);
    return {
      objects: c.objects,
      run,
      namespace: c.namespace,
      timeouts: this.timeouts,
      env: this.env,
      ...c.clusterCa ? { clusterCa: c.clusterCa } : {},
      exportToken: (key) => {
        const token = c.tokens.get(key);
        if (!token) throw new Error(`internal: no export token rendered for ${key}`);
        return token;
      },
      outputs: /* @__PURE__ */ new Set(),
      rendered: c.rendered,
      build: c.build
    };
  }
  /**
   * The layer's outputs kept in the cluster by an earlier build with the same key (one per VM),
   * or undefined. Found ones are marked used now and remembered: this build's later layers clone
   * them instead of uploading.
   */
  /**
   * The digest a containerDisk tag names now, resolved from this machine. A registry only the
   * cluster can reach (an in-cluster mirror) is not an error: the build goes on by tag, and says
   * that a moved tag will not be noticed.
   */
  async sourceDigest(vm, logger, signal) {
    if (vm.source.kind !== "containerDisk" || !this.options.containerDisks) return void 0;
    try {
      return await containerDiskDigest(this.options.containerDisks, vm, logger, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      logger.warn(`${vm.name}: cannot resolve ${vm.source.image} from this machine (${err instanceof Error ? err.message : String(err)}); CDI imports it by tag, and the layer key cannot notice when the tag moves`);
      return void 0;
    }
  }
  async findKeptLayer(req) {
    if (this.closed) throw new Error("internal: the kubevirt engine was closed");
    if (!this.options.keepLayers) return void 0;
    this.logger ??= req.logger;
    const c = await (this.connecting ??= this.connect(req));
    if (c.build !== req.build) throw new Error("internal: one kubevirt engine runs one build");
    const kind = keptKindOf(c.capture);
    if (!kind) return void 0;
    const found = await findKeptLayer({ objects: c.objects, namespace: c.namespace, kind, build: req.build.name, layer: req.layer, key: req.key, signal: req.signal });
    if (!found) return void 0;
    await touchKept(c.objects, found, /* @__PURE__ */ new Date(), req.signal);
    for (const f of found) this.kept.set(`${req.layer.name}/${f.vm}`, f);
    return found.map((f) => ({
      vm: f.vm,
      where: describeRef(f.ref),
      sha256: f.sha256,
      bytes: f.bytes,
      format: f.format,
      compressed: f.compressed,
      ...f.createdAt ? { createdAt: f.createdAt } : {},
      download: (destination, logger, signal) => this.downloadKept(req.build, req.layer, f, destination, logger, signal),
      ...f.sbom ? { readSbom: (signal) => readKeptSbom(c.objects, c.namespace, f.sbom, f.sha256, signal) } : {}
    }));
  }
  /**
   * A kept output onto this machine: restored into the volume this run's export of that VM reads
   * (a clone of the kept DataVolume, or a restore of the kept VolumeSnapshot), exported,
   * downloaded, and the restored volume removed again.
   */
  async downloadKept(build, layer, kept, destination, logger, signal) {
    const session = await (this.opening ??= this.open({ build, logger, signal }));
    const key = `${layer.name}/${kept.vm}`;
    const rendered = session.rendered.vms.find((v) => v.layer === layer.name && v.vm === kept.vm);
    if (!rendered) throw new Error(`internal: ${key} was not rendered`);
    const volume = exportedVolume(rendered);
    const restore = session.rendered.objects.find((o) => o.vm === key && o.object.kind === "DataVolume" && o.object.metadata.name === volume);
    if (!restore) throw new Error(`internal: no DataVolume ${volume} rendered for ${key}`);
    logger.info(`vm ${key}: restoring its kept output ${describeRef(kept.ref)} into DataVolume ${volume} to export it`);
    await session.run.create(restore, signal, { volumeSources: /* @__PURE__ */ new Map([[volume, cloneSourceOf(kept)]]) });
    try {
      await waitForDataVolumes({ objects: session.objects, namespace: session.namespace, dataVolumes: [{ name: volume, label: `the restored output of ${key}` }], logger, signal, timeoutMs: this.timeouts.import });
      const rawFile = path4.join(path4.dirname(destination), `.${path4.basename(destination)}.export.raw`);
      await downloadOutput({ session, rendered, rawFile, destination, format: kept.format, compress: kept.compressed, logger, signal });
    } finally {
      await session.run.remove(dataVolumeRef(session.namespace, volume), AbortSignal.timeout(6e4)).catch((err) => {
        logger.debug(`removing DataVolume ${volume} later: ${err instanceof Error ? err.message : String(err)}`);
      });
    }
  }
  /**
   * Keeps the outputs of a layer this build just made (the layer succeeded), labelled with the
   * layer's key, out of the run's cleanup; then removes the older kept outputs of the same VMs
   * beyond the newest `keptPerVm`.
   */
  async keepLayer(req) {
    const where = /* @__PURE__ */ new Map();
    if (!this.options.keepLayers || !this.opening) return where;
    const session = await this.opening;
    const c = await this.connecting;
    const logger = this.logger ?? req.logger;
    const kind = keptKindOf(c.capture);
    if (!kind) {
      logger.info(`layer ${req.layer.name}: outputs captured as VirtualMachineSnapshots are not kept for later builds (a later layer clones the VM's root disk, which goes with the run)`);
      return where;
    }
    const now = /* @__PURE__ */ new Date();
    for (const o of req.outputs) {
      const rendered = session.rendered.vms.find((v) => v.layer === req.layer.name && v.vm === o.vm);
      if (!rendered) throw new Error(`internal: ${req.layer.name}/${o.vm} was not rendered`);
      const ref = { apiVersion: kind.apiVersion, kind: kind.kind, namespace: session.namespace, name: rendered.output.name };
      const vmKey = `${req.layer.name}/${o.vm}`;
      const facts = { key: req.key, runId: session.run.runId, sha256: o.sha256, bytes: o.bytes, format: o.format, compressed: o.compressed, now };
      const sbom = await this.keepSbomOf(session.objects, ref, req.build, req.layer, o, logger, req.signal, ({ document, owner }) => {
        const cm = keepStep(session.rendered, vmKey, { facts, sbom: { document, ownerUid: owner.uid } }).sbom;
        if (!cm) throw new Error(`internal: no SBOM ConfigMap rendered for ${vmKey}`);
        return cm;
      });
      const { patch } = keepStep(session.rendered, vmKey, { facts: { ...facts, ...sbom ? { sbom } : {} } });
      await session.objects.mergePatch(patch.target, patch.patch, req.signal);
      session.run.release(ref);
      where.set(o.vm, describeRef(ref));
    }
    logger.info(`layer ${req.layer.name}: outputs kept in the cluster for later builds (key ${req.key.slice(0, 12)}): ${[...where.values()].join(", ")}`);
    const keep = this.options.keptPerVm ?? DEFAULT_KEPT_PER_VM;
    const pruned = await pruneKept({
      objects: session.objects,
      namespace: session.namespace,
      kinds: [kind],
      scope: { build: req.build.name, layer: req.layer.name },
      keep,
      signal: req.signal,
      timeoutMs: this.timeouts.cleanup
    });
    if (pruned.removed.length > 0) logger.info(`layer ${req.layer.name}: removed ${pruned.removed.length} older kept output(s) beyond the newest ${keep} per VM: ${pruned.removed.join(", ")}`);
    if (pruned.left.length > 0) logger.warn(`layer ${req.layer.name}: older kept outputs not removed:
${pruned.left.map((l) => `  - ${l}`).join("\n")}`);
    return where;
  }
  /**
   * The output's SBOM into the cluster beside it (cluster/kept-sboms.ts), so a build that reuses
   * it elsewhere, or a person with kubectl, has the document that describes it. Resolves with the
   * ConfigMap's name; a failure costs the SBOM a warning, not the build.
   */
  async keepSbomOf(objects, ref, build, layer, o, logger, signal, render) {
    if (!o.sbom) return void 0;
    try {
      const name = await keepSbom({ objects, output: ref, sbomFile: o.sbom, sha256: o.sha256, scope: { build: build.name, layer: layer.name, vm: o.vm }, ...render ? { render } : {}, signal });
      logger.info(`vm ${layer.name}/${o.vm}: its SBOM is kept beside ${describeRef(ref)} in ConfigMap ${ref.namespace}/${name}`);
      return name;
    } catch (err) {
      if (signal.aborted) throw err;
      logger.warn(`vm ${layer.name}/${o.vm}: its SBOM is not kept in the cluster: ${err instanceof Error ? err.message : String(err)}`);
      return void 0;
    }
  }
  /**
   * Golden images (output.dataSource): each such VM's output stays in the cluster behind a CDI
   * DataSource, replacing the one it pointed at before (cluster/golden-images.ts). A fresh output
   * leaves the run; a reused layer's kept output is pointed at where it is kept; a layer reused
   * from the local layer cache has nothing in the cluster, so its DataSource must already hold it.
   */
  async publishLayer(req) {
    const where = /* @__PURE__ */ new Map();
    const logger = this.logger ?? req.logger;
    const c = await (this.connecting ??= this.connect(req));
    for (const vm of req.layer.vms) {
      const ds = vm.output.dataSource;
      const output = req.outputs.find((o) => o.vm === vm.name);
      if (!ds || !output) continue;
      const key = `${req.layer.name}/${vm.name}`;
      const scope = { build: req.build.name, layer: req.layer.name, vm: vm.name };
      const planFor = (inputs) => publishStep(c.rendered, key, inputs);
      const publish = (source, sbom) => publishGolden({
        objects: c.objects,
        dataSource: ds,
        source,
        scope,
        sha256: output.sha256,
        ...sbom ? { sbom } : {},
        plan: planFor({ source, sha256: output.sha256, ...sbom ? { sbomConfigMap: sbom } : {} }),
        logger,
        signal: req.signal,
        timeoutMs: this.timeouts.import
      });
      const kept = this.kept.get(key);
      if (!output.reused) {
        const session = await this.opening;
        const rendered = session.rendered.vms.find((v) => v.layer === req.layer.name && v.vm === vm.name);
        if (!rendered) throw new Error(`internal: ${key} was not rendered`);
        const kind = keptKindOf(c.capture);
        if (!kind) throw new UserError(`vm ${key}: output.dataSource needs its output as a DataVolume or VolumeSnapshot, but this build captures VirtualMachineSnapshots; use the clone or volume-snapshot capture`);
        const source = { kind: kind.kind, namespace: c.namespace, name: rendered.output.name };
        const sbom = await this.keepSbomOf(c.objects, { apiVersion: kind.apiVersion, ...source }, req.build, req.layer, output, logger, req.signal, ({ document, owner }) => {
          const cm = planFor({ source, sha256: output.sha256, sbom: { document, ownerUid: owner.uid } }).sbom;
          if (!cm) throw new Error(`internal: no SBOM ConfigMap rendered for ${key}`);
          return cm;
        });
        const published = await publish(source, sbom);
        session.run.release({ apiVersion: kind.apiVersion, kind: kind.kind, namespace: c.namespace, name: rendered.output.name });
        where.set(vm.name, published.where);
      } else if (kept) {
        const published = await publish({ kind: kept.ref.kind, namespace: kept.ref.namespace, name: kept.ref.name }, kept.sbom);
        where.set(vm.name, published.where);
      } else {
        const current = await goldenUpToDate(c.objects, ds, c.namespace, output.sha256, req.signal);
        if (current) {
          logger.info(`golden image: ${current} already holds this output of ${key} (sha256 ${output.sha256.slice(0, 12)})`);
          where.set(vm.name, current);
        } else {
          throw new UserError(
            `vm ${key}: layer ${req.layer.name} was reused from the local layer cache, so its output is not in the cluster for DataSource ${ds.name}; build it with --force (or keep layers in the cluster) to publish it`
          );
        }
      }
    }
    return where;
  }
  async startOne(session, req) {
    const { build, vm, logger, signal } = req;
    const layer = layerOf(build, vm);
    const key = `${layer.name}/${vm.name}`;
    const rendered = session.rendered.vms.find((v) => v.layer === layer.name && v.vm === vm.name);
    if (!rendered) throw new Error(`internal: ${key} was not rendered`);
    const mine = session.rendered.objects.filter((o) => o.vm === key);
    const names = rendered.names;
    if (rendered.sshJump) {
      logger.info(
        `vm ${key}: its first NIC is on Kube-OVN subnet ${vm.nics[0]?.subnet}, where KubeVirt's port-forward cannot reach (kubeovn/kube-ovn#4908); SSH goes through the jump pod ${rendered.sshJump.pod} on that subnet`
      );
    }
    const parent = vm.source.kind === "from" ? `${vm.source.layer}/${vm.source.vm}` : void 0;
    const keptParent = parent && !session.outputs.has(parent) ? this.kept.get(parent) : void 0;
    if (keptParent) logger.info(`vm ${key}: its root disk clones the output of ${parent} kept by an earlier build (${describeRef(keptParent.ref)})`);
    const inCluster = keptParent ? /* @__PURE__ */ new Set([...session.outputs, parent]) : session.outputs;
    const { uploads, rootSource } = localDiskUploads({ build, vm, key, names, outputs: inCluster, logger, ...req.parentDisk ? { parentDisk: req.parentDisk } : {} });
    const source = rootSource ?? (keptParent ? cloneSourceOf(keptParent) : void 0);
    const inputs = source ? { volumeSources: /* @__PURE__ */ new Map([[names.rootDisk, source]]) } : {};
    for (const o of mine.filter((r) => r.step === "prepare")) await session.run.create(o, signal, inputs);
    const dataVolumes = mine.filter((o) => o.step === "prepare" && o.object.kind === "DataVolume").map((o) => ({ name: o.object.metadata.name, label: diskLabel(o, key) }));
    const fileServer = mine.find((o) => o.step === "prepare" && o.object.kind === "Pod" && o.object.metadata.labels?.[LABEL_COMPONENT] === "http-server");
    let http2;
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
        http2 = { ip, port: rendered.httpPort };
        logger.info(`http: files of ${key} served by pod ${fileServer.object.metadata.name} at ${ip}:${rendered.httpPort}`);
      }
    ]);
    for (const o of mine.filter((r) => r.step === "start")) await session.run.create(o, signal);
    const vmi = await waitForVmiRunning({ objects: session.objects, namespace: session.namespace, name: names.vm, label: key, logger, signal, timeoutMs: this.timeouts.start });
    logger.info(`vm ${key}: running${vmi.status?.nodeName ? ` on node ${vmi.status.nodeName}` : ""} (VirtualMachine ${names.vm})`);
    return new KubevirtVmHandle({ session, vm, rendered, ...http2 ? { http: http2 } : {}, workDir: req.workDir, logger });
  }
  /** The fixed Kube-OVN addresses the render gives the layer's VMs (manifests/subnet-addresses.ts). */
  peerAddresses(build, layer, vm) {
    return peerAddresses(build, layer, vm.name);
  }
  async close() {
    this.closed = true;
    await this.opening?.catch(() => void 0);
    await Promise.all([...this.handles].map((h) => h.stop()));
    this.handles.clear();
    if (this.run && !this.detachedAny) await this.run.cleanup(this.timeouts.cleanup);
  }
};
function engineRenderOptions(options, cluster, exportToken) {
  return renderOptions({
    runId: options.runId,
    ...cluster,
    ...pick(options, "kubevirt", "egressExternalSubnet", "isoVolumeBytes"),
    ...exportToken ? { exportToken } : {}
  });
}
function publishStep(rendered, key, inputs) {
  const plan = rendered.rerender({ published: /* @__PURE__ */ new Map([[key, inputs]]) }).publish.find((p) => p.vm === key);
  if (!plan) throw new Error(`internal: no publish step rendered for ${key}`);
  return plan;
}
function keepStep(rendered, key, inputs) {
  const step = rendered.rerender({ kept: /* @__PURE__ */ new Map([[key, inputs]]) }).keep.find((k) => k.vm === key);
  if (!step) throw new Error(`internal: no keep step rendered for ${key}`);
  return step;
}
function storageClassesOf(build, options) {
  return [...new Set(build.layers.flatMap((l) => l.vms.map((vm) => effectiveSettings(build.kubevirt, vm.kubevirt, options).settings.storageClassName)))];
}
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
      return readFileSync(cluster.caFile, "utf8");
    } catch {
      return void 0;
    }
  }
  return void 0;
}

export {
  CDI_NAMESPACE,
  API_CALLS,
  ALWAYS_ALLOWED_CALLS,
  NON_RESOURCE_CALLS,
  buildFeatures,
  discoverCapabilities,
  KubevirtEngine,
  engineRenderOptions
};
