/**
 * Which file name the disk gets inside the containerDisk, and the checks KubeVirt would otherwise
 * make at VM start (pkg/os/disk/validation.go): qcow2 or raw only, and a qcow2 without a backing
 * file. Failing here saves a push of gigabytes that no VM could boot.
 */
import { UserError } from '../errors.js';
import { NotRegularFileError, openRegularFile } from '../regular-file.js';
import { runTool, ToolError } from '../run-tool.js';

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
      throw new DiskFormatError(`${path}: this qcow2 has a backing file, which a containerDisk cannot carry; flatten it first (qemu-img convert -O qcow2 ${path} flat.qcow2)`);
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
    if (format === 'qcow2') {
      // A qcow2 header is 72 bytes (version 2) or 104 (version 3): anything shorter is not a disk.
      const need = header.readUInt32BE(4) >= 3 ? 104 : 72;
      if (st.size < need) throw new DiskFormatError(`${path}: ${st.size} bytes with a qcow2 signature, shorter than a qcow2 header (${need} bytes); the file is truncated or not a disk`);
    }
    const info = { format, size: st.size, mtime: Math.floor(st.mtimeMs / 1000), fileName: format === 'qcow2' ? 'disk.qcow2' : 'disk.img' };
    if (format === 'qcow2') await checkQcow2(path);
    return info;
  } finally {
    await fh.close();
  }
}

/**
 * `qemu-img check`: a truncated or corrupt qcow2 (a copy cut short, a build killed mid-convert)
 * would otherwise be pushed and only fail when a VM boots from it. Exit codes (qemu-img(1)): 0 clean,
 * 1 not checked (cannot open), 2 corruption, 3 leaked clusters only (harmless, kept), 63 unsupported.
 * Without qemu-img on the host the check is skipped; the header checks above still ran.
 */
export async function checkQcow2(path: string, signal?: AbortSignal): Promise<void> {
  try {
    await runTool('qemu-img', ['check', '-f', 'qcow2', path], signal ? { signal } : {});
  } catch (err) {
    if (err instanceof ToolError) {
      if (err.exitCode === 3 || err.exitCode === 63) return;
      const detail = err.stderr.trim().split('\n').filter(Boolean);
      const shown = detail.slice(0, 3).join('; ') + (detail.length > 3 ? `; … (${detail.length} lines)` : '');
      const what = err.exitCode === 2 ? 'is corrupt or truncated' : 'cannot be read as a qcow2';
      throw new DiskFormatError(`${path}: ${what} (qemu-img check: ${shown || `exit ${err.exitCode}`}); not publishing it`);
    }
    if (err instanceof UserError && /was not found on PATH/.test(err.message)) return;
    throw err;
  }
}
