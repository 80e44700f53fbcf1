/**
 * Reads what a tag already holds — a manifest or an index of per-platform manifests — down to each
 * image's layer, diff ID and `shasum` label. That is all the publisher needs to see that a disk is
 * already there and skip sending it again.
 */
import { isSha256Digest, type Digest } from './digest.js';
import { isIndexType } from './media-types.js';
import { parseConfigJson, parseManifestJson, SHASUM_LABEL, type ExistingImage } from './image-documents.js';

export interface ImageReader {
  manifest(reference: string): Promise<{ mediaType: string; digest: Digest; body: Buffer } | undefined>;
  blob(digest: Digest): Promise<Buffer>;
}

export interface ExistingTag {
  /** The tag's own digest (manifest or index). */
  digest: Digest;
  images: ExistingImage[];
}

async function readSingle(reader: ImageReader, digest: Digest, body: Buffer): Promise<ExistingImage | undefined> {
  const manifest = parseManifestJson(body);
  const layer = manifest.layers?.[0];
  // Only a one-layer image can be one of ours; anything else is never reused.
  if (!manifest.config || !layer || manifest.layers!.length !== 1 || !isSha256Digest(manifest.config.digest) || !isSha256Digest(layer.digest)) return undefined;
  const config = parseConfigJson(await reader.blob(manifest.config.digest));
  const diffId = config.rootfs?.diff_ids?.[0];
  if (!diffId || !isSha256Digest(diffId)) return undefined;
  const image: ExistingImage = {
    manifestDigest: digest,
    layer: { mediaType: layer.mediaType, digest: layer.digest, size: layer.size },
    diffId,
    platform: { os: config.os ?? 'linux', architecture: config.architecture ?? 'amd64', ...(config.variant ? { variant: config.variant } : {}) },
  };
  const shasum = config.config?.Labels?.[SHASUM_LABEL];
  if (shasum) image.shasum = shasum;
  return image;
}

/** undefined when the tag does not exist. Unreadable or foreign content yields no images, not an error. */
export async function readExistingTag(reader: ImageReader, tag: string): Promise<ExistingTag | undefined> {
  const top = await reader.manifest(tag);
  if (!top) return undefined;
  const images: ExistingImage[] = [];
  try {
    if (isIndexType(top.mediaType)) {
      for (const child of parseManifestJson(top.body).manifests ?? []) {
        if (!isSha256Digest(child.digest)) continue;
        const m = await reader.manifest(child.digest);
        if (!m) continue;
        const image = await readSingle(reader, child.digest, m.body);
        if (image) images.push(image);
      }
    } else {
      const image = await readSingle(reader, top.digest, top.body);
      if (image) images.push(image);
    }
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
  }
  return { digest: top.digest, images };
}
