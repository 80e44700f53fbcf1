import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  deleteNamespace,
  loadKubeConfig
} from "../shared/chunk-SXPAOETO.js";
import "../shared/chunk-HYRTGIQ7.js";
import "../shared/chunk-OETMHBEK.js";
import "../shared/chunk-C633G5FH.js";
import {
  getState,
  info,
  runAction
} from "../shared/chunk-KJDCWLVU.js";
import "../shared/chunk-NRT5H4XG.js";

// src/actions/setup-cluster/post.ts
await runAction(async () => {
  if (getState("engine") !== "kubevirt") return;
  const namespace = getState("namespace");
  if (!namespace || getState("namespaceCreated") !== "true") return;
  if (getState("cleanup") === "false") {
    info(`cleanup: false \u2014 keeping namespace ${namespace}`);
    return;
  }
  const kc = loadKubeConfig(getState("kubeconfig") || void 0);
  await deleteNamespace(kc, namespace);
  info(`deleted namespace ${namespace}`);
});
