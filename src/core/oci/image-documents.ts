/**
 * The JSON documents of a containerDisk image: the config (platform, labels, the layer's diff ID),
 * the manifest that ties config and layer together, and the index that puts several platforms
 * under one tag. Keys are written in a fixed order and without whitespace, so the same inputs always
 * give the same bytes and therefore the same digests.
 */
import { sha256, type Descriptor, type Digest } from './digest.js';
import type { MediaTypes } from './media-types.js';
import type { Platform } from './platform.js';

/** The label kubevirt/containerdisks uses to tell an unchanged disk from a new one. */
export const SHASUM_LABEL = 'shasum';

export const OCI_ANNOTATION = {
  created: 'org.opencontainers.image.created',
  source: 'org.opencontainers.image.source',
  revision: 'org.opencontainers.image.revision',
  title: 'org.opencontainers.image.title',
  refName: 'org.opencontainers.image.ref.name',
} as const;

export interface Blob {
  descriptor: Descriptor;
  bytes: Buffer;
}

function toBlob(value: unknown, mediaType: string): Blob {
  const bytes = Buffer.from(JSON.stringify(value), 'utf8');
  return { bytes, descriptor: { mediaType, digest: sha256(bytes), size: bytes.length } };
}

export interface ConfigInput {
  platform: Platform;
  /** RFC 3339. */
  created: string;
  labels: Record<string, string>;
  diffId: Digest;
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function buildImageConfig(input: ConfigInput, types: MediaTypes): Blob {
  const config = {
    architecture: input.platform.architecture,
    os: input.platform.os,
    ...(input.platform.variant ? { variant: input.platform.variant } : {}),
    created: input.created,
    config: {
      // crun-vm and other runtimes refuse an image with nothing to run; kubevirt/containerdisks sets the same.
      Entrypoint: ['no-entrypoint'],
      Labels: sortedRecord(input.labels),
    },
    rootfs: { type: 'layers', diff_ids: [input.diffId] },
    history: [{ created: input.created, created_by: 'ruddervirt publish' }],
  };
  return toBlob(config, types.config);
}

export function buildManifest(config: Descriptor, layer: Descriptor, types: MediaTypes, annotations: Record<string, string> = {}): Blob {
  const bare = (d: Descriptor) => ({ mediaType: d.mediaType, digest: d.digest, size: d.size });
  const manifest = {
    schemaVersion: 2,
    mediaType: types.manifest,
    config: bare(config),
    layers: [bare(layer)],
    // Docker's schema 2 has no annotations field; OCI readers show these without fetching the config.
    ...(Object.keys(annotations).length > 0 && types.manifest.includes('oci') ? { annotations: sortedRecord(annotations) } : {}),
  };
  return toBlob(manifest, types.manifest);
}

export function buildIndex(manifests: { descriptor: Descriptor; platform: Platform }[], types: MediaTypes, annotations: Record<string, string> = {}): Blob {
  const index = {
    schemaVersion: 2,
    mediaType: types.index,
    manifests: manifests.map(({ descriptor, platform }) => ({
      mediaType: descriptor.mediaType,
      digest: descriptor.digest,
      size: descriptor.size,
      platform: { architecture: platform.architecture, os: platform.os, ...(platform.variant ? { variant: platform.variant } : {}) },
    })),
    ...(Object.keys(annotations).length > 0 && types.index.includes('oci') ? { annotations: sortedRecord(annotations) } : {}),
  };
  return toBlob(index, types.index);
}

/** What we read back from an existing image to decide whether its layer can be reused. */
export interface ExistingImage {
  manifestDigest: Digest;
  layer: Descriptor;
  diffId: Digest;
  shasum?: string;
  platform: Platform;
}

export function parseManifestJson(body: Buffer): { config?: Descriptor; layers?: Descriptor[]; manifests?: (Descriptor & { platform?: Platform })[] } {
  return JSON.parse(body.toString('utf8')) as ReturnType<typeof parseManifestJson>;
}

export function parseConfigJson(body: Buffer): { architecture?: string; os?: string; variant?: string; config?: { Labels?: Record<string, string> }; rootfs?: { diff_ids?: string[] } } {
  return JSON.parse(body.toString('utf8')) as ReturnType<typeof parseConfigJson>;
}
