import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);

// src/core/sources/known-checksum.ts
function isChecksumFile(c) {
  return "file" in c;
}
function knownChecksum(c, url) {
  if (isChecksumFile(c)) throw new Error(`the checksum of ${url} is still to be read from ${c.file}: resolveSourceChecksums must run before sources are fetched`);
  return c;
}
function checksumText(c) {
  return `${c.algorithm}:${c.hex.toLowerCase()}`;
}

export {
  isChecksumFile,
  knownChecksum,
  checksumText
};
