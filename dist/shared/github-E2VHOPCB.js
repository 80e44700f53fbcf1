import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  context,
  getOctokit
} from "./chunk-4RWOFWUE.js";
import "./chunk-SPSOQACB.js";
import "./chunk-YB6FBBBD.js";
import "./chunk-YQXKSN3H.js";
import "./chunk-U4LSYZ75.js";
export {
  context,
  getOctokit
};
