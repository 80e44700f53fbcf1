import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  stopProcessesWithMarker
} from "./chunk-OHQ3NRL2.js";
import {
  STATE
} from "./chunk-7N4MW5J4.js";
import {
  removalHint,
  removeJobRun
} from "./chunk-CNXIYP7B.js";
import {
  runAction
} from "./chunk-QMTQOFVL.js";
import {
  getState,
  info
} from "./chunk-U4TFD2UW.js";

// src/actions/build/post.ts
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
var run = () => runAction(async (ctx) => {
  const buildTemp = getState(STATE.buildTemp);
  if (!buildTemp) return;
  const run2 = getState(STATE.runId) ? { id: getState(STATE.runId), namespace: getState(STATE.namespace), kubeconfig: getState(STATE.kubeconfig) || void 0 } : void 0;
  if (getState(STATE.keepOnFailure) === "true" && getState(STATE.status) !== "succeeded") {
    info(`keep-on-failure: leaving ${buildTemp} and anything still running from it${run2 ? `; remove build run ${run2.id} afterwards with: ${removalHint(run2)}` : ""}`);
    return;
  }
  if (run2) await removeJobRun(run2, ctx.logger, ctx.env);
  const stopped = await stopProcessesWithMarker(buildTemp);
  if (stopped.length > 0) info(`stopped ${stopped.length} leftover process(es) of the build`);
  if (existsSync(buildTemp)) await rm(buildTemp, { recursive: true, force: true });
});

export {
  run
};
