import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);

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

export {
  findOnPath
};
