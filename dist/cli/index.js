#!/usr/bin/env node
import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  exitUnlessSupportedNode
} from "../shared/chunk-3O62BQZ7.js";
import "../shared/chunk-U4LSYZ75.js";

// src/cli/entry.ts
exitUnlessSupportedNode("ruddervirt", `run it with Node 24, for example: npx -y node@24 ${commandLine(process.argv.slice(1))}`);
var { runEngineHelperIfAsked } = await import("../shared/helper-process-4XYEZQB2.js");
if (!await runEngineHelperIfAsked()) await (await import("../shared/main-DMLRL7QP.js")).main();
function commandLine(args) {
  return args.map((a) => /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
}
