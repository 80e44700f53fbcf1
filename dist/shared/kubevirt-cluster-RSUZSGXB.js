import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  ManifestApplier,
  downloadManifest
} from "./chunk-NLZMA5UO.js";
import {
  KubeDiscoveryClient
} from "./chunk-4QA2NAVJ.js";
import "./chunk-4J23RLGN.js";
import {
  KubeConfig,
  ObjectCoreV1Api,
  ObjectCustomObjectsApi,
  ObjectVersionApi
} from "./chunk-5FQMJUXF.js";
import "./chunk-LI624AP2.js";
import "./chunk-H4EHQFTY.js";
import "./chunk-UWT5WVQO.js";
import "./chunk-CTLLT6VU.js";
import {
  sleep
} from "./chunk-BHXEFIUH.js";
import {
  formatGoDuration
} from "./chunk-YBXMTZXO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import "./chunk-YB6FBBBD.js";
import "./chunk-YQXKSN3H.js";
import "./chunk-U4LSYZ75.js";

// src/actions/toolkit/kubevirt-cluster.ts
var PINNED = { kubevirt: "v1.9.0", cdi: "v1.66.0" };
var GROUPS = {
  kubevirt: "kubevirt.io",
  cdi: "cdi.kubevirt.io",
  volumeSnapshots: "snapshot.storage.k8s.io",
  vmExport: "export.kubevirt.io",
  kubeOvnVpcs: "kubeovn.io"
};
function loadKubeConfig(kubeconfig) {
  const kc = new KubeConfig();
  try {
    if (kubeconfig) kc.loadFromFile(kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    throw new UserError(`cannot load the kubeconfig${kubeconfig ? ` ${kubeconfig}` : ""}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!kc.getCurrentCluster()) throw new UserError(`the kubeconfig${kubeconfig ? ` ${kubeconfig}` : ""} has no current cluster`);
  return kc;
}
function statusOf(err) {
  const code = err.code;
  return typeof code === "number" ? code : void 0;
}
async function checkCluster(kc) {
  let serverVersion;
  try {
    serverVersion = (await kc.makeApiClient(ObjectVersionApi).getCode()).gitVersion;
  } catch (err) {
    throw new UserError(`the Kubernetes API at ${kc.getCurrentCluster()?.server} does not answer: ${err instanceof Error ? err.message : String(err)}`);
  }
  const served = new Set((await new KubeDiscoveryClient(kc).servedGroups()).map((g) => g.name));
  const [kubevirtServed, cdi, volumeSnapshots, vmExport, kubeOvnVpcs] = [GROUPS.kubevirt, GROUPS.cdi, GROUPS.volumeSnapshots, GROUPS.vmExport, GROUPS.kubeOvnVpcs].map((g) => served.has(g));
  const kubevirt = { installed: kubevirtServed === true, emulation: false };
  if (kubevirtServed) {
    const list = await kc.makeApiClient(ObjectCustomObjectsApi).listCustomObjectForAllNamespaces({ group: "kubevirt.io", version: "v1", resourcePlural: "kubevirts" });
    const kv = list.items?.[0];
    if (kv) {
      kubevirt.phase = kv.status?.phase;
      kubevirt.namespace = kv.metadata?.namespace;
      kubevirt.name = kv.metadata?.name;
      kubevirt.emulation = kv.spec?.configuration?.developerConfiguration?.useEmulation === true;
    }
  }
  const cdiState = { installed: cdi === true };
  if (cdi) Object.assign(cdiState, await readCdiStatus(kc));
  return { serverVersion, kubevirt, cdi: cdiState, volumeSnapshots: volumeSnapshots === true, vmExport: vmExport === true, kubeOvnVpcs: kubeOvnVpcs === true };
}
async function readCdiStatus(kc) {
  try {
    const list = await kc.makeApiClient(ObjectCustomObjectsApi).listClusterCustomObject({ group: "cdi.kubevirt.io", version: "v1beta1", plural: "cdis" });
    const cr = list.items?.[0];
    if (!cr) return { available: false, phase: "no CDI resource" };
    return { available: cr.status?.conditions?.some((c) => c.type === "Available" && c.status === "True") === true, ...cr.status?.phase ? { phase: cr.status.phase } : {} };
  } catch (err) {
    const code = statusOf(err);
    if (code === 403) return { unreadable: "list cdis.cdi.kubevirt.io is forbidden (403) for this kubeconfig" };
    if (code === 404) return { unreadable: "cdis.cdi.kubevirt.io is not served (404)" };
    throw err;
  }
}
function capabilityWarnings(c) {
  if (!c.cdi.installed || c.cdi.unreadable === void 0) return [];
  return [
    `CDI readiness cannot be read (${c.cdi.unreadable}): only its API group being served was checked, so builds may start before CDI is Available. Grant list on cdis.cdi.kubevirt.io (ClusterRole ruddervirt-builder-discovery in docs/rbac.yaml) to have setup-cluster wait for it.`
  ];
}
function describeCapabilities(c) {
  return [
    `Kubernetes ${c.serverVersion}`,
    c.kubevirt.installed ? `KubeVirt: ${c.kubevirt.phase ?? "no KubeVirt resource"}${c.kubevirt.emulation ? " (software emulation)" : ""}` : "KubeVirt: not installed",
    `CDI: ${!c.cdi.installed ? "not installed" : c.cdi.available === true ? "available" : c.cdi.available === false ? `not available yet (${c.cdi.phase ?? "no phase"})` : "installed (its readiness could not be read)"}`,
    `VolumeSnapshots: ${c.volumeSnapshots ? "yes" : "no (snapshots fall back to PVC clones)"}`,
    `VirtualMachineExport: ${c.vmExport ? "yes" : "no"}`,
    `Kube-OVN VPCs: ${c.kubeOvnVpcs ? "yes" : "no (network.vpcs need Kube-OVN)"}`
  ];
}
function blockingProblems(c) {
  const out = [];
  if (!c.kubevirt.installed) out.push("KubeVirt is not installed (set install-kubevirt: true, or install it first)");
  else if (c.kubevirt.phase !== "Deployed") out.push(`KubeVirt is not deployed (phase ${c.kubevirt.phase ?? "unknown"})`);
  if (!c.cdi.installed) out.push("CDI (Containerized Data Importer) is not installed");
  else if (c.cdi.available === false) out.push(`CDI is not Available (${c.cdi.phase ?? "no phase"})`);
  return out;
}
function onlyStarting(c) {
  const kubevirtStarting = c.kubevirt.installed && c.kubevirt.phase !== "Deployed" && c.kubevirt.phase !== void 0;
  const cdiStarting = c.cdi.installed && c.cdi.available === false;
  const kubevirtOk = c.kubevirt.installed && c.kubevirt.phase === "Deployed";
  const cdiOk = c.cdi.installed && c.cdi.available !== false;
  return (kubevirtStarting || cdiStarting) && (kubevirtOk || kubevirtStarting) && (cdiOk || cdiStarting);
}
async function waitUntilReady(kc, o) {
  const deadline = Date.now() + o.timeoutMs;
  const pollMs = installPollIntervalMs(o.timeoutMs);
  for (; ; ) {
    const caps = await checkCluster(kc);
    if (!onlyStarting(caps) || Date.now() > deadline) return caps;
    o.logger.progress({ phase: "wait for kubevirt", message: `waiting: ${blockingProblems(caps).join("; ")}` });
    await sleep(pollMs, o.signal);
  }
}
var DEFAULT_RELEASE_SOURCES = {
  kubevirt: "https://github.com/kubevirt/kubevirt/releases/download/{version}",
  cdi: "https://github.com/kubevirt/containerized-data-importer/releases/download/{version}"
};
function releaseManifestUrls(versions, sources = DEFAULT_RELEASE_SOURCES) {
  const folder = (template, version) => template.replaceAll("{version}", version).replace(/\/+$/, "");
  const kv = folder(sources.kubevirt, versions.kubevirt);
  const cdi = folder(sources.cdi, versions.cdi);
  return [`${kv}/kubevirt-operator.yaml`, `${kv}/kubevirt-cr.yaml`, `${cdi}/cdi-operator.yaml`, `${cdi}/cdi-cr.yaml`];
}
function installPollIntervalMs(timeoutMs) {
  return Math.min(1e4, Math.max(250, Math.round(timeoutMs / 30)));
}
async function installKubevirt(kc, o) {
  const deadline = Date.now() + o.timeoutMs;
  const applier = new ManifestApplier(kc, o.signal);
  const applied = [];
  for (const url of releaseManifestUrls(o.versions, o.sources)) {
    const objects = await downloadManifest(url, o.signal);
    applied.push(...await applier.apply(url, objects, deadline));
    o.logger.info(`applied ${url} (${objects.length} objects)`);
  }
  const kubevirt = applied.find((a) => a.object.kind === "KubeVirt" && a.object.apiVersion.startsWith(`${GROUPS.kubevirt}/`));
  const cdi = applied.find((a) => a.object.kind === "CDI" && a.object.apiVersion.startsWith(`${GROUPS.cdi}/`));
  if (!kubevirt) throw new UserError(`the KubeVirt release files (${releaseManifestUrls(o.versions, o.sources).slice(0, 2).join(", ")}) hold no KubeVirt resource`);
  if (!cdi) throw new UserError(`the CDI release files (${releaseManifestUrls(o.versions, o.sources).slice(2).join(", ")}) hold no CDI resource`);
  if (o.emulation) {
    await applier.mergePatch(kubevirt, { spec: { configuration: { developerConfiguration: { useEmulation: true } } } });
    o.logger.info("KubeVirt: software emulation turned on (the nodes have no usable KVM)");
  }
  const pollMs = installPollIntervalMs(o.timeoutMs);
  for (; ; ) {
    const [kv, c] = await Promise.all([applier.read(kubevirt), applier.read(cdi)]);
    const phase = kv?.status?.phase || "pending";
    const cdiAvailable = c?.status?.conditions?.some((x) => x.type === "Available" && x.status === "True") === true;
    const state = `KubeVirt phase ${phase}, CDI ${cdiAvailable ? "available" : `phase ${c?.status?.phase || "pending"}`}`;
    if (phase === "Deployed" && cdiAvailable) {
      o.logger.info(`installed: ${state}`);
      return;
    }
    if (Date.now() > deadline) {
      throw new UserError(`KubeVirt and CDI were not ready within the install timeout (${formatGoDuration(o.timeoutMs)}): ${state}; raise install-timeout if the cluster is slow to pull images`);
    }
    o.logger.progress({ phase: "install kubevirt", message: state });
    await sleep(pollMs, o.signal);
  }
}
async function ensureNamespace(kc, name) {
  const core = kc.makeApiClient(ObjectCoreV1Api);
  try {
    await core.createNamespace({ body: { metadata: { name, labels: { "app.kubernetes.io/managed-by": "ruddervirt" } } } });
    return true;
  } catch (err) {
    if (statusOf(err) === 409) return false;
    throw new UserError(`creating namespace ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
async function deleteNamespace(kc, name) {
  try {
    await kc.makeApiClient(ObjectCoreV1Api).deleteNamespace({ name });
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
}
export {
  DEFAULT_RELEASE_SOURCES,
  PINNED,
  blockingProblems,
  capabilityWarnings,
  checkCluster,
  deleteNamespace,
  describeCapabilities,
  ensureNamespace,
  installKubevirt,
  installPollIntervalMs,
  loadKubeConfig,
  onlyStarting,
  releaseManifestUrls,
  waitUntilReady
};
