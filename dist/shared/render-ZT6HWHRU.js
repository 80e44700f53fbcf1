import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  resolveSourceChecksums
} from "./chunk-IS5JQAUT.js";
import {
  KUBEVIRT_ENGINE_FLAGS,
  KUBEVIRT_ENGINE_FLAGS_USAGE,
  KUBEVIRT_FLAGS,
  KUBEVIRT_FLAGS_USAGE,
  kubevirtEngineFlagOptions,
  kubevirtSettingsFromFlags
} from "./chunk-44XAABR6.js";
import {
  terminalLogger
} from "./chunk-2CFR3PXE.js";
import {
  parseCommandArgs,
  variableOptions
} from "./chunk-FY4OBH6A.js";
import {
  ALWAYS_ALLOWED_CALLS,
  API_CALLS,
  CDI_NAMESPACE,
  NON_RESOURCE_CALLS,
  buildFeatures,
  discoverCapabilities,
  engineRenderOptions
} from "./chunk-V4RHYLAH.js";
import {
  KubeDiscoveryClient
} from "./chunk-4QA2NAVJ.js";
import "./chunk-N2UXHEZV.js";
import "./chunk-LHQMOHGF.js";
import "./chunk-ZDQUUEWG.js";
import "./chunk-4J23RLGN.js";
import {
  loadKubeTarget
} from "./chunk-WBGPXQT6.js";
import "./chunk-5FQMJUXF.js";
import "./chunk-LI624AP2.js";
import {
  collectLocalInputs,
  defaultRunId,
  renderBuild,
  renderedToYaml
} from "./chunk-CFYWBAR4.js";
import "./chunk-KL2LFKXQ.js";
import "./chunk-MQCLEGTP.js";
import {
  isDnsLabel
} from "./chunk-RDPLCPIX.js";
import "./chunk-UF5DILBV.js";
import "./chunk-FARCU6DL.js";
import {
  loadBuild
} from "./chunk-23LGHYNR.js";
import "./chunk-Z6CMOLZR.js";
import {
  applyDataSourceOption,
  parseDataSourceOption
} from "./chunk-WBMFEUYZ.js";
import {
  effectiveSettings
} from "./chunk-M2E66S6E.js";
import {
  formatProblem
} from "./chunk-MF7EYUNN.js";
import {
  require_dist
} from "./chunk-H4EHQFTY.js";
import "./chunk-KOBFVAF3.js";
import "./chunk-NHD4EFUK.js";
import "./chunk-UWT5WVQO.js";
import {
  UsageError
} from "./chunk-K4LUY5QM.js";
import "./chunk-UWXRMICO.js";
import "./chunk-U2YEPGJA.js";
import "./chunk-Q2MXJOS2.js";
import "./chunk-W76QTMHQ.js";
import "./chunk-5Q37UMAS.js";
import "./chunk-JKYMEDOZ.js";
import "./chunk-MFL4LHWY.js";
import "./chunk-CTLLT6VU.js";
import "./chunk-IGBDJUBW.js";
import "./chunk-GKBTVNDX.js";
import "./chunk-XHUVLOPP.js";
import "./chunk-BHXEFIUH.js";
import "./chunk-CRBZ5IG5.js";
import {
  SecretMasker
} from "./chunk-PXB3LWWR.js";
import "./chunk-YBXMTZXO.js";
import "./chunk-OYIX4NJ3.js";
import "./chunk-YB6FBBBD.js";
import "./chunk-YQXKSN3H.js";
import {
  __toESM
} from "./chunk-U4LSYZ75.js";

// src/cli/commands/render.ts
import { readFileSync } from "node:fs";
import path from "node:path";

// src/engines/kubevirt/rbac.ts
var import_yaml = __toESM(require_dist(), 1);
var VERB_ORDER = ["get", "list", "watch", "create", "update", "patch", "delete"];
function ruleResource(call) {
  return call.subresource ? `${call.resource}/${call.subresource}` : call.resource;
}
function rulesFor(calls) {
  const verbsByResource = /* @__PURE__ */ new Map();
  for (const call of calls) {
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
  const out = [{ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: options.serviceAccount, namespace: options.namespace, labels: LABELS } }];
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
${(0, import_yaml.stringify)(o, { lineWidth: 0 })}`).join("")}`;
}

// src/cli/commands/render.ts
var usage = `Usage: ruddervirt render FILE [--engine kubevirt] [--namespace NS] [options]
       ruddervirt render --rbac [--namespace NS] [--service-account SA]

Prints every Kubernetes object the build creates on KubeVirt, as multi-document YAML in creation
order, each with a comment saying when it is created: the run's root ConfigMap (owner of the
rest), Kube-OVN VPCs, subnets and egress gateways, CDI DataVolumes, cdrom and HTTP-file Secrets,
the HTTP file-server pods, the VirtualMachines, and what keeps and exports each VM's disk. These
are the objects \`build --engine kubevirt\` creates, from the same function and settings. Owner
references need their owner's uid, which exists only once the owner is created: their uid reads
"<uid of ConfigMap NAME, set when it is created>" (drop ownerReferences before applying the
output by hand). Every object carries the label ruddervirt.io/run=RUN_ID, so a run applied by
hand can be deleted by label.

After the last document, as comments, what a build sends once the run's work is done: the keep
step (a build that keeps layers takes each output out of its run and stores its SBOM beside it)
and, for output.dataSource, the publish step (the output labelled, the DataSource). Merge patches
read as the kubectl command that sends the same body; objects that outlive the run are commented
out line by line ('#> '), so applying the output never creates them. What only the build knows
then (the layer's key, the output's sha256 and size, the SBOM) reads "<\u2026, set when \u2026>".

Needs no cluster: without --kubeconfig it assumes KubeVirt 1.9 or later (export.kubevirt.io/v1;
--export-api v1beta1 for older), CDI cdi.kubevirt.io/v1beta1, snapshot.storage.k8s.io/v1,
snapshot.kubevirt.io/v1beta1 and kubeovn.io/v1, and clone captures unless told otherwise. With
--kubeconfig it asks the cluster what a build asks it: the served export version and, without
--capture, the capture method (a VolumeSnapshotClass that fits the disks' storage class).

Options:
  --engine kubevirt              the engine that has manifests (the default; 'local' has none)
  --namespace NS                 namespace of the objects (default "default")
  --run-id ID                    ends every name, 1-12 of a-z0-9 (default: a digest of the file and
                                 its variables, so an unchanged file renders the same names)
  --var-file FILE                variable values from a YAML or JSON file (repeatable)
  --var NAME=VALUE               set a build variable (repeatable, after the var files)
  --capture MODE                 how a finished disk is kept: clone (default), volume-snapshot,
                                 vm-snapshot
  --snapshot-class NAME          VolumeSnapshotClass (implies --capture volume-snapshot)
  --export-api v1|v1beta1        export.kubevirt.io version (v1 from KubeVirt 1.9; default v1)
${KUBEVIRT_ENGINE_FLAGS_USAGE}  --data-source NAME[,instancetype=X][,preference=Y][,instancetypeKind=K][,preferenceKind=K]
                                 the last layer's VM as a golden image behind a CDI DataSource,
                                 as build --data-source (output.dataSource in the build file)
  --kubeconfig FILE              detect the served API versions and the capture method from this
                                 cluster, as a build does (read-only API discovery)
  --context NAME                 the kubeconfig context (default: its current context)
  --redact                       print Secret values as REDACTED
  --rbac                         print the least-privilege RBAC (ServiceAccount, Roles, bindings)
  --service-account SA           the ServiceAccount the RBAC binds (default ruddervirt)

${KUBEVIRT_FLAGS_USAGE}`;
function capturePlan(mode, snapshotClass, auto = false) {
  if (mode === void 0 && snapshotClass === void 0 && auto) return { mode: "auto" };
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
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      engine: { type: "string" },
      namespace: { type: "string" },
      "run-id": { type: "string" },
      var: { type: "string", multiple: true },
      "var-file": { type: "string", multiple: true },
      capture: { type: "string" },
      "snapshot-class": { type: "string" },
      "export-api": { type: "string" },
      ...KUBEVIRT_ENGINE_FLAGS,
      ...KUBEVIRT_FLAGS,
      "data-source": { type: "string" },
      kubeconfig: { type: "string" },
      context: { type: "string" },
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
    if (values.context !== void 0 && values.kubeconfig === void 0) throw new UsageError("--context goes with --kubeconfig");
    if (values.kubeconfig !== void 0 && values["export-api"] !== void 0) throw new UsageError("--export-api is what --kubeconfig detects; give one of them");
    const engine = values.engine ?? "kubevirt";
    if (engine === "local") throw new UsageError("the local engine runs QEMU directly and has no manifests; render is for --engine kubevirt");
    if (engine !== "kubevirt") throw new UsageError(`--engine must be kubevirt, got '${engine}'`);
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "missing the build FILE" : "render takes one build FILE");
    let exportApi = values["export-api"] ?? "v1";
    if (exportApi !== "v1" && exportApi !== "v1beta1") throw new UsageError(`--export-api must be v1 or v1beta1, got '${exportApi}'`);
    let capture = capturePlan(values.capture, values["snapshot-class"], values.kubeconfig !== void 0);
    const engineOptions = { kubevirt: kubevirtSettingsFromFlags(values), ...kubevirtEngineFlagOptions(values) };
    const kubevirt = engineOptions.kubevirt;
    const dataSource = values["data-source"] !== void 0 ? parseDataSourceOption(values["data-source"], "--data-source") : void 0;
    const build = loadBuild(positionals[0], { ...variableOptions(values), env: io.env, cwd: io.cwd });
    if (dataSource) applyDataSourceOption(build, dataSource, "--data-source");
    const masker = new SecretMasker();
    for (const secret of build.secrets) masker.add(secret);
    await resolveSourceChecksums(build, { logger: terminalLogger(io.stderr, masker), signal: io.signal, env: io.env });
    if (values.kubeconfig !== void 0) {
      const target = loadKubeTarget({ env: io.env, kubeconfig: path.resolve(io.cwd, values.kubeconfig), ...values.context ? { context: values.context } : {} });
      const found = await discoverCapabilities(new KubeDiscoveryClient(target.kc), {
        namespace,
        features: buildFeatures(build),
        capture,
        storageClasses: [...new Set(build.layers.flatMap((l) => l.vms.map((vm) => effectiveSettings(build.kubevirt, vm.kubevirt, kubevirt).settings.storageClassName)))]
      });
      exportApi = found.exportApiVersion;
      capture = found.capture;
      for (const w of found.warnings) io.stderr.write(`warning: ${w}
`);
      for (const b of found.blockers) io.stderr.write(`warning: a build would stop here: ${b.what}
  fix: ${b.fix}
`);
    }
    const runId = values["run-id"] ?? defaultRunId(readFileSync(path.resolve(io.cwd, positionals[0]), "utf8"), build.variables);
    const options = engineRenderOptions({ ...engineOptions, runId }, { namespace, capture, exportApiVersion: exportApi });
    const rendered = renderBuild(build, collectLocalInputs(build), options);
    for (const w of rendered.warnings ?? []) io.stderr.write(`${formatProblem({ ...w, message: `warning: ${w.message}` })}
`);
    io.stdout.write(renderedToYaml(rendered, { redactSecrets: values.redact === true }));
    return 0;
  }
};
export {
  renderCommand
};
