/**
 * Media types of the two manifest families a containerDisk can be published in. OCI is the default;
 * Docker v2 schema 2 is what kubevirt/containerdisks publishes and what old registries insist on.
 */

export type ManifestFormat = 'oci' | 'docker';
export type Compression = 'gzip' | 'zstd';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_LAYER_ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';

export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const DOCKER_LAYER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

export interface MediaTypes {
  manifest: string;
  index: string;
  config: string;
  layer: string;
}

export function mediaTypesFor(format: ManifestFormat, compression: Compression): MediaTypes {
  if (format === 'docker') {
    // Docker's schema 2 never defined a zstd layer type; callers reject the pair before this point.
    if (compression !== 'gzip') throw new Error('the docker manifest format only carries gzip layers');
    return { manifest: DOCKER_MANIFEST, index: DOCKER_MANIFEST_LIST, config: DOCKER_CONFIG, layer: DOCKER_LAYER_GZIP };
  }
  return { manifest: OCI_MANIFEST, index: OCI_INDEX, config: OCI_CONFIG, layer: compression === 'zstd' ? OCI_LAYER_ZSTD : OCI_LAYER_GZIP };
}

/** Every manifest type we can read back, for the Accept header when checking what a tag holds. */
export const ACCEPTED_MANIFESTS = [OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST] as const;

export function isIndexType(mediaType: string | undefined): boolean {
  return mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST;
}

export function layerCompression(mediaType: string): Compression | undefined {
  if (mediaType === OCI_LAYER_GZIP || mediaType === DOCKER_LAYER_GZIP) return 'gzip';
  if (mediaType === OCI_LAYER_ZSTD) return 'zstd';
  return undefined;
}
