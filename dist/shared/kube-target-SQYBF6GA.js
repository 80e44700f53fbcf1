import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  loadKubeTarget
} from "./chunk-ZE23KOWM.js";
import "./chunk-DLLND6BN.js";
import "./chunk-LI624AP2.js";
import "./chunk-CTLLT6VU.js";
import "./chunk-OYIX4NJ3.js";
import "./chunk-2AERMIAP.js";
import "./chunk-U4LSYZ75.js";
export {
  loadKubeTarget
};
