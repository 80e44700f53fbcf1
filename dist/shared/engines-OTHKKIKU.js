import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  ENGINE_NAMES,
  createEngine
} from "./chunk-OEGT5BAF.js";
import "./chunk-EPE2BGSS.js";
import {
  stopDetachedVm
} from "./chunk-7XLZTXG7.js";
import "./chunk-POC44OKO.js";
import "./chunk-ULJSUOHS.js";
import "./chunk-6QKVNAOZ.js";
import "./chunk-ZTKUTTM7.js";
import "./chunk-DCV7TLNU.js";
import "./chunk-FIEW7QRJ.js";
import "./chunk-ZE23KOWM.js";
import "./chunk-DLLND6BN.js";
import "./chunk-FARCU6DL.js";
import "./chunk-LI624AP2.js";
import "./chunk-JQXDS7DK.js";
import "./chunk-W5J2AJBK.js";
import "./chunk-KSYV2UNC.js";
import "./chunk-OVIAPN46.js";
import "./chunk-JKYMEDOZ.js";
import "./chunk-GKBTVNDX.js";
import "./chunk-QWEHTJCB.js";
import "./chunk-A5KTKTAB.js";
import "./chunk-BHXEFIUH.js";
import "./chunk-CTLLT6VU.js";
import "./chunk-YBXMTZXO.js";
import "./chunk-OYIX4NJ3.js";
import {
  runEngineHelperIfAsked
} from "./chunk-ASBYDR7Q.js";
import "./chunk-G4VXAHVF.js";
import "./chunk-2AERMIAP.js";
import "./chunk-U4LSYZ75.js";
export {
  ENGINE_NAMES,
  createEngine,
  runEngineHelperIfAsked,
  stopDetachedVm
};
