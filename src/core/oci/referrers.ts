/**
 * Attaching a document (an SBOM) to a pushed image as an OCI referrer, the OCI 1.1 way
 * (opencontainers/image-spec v1.1.0 manifest.md "Guidelines for Artifact Usage", and
 * opencontainers/distribution-spec v1.1.0 spec.md "Pushing Manifests with Subject" and
 * "Referrers Tag Schema"):
 *
 *  1. an artifact manifest: an image manifest whose artifactType names the document's type, whose
 *     config is the empty descriptor (application/vnd.oci.empty.v1+json, the 2-byte "{}"), whose one
 *     layer is the document, and whose subject is the image manifest it describes; pushed by digest;
 *  2. a registry with the referrers API answers that push with an OCI-Subject header and indexes it
 *     itself. One without it (distribution v2.8, Debian's docker-registry) does not: the client
 *     then keeps the list under the fallback tag `sha256-<hex of the subject digest>` — an image
 *     index of the referrers' descriptors — reading it, adding this one, and pushing it back.
 *
 * Clients that follow the spec (oras discover, cosign tree, regctl artifact list) find it either way.
 */
import type { Descriptor, Digest } from './digest.js';
import { digestHex, sha256 } from './digest.js';
import { OCI_INDEX, OCI_MANIFEST } from './media-types.js';
import { headerValue, repositoryScope, type RegistryClient } from './registry/client.js';
import { RegistryError } from './registry/registry-error.js';

export const EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';
const EMPTY_BYTES = Buffer.from('{}');
export const EMPTY_DESCRIPTOR: Descriptor = { mediaType: EMPTY_MEDIA_TYPE, digest: sha256(EMPTY_BYTES), size: 2 };

export interface ReferrerDocument {
  artifactType: string;
  /** The layer's media type (usually artifactType itself). */
  mediaType: string;
  bytes: Buffer;
  annotations?: Record<string, string>;
}

export interface AttachedReferrer {
  digest: Digest;
  artifactType: string;
  /** The fallback tag updated, when the registry has no referrers API. */
  fallbackTag?: string;
}

/** The referrers fallback tag of a subject: `sha256-<hex>` (distribution-spec "Referrers Tag Schema"). */
export function referrersTag(subject: Digest): string {
  return `sha256-${digestHex(subject)}`;
}

export function artifactManifest(subject: Descriptor, doc: ReferrerDocument, layer: Descriptor): Buffer {
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: doc.artifactType,
    config: EMPTY_DESCRIPTOR,
    layers: [layer],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    ...(doc.annotations && Object.keys(doc.annotations).length > 0 ? { annotations: doc.annotations } : {}),
  };
  return Buffer.from(JSON.stringify(manifest));
}

/** The fallback index with `entry` added (an entry with the same digest is replaced, so pushing twice adds nothing). */
export function addToReferrersIndex(existing: Buffer | undefined, entry: Descriptor & { artifactType: string }): Buffer {
  let manifests: (Descriptor & { artifactType?: string })[] = [];
  if (existing) {
    const parsed = JSON.parse(existing.toString('utf8')) as { mediaType?: string; manifests?: (Descriptor & { artifactType?: string })[] };
    if (parsed.mediaType !== undefined && parsed.mediaType !== OCI_INDEX) throw new Error(`the referrers tag holds a ${parsed.mediaType}, not an image index`);
    manifests = (parsed.manifests ?? []).filter((m) => m.digest !== entry.digest);
  }
  manifests.push(entry);
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
}

export async function attachReferrer(client: RegistryClient, repo: string, subject: Descriptor, doc: ReferrerDocument): Promise<AttachedReferrer> {
  const layer: Descriptor = { mediaType: doc.mediaType, digest: sha256(doc.bytes), size: doc.bytes.length };
  if (!(await client.blobExists(repo, EMPTY_DESCRIPTOR.digest))) await client.pushBlob(repo, EMPTY_BYTES, EMPTY_DESCRIPTOR.digest);
  if (!(await client.blobExists(repo, layer.digest))) await client.pushBlob(repo, doc.bytes, layer.digest);
  const body = artifactManifest(subject, doc, layer);
  const digest = sha256(body);
  const res = await client.call('PUT', `/v2/${repo}/manifests/${digest}`, { scopes: [repositoryScope(repo, 'pull,push')], body, headers: { 'content-type': OCI_MANIFEST } });
  client.expect(res, [201, 200], `PUT referrer manifest ${repo}@${digest}`);
  // The registry indexes referrers itself when it says so.
  if (headerValue(res, 'oci-subject') === subject.digest) return { digest, artifactType: doc.artifactType };
  const tag = referrersTag(subject.digest);
  const existing = await client.getManifest(repo, tag);
  let index: Buffer;
  try {
    index = addToReferrersIndex(existing?.body, { mediaType: OCI_MANIFEST, digest, size: body.length, artifactType: doc.artifactType, ...(doc.annotations ? { annotations: doc.annotations } : {}) });
  } catch (err) {
    throw new RegistryError(`${client.registry}/${repo}:${tag}: ${(err as Error).message}; cannot list the referrer there`, 200);
  }
  await client.putManifest(repo, tag, index, OCI_INDEX);
  return { digest, artifactType: doc.artifactType, fallbackTag: tag };
}
