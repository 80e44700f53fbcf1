import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  ManifestApplier,
  downloadManifest
} from "./chunk-NLZMA5UO.js";
import {
  KubeDiscoveryClient
} from "./chunk-4QA2NAVJ.js";
import {
  KubeApi,
  KubeApiError
} from "./chunk-4J23RLGN.js";
import "./chunk-5FQMJUXF.js";
import "./chunk-LI624AP2.js";
import "./chunk-H4EHQFTY.js";
import "./chunk-UWT5WVQO.js";
import {
  ToolError,
  findOnPath,
  runTool
} from "./chunk-JKYMEDOZ.js";
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

// src/actions/toolkit/kube-ovn-install.ts
var KUBE_OVN_PINNED = { kubeOvn: "v1.16.2", multus: "v4.2.4" };
var DEFAULT_KUBE_OVN_SOURCES = {
  chartRepo: "https://kubeovn.github.io/kube-ovn/",
  multus: "https://raw.githubusercontent.com/k8snetworkplumbingwg/multus-cni/{version}/deployments"
};
var MASTER_LABEL = { key: "kube-ovn/role", value: "master" };
var CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane";
var NAMESPACE = "kube-system";
var RELEASE = "kubeovn";
var MULTUS_FILE = "multus-daemonset-thick.yml";
var MULTUS_DAEMONSET = "kube-multus-ds";
var DEFAULT_SUBNET = "ovn-default";
function helmArgs(o) {
  const sources = o.sources ?? DEFAULT_KUBE_OVN_SOURCES;
  return [
    "upgrade",
    "--install",
    RELEASE,
    "kube-ovn",
    "--repo",
    sources.chartRepo,
    "--version",
    o.versions.kubeOvn,
    "--namespace",
    NAMESPACE,
    "--wait",
    "--timeout",
    `${Math.max(1, Math.ceil(o.timeoutMs / 1e3))}s`,
    ...o.kubeconfig ? ["--kubeconfig", o.kubeconfig] : []
  ];
}
function multusManifestUrl(version, sources = DEFAULT_KUBE_OVN_SOURCES) {
  return `${sources.multus.replaceAll("{version}", version).replace(/\/+$/, "")}/${MULTUS_FILE}`;
}
function pinMultusImages(objects, version) {
  const pin = (value) => {
    if (Array.isArray(value)) return value.map(pin);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === "image" && typeof v === "string" ? v.replace(/:snapshot-thick$/, `:${version}-thick`) : pin(v)]));
  };
  return objects.map((o) => pin(o));
}
async function labelMasters(api, logger, signal) {
  const nodes = (await api.json("GET", "/api/v1/nodes", { signal })).items ?? [];
  const chosen = nodes.filter((n) => n.metadata.labels?.[MASTER_LABEL.key] === MASTER_LABEL.value);
  if (chosen.length > 0) return chosen.map((n) => n.metadata.name);
  const controlPlane = nodes.filter((n) => n.metadata.labels?.[CONTROL_PLANE_LABEL] !== void 0);
  if (controlPlane.length === 0) {
    throw new UserError(
      `install-kube-ovn: no node is labelled ${MASTER_LABEL.key}=${MASTER_LABEL.value} or ${CONTROL_PLANE_LABEL}, so there is nowhere to run OVN's central database; label the node(s) for it: kubectl label node NAME ${MASTER_LABEL.key}=${MASTER_LABEL.value}`
    );
  }
  for (const node of controlPlane) {
    await api.json("PATCH", `/api/v1/nodes/${encodeURIComponent(node.metadata.name)}`, {
      body: { metadata: { labels: { [MASTER_LABEL.key]: MASTER_LABEL.value } } },
      contentType: "application/merge-patch+json",
      signal
    });
    logger.info(`node ${node.metadata.name}: labelled ${MASTER_LABEL.key}=${MASTER_LABEL.value} (OVN's central database runs there)`);
  }
  return controlPlane.map((n) => n.metadata.name);
}
async function readOrUndefined(api, path, signal) {
  try {
    return await api.json("GET", path, { signal });
  } catch (err) {
    if (err instanceof KubeApiError && err.notFound) return void 0;
    throw err;
  }
}
var conditionTrue = (conditions, type) => conditions?.some((c) => c.type === type && c.status === "True") === true;
async function kubeOvnNotReady(kc, signal) {
  const api = new KubeApi(kc);
  const served = new Set((await new KubeDiscoveryClient(kc).servedGroups()).map((g) => g.name));
  const waiting = [];
  if (!served.has("kubeovn.io")) waiting.push("kubeovn.io is not served yet");
  else {
    const subnet = await readOrUndefined(api, `/apis/kubeovn.io/v1/subnets/${DEFAULT_SUBNET}`, signal);
    if (!subnet) waiting.push(`Subnet ${DEFAULT_SUBNET} does not exist yet`);
    else if (!conditionTrue(subnet.status?.conditions, "Ready")) waiting.push(`Subnet ${DEFAULT_SUBNET} is not Ready`);
  }
  if (!served.has("k8s.cni.cncf.io")) waiting.push("k8s.cni.cncf.io (Multus) is not served yet");
  const ds = await readOrUndefined(api, `/apis/apps/v1/namespaces/${NAMESPACE}/daemonsets/${MULTUS_DAEMONSET}`, signal);
  if (!ds) waiting.push(`DaemonSet ${NAMESPACE}/${MULTUS_DAEMONSET} does not exist`);
  else {
    const s = ds.status ?? {};
    const desired = s.desiredNumberScheduled ?? 0;
    if ((s.observedGeneration ?? 0) < (ds.metadata?.generation ?? 0) || desired === 0 || (s.updatedNumberScheduled ?? 0) < desired || (s.numberAvailable ?? 0) < desired) {
      waiting.push(`DaemonSet ${NAMESPACE}/${MULTUS_DAEMONSET}: ${s.numberAvailable ?? 0} of ${desired} pods available`);
    }
  }
  const nodes = (await api.json("GET", "/api/v1/nodes", { signal })).items ?? [];
  const notReady = nodes.filter((n) => !conditionTrue(n.status?.conditions, "Ready")).map((n) => n.metadata.name);
  if (notReady.length > 0) waiting.push(`node(s) not Ready: ${notReady.join(", ")}`);
  return waiting;
}
async function installKubeOvn(kc, o) {
  const deadline = Date.now() + o.timeoutMs;
  const api = new KubeApi(kc);
  const served = new Set((await new KubeDiscoveryClient(kc).servedGroups()).map((g) => g.name));
  if (served.has("kubeovn.io")) o.logger.info("Kube-OVN: installed already (kubeovn.io is served); not installing it");
  else {
    if (!findOnPath("helm", o.env ?? process.env)) {
      throw new UserError("install-kube-ovn needs helm on PATH to install the Kube-OVN chart (GitHub-hosted runners have it; elsewhere see https://helm.sh/docs/intro/install/)");
    }
    const masters = await labelMasters(api, o.logger, o.signal);
    const args = helmArgs(o);
    o.logger.info(`Kube-OVN ${o.versions.kubeOvn}: helm ${args.join(" ")} (OVN central on ${masters.join(", ")})`);
    try {
      await runTool("helm", args, {
        signal: o.signal,
        onStdout: (chunk) => chunk.split("\n").filter(Boolean).forEach((line) => o.logger.info(`helm: ${line}`))
      });
    } catch (err) {
      if (err instanceof ToolError) throw new UserError(`installing Kube-OVN ${o.versions.kubeOvn} with helm failed (exit ${err.exitCode ?? "by signal"}): ${err.stderr.trim().split("\n").slice(-5).join(" / ")}`);
      throw err;
    }
  }
  if (served.has("k8s.cni.cncf.io")) o.logger.info("Multus: installed already (k8s.cni.cncf.io is served); not installing it");
  else {
    const url = multusManifestUrl(o.versions.multus, o.sources);
    const objects = pinMultusImages(await downloadManifest(url, o.signal), o.versions.multus);
    await new ManifestApplier(kc, o.signal).apply(url, objects, deadline);
    o.logger.info(`applied ${url} (${objects.length} objects, images pinned to ${o.versions.multus}-thick)`);
  }
  const pollMs = Math.min(1e4, Math.max(250, Math.round(o.timeoutMs / 30)));
  for (; ; ) {
    const waiting = await kubeOvnNotReady(kc, o.signal);
    if (waiting.length === 0) {
      o.logger.info(`Kube-OVN and Multus ready (Subnet ${DEFAULT_SUBNET} Ready, ${MULTUS_DAEMONSET} rolled out, nodes Ready)`);
      return;
    }
    if (Date.now() > deadline) {
      throw new UserError(`Kube-OVN and Multus were not ready within the install timeout (${formatGoDuration(o.timeoutMs)}): ${waiting.join("; ")}; raise install-timeout if the cluster is slow to pull images`);
    }
    o.logger.progress({ phase: "install kube-ovn", message: `waiting: ${waiting.join("; ")}` });
    await sleep(pollMs, o.signal);
  }
}
export {
  DEFAULT_KUBE_OVN_SOURCES,
  KUBE_OVN_PINNED,
  MASTER_LABEL,
  helmArgs,
  installKubeOvn,
  kubeOvnNotReady,
  multusManifestUrl,
  pinMultusImages
};
