import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  loadKubeTarget
} from "./chunk-WBGPXQT6.js";
import "./chunk-5FQMJUXF.js";
import "./chunk-LI624AP2.js";
import "./chunk-CTLLT6VU.js";
import "./chunk-OYIX4NJ3.js";
import "./chunk-YB6FBBBD.js";
import "./chunk-YQXKSN3H.js";
import "./chunk-U4LSYZ75.js";
export {
  loadKubeTarget
};
