import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  __commonJS,
  __require
} from "./chunk-U4LSYZ75.js";

// cjs-builtin:https
var require_https = __commonJS({
  "cjs-builtin:https"(exports, module) {
    module.exports = __require("node:https");
  }
});

export {
  require_https
};
