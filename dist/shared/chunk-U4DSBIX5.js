import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);

// src/core/pipeline/checksum-file.ts
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
async function sha256OfFile(file, signal) {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, ...signal ? { signal } : {} })) hash.update(chunk);
  return hash.digest("hex");
}
async function writeSha256File(file, signal) {
  const sha256 = await sha256OfFile(file, signal);
  const checksumFile = `${file}.sha256`;
  await writeFile(checksumFile, `${sha256}  ${path.basename(file)}
`);
  return { sha256, checksumFile };
}

export {
  sha256OfFile,
  writeSha256File
};
