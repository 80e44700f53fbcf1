import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  stopProcessesWithMarker
} from "../shared/chunk-OHQ3NRL2.js";
import {
  getState,
  info,
  runAction
} from "../shared/chunk-G6D4PSU4.js";
import "../shared/chunk-DYVWKAGB.js";

// src/actions/build/post.ts
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
await runAction(async () => {
  const buildTemp = getState("buildTemp");
  if (!buildTemp) return;
  if (getState("keepOnFailure") === "true" && getState("status") !== "succeeded") {
    info(`keep-on-failure: leaving ${buildTemp} and anything still running from it`);
    return;
  }
  const stopped = await stopProcessesWithMarker(buildTemp);
  if (stopped.length > 0) info(`stopped ${stopped.length} leftover process(es) of the build`);
  if (existsSync(buildTemp)) await rm(buildTemp, { recursive: true, force: true });
});
