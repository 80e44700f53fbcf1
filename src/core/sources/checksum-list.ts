/**
 * Checksum files as distributions publish them (SHA256SUMS, SHA512SUMS, CHECKSUM, *.sha256) and
 * the entry one source takes from them: what Packer reads for `iso_checksum: file:…`.
 *
 * Packer hands `file:` to go-getter (hashicorp/go-getter v2, checksum.go: checksumFromFile and
 * parseChecksumLine), which accepts
 *   GNU lines   `HASH  name`, `HASH *name` (binary mode), `HASH ?name` (shasum -p),
 *   BSD lines   `SHA256 (name) = HASH`,
 *   a bare      `HASH` (a .sha256 file beside one image),
 * takes the algorithm from the BSD tag or else from the digest's length, skips lines starting with
 * `#`, `/` or `-`, and picks an entry by the source's file name, its path relative to the checksum
 * file, or a name contained in the source's path.
 *
 * Where this differs, on purpose:
 * - A name must match whole path segments at the end of the source's path. go-getter's substring
 *   test lets `./netboot/mini.iso` match `…/hwe-netboot/mini.iso`, and it takes the first line
 *   that matches; here the longest match wins (Ubuntu's SHA256SUMS lists both), and two different
 *   digests for an equally good match are refused rather than guessed.
 * - A bare digest is used only when the file names no file at all; go-getter takes any line it
 *   cannot read a name from, including `HASH  a name with spaces`, which here is a name.
 * - Names are read as coreutils writes them: the rest of the line (spaces included), and the
 *   `\`-escaped form sha256sum uses for names holding a backslash or a line break.
 * - A clear-signed file (Fedora's CHECKSUM) is read from its signed text only, so lines added
 *   outside the signature are never used.
 */
import type { Checksum } from '../config/model.js';

export type ChecksumAlgorithm = Checksum['algorithm'];

/** Hex digits of each digest; a GNU line's algorithm is the one whose length matches. */
export const DIGEST_HEX_LENGTH: Readonly<Record<ChecksumAlgorithm, number>> = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };

/** Lengths of digests this cannot check, to say what a line holds rather than "unreadable". */
const OTHER_HEX_LENGTH: Readonly<Record<number, string>> = { 56: 'sha224', 96: 'sha384' };

export interface ChecksumEntry {
  /** 1-based line in the checksum file. */
  line: number;
  /** The digest's algorithm, or why it cannot be checked (sha384, an odd length). */
  algorithm: ChecksumAlgorithm | { unsupported: string };
  hex: string;
  /** undefined: a bare digest, naming no file. */
  name?: string;
}

export interface ChecksumList {
  entries: ChecksumEntry[];
  /** Lines that are neither blank, comments, nor entries: shown when no entry is found. */
  ignored: number[];
  /** The file was clear-signed: only its signed text was read. */
  clearSigned: boolean;
}

const BSD_LINE = /^([A-Za-z][A-Za-z0-9-]*)\s*\((.*)\)\s*=\s*([0-9A-Fa-f]+)$/;
const GNU_LINE = /^(\\?)([0-9A-Fa-f]+)(?: ([ *?]?)(.*))?$/;

/** The tag of a BSD line (`SHA256`, `sha512`, OpenSSL 3's `SHA2-256`) → our algorithm name. */
function bsdAlgorithm(tag: string): ChecksumAlgorithm | { unsupported: string } {
  const t = tag
    .toLowerCase()
    .replace(/^sha2-/, 'sha')
    .replace(/^sha-/, 'sha');
  return Object.hasOwn(DIGEST_HEX_LENGTH, t) ? (t as ChecksumAlgorithm) : { unsupported: tag };
}

function algorithmOfLength(length: number): ChecksumAlgorithm | { unsupported: string } {
  const found = (Object.entries(DIGEST_HEX_LENGTH) as [ChecksumAlgorithm, number][]).find(([, n]) => n === length)?.[0];
  return found ?? { unsupported: OTHER_HEX_LENGTH[length] ?? `a ${length}-digit digest` };
}

/** coreutils: a line starting with `\` has its name escaped (`\\`, `\n`, and since 9.0 `\r`). */
function unescapeName(name: string): string {
  return name.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

/**
 * The signed text of an RFC 4880 §7 clear-signed message (dash-escaping undone), or undefined when
 * `text` is not one. Text before the header or after the signature is not part of it.
 */
export function clearSignedText(text: string): string | undefined {
  const lines = text.split(/\r?\n/);
  const begin = lines.findIndex((l) => l.trimEnd() === '-----BEGIN PGP SIGNED MESSAGE-----');
  if (begin === -1) return undefined;
  let i = begin + 1;
  while (i < lines.length && lines[i]!.trim() !== '') i++; // armor headers (Hash: SHA256)
  const body: string[] = [];
  for (i++; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trimEnd() === '-----BEGIN PGP SIGNATURE-----') return body.join('\n');
    body.push(l.startsWith('- ') ? l.slice(2) : l);
  }
  return undefined;
}

export function parseChecksumList(text: string): ChecksumList {
  const signed = clearSignedText(text);
  const lines = (signed ?? text).split('\n');
  const entries: ChecksumEntry[] = [];
  const ignored: number[] = [];
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const n = i + 1;
    const trimmed = line.trim();
    if (trimmed === '' || /^[#/-]/.test(trimmed)) return;
    const bsd = BSD_LINE.exec(trimmed);
    if (bsd) {
      const [, tag = '', name = '', hex = ''] = bsd;
      entries.push({ line: n, algorithm: bsdAlgorithm(tag), hex: hex.toLowerCase(), name });
      return;
    }
    const gnu = GNU_LINE.exec(trimmed);
    if (gnu) {
      const [, escaped = '', hex = '', , rest] = gnu;
      const name = rest === undefined ? undefined : escaped ? unescapeName(rest.trimStart()) : rest.trimStart();
      entries.push({ line: n, algorithm: algorithmOfLength(hex.length), hex: hex.toLowerCase(), ...(name ? { name } : {}) });
      return;
    }
    ignored.push(n);
  });
  return { entries, ignored, clearSigned: signed !== undefined };
}

/** The path segments of a name in a checksum file: `./dir/x.iso` → [dir, x.iso]. */
function segments(p: string): string[] {
  return p.split('/').filter((s) => s !== '' && s !== '.');
}

/** How well `name` names `target` (its segments): the number of trailing segments that match, 0 for none. */
export function matchScore(name: string, target: readonly string[]): number {
  const want = segments(name);
  if (want.length === 0 || want.length > target.length) return 0;
  const tail = target.slice(target.length - want.length);
  return want.every((s, i) => s === tail[i]) ? want.length : 0;
}

/** The path segments of a source: a URL's decoded path, or a local file's path. */
export function sourceSegments(source: string): string[] {
  try {
    const url = new URL(source);
    return segments(url.pathname).map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  } catch {
    return segments(source);
  }
}

export type PickResult = { checksum: Checksum; entry: ChecksumEntry } | { error: string };

const shown = (e: ChecksumEntry) => (e.name === undefined ? `line ${e.line} (a digest without a name)` : `'${e.name}' (line ${e.line})`);

/**
 * The digest `list` gives for `source` (a URL or a path; with mirrors, the first URL, whose file
 * name the others share). The best match wins: the most trailing path segments in common.
 */
export function pickChecksum(list: ChecksumList, source: string): PickResult {
  const target = sourceSegments(source);
  const fileName = target.at(-1) ?? source;
  const named = list.entries.filter((e) => e.name !== undefined);
  let candidates: ChecksumEntry[];
  if (named.length === 0) {
    candidates = list.entries;
    if (candidates.length === 0) {
      const more = list.ignored.length > 0 ? `; ${list.ignored.length} line${list.ignored.length === 1 ? ' was' : 's were'} not a checksum line (first: line ${list.ignored[0]})` : '';
      return { error: `it holds no checksums (expected lines like 'HASH  ${fileName}' or 'SHA256 (${fileName}) = HASH')${more}` };
    }
  } else {
    let best = 0;
    candidates = [];
    for (const e of named) {
      const score = matchScore(e.name!, target);
      if (score === 0 || score < best) continue;
      if (score > best) candidates = [];
      best = score;
      candidates.push(e);
    }
    if (candidates.length === 0) {
      const names = named.slice(0, 5).map((e) => `'${e.name}'`);
      const last = (e: ChecksumEntry) => segments(e.name!).at(-1) ?? '';
      const sameName = named.filter((e) => last(e) === fileName);
      const otherCase = named.find((e) => last(e).toLowerCase() === fileName.toLowerCase() && last(e) !== fileName);
      const hint =
        sameName.length > 0
          ? `; ${sameName.map((e) => `'${e.name}'`).join(' and ')} ha${sameName.length === 1 ? 's' : 've'} that file name in another folder than the source URL's (${target.slice(0, -1).join('/') || '/'})`
          : otherCase
            ? `; '${otherCase.name}' (line ${otherCase.line}) differs only in case`
            : '';
      return { error: `no entry for '${fileName}' (it lists ${named.length} file${named.length === 1 ? '' : 's'}: ${names.join(', ')}${named.length > 5 ? ', …' : ''})${hint}` };
    }
  }
  const digests = new Set(candidates.map((e) => `${JSON.stringify(e.algorithm)}:${e.hex}`));
  if (digests.size > 1) {
    return { error: `${candidates.length} entries match '${fileName}' equally well with different digests: ${candidates.map(shown).join(', ')}; name the file in the source URL so only one matches` };
  }
  const entry = candidates[0]!;
  if (typeof entry.algorithm !== 'string') {
    return { error: `the entry for '${fileName}' (line ${entry.line}) is ${entry.algorithm.unsupported}; expected md5, sha1, sha256 or sha512 (publishers offer SHA256SUMS or SHA512SUMS)` };
  }
  const want = DIGEST_HEX_LENGTH[entry.algorithm];
  if (entry.hex.length !== want) return { error: `the entry for '${fileName}' (line ${entry.line}) has ${entry.hex.length} hex digits; a ${entry.algorithm} digest has ${want}` };
  return { checksum: { algorithm: entry.algorithm, hex: entry.hex }, entry };
}
