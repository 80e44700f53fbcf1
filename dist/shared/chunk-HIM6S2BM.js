import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  exitUnlessSupportedNode
} from "./chunk-3O62BQZ7.js";

// src/actions/toolkit/entry.ts
var NODE_FIX = "RudderVirt actions declare runs.using: node24 \u2014 use a runner that provides it (GitHub-hosted runners do; self-hosted runners need version 2.327.1 or later), or run a bundle by hand with `npx -y node@24 <bundle>`";
async function runActionEntry(load) {
  exitUnlessSupportedNode("RudderVirt", NODE_FIX, (line) => process.stdout.write(`::error::${line}`));
  const { runEngineHelperIfAsked } = await import("./helper-process-4XYEZQB2.js");
  if (await runEngineHelperIfAsked()) return;
  const step = await load();
  await step.run();
  process.exit();
}

export {
  runActionEntry
};
