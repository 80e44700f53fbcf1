import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
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
  withOwner
} from "./chunk-POC44OKO.js";
import "./chunk-ULJSUOHS.js";
import "./chunk-6QKVNAOZ.js";
import "./chunk-ZTKUTTM7.js";
import {
  LABEL_BUILD,
  LABEL_COMPONENT,
  LABEL_LAYER,
  LABEL_RUN,
  LABEL_VM,
  runSelector
} from "./chunk-FARCU6DL.js";
import "./chunk-GKBTVNDX.js";
import "./chunk-QWEHTJCB.js";
import "./chunk-A5KTKTAB.js";
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
