/**
 * VNC Authentication (RFB security type 2): the server sends a 16-byte challenge, the client returns
 * it DES-encrypted with the password as key. The key is the first 8 bytes of the password, zero
 * padded, with the bits of each byte reversed (a quirk of the original VNC code every server keeps).
 *
 * OpenSSL 3 only offers single DES through its legacy provider, which Node does not load; two-key
 * triple DES with both keys equal (encrypt-decrypt-encrypt with one key) is single DES, and is built in.
 */
import { createCipheriv } from 'node:crypto';

function reverseBits(byte: number): number {
  let out = 0;
  for (let i = 0; i < 8; i++) if (byte & (1 << i)) out |= 1 << (7 - i);
  return out;
}

export function vncAuthResponse(challenge: Buffer, password: string): Buffer {
  if (challenge.length !== 16) throw new Error(`VNC authentication: expected a 16-byte challenge, got ${challenge.length} bytes`);
  const key = Buffer.alloc(8);
  Buffer.from(password, 'latin1').copy(key, 0, 0, 8);
  for (let i = 0; i < 8; i++) key[i] = reverseBits(key[i]!);
  const cipher = createCipheriv('des-ede-ecb', Buffer.concat([key, key]), null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(challenge), cipher.final()]);
}
