import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  stopProcessesWithMarker
} from "../shared/chunk-OHQ3NRL2.js";
import {
  AttachedMachine
} from "../shared/chunk-FCAOG2YT.js";
import "../shared/chunk-MT7HJN33.js";
import "../shared/chunk-PEAZQISJ.js";
import "../shared/chunk-4A36UFLR.js";
import {
  readHandoff,
  updateHandoff
} from "../shared/chunk-K3ZRR4I2.js";
import "../shared/chunk-BD4KSRWD.js";
import {
  getState,
  info,
  runAction,
  warning
} from "../shared/chunk-G6D4PSU4.js";
import "../shared/chunk-DYVWKAGB.js";

// src/actions/build-vm/post.ts
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
await runAction(async () => {
  const key = getState("vm");
  const workDir = getState("workDir");
  const file = getState("handoff");
  if (!key || !workDir) return;
  const handoff = file && existsSync(file) ? await readHandoff(file).catch((err) => (warning(String(err)), void 0)) : void 0;
  const vm = handoff?.vms[key];
  if (vm?.keep) {
    info(`keep-on-failure: vm ${key} and ${workDir} are left for debugging`);
    return;
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
