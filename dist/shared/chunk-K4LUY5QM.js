import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);

// src/cli/command.ts
var UsageError = class extends Error {
  name = "UsageError";
};

export {
  UsageError
};
