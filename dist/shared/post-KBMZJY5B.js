import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  run
} from "./chunk-V2HFSYQF.js";
import "./chunk-OHQ3NRL2.js";
import "./chunk-7N4MW5J4.js";
import "./chunk-ABR24CXO.js";
import "./chunk-HVVQ2SIA.js";
import "./chunk-CJERD36X.js";
import "./chunk-ULJSUOHS.js";
import "./chunk-6QKVNAOZ.js";
import "./chunk-ZTKUTTM7.js";
import "./chunk-6WMOBZZP.js";
import "./chunk-C64J5OXG.js";
import "./chunk-A5KTKTAB.js";
import "./chunk-BHXEFIUH.js";
import "./chunk-YBXMTZXO.js";
import "./chunk-OYIX4NJ3.js";
import "./chunk-2AERMIAP.js";
import "./chunk-U4LSYZ75.js";
export {
  run
};
