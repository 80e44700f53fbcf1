import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  InputError,
  optionalInput,
  updateHandoff
} from "./chunk-QMTQOFVL.js";
import {
  getInput
} from "./chunk-U4TFD2UW.js";
import {
  parseKubevirtEngineOptions,
  parseKubevirtOptions
} from "./chunk-UF5DILBV.js";
import {
  require_dist
} from "./chunk-H4EHQFTY.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
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

// src/actions/toolkit/kubevirt-settings-input.ts
var INPUTS = {
  storageClassName: "storage-class",
  volumeMode: "volume-mode",
  accessMode: "access-mode",
  nodeSelector: "node-selector",
  tolerations: "tolerations",
  affinity: "affinity",
  resources: "resources",
  instancetype: "instancetype",
  preference: "preference",
  httpServerImage: "http-server-image",
  sshJumpImage: "ssh-jump-image"
};
function lines(name) {
  const items = getInput(name).split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
  return items.length > 0 ? items : void 0;
}
function kubevirtSettingsInput() {
  const given = {};
  for (const key of ["storageClassName", "volumeMode", "accessMode", "affinity", "resources", "instancetype", "preference", "httpServerImage", "sshJumpImage"]) {
    const v = optionalInput(INPUTS[key]);
    if (v !== void 0) given[key] = v;
  }
  const nodeSelector = lines(INPUTS.nodeSelector);
  if (nodeSelector) given.nodeSelector = nodeSelector;
  const tolerations = lines(INPUTS.tolerations);
  if (tolerations) given.tolerations = tolerations;
  const names = Object.fromEntries(Object.entries(INPUTS).map(([k, v]) => [k, `input '${v}'`]));
  return parseKubevirtOptions(given, names);
}
var KUBEVIRT_ENGINE_INPUTS = {
  egressExternalSubnet: "egress-external-subnet",
  isoVolumeBytes: "iso-size"
};
function kubevirtEngineInput() {
  const { egressExternalSubnet: subnet, isoVolumeBytes: iso } = KUBEVIRT_ENGINE_INPUTS;
  return parseKubevirtEngineOptions({ egressExternalSubnet: optionalInput(subnet), isoSize: optionalInput(iso) }, { egressExternalSubnet: `input '${subnet}'`, isoSize: `input '${iso}'` });
}
function engineInputNames(given) {
  return Object.keys(given).map((k) => KUBEVIRT_ENGINE_INPUTS[k]);
}

// src/actions/toolkit/kubevirt-run.ts
function stageSecretsDir(env) {
  return path2.join(env.RUNNER_TEMP || os.tmpdir(), "ruddervirt", "secrets");
}
function refuseChanged(what, given, recorded, runId) {
  if (Object.keys(given).length === 0 || JSON.stringify(given) === JSON.stringify(recorded ?? {})) return;
  throw new UserError(`${what} differ from those this job's build run ${runId} was started with; give them to the step that starts the run (import-source, else build-vm) and leave them empty here`);
}
async function jobRun(ctx, handoff) {
  const given = await kubeconfigInput(ctx, stageSecretsDir(ctx.env));
  const namespaceInput = optionalInput("namespace");
  const settings = kubevirtSettingsInput();
  const engineInputs = kubevirtEngineInput();
  const existing = handoff?.kubevirtRun;
  if (existing) {
    if (namespaceInput && namespaceInput !== existing.namespace) {
      throw new UserError(`input 'namespace': ${namespaceInput}, but this job's build run ${existing.id} is in namespace ${existing.namespace}; leave it empty (or use another handoff file, RUDDERVIRT_HANDOFF)`);
    }
    refuseChanged(`the cluster-setting inputs (${Object.keys(settings).join(", ")})`, settings, existing.settings, existing.id);
    refuseChanged(`the inputs ${engineInputNames(engineInputs).join(", ")}`, engineInputs, existing.engineInputs, existing.id);
    const kubeconfig2 = given?.path ?? existing.kubeconfig;
    return { ...existing, ...kubeconfig2 ? { kubeconfig: kubeconfig2 } : {}, ...given?.written ? { writtenKubeconfig: given.path } : {} };
  }
  const kubeconfig = given?.path ?? handoff?.kubeconfig;
  const namespace = namespaceInput ?? handoff?.namespace ?? (await import("./kube-target-WZPWKETT.js")).loadKubeTarget({ env: ctx.env, ...kubeconfig ? { kubeconfig } : {} }).namespace;
  const { newRunId } = await import("./manifests-W33W63ZQ.js");
  const run = {
    id: newRunId(),
    namespace,
    ...kubeconfig ? { kubeconfig } : {},
    ...Object.keys(settings).length > 0 ? { settings } : {},
    ...Object.keys(engineInputs).length > 0 ? { engineInputs } : {}
  };
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
async function jobEngine(ctx, run) {
  const { createEngine } = await import("./engines-XSYK5STC.js");
  return createEngine("kubevirt", {
    env: ctx.env,
    logger: ctx.logger,
    runId: run.id,
    namespace: run.namespace,
    ...run.kubeconfig ? { kubeconfig: run.kubeconfig } : {},
    ...run.settings ? { kubevirt: run.settings } : {},
    ...run.engineInputs
  });
}
function removalHint(run) {
  return `kubectl delete vm,dv,cm -n ${run.namespace} -l ruddervirt.io/run=${run.id}`;
}
async function removeJobRun(run, logger, env) {
  try {
    const { removeKubevirtRun } = await import("./remove-run-5TQZOTAM.js");
    const { left } = await removeKubevirtRun({ runId: run.id, namespace: run.namespace, env, logger, ...run.kubeconfig ? { kubeconfig: run.kubeconfig } : {} });
    if (left.length > 0) logger.warn(`kubevirt: run ${run.id} was not removed completely; ${removalHint(run)}`);
  } catch (err) {
    logger.warn(`kubevirt: could not remove run ${run.id}: ${err instanceof Error ? err.message : String(err)}; ${removalHint(run)}`);
  }
}

export {
  kubevirtSettingsInput,
  kubevirtEngineInput,
  engineInputNames,
  kubeconfigInput,
  stageSecretsDir,
  jobRun,
  requireJobRun,
  jobEngine,
  removalHint,
  removeJobRun
};
