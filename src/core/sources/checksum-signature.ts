/**
 * Checks an OpenPGP detached signature of a checksum file (Debian's SHA512SUMS.sign, Ubuntu's
 * SHA256SUMS.gpg) against a keyring, with GnuPG's `gpgv`.
 *
 * Why gpgv rather than an OpenPGP library in the bundle: gpgv is GnuPG's verify-only tool, the
 * one apt used to check Debian's Release files, and it is on every Debian and Ubuntu system
 * (apt depends on it), GitHub's runners included. It reads keyrings in every form GnuPG writes
 * them — binary exports such as /usr/share/keyrings/debian-archive-keyring.gpg, and GnuPG 2.1+
 * keybox files (pubring.kbx), which OpenPGP.js cannot read — and it trusts only the keys of the
 * keyring it is given: there is no trust database or user keyring to consult. Its machine-readable
 * status lines (GnuPG doc/DETAILS: GOODSIG, VALIDSIG, BADSIG, ERRSIG, NO_PUBKEY, EXPKEYSIG,
 * REVKEYSIG, NODATA) say which key signed and what went wrong. OpenPGP.js is LGPL-3.0 and would
 * add its whole crypto stack to every action bundle for this one check.
 *
 * gpgv does not read ASCII-armored keyrings (`gpg --export --armor`, .asc); those are de-armored
 * here first (RFC 4880 §6: base64 between BEGIN/END lines, with a CRC-24 check).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { abortReason } from '../abort.js';
import { UserError } from '../errors.js';
import { findOnPath } from '../find-on-path.js';
import { dyingWithParent } from '../run-tool.js';

export interface GoodSignature {
  /** The signing key's fingerprint, and the primary key's when a subkey signed. */
  fingerprint: string;
  primaryFingerprint: string;
  /** The key's user id as the keyring names it. */
  userId: string;
}

export type SignatureVerdict = { good: GoodSignature } | { bad: string };

const ARMOR_BEGIN = /^-----BEGIN PGP ([A-Z ]+)-----$/;

/** RFC 4880 §6.1 CRC-24. */
function crc24(data: Uint8Array): number {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

/**
 * The binary packets of every armored block in `text` of the given kind ("PUBLIC KEY BLOCK",
 * "SIGNATURE"), concatenated; undefined when there is none; a UserError for a damaged block.
 */
export function dearmor(text: string, kind: string): Buffer | undefined {
  const lines = text.split(/\r?\n/).map((l) => l.trimEnd());
  const parts: Buffer[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = ARMOR_BEGIN.exec(lines[i]!);
    if (!m || m[1] !== kind) continue;
    let j = i + 1;
    // Armor headers (Version:, Comment:) run up to the first blank line; some writers leave none.
    if (/^[A-Za-z][\w-]*: /.test(lines[j] ?? '')) {
      while (j < lines.length && lines[j] !== '') j++;
    }
    const body: string[] = [];
    let checksum: string | undefined;
    for (; j < lines.length && lines[j] !== `-----END PGP ${kind}-----`; j++) {
      const l = lines[j]!;
      if (l === '') continue;
      if (/^=[A-Za-z0-9+/]{4}$/.test(l)) checksum = l.slice(1);
      else body.push(l);
    }
    if (j >= lines.length) throw new UserError(`the armored ${kind.toLowerCase()} starting on line ${i + 1} has no END line`);
    const b64 = body.join('');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new UserError(`the armored ${kind.toLowerCase()} starting on line ${i + 1} is not base64`);
    const data = Buffer.from(b64, 'base64');
    if (checksum !== undefined && Buffer.from(checksum, 'base64').readUIntBE(0, 3) !== crc24(data)) {
      throw new UserError(`the armored ${kind.toLowerCase()} starting on line ${i + 1} is damaged: its CRC-24 does not match`);
    }
    parts.push(data);
    i = j;
  }
  return parts.length > 0 ? Buffer.concat(parts) : undefined;
}

/** gpgv's status lines (--status-fd) → a verdict naming the key. */
export function verdictOfStatus(status: string, keyring: string): SignatureVerdict {
  const lines = status
    .split('\n')
    .filter((l) => l.startsWith('[GNUPG:] '))
    .map((l) => l.slice(9).split(' '));
  const words = (tag: string) => lines.filter((l) => l[0] === tag);
  const userOf = (l: string[]) => l.slice(2).join(' ');
  for (const [tag, why] of [
    ['BADSIG', 'BAD signature: the checksum file was changed after it was signed'],
    ['EXPKEYSIG', 'the signing key has expired'],
    ['REVKEYSIG', 'the signing key was revoked'],
    ['EXPSIG', 'the signature has expired'],
  ] as const) {
    const hit = words(tag)[0];
    if (hit) return { bad: `${why} (key ${hit[1]}${hit.length > 2 ? `, ${userOf(hit)}` : ''})` };
  }
  const valid = words('VALIDSIG')[0];
  const good = words('GOODSIG')[0];
  if (valid && good) return { good: { fingerprint: valid[1]!, primaryFingerprint: valid[10] ?? valid[1]!, userId: userOf(good) } };
  const missing = words('NO_PUBKEY').map((l) => l[1]);
  if (missing.length > 0) return { bad: `signed by key ${missing.join(', ')}, which is not in the keyring ${keyring}` };
  if (words('NODATA').length > 0 || words('BADARMOR').length > 0) return { bad: 'it is not an OpenPGP signature (no signature packet found)' };
  const err = words('ERRSIG')[0];
  if (err) return { bad: `the signature by key ${err[1]} could not be checked (gpgv error code ${err[6] ?? '?'}: ${err[6] === '4' ? 'unknown algorithm' : 'malformed or unsupported'})` };
  return { bad: 'gpgv found no valid signature' };
}

export interface VerifyRequest {
  /** The signed bytes, the signature (binary or armored) and the keyring path; names are for messages. */
  data: Buffer;
  signature: Buffer;
  keyring: string;
  signal: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

/** Runs gpgv in a private home folder (no user keyring, no agent), then removes it. */
export async function verifyDetachedSignature(req: VerifyRequest): Promise<SignatureVerdict> {
  const env = req.env ?? process.env;
  if (!findOnPath('gpgv', env)) throw new UserError(`'gpgv' was not found on PATH; checking checksumSignature needs it (Debian/Ubuntu: sudo apt-get install -y gpgv)`);
  const home = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-gpgv-'));
  try {
    const dataFile = path.join(home, 'checksums');
    const sigFile = path.join(home, 'checksums.sig');
    await writeFile(dataFile, req.data);
    await writeFile(sigFile, req.signature);
    let keyring = path.resolve(req.keyring);
    const keyBytes = await readFile(keyring).catch((err: NodeJS.ErrnoException) => {
      throw new UserError(`keyring ${req.keyring} ${err.code === 'ENOENT' ? 'does not exist' : `cannot be read: ${err.message}`}`);
    });
    if (keyBytes.subarray(0, 64).toString('latin1').includes('-----BEGIN PGP')) {
      const binary = dearmor(keyBytes.toString('latin1'), 'PUBLIC KEY BLOCK');
      if (!binary) throw new UserError(`keyring ${req.keyring} is armored text but holds no PUBLIC KEY BLOCK`);
      keyring = path.join(home, 'keyring.gpg');
      await writeFile(keyring, binary);
    }
    const status = await runGpgv(['--homedir', home, '--status-fd', '1', '--keyring', keyring, sigFile, dataFile], env, req.signal);
    return verdictOfStatus(status, req.keyring);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** gpgv's status output, whatever its exit status: the status lines say what happened. */
function runGpgv(args: string[], env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortReason(signal));
    const run = dyingWithParent('gpgv', args, env);
    const child = spawn(run.command, run.args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, LC_ALL: 'C', LANGUAGE: '' } });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.resume();
    const onAbort = () => child.kill('SIGKILL');
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.on('close', () => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) reject(abortReason(signal));
      else resolve(stdout);
    });
  });
}
