/**
 * Reads the layers of a containerDisk in order and keeps the one file KubeVirt's container-disk
 * would boot: the single entry under /disk after every layer (and its whiteouts) is applied
 * (kubevirt/kubevirt, pkg/container-disk/container-disk.go, GetImage: "/disk" holds exactly one
 * file, any name). Files under /disk are written to a staging folder as they stream past, sparse,
 * through a fixed buffer; a file a later layer hides or replaces is deleted at once. Nothing else
 * in the image is written anywhere.
 */
import { randomBytes } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract as tarExtract, type Header } from 'tar-stream';
import { classifyEntry, DiskTree, LayerPathError, type DiskEntry, type EntryKind } from './disk-tree.js';
import { decompressor, type LayerCompression } from './layer-media.js';
import { SparseFileWriter } from './sparse-file.js';

export class ContainerDiskContentError extends Error {
  override name = 'ContainerDiskContentError';
}

export interface LayerSource {
  /** For messages: "layer 2/2 (sha256:…)". */
  label: string;
  compression: LayerCompression;
  /** The blob's bytes, verified as they stream (blob-stream.ts). */
  open(): AsyncIterable<Buffer>;
}

export interface StagedFile {
  file: string;
  size: number;
  sha256: string;
}

export interface ExtractedDisk extends StagedFile {
  /** The name it had under /disk. */
  name: string;
}

function kindOf(type: Header['type']): EntryKind {
  switch (type) {
    case 'file':
    case 'contiguous-file':
      return 'file';
    case 'directory':
      return 'directory';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    default:
      return 'other';
  }
}

/**
 * Feeds the layer's blob through the decompressor into the tar parser; its entries come out as an
 * async iterable. When the gzip/zstd stream or the tar breaks, the rest of the blob is still read:
 * a blob that is not what its digest says (tampered, or a registry serving the wrong bytes) should
 * be reported as that, with its digest, rather than as the garbage it decompresses to.
 */
async function* tarEntries(layer: LayerSource, image: string, signal?: AbortSignal): AsyncGenerator<{ header: Header; body: AsyncIterable<Buffer> }> {
  const blob = layer.open()[Symbol.asyncIterator]();
  let sourceFailed = false;
  // The stream pipeline closes its source on any failure; this keeps the blob open so it can be drained and verified.
  const shielded: AsyncIterable<Buffer> = {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        try {
          return await blob.next();
        } catch (err) {
          sourceFailed = true;
          throw err;
        }
      },
      return: () => Promise.resolve({ done: true as const, value: undefined }),
    }),
  };
  const ex = tarExtract();
  let feedError: unknown;
  const fed = pipeline(Readable.from(shielded, { objectMode: false }), decompressor(layer.compression), ex as unknown as Writable, signal ? { signal } : {}).catch((err: unknown) => {
    // Reaches the consumer even while it waits for the next entry.
    feedError = err;
    ex.destroy(err as Error);
  });
  let explained: Promise<never> | undefined;
  const explain = (err: unknown): Promise<never> =>
    (explained ??= (async () => {
      await fed;
      const cause = feedError ?? err;
      if (sourceFailed || signal?.aborted || cause instanceof ContainerDiskContentError) throw cause;
      for (let r = await blob.next(); !r.done; r = await blob.next()) {
        // hashing the rest: a digest mismatch throws here, and is the better message
      }
      const what = layer.compression === 'none' ? 'tar' : `${layer.compression}-compressed tar`;
      throw new ContainerDiskContentError(`${image}: ${layer.label}: the layer cannot be read as a ${what} (${(cause as Error).message})`);
    })());
  // An entry's bytes break off when the decompressor fails; the consumer learns why from here too.
  async function* body(entry: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of entry) yield chunk;
    } catch (err) {
      return await explain(err);
    }
  }
  let completed = false;
  try {
    for await (const entry of ex) yield { header: entry.header, body: body(entry as AsyncIterable<Buffer>) };
    await fed;
    if (feedError) throw feedError;
    completed = true;
  } catch (err) {
    return await explain(err);
  } finally {
    ex.destroy();
    if (!completed) await blob.return?.(undefined).catch(() => undefined);
  }
}

export async function extractContainerDisk(layers: readonly LayerSource[], stagingDir: string, image: string, signal?: AbortSignal): Promise<ExtractedDisk> {
  const tree = new DiskTree<StagedFile>();
  const drop = async (entries: DiskEntry<StagedFile>[]) => {
    for (const e of entries) if (e.data) await unlink(e.data.file).catch(() => undefined);
  };
  // On failure the caller removes the staging folder, and with it every file staged so far.
  for (const [index, layer] of layers.entries()) {
    tree.beginLayer(index);
    for await (const { header, body } of tarEntries(layer, image, signal)) {
      let change;
      try {
        change = classifyEntry(header.name);
      } catch (err) {
        if (err instanceof LayerPathError) throw new ContainerDiskContentError(`${image}: ${layer.label}: ${err.message}; refusing the image`);
        throw err;
      }
      const kind = kindOf(header.type);
      if (change.type === 'add' && kind === 'file') {
        const writer = await SparseFileWriter.create(path.join(stagingDir, `l${index}-${randomBytes(6).toString('hex')}`));
        try {
          for await (const chunk of body) await writer.write(chunk);
        } catch (err) {
          await writer.abandon();
          await unlink(writer.path).catch(() => undefined);
          throw err;
        }
        const staged = { file: writer.path, ...(await writer.finish()) };
        await drop(tree.record(change, kind, staged));
      } else {
        for await (const _ of body) {
          // not part of the disk: read past it
        }
        await drop(tree.record(change, kind, undefined, header.linkname ?? undefined));
      }
    }
    await drop(tree.commitLayer());
  }
  return chooseDisk(tree, image);
}

function describe(e: DiskEntry<unknown>): string {
  switch (e.kind) {
    case 'file':
      return e.name;
    case 'directory':
      return `${e.name}/ (a directory)`;
    case 'symlink':
      return `${e.name} -> ${e.target ?? '?'} (a symbolic link)`;
    case 'hardlink':
      return `${e.name} (a hard link to ${e.target ?? '?'})`;
    case 'other':
      return `${e.name} (not a regular file)`;
  }
}

function chooseDisk(tree: DiskTree<StagedFile>, image: string): ExtractedDisk {
  if (!tree.hasDiskDirectory()) throw new ContainerDiskContentError(`${image}: the image has no /disk folder, so it is not a containerDisk (KubeVirt boots the one file under /disk)`);
  const children = tree.children();
  if (children.length === 0) throw new ContainerDiskContentError(`${image}: /disk is empty once every layer is applied; a containerDisk holds exactly one disk file there`);
  if (children.length > 1) {
    throw new ContainerDiskContentError(`${image}: /disk holds ${children.length} entries (${children.map(describe).join(', ')}); a containerDisk holds exactly one disk file there, so which one to boot is ambiguous`);
  }
  const only = children[0]!;
  if (only.kind !== 'file' || !only.data) throw new ContainerDiskContentError(`${image}: the only entry under /disk is ${describe(only)}; a containerDisk holds the disk file itself`);
  return { name: only.name, ...only.data };
}
