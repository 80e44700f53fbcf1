/**
 * Where a disk image's guest-visible data lies in its files, so it can be read with plain
 * positioned reads instead of through qemu-img: `qemu-img map --output=json` lists the guest
 * ranges of the whole backing chain, each with the depth of the image that holds it and, when its
 * bytes are stored as they are, their offset in that image's file (qemu/qemu qemu-img.c
 * dump_map_entry, BDRV_BLOCK_OFFSET_VALID, @v7.2.0). A range without an offset (a compressed or
 * encrypted cluster, a format whose data is not a plain run of bytes) makes the map unreadable here,
 * and the caller goes through qemu-img instead.
 */
import { existsSync } from 'node:fs';
import { runTool } from '../run-tool.js';

/** Guest bytes [start, start + length) are the file's bytes at [offset, offset + length). */
export interface DataExtent {
  start: number;
  length: number;
  file: string;
  offset: number;
}

export interface GuestDataMap {
  virtualSize: number;
  /** In guest order, not overlapping; every guest byte outside them reads as zero. */
  extents: DataExtent[];
}

export type GuestDataMapResult = { map: GuestDataMap } | { unreadable: string };

interface ChainEntry {
  filename?: unknown;
  format?: unknown;
  'virtual-size'?: unknown;
  encrypted?: unknown;
  'format-specific'?: { type?: unknown; data?: { 'data-file'?: unknown } };
}

interface MapEntry {
  start: number;
  length: number;
  depth?: number;
  zero: boolean;
  data: boolean;
  offset?: number;
}

/**
 * Formats whose map offsets are offsets in the image's own file: raw, and qcow2 without an
 * external data file. Others (vmdk's extent files, vhdx, …) go through qemu-img.
 */
const PLAIN_FORMATS = new Set(['raw', 'qcow2']);

export async function guestDataMap(source: string, signal?: AbortSignal): Promise<GuestDataMapResult> {
  const opts = signal ? { signal } : {};
  // Without -U: like qemu-img convert, this fails while a VM still holds the image's write lock,
  // which the caller retries on.
  const chainOut = await runTool('qemu-img', ['info', '--backing-chain', '--output=json', source], opts);
  const chain = JSON.parse(chainOut.stdout) as ChainEntry[] | ChainEntry;
  const images = Array.isArray(chain) ? chain : [chain];
  const files: string[] = [];
  for (const [depth, image] of images.entries()) {
    const what = depth === 0 ? source : `backing image ${depth} of ${source}`;
    if (typeof image.format !== 'string' || !PLAIN_FORMATS.has(image.format)) return { unreadable: `${what} is ${String(image.format)}, not raw or qcow2` };
    if (image.encrypted === true) return { unreadable: `${what} is encrypted` };
    if (image['format-specific']?.data?.['data-file'] !== undefined) return { unreadable: `${what} keeps its data in an external data file` };
    if (typeof image.filename !== 'string' || image.filename.startsWith('json:') || !existsSync(image.filename)) return { unreadable: `${what} is not a local file` };
    files.push(image.filename);
  }
  const virtualSize = images[0]?.['virtual-size'];
  if (typeof virtualSize !== 'number') throw new Error(`qemu-img info ${source}: no virtual size in ${chainOut.stdout.slice(0, 200)}`);

  const mapOut = await runTool('qemu-img', ['map', '--output=json', source], opts);
  const extents: DataExtent[] = [];
  for (const e of JSON.parse(mapOut.stdout) as MapEntry[]) {
    // Zero clusters, unallocated ranges and holes: nothing to read.
    if (!e.data || e.zero) continue;
    const file = files[e.depth ?? 0];
    if (e.offset === undefined || file === undefined) return { unreadable: `guest bytes ${e.start}-${e.start + e.length} of ${source} are not stored as plain bytes (compressed or encrypted)` };
    const last = extents.at(-1);
    // qemu-img splits a contiguous run where its status flags change; join what is one read.
    if (last && last.file === file && last.start + last.length === e.start && last.offset + last.length === e.offset) last.length += e.length;
    else extents.push({ start: e.start, length: e.length, file, offset: e.offset });
  }
  return { map: { virtualSize, extents } };
}
