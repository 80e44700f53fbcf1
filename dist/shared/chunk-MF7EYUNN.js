import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  escapeControls
} from "./chunk-KOBFVAF3.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/core/config/problems.ts
function formatProblem(p) {
  return escapeControls(`${p.file}:${p.line}:${p.column}: ${p.path ? p.path + ": " : ""}${p.message}`);
}
function sortProblems(problems) {
  const seen = /* @__PURE__ */ new Set();
  return [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column).filter((p) => {
    const key = formatProblem(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
var BuildFileError = class extends UserError {
  name = "BuildFileError";
  problems;
  constructor(problems) {
    const sorted = sortProblems(problems);
    super(sorted.map(formatProblem).join("\n"));
    this.problems = sorted;
  }
};
function formatPath(path) {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (!/^[A-Za-z_][\w-]*$/.test(seg)) out += `[${JSON.stringify(seg)}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}

export {
  formatProblem,
  sortProblems,
  BuildFileError,
  formatPath
};
