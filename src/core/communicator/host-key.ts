/**
 * Host key policy. Packer ignores host keys (Go's InsecureIgnoreHostKey) because a freshly built
 * guest has keys nobody knows yet; that stays our default. A user who does know the key can pin
 * its fingerprint in OpenSSH's format ("SHA256:<base64 without padding>", what `ssh-keygen -lf`
 * prints), and then any other key is refused before authentication sends a password.
 */
import { createHash } from 'node:crypto';

/** OpenSSH's SHA256 fingerprint of a raw (wire-format) public key. */
export function sshFingerprint(rawKey: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(rawKey).digest('base64').replace(/=+$/, '');
}

/** Normalises what a user may paste: with or without the "SHA256:" prefix or base64 padding. */
export function normaliseFingerprint(text: string): string | undefined {
  const trimmed = text.trim();
  const body = trimmed.replace(/^SHA256:/i, '').replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]{43}$/.test(body)) return undefined;
  return `SHA256:${body}`;
}

export class HostKeyMismatchError extends Error {
  override name = 'HostKeyMismatchError';
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`the SSH host key is ${actual}, but ${expected} was pinned; refusing to authenticate`);
  }
}

export interface HostKeyCheck {
  /** Called by ssh2 with the raw host key; true accepts it. */
  verify(rawKey: Buffer): boolean;
  /** The fingerprint the server presented, once it has. */
  readonly seen: string | undefined;
  /** Set when a pinned key did not match. */
  readonly mismatch: HostKeyMismatchError | undefined;
}

/** Accepts any key when `pinned` is undefined; otherwise only that fingerprint. */
export function hostKeyCheck(pinned: string | undefined): HostKeyCheck {
  let seen: string | undefined;
  let mismatch: HostKeyMismatchError | undefined;
  return {
    verify(rawKey) {
      seen = sshFingerprint(rawKey);
      if (pinned === undefined || seen === pinned) return true;
      mismatch = new HostKeyMismatchError(pinned, seen);
      return false;
    },
    get seen() {
      return seen;
    },
    get mismatch() {
      return mismatch;
    },
  };
}
