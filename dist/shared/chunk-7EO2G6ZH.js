import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  isKeeperProcess
} from "./chunk-G4VXAHVF.js";

// src/engines/helper-process.ts
async function runEngineHelperIfAsked(argv = process.argv) {
  if (!isKeeperProcess(argv)) return false;
  const { runKeeper } = await import("./keeper-FITUXWSI.js");
  runKeeper();
  return true;
}

export {
  runEngineHelperIfAsked
};
