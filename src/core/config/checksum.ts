/**
 * Checksums of downloaded sources, written `algo:hex` (Packer's iso_checksum prefix form). Only the
 * explicit form is accepted: a bare hex string or `file:` URL would make the cache key ambiguous.
 */
import type { Checksum } from './model.js';

export const CHECKSUM_HEX_LENGTH: Readonly<Record<Checksum['algorithm'], number>> = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };

/** The syntax, as a regular-expression source without anchors (shared with the JSON Schema). */
export const CHECKSUM_PATTERN = `(?:${Object.entries(CHECKSUM_HEX_LENGTH)
  .map(([algo, n]) => `${algo}:[0-9a-fA-F]{${n}}`)
  .join('|')})`;

export type ChecksumResult = { checksum: Checksum } | { error: string };

export function parseChecksum(text: string): ChecksumResult {
  const colon = text.indexOf(':');
  const algos = Object.keys(CHECKSUM_HEX_LENGTH);
  if (colon === -1) {
    const bare = text.trim();
    const guess = Object.entries(CHECKSUM_HEX_LENGTH).find(([, n]) => n === bare.length && /^[0-9a-fA-F]+$/.test(bare))?.[0];
    return {
      error: guess ? `missing the algorithm; expected ${guess}:${abbreviate(bare)} (algo:hex)` : `expected algo:hex where algo is ${algos.join(', ')}, e.g. sha256:<64 hex digits>`,
    };
  }
  const algo = text.slice(0, colon).toLowerCase();
  const hex = text.slice(colon + 1);
  if (algo === 'file') {
    // Packer's iso_checksum accepts file:<url or path> and reads the digest from it at build time.
    return { error: "a checksum file (Packer's file:…) is not read: write the digest itself as algo:hex, e.g. sha256:<64 hex digits> copied from that file, so the cache key is known before downloading" };
  }
  if (!Object.hasOwn(CHECKSUM_HEX_LENGTH, algo)) {
    return { error: `unknown checksum algorithm '${text.slice(0, colon)}'; expected one of ${algos.join(', ')}` };
  }
  const algorithm = algo as Checksum['algorithm'];
  const want = CHECKSUM_HEX_LENGTH[algorithm];
  if (!/^[0-9a-fA-F]*$/.test(hex)) return { error: `the ${algorithm} digest must be hexadecimal digits (0-9, a-f)` };
  if (hex.length !== want) {
    const actual = Object.entries(CHECKSUM_HEX_LENGTH).find(([, n]) => n === hex.length)?.[0];
    const hint = actual ? `; ${hex.length} digits is a ${actual} digest, did you mean '${actual}:…'?` : '';
    return { error: `a ${algorithm} digest has ${want} hex digits, found ${hex.length}${hint}` };
  }
  if (text.slice(0, colon) !== algo) return { error: `write the algorithm in lower case: '${algo}:…'` };
  return { checksum: { algorithm, hex: hex.toLowerCase() } };
}

function abbreviate(hex: string): string {
  return hex.length > 16 ? `${hex.slice(0, 8)}…` : hex;
}
