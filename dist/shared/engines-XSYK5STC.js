import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  ENGINE_NAMES,
  createEngine
} from "./chunk-AFV5RQRF.js";
import {
  stopDetachedVm
} from "./chunk-R4AC3DXL.js";
import "./chunk-V4RHYLAH.js";
import "./chunk-4QA2NAVJ.js";
import "./chunk-N2UXHEZV.js";
import "./chunk-LHQMOHGF.js";
import "./chunk-ZDQUUEWG.js";
import "./chunk-4J23RLGN.js";
import "./chunk-WBGPXQT6.js";
import "./chunk-5FQMJUXF.js";
import "./chunk-LI624AP2.js";
import "./chunk-CFYWBAR4.js";
import "./chunk-KL2LFKXQ.js";
import "./chunk-MQCLEGTP.js";
import "./chunk-RDPLCPIX.js";
import "./chunk-UF5DILBV.js";
import "./chunk-FARCU6DL.js";
import "./chunk-M2E66S6E.js";
import "./chunk-MF7EYUNN.js";
import "./chunk-H4EHQFTY.js";
import "./chunk-KOBFVAF3.js";
import "./chunk-NHD4EFUK.js";
import "./chunk-UWT5WVQO.js";
import "./chunk-JIQ45CAP.js";
import "./chunk-FUWAUBDQ.js";
import "./chunk-L2EL4R3K.js";
import "./chunk-U2YEPGJA.js";
import "./chunk-Q2MXJOS2.js";
import "./chunk-W76QTMHQ.js";
import "./chunk-5Q37UMAS.js";
import "./chunk-JKYMEDOZ.js";
import "./chunk-MFL4LHWY.js";
import "./chunk-CTLLT6VU.js";
import "./chunk-IGBDJUBW.js";
import "./chunk-XMRDQH4D.js";
import "./chunk-GKBTVNDX.js";
import "./chunk-XHUVLOPP.js";
import "./chunk-BHXEFIUH.js";
import "./chunk-CRBZ5IG5.js";
import "./chunk-PXB3LWWR.js";
import "./chunk-YBXMTZXO.js";
import "./chunk-OYIX4NJ3.js";
import {
  runEngineHelperIfAsked
} from "./chunk-7EO2G6ZH.js";
import "./chunk-G4VXAHVF.js";
import "./chunk-YB6FBBBD.js";
import "./chunk-YQXKSN3H.js";
import "./chunk-U4LSYZ75.js";
export {
  ENGINE_NAMES,
  createEngine,
  runEngineHelperIfAsked,
  stopDetachedVm
};
