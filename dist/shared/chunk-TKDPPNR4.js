import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/core/verify/read-outputs.ts
import { readFile } from "node:fs/promises";
import path from "node:path";
async function readOutputs(outputDir) {
  const file = path.join(outputDir, "manifest.json");
  let manifest;
  try {
    manifest = JSON.parse(await readFile(file, "utf8"));
  } catch (err) {
    const code = err.code;
    throw new UserError(
      code === "ENOENT" ? `${file}: no build manifest here; build first (ruddervirt build), or give the build's folder with --output` : `${file}: not a build manifest (${code ?? err.message})`
    );
  }
  if (!Array.isArray(manifest.outputs)) throw new UserError(`${file}: not a build manifest (no outputs list)`);
  return manifest.outputs.map((o) => ({ ...o, image: path.join(outputDir, path.basename(o.image)), ...o.sbom ? { sbom: path.join(outputDir, path.basename(o.sbom)) } : {} }));
}

export {
  readOutputs
};
