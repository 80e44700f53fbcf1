import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  context,
  getOctokit
} from "./chunk-KNUAJ6Q5.js";
import "./chunk-C64J5OXG.js";
import "./chunk-2AERMIAP.js";
import "./chunk-U4LSYZ75.js";
export {
  context,
  getOctokit
};
