import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);

// src/core/oci/interpreter-only.ts
import v8 from "node:v8";
var INTERPRETER_ONLY_FLAGS = ["--no-turbofan", "--no-maglev"];
function interpretOnlyFromNowOn() {
  for (const flag of INTERPRETER_ONLY_FLAGS) {
    try {
      v8.setFlagsFromString(flag);
    } catch {
    }
  }
}

export {
  interpretOnlyFromNowOn
};
