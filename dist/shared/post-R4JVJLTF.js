import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  STATE
} from "./chunk-7N4MW5J4.js";
import {
  removalHint,
  removeJobRun,
  stageSecretsDir
} from "./chunk-CNXIYP7B.js";
import {
  readHandoff,
  runAction
} from "./chunk-QMTQOFVL.js";
import {
  getState,
  info,
  warning
} from "./chunk-U4TFD2UW.js";
import "./chunk-RTG4RYVJ.js";
import "./chunk-UF5DILBV.js";
import "./chunk-M2E66S6E.js";
import "./chunk-MF7EYUNN.js";
import "./chunk-H4EHQFTY.js";
import "./chunk-KOBFVAF3.js";
import "./chunk-NHD4EFUK.js";
import "./chunk-UWT5WVQO.js";
import "./chunk-BHXEFIUH.js";
import "./chunk-PXB3LWWR.js";
import "./chunk-YBXMTZXO.js";
import "./chunk-OYIX4NJ3.js";
import "./chunk-U4LSYZ75.js";

// src/actions/setup-cluster/post.ts
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
var run = () => runAction(async (ctx) => {
  if (getState(STATE.engine) !== "kubevirt") return;
  const kubeconfig = getState(STATE.kubeconfig) || void 0;
  const file = getState(STATE.handoff);
  const handoff = file && existsSync(file) ? await readHandoff(file).catch((err) => (warning(String(err)), void 0)) : void 0;
  const run2 = handoff?.kubevirtRun;
  const kept = Object.values(handoff?.vms ?? {}).some((vm) => vm.keep);
  if (run2 && kept) info(`keep-on-failure: build run ${run2.id} is left for debugging; remove it afterwards with: ${removalHint(run2)}`);
  else if (run2) await removeJobRun(run2, ctx.logger, ctx.env);
  const namespace = getState(STATE.namespace);
  if (namespace && getState(STATE.namespaceCreated) === "true") {
    if (getState(STATE.cleanup) === "false" || kept) {
      info(`${kept ? "keep-on-failure" : "cleanup: false"} \u2014 keeping namespace ${namespace}`);
    } else {
      const { deleteNamespace, loadKubeConfig } = await import("./kubevirt-cluster-RSUZSGXB.js");
      await deleteNamespace(loadKubeConfig(kubeconfig), namespace);
      info(`deleted namespace ${namespace}`);
    }
  }
  if (!kept) await rm(stageSecretsDir(ctx.env), { recursive: true, force: true });
});
export {
  run
};
