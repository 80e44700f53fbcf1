import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  createLocalEngine
} from "./chunk-R4AC3DXL.js";
import {
  KubevirtEngine
} from "./chunk-V4RHYLAH.js";
import {
  containerDiskSettingsFromEnv,
  createContainerDiskSource
} from "./chunk-Q2MXJOS2.js";

// src/engines/index.ts
var ENGINE_NAMES = ["local", "kubevirt"];
function createEngine(name, settings) {
  switch (name) {
    case "local":
      return createLocalEngine(settings);
    case "kubevirt":
      return new KubevirtEngine({ containerDisks: createContainerDiskSource(containerDiskSettingsFromEnv(settings.env)), ...settings });
    default:
      throw new Error(`unknown engine '${String(name)}'`);
  }
}

export {
  ENGINE_NAMES,
  createEngine
};
