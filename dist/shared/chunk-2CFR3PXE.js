import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  LineLogger,
  SecretMasker
} from "./chunk-PXB3LWWR.js";

// src/cli/terminal-logger.ts
function terminalLogger(stderr, masker = new SecretMasker(), verbose = false) {
  return new LineLogger(
    (level, line) => {
      const tag = level === "warn" ? "warning: " : level === "error" ? "error: " : "";
      stderr.write(`${tag}${line}
`);
    },
    masker,
    "",
    verbose
  );
}

export {
  terminalLogger
};
