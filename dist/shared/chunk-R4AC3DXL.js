import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  AttachedMachine,
  LocalEngine,
  checkDetachedRecord
} from "./chunk-JIQ45CAP.js";
import {
  containerDiskSettingsFromEnv,
  createContainerDiskSource
} from "./chunk-Q2MXJOS2.js";

// src/engines/local-engine.ts
function createLocalEngine(options) {
  return new LocalEngine({ containerDisks: createContainerDiskSource(containerDiskSettingsFromEnv(options.env)), ...options });
}
async function stopDetachedVm(record, stopping) {
  if (record.engine !== "local") return false;
  const machine = new AttachedMachine(checkDetachedRecord(record.state));
  if (!machine.running && !machine.keeperRunning) return false;
  stopping?.();
  await machine.stop();
  return true;
}

export {
  createLocalEngine,
  stopDetachedVm
};
