import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  stopProcessesWithMarker
} from "../shared/chunk-OHQ3NRL2.js";
import {
  removalHint,
  removeJobRun
} from "../shared/chunk-LERG5APY.js";
import "../shared/chunk-LAWJDJJ5.js";
import {
  getState,
  info,
  runAction
} from "../shared/chunk-X5HIS2MH.js";
import "../shared/chunk-Q75WJYVF.js";

// src/actions/build/post.ts
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
await runAction(async (ctx) => {
  const buildTemp = getState("buildTemp");
  if (!buildTemp) return;
  const run = getState("runId") ? { id: getState("runId"), namespace: getState("namespace"), kubeconfig: getState("kubeconfig") || void 0 } : void 0;
  if (getState("keepOnFailure") === "true" && getState("status") !== "succeeded") {
    info(`keep-on-failure: leaving ${buildTemp} and anything still running from it${run ? `; remove build run ${run.id} afterwards with: ${removalHint(run)}` : ""}`);
    return;
  }
  if (run) await removeJobRun(run, ctx.logger, ctx.env);
  const stopped = await stopProcessesWithMarker(buildTemp);
  if (stopped.length > 0) info(`stopped ${stopped.length} leftover process(es) of the build`);
  if (existsSync(buildTemp)) await rm(buildTemp, { recursive: true, force: true });
});
