/** An ImageTarget that is one repository of a registry (several tags of it share the target). */
import type { Logger } from '../log.js';
import type { Digest } from './digest.js';
import { readExistingTag, type ExistingTag } from './existing-image.js';
import type { Blob } from './image-documents.js';
import type { ImageTarget, LayerProducer, StreamedLayer } from './image-target.js';
import { uploadStreamedBlob } from './registry/streamed-upload.js';
import type { RegistryClient } from './registry/client.js';

export interface RegistryTargetOptions {
  logger: Logger;
  signal?: AbortSignal;
}

export class RegistryTarget implements ImageTarget {
  readonly name: string;
  readonly group: string;

  constructor(
    readonly client: RegistryClient,
    readonly repo: string,
    readonly tags: readonly string[],
    private readonly opts: RegistryTargetOptions,
  ) {
    this.name = `${client.registry}/${repo}`;
    this.group = `registry:${client.registry}`;
  }

  readExisting(tag: string): Promise<ExistingTag | undefined> {
    return readExistingTag({ manifest: (ref) => this.client.getManifest(this.repo, ref), blob: (d) => this.client.getBlob(this.repo, d) }, tag);
  }

  hasBlob(digest: Digest): Promise<boolean> {
    return this.client.blobExists(this.repo, digest);
  }

  async linkBlob(digest: Digest, from: ImageTarget): Promise<boolean> {
    if (!(from instanceof RegistryTarget) || from.group !== this.group) return false;
    return this.client.mountBlob(this.repo, digest, from.repo);
  }

  putBlob(blob: Blob): Promise<void> {
    return this.client.pushBlob(this.repo, blob.bytes, blob.descriptor.digest);
  }

  streamLayer(produce: () => LayerProducer, onSent: (bytes: number) => void): Promise<StreamedLayer> {
    return uploadStreamedBlob(this.client, this.repo, produce, {
      logger: this.opts.logger,
      signal: this.opts.signal,
      onAcknowledged: onSent,
    });
  }

  async putManifest(reference: string, blob: Blob): Promise<void> {
    await this.client.putManifest(this.repo, reference, blob.bytes, blob.descriptor.mediaType);
  }

  refFor(reference: string): string {
    return reference.startsWith('sha256:') ? `${this.name}@${reference}` : `${this.name}:${reference}`;
  }
}
