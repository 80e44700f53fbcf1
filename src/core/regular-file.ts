/**
 * Opening a file the build file names, when only a regular file makes sense (a script, a served
 * file, a disk to publish). A plain open() of a FIFO blocks until a writer appears — for ever — and
 * reading /dev/zero or /dev/urandom never ends. So the file is opened with O_NONBLOCK (a FIFO then
 * opens at once, see fifo(7)), checked with fstat on the descriptor itself (no race with a rename),
 * and refused unless it is a regular file. /proc and /sys hold "regular" files that are not files
 * (/proc/self/mem, /proc/kmsg block or fail on read), so those file systems are refused too.
 */
import { constants, type Stats } from 'node:fs';
import { open, statfs, type FileHandle } from 'node:fs/promises';
import { UserError } from './errors.js';

// statfs(2) f_type values (linux/magic.h).
const PROC_SUPER_MAGIC = 0x9fa0;
const SYSFS_MAGIC = 0x62656572;

export class NotRegularFileError extends UserError {
  override name = 'NotRegularFileError';
  constructor(
    readonly file: string,
    readonly kind: string,
  ) {
    super(`${file} is ${kind}, not a regular file`);
  }
}

/** "a FIFO (named pipe)", "a character device" … for messages. */
export function describeFileType(st: Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'a special file';
}

/**
 * Opens `file` for reading when it is a regular file on an ordinary file system; otherwise throws
 * NotRegularFileError without ever blocking. The caller closes the handle.
 */
export async function openRegularFile(file: string): Promise<{ handle: FileHandle; stats: Stats }> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new NotRegularFileError(file, describeFileType(stats));
    const fs = await statfs(file);
    if (fs.type === PROC_SUPER_MAGIC || fs.type === SYSFS_MAGIC) throw new NotRegularFileError(file, 'a kernel interface file (/proc or /sys)');
    return { handle, stats };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Whether `stats` (from stat, which never blocks) describe a file openRegularFile would accept, or why not. */
export function regularFileProblem(stats: Stats): string | undefined {
  return stats.isFile() ? undefined : `${describeFileType(stats)}, not a regular file`;
}
