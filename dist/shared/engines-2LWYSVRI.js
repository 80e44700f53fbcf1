import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  ENGINE_NAMES,
  createEngine
} from "./chunk-SPDLGYQX.js";
import "./chunk-LAIKVPAP.js";
import {
  stopDetachedVm
} from "./chunk-HHXSYYSA.js";
import "./chunk-GP35M6G7.js";
import "./chunk-WYVSF7SU.js";
import "./chunk-YSZV4URL.js";
import "./chunk-ZE23KOWM.js";
import "./chunk-DLLND6BN.js";
import "./chunk-LI624AP2.js";
import "./chunk-DTNLR76P.js";
import "./chunk-6MTTQTM5.js";
import "./chunk-LCMYYKZB.js";
import "./chunk-ACYOBTGQ.js";
import "./chunk-JKYMEDOZ.js";
import "./chunk-IGBDJUBW.js";
import "./chunk-CTLLT6VU.js";
import "./chunk-2AERMIAP.js";
import {
  runEngineHelperIfAsked
} from "./chunk-ME75NHZG.js";
import "./chunk-G4VXAHVF.js";
import "./chunk-PSK2BVKI.js";
import "./chunk-S7VYGFYM.js";
import "./chunk-ZTKUTTM7.js";
import "./chunk-6QKVNAOZ.js";
import "./chunk-FARCU6DL.js";
import "./chunk-BZJSZD3X.js";
import "./chunk-BTHCCTGH.js";
import "./chunk-GKBTVNDX.js";
import "./chunk-CRBZ5IG5.js";
import "./chunk-PXB3LWWR.js";
import "./chunk-BHXEFIUH.js";
import "./chunk-YBXMTZXO.js";
import "./chunk-OYIX4NJ3.js";
import "./chunk-U4LSYZ75.js";
export {
  ENGINE_NAMES,
  createEngine,
  runEngineHelperIfAsked,
  stopDetachedVm
};
