import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  require_lib
} from "./chunk-R7SMCTLD.js";
import "./chunk-2AERMIAP.js";
import "./chunk-U4LSYZ75.js";
export default require_lib();
