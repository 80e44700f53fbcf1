/**
 * Checksums of downloaded sources, written `algo:hex` (Packer's iso_checksum prefix form), or
 * `file:URL` / `file:PATH` (Packer's form too): the digest is then the checksum file's entry for the
 * source, read before the build starts (src/core/sources/resolve-checksums.ts), so the cache and
 * layer keys still hold the digest itself. A bare hex string is refused: its algorithm would be a
 * guess from its length.
 */
import type { Checksum } from './model.js';

export const CHECKSUM_HEX_LENGTH: Readonly<Record<Checksum['algorithm'], number>> = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };

/** The syntax, as a regular-expression source without anchors (shared with the JSON Schema). */
export const CHECKSUM_PATTERN = `(?:${Object.entries(CHECKSUM_HEX_LENGTH)
  .map(([algo, n]) => `${algo}:[0-9a-fA-F]{${n}}`)
  .join('|')}|file:\\S.*)`;

/** `file` is the checksum file as written: an http(s):// or file:// URL, or a path relative to the build file. */
export type ChecksumResult = { checksum: Checksum } | { file: string } | { error: string };

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
    const location = text.slice(colon + 1).trim();
    if (location === '') return { error: 'file: needs the checksum file after it: file:https://…/SHA256SUMS or file:./SHA256SUMS' };
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location) && !/^(?:https?|file):\/\//i.test(location)) {
      return { error: `the checksum file '${location}' has an unsupported scheme; expected an http://, https:// or file:// URL, or a path relative to the build file` };
    }
    if (text.slice(0, colon) !== algo) return { error: `write the prefix in lower case: 'file:…'` };
    return { file: location };
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
