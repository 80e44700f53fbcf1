import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  dataVolumeRef,
  vmiRef
} from "./chunk-N2UXHEZV.js";
import {
  DEFAULT_TIMEOUTS,
  ObjectClient,
  describeRef,
  refOf,
  waitUntilGone
} from "./chunk-ZDQUUEWG.js";
import {
  KubeApi
} from "./chunk-4J23RLGN.js";
import {
  loadKubeTarget
} from "./chunk-WBGPXQT6.js";
import "./chunk-5FQMJUXF.js";
import "./chunk-LI624AP2.js";
import {
  LABEL_COMPONENT,
  runSelector
} from "./chunk-FARCU6DL.js";
import "./chunk-CTLLT6VU.js";
import "./chunk-BHXEFIUH.js";
import "./chunk-YBXMTZXO.js";
import "./chunk-OYIX4NJ3.js";
import "./chunk-YB6FBBBD.js";
import "./chunk-YQXKSN3H.js";
import "./chunk-U4LSYZ75.js";

// src/engines/kubevirt/cluster/run-sweep.ts
var CLUSTER_KINDS = { Vpc: "kubeovn.io/v1", Subnet: "kubeovn.io/v1" };
async function sweepRun(req) {
  const { objects, namespace, runId, logger } = req;
  const deadline = Date.now() + req.timeoutMs;
  const signal = AbortSignal.timeout(req.timeoutMs);
  const labelSelector = runSelector(runId);
  const list = async (apiVersion, kind, selector = labelSelector) => (await objects.list(apiVersion, kind, namespace, { labelSelector: selector }, signal)).items;
  const vms = (await list("kubevirt.io/v1", "VirtualMachine")).map(refOf);
  const disks = (await list("cdi.kubevirt.io/v1beta1", "DataVolume")).map((o) => dataVolumeRef(namespace, o.metadata.name));
  const roots = await list("v1", "ConfigMap", `${labelSelector},${LABEL_COMPONENT}=run`);
  const problems = [];
  const clusterObjects = [];
  for (const root of roots) {
    for (const entry of (root.data?.clusterObjects ?? "").split("\n").filter(Boolean)) {
      const [kind, name] = entry.split("/");
      const apiVersion = kind ? CLUSTER_KINDS[kind] : void 0;
      if (apiVersion && name) clusterObjects.push({ apiVersion, kind, name });
      else problems.push(`the root of run ${runId} lists '${entry}', which is not a kind this engine creates`);
    }
  }
  const order = [...vms, ...disks, ...roots.map(refOf), ...clusterObjects];
  let deleted = 0;
  for (const ref of order) {
    try {
      if (await objects.delete(ref, signal)) deleted++;
    } catch (err) {
      problems.push(`${describeRef(ref)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const pods = (await list("v1", "Pod")).map(refOf);
  const watched = [...order, ...vms.map((r) => vmiRef(namespace, r.name)), ...disks.map((r) => ({ apiVersion: "v1", kind: "PersistentVolumeClaim", namespace, name: r.name })), ...pods];
  const left = [...problems, ...await waitUntilGone(objects, watched, deadline, req.timeoutMs)];
  if (left.length > 0) {
    logger.warn(`kubevirt: removing run ${runId} left:
${left.map((l) => `  - ${l}`).join("\n")}
remove them with: kubectl delete all,cm,dv,vmexport -n ${namespace} -l ${labelSelector}`);
  } else if (deleted > 0) {
    logger.info(`kubevirt: removed run ${runId} from namespace ${namespace} (${deleted} objects and what they owned)`);
  }
  return { deleted, left };
}

// src/engines/kubevirt/remove-run.ts
async function removeKubevirtRun(req) {
  const target = loadKubeTarget({ env: req.env, namespace: req.namespace, ...req.kubeconfig ? { kubeconfig: req.kubeconfig } : {} });
  const objects = new ObjectClient(new KubeApi(target.kc), req.logger);
  return sweepRun({ objects, namespace: target.namespace, runId: req.runId, logger: req.logger, timeoutMs: req.timeoutMs ?? DEFAULT_TIMEOUTS.cleanup });
}
export {
  removeKubevirtRun
};
