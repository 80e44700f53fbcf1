import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  formatGoDurationNanos
} from "./chunk-UWXRMICO.js";

// src/core/bootcommand/actions.ts
var ACTION_NAMES = { press: "Press", on: "On", off: "Off" };
function formatPackerAst(action) {
  switch (action.kind) {
    case "wait":
      return `Wait<${formatGoDurationNanos(action.nanos)}>`;
    case "waitText":
      return `WaitText<${action.source} ${JSON.stringify(action.pattern)}>`;
    case "literal":
      return `LIT-${ACTION_NAMES[action.action]}(${action.char})`;
    case "special":
      return `Spec-${ACTION_NAMES[action.action]}(${action.key})`;
  }
}

export {
  formatPackerAst
};
