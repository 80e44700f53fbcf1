import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  UsageError
} from "./chunk-K4LUY5QM.js";

// src/cli/args.ts
import { parseArgs } from "node:util";
function parseCommandArgs(args, options) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}
function parseKeyValues(values, flag) {
  const out = {};
  for (const v of values ?? []) {
    const eq = v.indexOf("=");
    if (eq <= 0) throw new UsageError(`${flag} expects key=value, got '${v}'`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}
function variableOptions(values) {
  return { vars: parseKeyValues(values.var, "--var"), varFiles: values["var-file"] ?? [] };
}

export {
  parseCommandArgs,
  parseKeyValues,
  variableOptions
};
