import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  deleteNamespace,
  loadKubeConfig
} from "../shared/chunk-65YPQLXE.js";
import {
  removalHint,
  removeJobRun,
  stageSecretsDir
} from "../shared/chunk-LERG5APY.js";
import "../shared/chunk-LAWJDJJ5.js";
import {
  getState,
  info,
  readHandoff,
  runAction,
  warning
} from "../shared/chunk-X5HIS2MH.js";
import "../shared/chunk-Q75WJYVF.js";

// src/actions/setup-cluster/post.ts
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
await runAction(async (ctx) => {
  if (getState("engine") !== "kubevirt") return;
  const kubeconfig = getState("kubeconfig") || void 0;
  const file = getState("handoff");
  const handoff = file && existsSync(file) ? await readHandoff(file).catch((err) => (warning(String(err)), void 0)) : void 0;
  const run = handoff?.kubevirtRun;
  const kept = Object.values(handoff?.vms ?? {}).some((vm) => vm.keep);
  if (run && kept) info(`keep-on-failure: build run ${run.id} is left for debugging; remove it afterwards with: ${removalHint(run)}`);
  else if (run) await removeJobRun(run, ctx.logger, ctx.env);
  const namespace = getState("namespace");
  if (namespace && getState("namespaceCreated") === "true") {
    if (getState("cleanup") === "false" || kept) {
      info(`${kept ? "keep-on-failure" : "cleanup: false"} \u2014 keeping namespace ${namespace}`);
    } else {
      await deleteNamespace(loadKubeConfig(kubeconfig), namespace);
      info(`deleted namespace ${namespace}`);
    }
  }
  if (!kept) await rm(stageSecretsDir(ctx.env), { recursive: true, force: true });
});
