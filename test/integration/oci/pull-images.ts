/**
 * containerDisk images made without our publish code, for the pull tests: layer tars written with
 * tar-stream, then put into a docker-archive or an OCI layout that skopeo copies to the registry —
 * so the manifests, media types and compression the pull reads are skopeo's, not ours.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { tarOf } from '../../helpers/layer-tar.js';

export { tarOf };

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** `docker save`'s format: manifest.json, a config, and one uncompressed tar per layer. */
export async function makeDockerArchive(file: string, layers: Buffer[], tag: string): Promise<void> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: layers.map(sha) }, history: layers.map(() => ({ created_by: 'test' })) }));
  const manifest = Buffer.from(JSON.stringify([{ Config: 'config.json', RepoTags: [tag], Layers: layers.map((_, i) => `layer${i}.tar`) }]));
  await writeFile(file, await tarOf([{ name: 'manifest.json', data: manifest }, { name: 'config.json', data: config }, ...layers.map((l, i) => ({ name: `layer${i}.tar`, data: l }))]));
}

/**
 * An OCI layout whose `tag` is a two-platform index: linux/amd64 and linux/arm64, each one
 * zstd-compressed layer holding its own disk, so picking the wrong one shows.
 */
export async function makeTwoPlatformLayout(dir: string, disks: { amd64: { name: string; data: Buffer }; arm64: { name: string; data: Buffer } }, tag: string): Promise<void> {
  const blobs = path.join(dir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  const put = async (b: Buffer) => {
    const d = sha(b);
    await writeFile(path.join(blobs, d.slice(7)), b);
    return { digest: d, size: b.length };
  };
  const manifests = [];
  for (const arch of ['amd64', 'arm64'] as const) {
    const disk = disks[arch];
    const tar = await tarOf([
      { name: 'disk/', type: 'directory' },
      { name: `disk/${disk.name}`, data: disk.data },
    ]);
    const layer = await put(zlib.zstdCompressSync(tar));
    const config = await put(Buffer.from(JSON.stringify({ architecture: arch, os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [sha(tar)] } })));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', ...layer }],
      }),
    );
    manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...(await put(manifest)), platform: { os: 'linux', architecture: arch } });
  }
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
  const indexBlob = await put(index);
  await writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    path.join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', ...indexBlob, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  );
}
