import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  optionalInput
} from "./chunk-QMTQOFVL.js";
import {
  lockOutputFolder,
  prepareOutputFolder
} from "./chunk-23LGHYNR.js";

// src/actions/toolkit/output-lock.ts
import path from "node:path";
async function lockedOutputDirectory(ctx, buildName) {
  const given = optionalInput("output-directory");
  const dir = path.resolve(ctx.workspace, given ?? path.join("output", buildName));
  const label = `input 'output-directory' (${dir})`;
  await prepareOutputFolder(dir, label);
  const lock = await lockOutputFolder(dir, label, "choose another 'output-directory'");
  ctx.atEnd(() => lock.release());
  return dir;
}

export {
  lockedOutputDirectory
};
