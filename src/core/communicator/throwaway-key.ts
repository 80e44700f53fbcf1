/**
 * A fresh ed25519 key pair in OpenSSH's formats, for a login the build makes for itself (verify's
 * seed). ssh2's generator drops every leading zero byte of the public key it takes from Node's
 * DER, so about one key in 256 comes out with a short public key that ssh2's own parser refuses
 * ("Malformed OpenSSH private key") and a server would too (mscdex/ssh2 lib/keygen.js parseDERs
 * @v1.17.0; issues #1390, #1513). A pair is drawn again until ssh2 reads both halves.
 */
const MAX_DRAWS = 16;

export interface OpenSshKeyPair {
  /** "-----BEGIN OPENSSH PRIVATE KEY-----" … */
  private: string;
  /** "ssh-ed25519 AAAA… comment" */
  public: string;
}

export async function generateEd25519KeyPair(comment: string): Promise<OpenSshKeyPair> {
  // Loaded here, not at the top: ssh2 is ~0.7 MB of code every action that imports this file would parse.
  const { default: ssh2 } = await import('ssh2');
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    const keys = ssh2.utils.generateKeyPairSync('ed25519', { comment });
    if (!(ssh2.utils.parseKey(keys.private) instanceof Error) && !(ssh2.utils.parseKey(keys.public) instanceof Error)) return keys;
  }
  throw new Error(`ssh2 generated ${MAX_DRAWS} unreadable ed25519 key pairs in a row`);
}
