import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

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
  ...calls("", "nodes", ["list"], "cluster", "discovery", "which nodes offer /dev/kvm (devices.kubevirt.io/kvm)"),
  ...calls("cdi.kubevirt.io", "cdiconfigs", ["get"], "cluster", "discovery", "where CDI publishes its upload proxy (CDIConfig status.uploadProxyURL); without it uploads port-forward")
];
var ALWAYS_ALLOWED_CALLS = [...calls("authorization.k8s.io", "selfsubjectaccessreviews", ["create"], "cluster", "discovery", "checking our own permissions before a build")];
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
    const target = storageClass !== void 0 ? storage.find((s) => s.name === storageClass) : storage.find((s) => s.isDefault);
    if (!target) return void 0;
    const matching = classes.filter((c) => c.driver === target.provisioner);
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

export {
  CDI_NAMESPACE,
  API_CALLS,
  ALWAYS_ALLOWED_CALLS,
  NON_RESOURCE_CALLS,
  buildFeatures,
  discoverCapabilities,
  assertBuildable
};
