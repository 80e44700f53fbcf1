import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  deleteNamespace,
  loadKubeConfig
} from "../shared/chunk-32SF2GR7.js";
import "../shared/chunk-V7EXY3WP.js";
import "../shared/chunk-BZYUJOKX.js";
import "../shared/chunk-XO4KZTKR.js";
import {
  getState,
  info,
  runAction
} from "../shared/chunk-G6D4PSU4.js";
import "../shared/chunk-DYVWKAGB.js";

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
