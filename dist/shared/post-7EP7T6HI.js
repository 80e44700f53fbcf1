import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  run
} from "./chunk-O2Q4LVHY.js";
import "./chunk-OHQ3NRL2.js";
import "./chunk-7N4MW5J4.js";
import "./chunk-CNXIYP7B.js";
import "./chunk-QMTQOFVL.js";
import "./chunk-U4TFD2UW.js";
import "./chunk-RTG4RYVJ.js";
import "./chunk-UF5DILBV.js";
import "./chunk-M2E66S6E.js";
import "./chunk-MF7EYUNN.js";
import "./chunk-H4EHQFTY.js";
import "./chunk-KOBFVAF3.js";
import "./chunk-NHD4EFUK.js";
import "./chunk-UWT5WVQO.js";
import "./chunk-BHXEFIUH.js";
import "./chunk-PXB3LWWR.js";
import "./chunk-YBXMTZXO.js";
import "./chunk-OYIX4NJ3.js";
import "./chunk-U4LSYZ75.js";
export {
  run
};
