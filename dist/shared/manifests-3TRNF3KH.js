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
} from "./chunk-GP35M6G7.js";
import "./chunk-IGBDJUBW.js";
import {
  RunNames,
  checkRunId,
  kubeName,
  newRunId,
  renderOptions
} from "./chunk-PSK2BVKI.js";
import "./chunk-S7VYGFYM.js";
import "./chunk-ZTKUTTM7.js";
import "./chunk-6QKVNAOZ.js";
import {
  LABEL_BUILD,
  LABEL_COMPONENT,
  LABEL_LAYER,
  LABEL_RUN,
  LABEL_VM,
  runSelector
} from "./chunk-FARCU6DL.js";
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
