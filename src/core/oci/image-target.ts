/**
 * Where an image goes: a repository in a registry, or an OCI layout directory. The publisher talks
 * to both through this interface, so skipping, reuse and tagging work the same for each.
 */
import type { Digest } from './digest.js';
import type { ExistingTag } from './existing-image.js';
import type { Blob } from './image-documents.js';

export interface LayerProducer {
  /** Each piece stays valid until it is released (or for good, when there is no `release`). */
  chunks: AsyncIterable<Buffer>;
  /** Hands a piece back once the target is done with it (each piece once), so its buffer is reused. */
  release?(piece: Buffer): void;
  digest(): Digest;
}

export interface StreamedLayer {
  digest: Digest;
  size: number;
  resumes: number;
  restarts: number;
}

export interface ImageTarget {
  /** For messages: registry/repo or the layout path. */
  readonly name: string;
  /** Targets that can share blobs without re-sending them (the same registry) have the same group. */
  readonly group: string;
  readonly tags: readonly string[];
  readExisting(tag: string): Promise<ExistingTag | undefined>;
  hasBlob(digest: Digest): Promise<boolean>;
  /** Makes a blob present by asking, not sending: a cross-repository mount from `from` in the same group. */
  linkBlob(digest: Digest, from: ImageTarget): Promise<boolean>;
  putBlob(blob: Blob): Promise<void>;
  /** Sends a layer produced on the fly; `produce` may be called again to restart from scratch. */
  streamLayer(produce: () => LayerProducer, onSent: (bytes: number) => void): Promise<StreamedLayer>;
  /** Stores a manifest or index under a tag or its digest. */
  putManifest(reference: string, blob: Blob): Promise<void>;
  /** The printable reference for a tag (or a digest), e.g. registry/repo:tag. */
  refFor(reference: string): string;
}
