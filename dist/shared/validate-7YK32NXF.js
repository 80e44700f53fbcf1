import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  unusedMirrorWarnings
} from "./chunk-MQCLEGTP.js";
import {
  loadBuild
} from "./chunk-23LGHYNR.js";
import "./chunk-Z6CMOLZR.js";
import "./chunk-WBMFEUYZ.js";
import "./chunk-M2E66S6E.js";
import {
  BuildFileError,
  formatProblem
} from "./chunk-MF7EYUNN.js";
import "./chunk-H4EHQFTY.js";
import "./chunk-KOBFVAF3.js";
import "./chunk-NHD4EFUK.js";
import "./chunk-UWT5WVQO.js";
import {
  UsageError
} from "./chunk-K4LUY5QM.js";
import "./chunk-UWXRMICO.js";
import "./chunk-XHUVLOPP.js";
import "./chunk-BHXEFIUH.js";
import "./chunk-CRBZ5IG5.js";
import "./chunk-PXB3LWWR.js";
import "./chunk-YBXMTZXO.js";
import "./chunk-OYIX4NJ3.js";
import "./chunk-U4LSYZ75.js";

// src/cli/commands/validate.ts
function parseBuildFileArgs(args) {
  const files = [];
  const vars = {};
  const varFiles = [];
  let optionsDone = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (optionsDone || !arg.startsWith("-") || arg === "-") {
      files.push(arg);
      continue;
    }
    if (arg === "--") {
      optionsDone = true;
      continue;
    }
    if (arg === "--var-file" || arg === "-var-file") {
      const file = args[++i];
      if (file === void 0) throw new UsageError(`${arg} needs FILE`);
      varFiles.push(file);
      continue;
    }
    if (arg.startsWith("--var-file=") || arg.startsWith("-var-file=")) {
      varFiles.push(arg.slice(arg.indexOf("=") + 1));
      continue;
    }
    let assignment;
    if (arg === "--var" || arg === "-var") {
      assignment = args[++i];
      if (assignment === void 0) throw new UsageError(`${arg} needs NAME=VALUE`);
    } else if (arg.startsWith("--var=") || arg.startsWith("-var=")) {
      assignment = arg.slice(arg.indexOf("=") + 1);
    } else {
      throw new UsageError(`unknown option '${arg}'`);
    }
    const eq = assignment.indexOf("=");
    if (eq <= 0) throw new UsageError(`--var expects NAME=VALUE, got '${assignment}'`);
    vars[assignment.slice(0, eq)] = assignment.slice(eq + 1);
  }
  return { files, vars, varFiles };
}
var validateCommand = {
  name: "validate",
  summary: "Check build files and show every problem with its line and column",
  usage: `Usage: ruddervirt validate FILE... [--var-file FILE]... [--var NAME=VALUE]... [--engine local|kubevirt]

Checks each build file completely: YAML syntax, keys and value types, formats (durations, sizes,
checksums, names), templates, references between fields (subnets, from, dependsOn) and that the
local files it names exist. Prints "FILE: ok" for a valid file and every problem of an invalid one
as FILE:LINE:COL: field.path: message. Exits 1 when any file has a problem. Warnings (a cdrom bus
the source's kernel cannot see) are printed the same way, as "warning: \u2026", and do not fail.

Options:
  --var-file FILE    Variable values from a YAML or JSON file of name: value pairs (repeatable,
                     applied in order); its problems are reported with their lines too
  --var NAME=VALUE   Set a variable declared under 'variables' (repeatable, after the var files)
  --engine local|kubevirt
                     Add the warnings of that engine (default local): on kubevirt, mirrors in
                     urls: that CDI will not try. What KubeVirt cannot run at all (qemuArgs,
                     machineType: pc) is refused by \`ruddervirt render\` and the build.
`,
  async run(args, io) {
    let engine = "local";
    const rest = [];
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (arg === "--") {
        rest.push(...args.slice(i));
        break;
      }
      if (arg === "--engine" || arg.startsWith("--engine=")) {
        const value = arg === "--engine" ? args[++i] : arg.slice("--engine=".length);
        if (value !== "local" && value !== "kubevirt") throw new UsageError(`--engine expects local or kubevirt, got '${value ?? ""}'`);
        engine = value;
      } else rest.push(arg);
    }
    const { files, vars, varFiles } = parseBuildFileArgs(rest);
    if (files.length === 0) throw new UsageError("expected at least one build file");
    let bad = 0;
    for (const file of files) {
      try {
        const build = loadBuild(file, { vars, varFiles, env: io.env, cwd: io.cwd });
        build.warnings = [...build.warnings ?? [], ...engine === "kubevirt" ? unusedMirrorWarnings(build) : []];
        for (const w of build.warnings) io.stderr.write(`${formatProblem({ ...w, message: `warning: ${w.message}` })}
`);
        io.stdout.write(`${file}: ok${build.warnings?.length ? ` (${build.warnings.length} warning${build.warnings.length === 1 ? "" : "s"})` : ""}
`);
      } catch (err) {
        if (!(err instanceof BuildFileError)) throw err;
        bad++;
        for (const p of err.problems) io.stderr.write(formatProblem(p) + "\n");
        io.stderr.write(`${file}: ${err.problems.length} problem${err.problems.length === 1 ? "" : "s"}
`);
      }
    }
    return bad > 0 ? 1 : 0;
  }
};
export {
  parseBuildFileArgs,
  validateCommand
};
