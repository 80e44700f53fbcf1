import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  run
} from "./chunk-SLGSNGMD.js";
import "./chunk-OHQ3NRL2.js";
import "./chunk-7N4MW5J4.js";
import "./chunk-KFPQJ56K.js";
import "./chunk-RQA2JCLS.js";
import "./chunk-RTG4RYVJ.js";
import "./chunk-6WMOBZZP.js";
import "./chunk-C64J5OXG.js";
import "./chunk-2AERMIAP.js";
import "./chunk-S7VYGFYM.js";
import "./chunk-ZTKUTTM7.js";
import "./chunk-6QKVNAOZ.js";
import "./chunk-PXB3LWWR.js";
import "./chunk-BHXEFIUH.js";
import "./chunk-YBXMTZXO.js";
import "./chunk-OYIX4NJ3.js";
import "./chunk-U4LSYZ75.js";
export {
  run
};
