/**
 * Copying disk images without filling their holes. A raw image of a 20 GiB disk that holds 500 MB
 * must stay 500 MB on disk in the layer cache and in every output folder it is restored to, and the
 * copy must take the time of its data, not of its size.
 *
 * In order of preference:
 * 1. a reflink (FICLONE on btrfs/XFS, clonefile on APFS): no data copied at all. Node's
 *    COPYFILE_FICLONE_FORCE fails where the filesystem cannot, instead of silently copying.
 * 2. GNU cp with --sparse=always: coreutils ≥ 9 walks the source's data extents with
 *    SEEK_DATA/SEEK_HOLE (lseek(2)), which Node cannot call, so holes are skipped without being
 *    read, and runs of zeros inside data become holes too (coreutils src/copy.c, sparse_copy).
 * 3. where cp is not GNU's (BSD/macOS cp has no --sparse), a copy here: positioned reads, blocks of
 *    zeros skipped, the file's length set at the end. Holes are read (as zeros), so it is slower
 *    than cp, but what it writes is as sparse.
 */
import { constants } from 'node:fs';
import { copyFile, open, rm, stat } from 'node:fs/promises';
import { abortReason } from '../abort.js';
import { findOnPath } from '../find-on-path.js';
import { runTool, ToolError } from '../run-tool.js';

export type CopyMethod = 'reflink' | 'sparse-cp' | 'sparse-read';

/** Copies `from` to `to` (replaced if it exists), keeping holes; says how it copied. */
export async function copySparse(from: string, to: string, signal?: AbortSignal): Promise<CopyMethod> {
  if (signal?.aborted) throw abortReason(signal);
  try {
    await copyFile(from, to, constants.COPYFILE_FICLONE_FORCE);
    return 'reflink';
  } catch (err) {
    // Only "this filesystem cannot clone" falls through; a missing source or a full disk is the answer.
    if (!isNoReflink(err)) throw err;
  }
  if (findOnPath('cp')) {
    try {
      await runTool('cp', ['--sparse=always', '--reflink=never', '--', from, to], signal ? { signal } : {});
      return 'sparse-cp';
    } catch (err) {
      // A cp without GNU's options says so on stderr (usage); anything else is a real failure.
      if (!(err instanceof ToolError) || !/illegal option|unrecognized option|invalid option|usage:/i.test(err.stderr)) throw err;
    }
  }
  await copySkippingZeros(from, to, signal);
  return 'sparse-read';
}

function isNoReflink(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EXDEV' || code === 'EINVAL' || code === 'ENOSYS' || code === 'ENOTTY' || code === 'EBADF' || code === 'ERR_FS_CP_EINVAL';
}

/** Block size of the zero test: a filesystem's allocation unit, so every skipped block is a whole hole. */
const HOLE_BLOCK = 64 * 1024;
const READ_SIZE = 4 * 1024 * 1024;

/** The portable fallback: reads everything, writes only blocks that are not all zeros. */
export async function copySkippingZeros(from: string, to: string, signal?: AbortSignal): Promise<void> {
  const { size } = await stat(from);
  const src = await open(from, 'r');
  try {
    const dst = await open(to, 'w');
    try {
      const buf = Buffer.allocUnsafe(READ_SIZE);
      const zeros = Buffer.alloc(HOLE_BLOCK);
      for (let pos = 0; pos < size;) {
        if (signal?.aborted) throw abortReason(signal);
        const { bytesRead } = await src.read(buf, 0, Math.min(READ_SIZE, size - pos), pos);
        if (bytesRead === 0) break;
        // Consecutive non-zero blocks go out in one write.
        let runStart = -1;
        for (let off = 0; off < bytesRead; off += HOLE_BLOCK) {
          const end = Math.min(off + HOLE_BLOCK, bytesRead);
          const data = !buf.subarray(off, end).equals(zeros.subarray(0, end - off));
          if (data && runStart < 0) runStart = off;
          if (!data && runStart >= 0) {
            await dst.write(buf, runStart, off - runStart, pos + runStart);
            runStart = -1;
          }
        }
        if (runStart >= 0) await dst.write(buf, runStart, bytesRead - runStart, pos + runStart);
        pos += bytesRead;
      }
      await dst.truncate(size);
    } finally {
      await dst.close();
    }
  } catch (err) {
    await rm(to, { force: true });
    throw err;
  } finally {
    await src.close();
  }
}
