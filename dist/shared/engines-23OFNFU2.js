import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  ENGINE_NAMES,
  createEngine,
  runEngineHelperIfAsked,
  stopDetachedVm
} from "./chunk-JBN22HRT.js";
import "./chunk-WJAK4XVW.js";
import "./chunk-U4LSYZ75.js";
export {
  ENGINE_NAMES,
  createEngine,
  runEngineHelperIfAsked,
  stopDetachedVm
};
