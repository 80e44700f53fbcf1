/**
 * checksum: file:URL with checksumSignature + checksumKeyring, end to end through the loader and
 * resolveSourceChecksums: real gpg-made keys and detached signatures, real gpgv, a real HTTP server
 * on loopback. No VM is started: the point is that these fail before one would be.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBuildText } from '../../../src/core/config/load.js';
import { BuildFileError } from '../../../src/core/config/problems.js';
import type { Logger } from '../../../src/core/log.js';
import { resolveSourceChecksums } from '../../../src/core/sources/resolve-checksums.js';

const silent: Logger = { info() {}, warn() {}, error() {}, debug() {}, progress() {}, child: () => silent };
const signal = new AbortController().signal;

let dir: string;
let server: Server;
let base: string;
const files = new Map<string, Buffer>();
const digest = createHash('sha256').update('the image').digest('hex');

function gpg(home: string, ...args: string[]): Buffer {
  return execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function makeKey(name: string): string {
  const home = path.join(dir, name);
  execFileSync('mkdir', ['-m', '700', home]);
  gpg(home, '--quick-gen-key', `${name} <${name}@example.test>`, 'ed25519', 'sign', 'never');
  return home;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rv-signed-sums-'));
  const signer = makeKey('signer');
  const stranger = makeKey('stranger');
  const sums = Buffer.from(`${'0'.repeat(64)}  other.iso\n${digest}  debian-12.iso\n`);
  writeFileSync(path.join(dir, 'SHA256SUMS'), sums);
  files.set('/SHA256SUMS', sums);
  files.set('/SHA256SUMS.sign', gpg(signer, '--armor', '--detach-sign', '-o', '-', path.join(dir, 'SHA256SUMS')));
  files.set('/SHA256SUMS.stranger.sign', gpg(stranger, '--detach-sign', '-o', '-', path.join(dir, 'SHA256SUMS')));
  // The same signature over a file whose digest was changed afterwards.
  files.set('/tampered/SHA256SUMS', Buffer.from(sums.toString().replace(digest, 'f'.repeat(64))));
  files.set('/tampered/SHA256SUMS.sign', files.get('/SHA256SUMS.sign')!);
  files.set('/garbage.sign', Buffer.from('-----BEGIN PGP SIGNATURE-----\n\nbm90IGEgc2lnbmF0dXJl\n-----END PGP SIGNATURE-----\n'));
  writeFileSync(path.join(dir, 'keyring.gpg'), gpg(signer, '--export'));
  writeFileSync(path.join(dir, 'keyring.asc'), gpg(signer, '--export', '--armor'));
  for (const home of [signer, stranger]) execFileSync('gpgconf', ['--homedir', home, '--kill', 'all']);
  server = createServer((req, res) => {
    const body = files.get(req.url ?? '');
    res.writeHead(body ? 200 : 404).end(body ?? 'not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function build(source: string) {
  const text = `name: sums\nlayers:\n  - name: base\n    vms:\n      - name: web\n        source:\n${source
    .trim()
    .split('\n')
    .map((l) => `          ${l}`)
    .join('\n')}\n`;
  return loadBuildText(text, path.join(dir, 'build.yaml'));
}

async function problems(b: ReturnType<typeof build>): Promise<string> {
  const err = await resolveSourceChecksums(b, { logger: silent, signal }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BuildFileError);
  return (err as Error).message;
}

describe('signed checksum files (gpg-made keys, gpgv, loopback HTTP)', () => {
  it('a signed SHA256SUMS over HTTP gives the entry for the source file, with binary and armored keyrings', async () => {
    for (const keyring of ['keyring.gpg', 'keyring.asc']) {
      const b = build(`iso:\n  url: ${base}/debian/debian-12.iso\n  checksum: file:${base}/SHA256SUMS\n  checksumSignature: ${base}/SHA256SUMS.sign\n  checksumKeyring: ${keyring}`);
      const [resolved] = await resolveSourceChecksums(b, { logger: silent, signal });
      expect(b.layers[0]!.vms[0]!.source).toMatchObject({ kind: 'iso', checksum: { algorithm: 'sha256', hex: digest } });
      expect(resolved).toMatchObject({ line: 2, signedBy: { userId: 'signer <signer@example.test>' } });
    }
  });

  it('file:PATH relative to the build file, without a signature', async () => {
    const b = build(`url: ${base}/debian-12.iso\nchecksum: file:./SHA256SUMS`);
    await resolveSourceChecksums(b, { logger: silent, signal });
    expect(b.layers[0]!.vms[0]!.source).toMatchObject({ checksum: { hex: digest } });
  });

  it('a tampered checksum file is refused, naming the file, the signature, the keyring and the key', async () => {
    const b = build(`url: ${base}/debian-12.iso\nchecksum: file:${base}/tampered/SHA256SUMS\nchecksumSignature: ${base}/tampered/SHA256SUMS.sign\nchecksumKeyring: keyring.gpg`);
    const message = await problems(b);
    expect(message).toMatch(
      /build\.yaml:\d+:\d+: layers\[0\]\.vms\[0\]\.source\.checksumSignature: signature .*tampered\/SHA256SUMS\.sign of checksum file .*tampered\/SHA256SUMS is refused with keyring keyring\.gpg: BAD signature.*signer <signer@example\.test>/,
    );
    expect(b.layers[0]!.vms[0]!.source).toMatchObject({ checksum: { file: `${base}/tampered/SHA256SUMS` } });
  });

  it('a signature by a key outside the keyring names that key', async () => {
    const message = await problems(build(`url: ${base}/debian-12.iso\nchecksum: file:${base}/SHA256SUMS\nchecksumSignature: ${base}/SHA256SUMS.stranger.sign\nchecksumKeyring: keyring.gpg`));
    expect(message).toMatch(/signed by key [0-9A-F]{16}, which is not in the keyring .*keyring\.gpg/);
  });

  it('a malformed signature and an unreachable checksum URL get located errors', async () => {
    const malformed = await problems(build(`url: ${base}/debian-12.iso\nchecksum: file:${base}/SHA256SUMS\nchecksumSignature: ${base}/garbage.sign\nchecksumKeyring: keyring.gpg`));
    expect(malformed).toMatch(/build\.yaml:9:\d+: layers\[0\]\.vms\[0\]\.source\.checksumSignature: signature .*garbage\.sign .*(not an OpenPGP signature|could not be checked)/);
    const missing = await problems(build(`url: ${base}/debian-12.iso\nchecksum: file:${base}/nothing/SHA256SUMS`));
    expect(missing).toMatch(/build\.yaml:8:\d+: layers\[0\]\.vms\[0\]\.source\.checksum: checksum file .*\/nothing\/SHA256SUMS could not be fetched: HTTP 404/);
    // A port nobody listens on: bound, then closed.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const closed = await problems(build(`url: http://127.0.0.1:${port}/x.iso\nchecksum: file:http://127.0.0.1:${port}/SHA256SUMS`));
    expect(closed).toMatch(new RegExp(`source\\.checksum: checksum file http://127\\.0\\.0\\.1:${port}/SHA256SUMS could not be fetched: connection refused`));
  });

  it('a checksum file without an entry for the source says which files it lists', async () => {
    const message = await problems(build(`url: ${base}/ubuntu.iso\nchecksum: file:${base}/SHA256SUMS`));
    expect(message).toContain("no entry for 'ubuntu.iso' (it lists 2 files: 'other.iso', 'debian-12.iso')");
    expect(readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8')).toContain(digest);
  });
});
