import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  runEngineHelperIfAsked
} from "./chunk-7EO2G6ZH.js";
import "./chunk-G4VXAHVF.js";
import "./chunk-U4LSYZ75.js";
export {
  runEngineHelperIfAsked
};
