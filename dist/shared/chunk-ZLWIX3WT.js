import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  SecretMasker
} from "./chunk-PXB3LWWR.js";

// src/core/pipeline/checksum-file.ts
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import path from "node:path";
async function sha256OfFile(file, signal) {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, ...signal ? { signal } : {} })) hash.update(chunk);
  return hash.digest("hex");
}
function checksumLine(sha256, file) {
  return `${sha256}  ${path.basename(file)}
`;
}
async function writeSha256File(file, signal) {
  const sha256 = await sha256OfFile(file, signal);
  const checksumFile = `${file}.sha256`;
  await writeFile(`${checksumFile}.partial`, checksumLine(sha256, file));
  await rename(`${checksumFile}.partial`, checksumFile);
  return { sha256, checksumFile };
}

// src/core/pipeline/manifest.ts
import { rename as rename2, writeFile as writeFile2 } from "node:fs/promises";
import path2 from "node:path";
function redactedVariables(build) {
  const masker = new SecretMasker();
  for (const s of build.secrets) masker.add(s);
  return Object.fromEntries(Object.entries(build.variables).map(([k, v]) => [k, masker.mask(v)]));
}
async function writeManifest(outputDir, manifest, masker) {
  const file = path2.join(outputDir, "manifest.json");
  const text = JSON.stringify(manifest, null, 2) + "\n";
  await writeFile2(`${file}.partial`, masker ? masker.mask(text) : text);
  await rename2(`${file}.partial`, file);
  return file;
}

export {
  sha256OfFile,
  checksumLine,
  writeSha256File,
  redactedVariables,
  writeManifest
};
