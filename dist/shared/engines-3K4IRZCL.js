import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  ENGINE_NAMES,
  createEngine
} from "./chunk-TQD4GHEG.js";
import {
  stopDetachedVm
} from "./chunk-U6ACM5PQ.js";
import "./chunk-TKJDMVNC.js";
import "./chunk-EQ2TO4O4.js";
import "./chunk-JEEKIPH2.js";
import "./chunk-I3GOGQKQ.js";
import "./chunk-5VXZ6DTG.js";
import "./chunk-YSZV4URL.js";
import "./chunk-ZE23KOWM.js";
import "./chunk-DLLND6BN.js";
import "./chunk-LI624AP2.js";
import "./chunk-56ZEWRJM.js";
import "./chunk-KL2LFKXQ.js";
import "./chunk-MQCLEGTP.js";
import "./chunk-YDVI4WHU.js";
import "./chunk-W3354BOA.js";
import "./chunk-FARCU6DL.js";
import "./chunk-M2E66S6E.js";
import "./chunk-MF7EYUNN.js";
import "./chunk-H4EHQFTY.js";
import "./chunk-KOBFVAF3.js";
import "./chunk-NHD4EFUK.js";
import "./chunk-UWT5WVQO.js";
import "./chunk-5D2TTC6P.js";
import "./chunk-TRLJOGRB.js";
import "./chunk-L2EL4R3K.js";
import "./chunk-HNEUYEON.js";
import "./chunk-6TCFZEEU.js";
import "./chunk-AZEA7ONF.js";
import "./chunk-JKYMEDOZ.js";
import "./chunk-MFL4LHWY.js";
import "./chunk-CTLLT6VU.js";
import "./chunk-IGBDJUBW.js";
import "./chunk-BZJSZD3X.js";
import "./chunk-GKBTVNDX.js";
import "./chunk-XHUVLOPP.js";
import "./chunk-BHXEFIUH.js";
import "./chunk-CRBZ5IG5.js";
import "./chunk-PXB3LWWR.js";
import "./chunk-YBXMTZXO.js";
import "./chunk-OYIX4NJ3.js";
import {
  runEngineHelperIfAsked
} from "./chunk-OYT64QY7.js";
import "./chunk-G4VXAHVF.js";
import "./chunk-2AERMIAP.js";
import "./chunk-U4LSYZ75.js";
export {
  ENGINE_NAMES,
  createEngine,
  runEngineHelperIfAsked,
  stopDetachedVm
};
