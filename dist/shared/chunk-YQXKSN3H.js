import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  __commonJS,
  __require
} from "./chunk-U4LSYZ75.js";

// cjs-builtin:http
var require_http = __commonJS({
  "cjs-builtin:http"(exports, module) {
    module.exports = __require("node:http");
  }
});

export {
  require_http
};
