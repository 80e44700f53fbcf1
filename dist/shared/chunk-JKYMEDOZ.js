import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  abortReason
} from "./chunk-BHXEFIUH.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/core/find-on-path.ts
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";
function findOnPath(binary, env = process.env) {
  if (binary.includes("/")) return binary;
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
    }
  }
  return void 0;
}

// src/core/run-tool.ts
import { spawn } from "node:child_process";
var DEBIAN_PACKAGE = {
  "qemu-img": "qemu-utils",
  "qemu-system-x86_64": "qemu-system-x86",
  xorriso: "xorriso"
};
function missingToolError(tool) {
  const pkg = DEBIAN_PACKAGE[tool];
  return new UserError(`'${tool}' was not found on PATH; this build needs it` + (pkg ? ` (Debian/Ubuntu: sudo apt-get install -y ${pkg})` : ""));
}
var ToolError = class extends Error {
  constructor(tool, args, exitCode, stderr) {
    const detail = stderr.trim().split("\n").slice(-10).join("\n");
    super(`${tool} ${args.join(" ")} failed (exit ${exitCode ?? "by signal"})${detail ? `:
${detail}` : ""}`);
    this.tool = tool;
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
  tool;
  args;
  exitCode;
  stderr;
  name = "ToolError";
};
function dyingWithParent(tool, args, env = process.env) {
  const setpriv = findOnPath("setpriv", env);
  const resolved = findOnPath(tool, env);
  if (!setpriv || !resolved) return { command: tool, args: [...args] };
  return { command: setpriv, args: ["--pdeathsig", "KILL", "--", resolved, ...args] };
}
function runTool(tool, args, options = {}) {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(abortReason(options.signal));
    if (!findOnPath(tool)) return reject(missingToolError(tool));
    const run = dyingWithParent(tool, args);
    const child = spawn(run.command, run.args, { stdio: ["ignore", "pipe", "pipe"], cwd: options.cwd });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => {
      if (options.onStdout) options.onStdout(chunk);
      else stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk) => stderr += chunk);
    const onAbort = () => child.kill("SIGKILL");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.on("error", (err) => {
      options.signal?.removeEventListener("abort", onAbort);
      reject(err.code === "ENOENT" ? missingToolError(tool) : err);
    });
    child.on("close", (code) => {
      options.signal?.removeEventListener("abort", onAbort);
      if (options.signal?.aborted) reject(abortReason(options.signal));
      else if (code === 0) resolve({ stdout, stderr });
      else reject(new ToolError(tool, args, code, stderr));
    });
  });
}

export {
  findOnPath,
  missingToolError,
  ToolError,
  dyingWithParent,
  runTool
};
