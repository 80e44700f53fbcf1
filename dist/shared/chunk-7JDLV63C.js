import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  SecretMasker
} from "./chunk-PXB3LWWR.js";

// src/core/pipeline/manifest.ts
import { rename, writeFile } from "node:fs/promises";
import path from "node:path";
function redactedVariables(build) {
  const masker = new SecretMasker();
  for (const s of build.secrets) masker.add(s);
  return Object.fromEntries(Object.entries(build.variables).map(([k, v]) => [k, masker.mask(v)]));
}
async function writeManifest(outputDir, manifest, masker) {
  const file = path.join(outputDir, "manifest.json");
  const text = JSON.stringify(manifest, null, 2) + "\n";
  await writeFile(`${file}.partial`, masker ? masker.mask(text) : text);
  await rename(`${file}.partial`, file);
  return file;
}

export {
  redactedVariables,
  writeManifest
};
