import fc from 'fast-check';
import { expect, test } from 'vitest';
import { hostKeyCheck, normaliseFingerprint, sshFingerprint } from '../../../src/core/communicator/host-key.js';

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
