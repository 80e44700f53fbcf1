import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  InputError,
  getInput,
  optionalInput,
  updateHandoff
} from "./chunk-KADFXZ3I.js";
import {
  DEFAULT_TIMEOUTS,
  KubeApi,
  LABEL_COMPONENT,
  ObjectClient,
  createEngine,
  dataVolumeRef,
  describeRef,
  loadKubeTarget,
  newRunId,
  refOf,
  require_dist,
  runSelector,
  vmiRef,
  waitUntilGone
} from "./chunk-JBN22HRT.js";
import {
  UserError
} from "./chunk-WJAK4XVW.js";
import {
  __toESM
} from "./chunk-U4LSYZ75.js";

// src/actions/toolkit/kubeconfig-input.ts
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
var import_yaml = __toESM(require_dist(), 1);
var CREDENTIAL_KEYS = /* @__PURE__ */ new Set(["token", "password", "client-key-data", "client-certificate-data", "id-token", "refresh-token", "access-token", "client-secret"]);
function credentialValues(value, out = []) {
  if (Array.isArray(value)) for (const v of value) credentialValues(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (CREDENTIAL_KEYS.has(k) && typeof v === "string" && v !== "") out.push(v);
      else credentialValues(v, out);
    }
  }
  return out;
}
function looksInline(text) {
  return text.includes("\n") || /^\s*(apiVersion|kind|clusters|users|contexts|current-context)\s*:/.test(text) || text.trimStart().startsWith("{");
}
async function kubeconfigInput(ctx, dir, name = "kubeconfig") {
  const raw = getInput(name, { trimWhitespace: false });
  if (raw.trim() === "") return void 0;
  if (!looksInline(raw)) {
    const file2 = path.resolve(ctx.workspace, raw.trim());
    if (!existsSync(file2)) throw new InputError(name, `${file2} does not exist (give the path of a kubeconfig file, or its content)`);
    return { path: file2, written: false };
  }
  ctx.logger.addSecret(raw.trim());
  let doc;
  try {
    doc = (0, import_yaml.parse)(raw);
  } catch (err) {
    throw new InputError(name, `is neither a file path nor a kubeconfig: its YAML does not parse (${err instanceof Error ? err.message.split("\n")[0] : "invalid"})`);
  }
  for (const secret of credentialValues(doc)) ctx.logger.addSecret(secret);
  if (!doc || typeof doc !== "object" || !Array.isArray(doc.clusters)) {
    throw new InputError(name, "is neither a file path nor a kubeconfig (expected YAML with clusters, users, contexts and current-context)");
  }
  await mkdir(dir, { recursive: true, mode: 448 });
  const file = path.join(dir, `kubeconfig-${createHash("sha256").update(raw).digest("hex").slice(0, 16)}`);
  await writeFile(file, raw, { mode: 384 });
  await chmod(file, 384);
  return { path: file, written: true };
}

// src/actions/toolkit/kubevirt-run.ts
import os from "node:os";
import path2 from "node:path";

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

// src/actions/toolkit/kubevirt-run.ts
function stageSecretsDir(env) {
  return path2.join(env.RUNNER_TEMP || os.tmpdir(), "ruddervirt", "secrets");
}
async function jobRun(ctx, handoff) {
  const given = await kubeconfigInput(ctx, stageSecretsDir(ctx.env));
  const namespaceInput = optionalInput("namespace");
  const existing = handoff?.kubevirtRun;
  if (existing) {
    if (namespaceInput && namespaceInput !== existing.namespace) {
      throw new UserError(`input 'namespace': ${namespaceInput}, but this job's build run ${existing.id} is in namespace ${existing.namespace}; leave it empty (or use another handoff file, RUDDERVIRT_HANDOFF)`);
    }
    const kubeconfig2 = given?.path ?? existing.kubeconfig;
    return { ...existing, ...kubeconfig2 ? { kubeconfig: kubeconfig2 } : {}, ...given?.written ? { writtenKubeconfig: given.path } : {} };
  }
  const kubeconfig = given?.path ?? handoff?.kubeconfig;
  const namespace = namespaceInput ?? handoff?.namespace ?? loadKubeTarget({ env: ctx.env, ...kubeconfig ? { kubeconfig } : {} }).namespace;
  const run = { id: newRunId(), namespace, ...kubeconfig ? { kubeconfig } : {} };
  await updateHandoff("kubevirt", (h) => {
    h.engine = "kubevirt";
    h.kubevirtRun = run;
  });
  ctx.logger.info(`kubevirt: this job's build run is ${run.id} in namespace ${namespace} (its objects carry ruddervirt.io/run=${run.id})`);
  return { ...run, ...given?.written ? { writtenKubeconfig: given.path } : {} };
}
function requireJobRun(handoff, stage) {
  if (!handoff.kubevirtRun) throw new UserError(`${stage}: no kubevirt build run in this job; run import-source or build-vm with engine kubevirt first`);
  return handoff.kubevirtRun;
}
function jobEngine(ctx, run) {
  return createEngine("kubevirt", { env: ctx.env, logger: ctx.logger, runId: run.id, namespace: run.namespace, ...run.kubeconfig ? { kubeconfig: run.kubeconfig } : {} });
}
function removalHint(run) {
  return `kubectl delete vm,dv,cm -n ${run.namespace} -l ruddervirt.io/run=${run.id}`;
}
async function removeJobRun(run, logger, env) {
  try {
    const { left } = await removeKubevirtRun({ runId: run.id, namespace: run.namespace, env, logger, ...run.kubeconfig ? { kubeconfig: run.kubeconfig } : {} });
    if (left.length > 0) logger.warn(`kubevirt: run ${run.id} was not removed completely; ${removalHint(run)}`);
  } catch (err) {
    logger.warn(`kubevirt: could not remove run ${run.id}: ${err instanceof Error ? err.message : String(err)}; ${removalHint(run)}`);
  }
}

export {
  kubeconfigInput,
  stageSecretsDir,
  jobRun,
  requireJobRun,
  jobEngine,
  removalHint,
  removeJobRun
};
