/**
 * An ImageTarget that is an OCI image layout directory (oci-layout, index.json, blobs/sha256/…), the
 * format `skopeo copy oci:DIR:tag` and `crane push` read. Blobs are written under a temporary name
 * and renamed once their digest is known and checked, so a layout never holds a half-written blob
 * under a real name.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { digestHex, sha256, type Descriptor, type Digest } from './digest.js';
import { readExistingTag, type ExistingTag } from './existing-image.js';
import { OCI_ANNOTATION, type Blob } from './image-documents.js';
import type { ImageTarget, LayerProducer, StreamedLayer } from './image-target.js';
import { OCI_INDEX } from './media-types.js';

interface LayoutIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
}

export class OciLayoutError extends Error {
  override name = 'OciLayoutError';
}

export class OciLayoutTarget implements ImageTarget {
  readonly name: string;
  readonly group: string;

  constructor(
    readonly dir: string,
    readonly tags: readonly string[],
  ) {
    this.name = dir;
    this.group = `layout:${path.resolve(dir)}`;
  }

  private blobPath(digest: Digest): string {
    return path.join(this.dir, 'blobs', 'sha256', digestHex(digest));
  }

  private async writeAtomically(target: string, data: Buffer | string): Promise<void> {
    const tmp = `${target}.tmp-${randomBytes(6).toString('hex')}`;
    await writeFile(tmp, data);
    await rename(tmp, target);
  }

  /** Creates the layout's skeleton, or checks that an existing directory is a layout. */
  async init(): Promise<void> {
    try {
      await mkdir(path.join(this.dir, 'blobs', 'sha256'), { recursive: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOTDIR' || code === 'EEXIST' ? 'it (or a folder above it) is a file' : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'it is not writable' : (code ?? String(err));
      throw new OciLayoutError(`${this.dir}: cannot use it as an OCI layout folder: ${why}`);
    }
    const marker = path.join(this.dir, 'oci-layout');
    try {
      const parsed = JSON.parse(await readFile(marker, 'utf8')) as { imageLayoutVersion?: string };
      if (parsed.imageLayoutVersion !== '1.0.0') throw new OciLayoutError(`${marker}: unsupported imageLayoutVersion ${String(parsed.imageLayoutVersion)}`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        if (err instanceof OciLayoutError) throw err;
        throw new OciLayoutError(`${marker}: not an OCI layout marker (${err instanceof Error ? err.message : String(err)})`);
      }
      await writeFile(marker, JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    }
    await this.readIndex();
  }

  private async readIndex(): Promise<LayoutIndex> {
    const file = path.join(this.dir, 'index.json');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] };
      throw err;
    }
    try {
      const index = JSON.parse(text) as LayoutIndex;
      if (!Array.isArray(index.manifests)) throw new Error('no manifests array');
      return index;
    } catch (err) {
      throw new OciLayoutError(`${file}: not a valid OCI index (${err instanceof Error ? err.message : String(err)})`);
    }
  }

  async readExisting(tag: string): Promise<ExistingTag | undefined> {
    const index = await this.readIndex();
    return readExistingTag(
      {
        manifest: async (ref) => {
          const d = ref.startsWith('sha256:') ? index.manifests.find((m) => m.digest === ref) : index.manifests.find((m) => m.annotations?.[OCI_ANNOTATION.refName] === ref);
          const digest = (d?.digest ?? (ref.startsWith('sha256:') ? ref : undefined)) as Digest | undefined;
          if (!digest || !(await this.hasBlob(digest))) return undefined;
          const body = await this.readBlob(digest);
          const mediaType = d?.mediaType ?? (JSON.parse(body.toString('utf8')) as { mediaType?: string }).mediaType ?? '';
          return { mediaType, digest, body };
        },
        blob: (digest) => this.readBlob(digest),
      },
      tag,
    );
  }

  private async readBlob(digest: Digest): Promise<Buffer> {
    const body = await readFile(this.blobPath(digest));
    if (sha256(body) !== digest) throw new OciLayoutError(`${this.blobPath(digest)}: content does not match its digest`);
    return body;
  }

  async hasBlob(digest: Digest): Promise<boolean> {
    try {
      return (await stat(this.blobPath(digest))).isFile();
    } catch {
      return false;
    }
  }

  async linkBlob(): Promise<boolean> {
    return false;
  }

  async putBlob(blob: Blob): Promise<void> {
    if (await this.hasBlob(blob.descriptor.digest)) return;
    await this.writeAtomically(this.blobPath(blob.descriptor.digest), blob.bytes);
  }

  async streamLayer(produce: () => LayerProducer, onSent: (bytes: number) => void): Promise<StreamedLayer> {
    const tmp = path.join(this.dir, 'blobs', 'sha256', `.incoming-${randomBytes(6).toString('hex')}`);
    const fh = await open(tmp, 'w');
    try {
      const producer = produce();
      let size = 0;
      for await (const chunk of producer.chunks) {
        await fh.write(chunk);
        producer.release?.(chunk);
        size += chunk.length;
        onSent(size);
      }
      await fh.close();
      const digest = producer.digest();
      await rename(tmp, this.blobPath(digest));
      return { digest, size, resumes: 0, restarts: 0 };
    } catch (err) {
      await fh.close().catch(() => undefined);
      throw err;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async putManifest(reference: string, blob: Blob): Promise<void> {
    await this.putBlob(blob);
    if (reference.startsWith('sha256:')) return;
    const index = await this.readIndex();
    const descriptor: Descriptor = { ...blob.descriptor, annotations: { [OCI_ANNOTATION.refName]: reference } };
    index.manifests = [...index.manifests.filter((m) => m.annotations?.[OCI_ANNOTATION.refName] !== reference), descriptor];
    index.mediaType ??= OCI_INDEX;
    await this.writeAtomically(path.join(this.dir, 'index.json'), JSON.stringify(index));
  }

  refFor(reference: string): string {
    return reference.startsWith('sha256:') ? `${this.dir}@${reference}` : `${this.dir}:${reference}`;
  }
}
