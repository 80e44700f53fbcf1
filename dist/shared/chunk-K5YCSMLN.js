import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);

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

export {
  sha256OfFile,
  checksumLine,
  writeSha256File
};
