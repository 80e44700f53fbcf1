/** Content digests as the OCI image spec writes them: `algorithm:encoded`. We produce sha256 only. */
import { createHash } from 'node:crypto';

export type Digest = `sha256:${string}`;

const SHA256 = /^sha256:[a-f0-9]{64}$/;
// The spec's general grammar, so that a sha512 digest from a registry is recognised as a digest
// rather than rejected as garbage (we still only compute and compare sha256).
const ANY_DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

export function isSha256Digest(text: string): text is Digest {
  return SHA256.test(text);
}

export function isDigest(text: string): boolean {
  return ANY_DIGEST.test(text);
}

export function sha256(data: Uint8Array | string): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** The hex part, for blob file names in an OCI layout. */
export function digestHex(digest: Digest): string {
  return digest.slice('sha256:'.length);
}

/** A descriptor: what manifests and indexes point with. */
export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}
