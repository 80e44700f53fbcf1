/**
 * The layer media types a containerDisk can carry and how each is compressed: the OCI image spec's
 * tar, tar+gzip and tar+zstd (and their non-distributable forms), and Docker schema 2's gzip tar
 * (kubevirt/containerdisks and `docker build` images use it).
 */
import { Transform } from 'node:stream';
import zlib from 'node:zlib';

export type LayerCompression = 'none' | 'gzip' | 'zstd';

const LAYER_TYPES: Record<string, LayerCompression> = {
  'application/vnd.oci.image.layer.v1.tar': 'none',
  'application/vnd.oci.image.layer.v1.tar+gzip': 'gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd': 'zstd',
  'application/vnd.oci.image.layer.nondistributable.v1.tar': 'none',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip': 'gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd': 'zstd',
  'application/vnd.docker.image.rootfs.diff.tar': 'none',
  'application/vnd.docker.image.rootfs.diff.tar.gzip': 'gzip',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip': 'gzip',
};

export const LAYER_MEDIA_TYPES = Object.keys(LAYER_TYPES);

export function layerCompressionOf(mediaType: string): LayerCompression | undefined {
  return LAYER_TYPES[mediaType];
}

/** A stream that turns the layer blob into its tar. */
export function decompressor(compression: LayerCompression): Transform {
  switch (compression) {
    case 'gzip':
      return zlib.createGunzip();
    case 'zstd':
      return zlib.createZstdDecompress();
    case 'none':
      return new Transform({
        transform: (chunk: Buffer, _enc, done) => done(null, chunk),
      });
  }
}
