import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  stopProcessesWithMarker
} from "../shared/chunk-OHQ3NRL2.js";
import {
  AttachedMachine
} from "../shared/chunk-QSAH345Q.js";
import "../shared/chunk-GIYZDKOS.js";
import {
  removalHint,
  removeJobRun
} from "../shared/chunk-LERG5APY.js";
import "../shared/chunk-LAWJDJJ5.js";
import {
  getState,
  info,
  readHandoff,
  runAction,
  updateHandoff,
  warning
} from "../shared/chunk-X5HIS2MH.js";
import "../shared/chunk-Q75WJYVF.js";

// src/actions/build-vm/post.ts
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
await runAction(async (ctx) => {
  const key = getState("vm");
  const workDir = getState("workDir");
  const file = getState("handoff");
  if (!key || !workDir) return;
  const handoff = file && existsSync(file) ? await readHandoff(file).catch((err) => (warning(String(err)), void 0)) : void 0;
  const vm = handoff?.vms[key];
  const run = getState("runId") ? { id: getState("runId"), namespace: getState("namespace"), kubeconfig: getState("kubeconfig") || void 0 } : void 0;
  if (vm?.keep) {
    info(`keep-on-failure: vm ${key} and ${workDir} are left for debugging${run ? `; remove them afterwards with: ${removalHint(run)}` : ""}`);
    return;
  }
  if (run) {
    await removeJobRun(run, ctx.logger, ctx.env);
    const written = getState("writtenKubeconfig");
    if (written && handoff?.kubeconfig !== written) await rm(written, { force: true });
  }
  const handle = vm?.detached ? new AttachedMachine(vm.detached) : void 0;
  if (handle && (handle.running || handle.keeperRunning)) {
    info(`vm ${key} is still running (the job failed or was cancelled before snapshot): stopping it`);
    await handle.stop();
  }
  const stray = await stopProcessesWithMarker(getState("keeperMarker") || workDir);
  if (stray.length > 0) info(`stopped ${stray.length} leftover process(es) of vm ${key}`);
  if (existsSync(workDir)) {
    await rm(workDir, { recursive: true, force: true });
    info(`removed ${workDir}`);
  }
  if (vm && file && vm.state !== "snapshotted" && vm.state !== "failed") {
    await updateHandoff("local", (h) => {
      const entry = h.vms[key];
      if (entry) entry.state = "stopped";
    }, file);
  }
});
