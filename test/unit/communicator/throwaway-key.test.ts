import { utils } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { generateEd25519KeyPair } from '../../../src/core/communicator/throwaway-key.js';

describe('throw-away ed25519 key pairs', () => {
  it('every pair of 2000 is readable, with a whole 32-byte public key (ssh2 alone fails about one in 256)', async () => {
    for (let i = 0; i < 2000; i++) {
      const keys = await generateEd25519KeyPair(`test ${i}`);
      const pub = utils.parseKey(keys.public);
      const priv = utils.parseKey(keys.private);
      if (pub instanceof Error || priv instanceof Error) throw new Error(`pair ${i} unreadable: ${String(pub instanceof Error ? pub : priv)}`);
      // The wire form: string "ssh-ed25519" (4 + 11 bytes), string key (4 + 32 bytes).
      expect(pub.getPublicSSH().length).toBe(51);
      expect(keys.public).toMatch(new RegExp(`^ssh-ed25519 AAAA\\S+ test ${i}$`));
      expect(keys.private).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    }
  });

  it('a signature made with the private half verifies with the public half', async () => {
    const keys = await generateEd25519KeyPair('sign');
    const priv = utils.parseKey(keys.private);
    const pub = utils.parseKey(keys.public);
    if (priv instanceof Error || pub instanceof Error) throw new Error('unreadable');
    const data = Buffer.from('ruddervirt');
    expect(pub.verify(data, priv.sign(data))).toBe(true);
  });
});
