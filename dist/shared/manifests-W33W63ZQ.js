import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  SECRET_DATA_LIMIT,
  collectLocalInputs,
  defaultRunId,
  objectToYaml,
  ownerReference,
  renderBuild,
  renderedToYaml,
  resolveOwner,
  withOwner
} from "./chunk-CFYWBAR4.js";
import "./chunk-KL2LFKXQ.js";
import "./chunk-MQCLEGTP.js";
import {
  RunNames,
  checkRunId,
  kubeName,
  newRunId,
  renderOptions
} from "./chunk-RDPLCPIX.js";
import "./chunk-UF5DILBV.js";
import {
  LABEL_BUILD,
  LABEL_COMPONENT,
  LABEL_LAYER,
  LABEL_RUN,
  LABEL_VM,
  runSelector
} from "./chunk-FARCU6DL.js";
import "./chunk-M2E66S6E.js";
import "./chunk-MF7EYUNN.js";
import "./chunk-H4EHQFTY.js";
import "./chunk-KOBFVAF3.js";
import "./chunk-NHD4EFUK.js";
import "./chunk-UWT5WVQO.js";
import "./chunk-IGBDJUBW.js";
import "./chunk-GKBTVNDX.js";
import "./chunk-CRBZ5IG5.js";
import "./chunk-PXB3LWWR.js";
import "./chunk-YBXMTZXO.js";
import "./chunk-OYIX4NJ3.js";
import "./chunk-U4LSYZ75.js";
export {
  LABEL_BUILD,
  LABEL_COMPONENT,
  LABEL_LAYER,
  LABEL_RUN,
  LABEL_VM,
  RunNames,
  SECRET_DATA_LIMIT,
  checkRunId,
  collectLocalInputs,
  defaultRunId,
  kubeName,
  newRunId,
  objectToYaml,
  ownerReference,
  renderBuild,
  renderOptions,
  renderedToYaml,
  resolveOwner,
  runSelector,
  withOwner
};
