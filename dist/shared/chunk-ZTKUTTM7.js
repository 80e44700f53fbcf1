import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/core/printable.ts
var UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
var NAMED = { "\n": "\\n", "\r": "\\r", "	": "\\t" };
function escapeControls(text) {
  return text.replace(UNPRINTABLE, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code <= 255 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

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
  escapeControls,
  formatProblem,
  sortProblems,
  BuildFileError,
  formatPath
};
