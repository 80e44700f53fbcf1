import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);

// src/core/oci/lean-v8.ts
import v8 from "node:v8";
var LEAN_FLAGS = ["--no-turbofan", "--no-maglev", "--semi-space-growth-factor=1"];
function leanV8FromNowOn() {
  for (const flag of LEAN_FLAGS) {
    try {
      v8.setFlagsFromString(flag);
    } catch {
    }
  }
}

export {
  leanV8FromNowOn
};
