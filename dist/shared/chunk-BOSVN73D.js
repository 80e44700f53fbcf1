import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  KubeConfig,
  KubeDiscoveryClient,
  KubernetesObjectApi,
  ObjectCoreV1Api,
  ObjectCustomObjectsApi,
  ObjectVersionApi,
  PatchStrategy,
  require_dist,
  setHeaderOptions
} from "./chunk-MAABNHTC.js";
import {
  UserError,
  __toESM,
  sleep
} from "./chunk-Q75WJYVF.js";

// src/actions/toolkit/kubevirt-cluster.ts
var import_yaml = __toESM(require_dist(), 1);
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
  return { serverVersion, kubevirt, cdi: cdi === true, volumeSnapshots: volumeSnapshots === true, vmExport: vmExport === true, kubeOvnVpcs: kubeOvnVpcs === true };
}
function describeCapabilities(c) {
  return [
    `Kubernetes ${c.serverVersion}`,
    c.kubevirt.installed ? `KubeVirt: ${c.kubevirt.phase ?? "no KubeVirt resource"}${c.kubevirt.emulation ? " (software emulation)" : ""}` : "KubeVirt: not installed",
    `CDI: ${c.cdi ? "installed" : "not installed"}`,
    `VolumeSnapshots: ${c.volumeSnapshots ? "yes" : "no (snapshots fall back to PVC clones)"}`,
    `VirtualMachineExport: ${c.vmExport ? "yes" : "no"}`,
    `Kube-OVN VPCs: ${c.kubeOvnVpcs ? "yes" : "no (network.vpcs need Kube-OVN)"}`
  ];
}
function blockingProblems(c) {
  const out = [];
  if (!c.kubevirt.installed) out.push("KubeVirt is not installed (set install-kubevirt: true, or install it first)");
  else if (c.kubevirt.phase !== "Deployed") out.push(`KubeVirt is not deployed (phase ${c.kubevirt.phase ?? "unknown"})`);
  if (!c.cdi) out.push("CDI (Containerized Data Importer) is not installed");
  return out;
}
function releaseManifestUrls(versions) {
  const kv = `https://github.com/kubevirt/kubevirt/releases/download/${versions.kubevirt}`;
  const cdi = `https://github.com/kubevirt/containerized-data-importer/releases/download/${versions.cdi}`;
  return [`${kv}/kubevirt-operator.yaml`, `${kv}/kubevirt-cr.yaml`, `${cdi}/cdi-operator.yaml`, `${cdi}/cdi-cr.yaml`];
}
async function applyManifest(kc, url, logger, signal) {
  const response = await fetch(url, { signal, redirect: "follow" });
  if (!response.ok) throw new UserError(`downloading ${url} failed: HTTP ${response.status}`);
  const api = KubernetesObjectApi.makeApiClient(kc);
  for (const doc of (0, import_yaml.parseAllDocuments)(await response.text())) {
    const spec = doc.toJS();
    if (!spec?.kind) continue;
    try {
      await api.create(spec);
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
      await api.patch(spec, void 0, void 0, "ruddervirt", true, PatchStrategy.ServerSideApply);
    }
  }
  logger.info(`applied ${url}`);
}
async function installKubevirt(kc, o) {
  for (const url of releaseManifestUrls(o.versions)) await applyManifest(kc, url, o.logger, o.signal);
  const objects = kc.makeApiClient(ObjectCustomObjectsApi);
  if (o.emulation) {
    await objects.patchNamespacedCustomObject(
      { group: "kubevirt.io", version: "v1", namespace: "kubevirt", plural: "kubevirts", name: "kubevirt", body: { spec: { configuration: { developerConfiguration: { useEmulation: true } } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch)
    );
    o.logger.info("KubeVirt: software emulation turned on (the nodes have no usable KVM)");
  }
  const deadline = Date.now() + o.timeoutMs;
  for (; ; ) {
    const caps = await checkCluster(kc);
    if (caps.kubevirt.phase === "Deployed" && caps.cdi) return;
    if (Date.now() > deadline) throw new UserError(`KubeVirt did not reach phase Deployed within the install timeout (phase ${caps.kubevirt.phase ?? "none"})`);
    o.logger.progress({ phase: "install kubevirt", message: `KubeVirt phase ${caps.kubevirt.phase ?? "pending"}` });
    await sleep(1e4, o.signal);
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
  PINNED,
  loadKubeConfig,
  checkCluster,
  describeCapabilities,
  blockingProblems,
  installKubevirt,
  ensureNamespace,
  deleteNamespace
};
