/**
 * The digest a downloaded source is checked against. A `checksum: file:…` is replaced by the
 * digest it names before the build starts (resolve-checksums.ts); code that downloads runs after
 * that, so meeting one here is a bug in the caller, not a user mistake.
 */
import type { Checksum, SourceChecksum } from '../config/model.js';

export function isChecksumFile(c: SourceChecksum): c is Exclude<SourceChecksum, Checksum> {
  return 'file' in c;
}

export function knownChecksum(c: SourceChecksum, url: string): Checksum {
  if (isChecksumFile(c)) throw new Error(`the checksum of ${url} is still to be read from ${c.file}: resolveSourceChecksums must run before sources are fetched`);
  return c;
}

/** `algo:hex`, as CDI, manifests and logs write a digest. */
export function checksumText(c: Checksum): string {
  return `${c.algorithm}:${c.hex.toLowerCase()}`;
}
