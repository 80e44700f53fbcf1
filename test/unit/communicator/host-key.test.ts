import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { hostKeyCheck, normaliseFingerprint, sshFingerprint } from '../../../src/core/communicator/host-key.js';

test.each(['ed25519', 'rsa', 'ecdsa'])('our fingerprint of an %s key is the one ssh-keygen prints', (type) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-hostkey-'));
  try {
    const key = path.join(dir, 'k');
    expect(spawnSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', key]).status).toBe(0);
    const expected = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', key + '.pub'], { encoding: 'utf8' }).stdout.split(' ')[1];
    const raw = Buffer.from(readFileSync(key + '.pub', 'utf8').split(' ')[1]!, 'base64');
    expect(sshFingerprint(raw)).toBe(expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pinning: accepts the pinned key only, and remembers what it saw', () => {
  const a = Buffer.from('key-a');
  const b = Buffer.from('key-b');
  const any = hostKeyCheck(undefined);
  expect(any.verify(a)).toBe(true);
  expect(any.seen).toBe(sshFingerprint(a));
  const pinned = hostKeyCheck(sshFingerprint(a));
  expect(pinned.verify(a)).toBe(true);
  expect(pinned.mismatch).toBeUndefined();
  expect(pinned.verify(b)).toBe(false);
  expect(pinned.mismatch?.message).toContain(sshFingerprint(b));
});

test('property: normaliseFingerprint accepts what sshFingerprint prints, with or without prefix and padding', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => {
      const fp = sshFingerprint(Buffer.from(bytes));
      expect(normaliseFingerprint(fp)).toBe(fp);
      expect(normaliseFingerprint(fp.slice('SHA256:'.length) + '=')).toBe(fp);
      expect(normaliseFingerprint(`  ${fp}  `)).toBe(fp);
    }),
  );
  expect(normaliseFingerprint('MD5:aa:bb')).toBeUndefined();
  expect(normaliseFingerprint('SHA256:short')).toBeUndefined();
});
