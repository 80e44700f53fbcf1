/**
 * Which file name the disk gets inside the containerDisk, and the checks KubeVirt would otherwise
 * make at VM start (pkg/os/disk/validation.go): qcow2 or raw only, and a qcow2 without a backing
 * file. Failing here saves a push of gigabytes that no VM could boot.
 */
import { NotRegularFileError, openRegularFile } from '../regular-file.js';

export type DiskFormat = 'qcow2' | 'raw';

export interface DiskInfo {
  format: DiskFormat;
  size: number;
  /** Seconds since the epoch; the default image creation time, so a re-push of an unchanged file is byte-identical. */
  mtime: number;
  /** disk.qcow2 or disk.img, the names KubeVirt's own images use. */
  fileName: string;
}

export class DiskFormatError extends Error {
  override name = 'DiskFormatError';
}

const QCOW2_MAGIC = Buffer.from([0x51, 0x46, 0x49, 0xfb]);
const QCOW2_EXTERNAL_DATA_FILE = 1n << 2n;
const COMPRESSED_FILES: [string, Buffer][] = [
  ['gzip', Buffer.from([0x1f, 0x8b])],
  ['xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])],
  ['zstd', Buffer.from([0x28, 0xb5, 0x2f, 0xfd])],
  ['bzip2', Buffer.from('BZh')],
];

export function classifyDiskHeader(path: string, header: Buffer): DiskFormat {
  if (header.subarray(0, 4).equals(QCOW2_MAGIC)) {
    const version = header.readUInt32BE(4);
    const backingFileOffset = header.readBigUInt64BE(8);
    if (backingFileOffset !== 0n) {
      throw new DiskFormatError(
        `${path}: this qcow2 has a backing file, which a containerDisk cannot carry; flatten it first (qemu-img convert -O qcow2 ${path} flat.qcow2)`,
      );
    }
    if (version >= 3 && header.length >= 80 && (header.readBigUInt64BE(72) & QCOW2_EXTERNAL_DATA_FILE) !== 0n) {
      throw new DiskFormatError(`${path}: this qcow2 keeps its data in an external file; convert it to a self-contained qcow2 first`);
    }
    return 'qcow2';
  }
  for (const [name, magic] of COMPRESSED_FILES) {
    if (header.subarray(0, magic.length).equals(magic)) {
      throw new DiskFormatError(`${path}: this is a ${name}-compressed file; a containerDisk holds a qcow2 or raw disk, so decompress it first`);
    }
  }
  return 'raw';
}

export async function inspectDisk(path: string): Promise<DiskInfo> {
  let fh;
  let st;
  try {
    // Without blocking: a plain open() of a FIFO waits for a writer for ever.
    ({ handle: fh, stats: st } = await openRegularFile(path));
  } catch (err) {
    if (err instanceof NotRegularFileError) throw new DiskFormatError(`${path}: ${err.kind}, not a regular file; expected a qcow2 or raw disk file`);
    const code = (err as NodeJS.ErrnoException).code;
    throw new DiskFormatError(code === 'ENOENT' ? `${path}: no such disk file` : `${path}: cannot open the disk (${code ?? String(err)})`);
  }
  try {
    if (st.size === 0) throw new DiskFormatError(`${path}: the disk file is empty`);
    const header = Buffer.alloc(Math.min(512, st.size));
    await fh.read(header, 0, header.length, 0);
    const format = classifyDiskHeader(path, header);
    return { format, size: st.size, mtime: Math.floor(st.mtimeMs / 1000), fileName: format === 'qcow2' ? 'disk.qcow2' : 'disk.img' };
  } finally {
    await fh.close();
  }
}
