/**
 * A remote write that fails part way must not leave the local file open. The remote is a stub
 * (a remote that breaks after its first chunk cannot be arranged on demand with a real sshd);
 * the file and the open descriptors, read from /proc/self/fd, are real.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { RemoteFs } from '../../../src/core/communicator/remote-fs.js';
import { uploadLocalPath } from '../../../src/core/communicator/transfer.js';
import { openFilesUnder } from '../../helpers/open-files.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-upload-fd-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Stub remote: takes one chunk of every file, then fails as a full remote disk would. */
function remoteThatBreaksAfterOneChunk(): RemoteFs {
  return {
    kind: 'stub',
    mkdirp: async () => undefined,
    stat: async () => undefined,
    list: async () => [],
    readFile: async () => undefined,
    remove: async () => undefined,
    writeFile: (_file: string, data: Readable) =>
      new Promise((_resolve, reject) => {
        data.once('data', () => {
          data.pause();
          reject(new Error('write failed: no space left on device'));
        });
      }),
  };
}

describe('uploadLocalPath when the remote write fails part way (stub remote)', () => {
  it('reports the failure and closes the local file', async () => {
    const file = path.join(tmp, 'disk.img');
    writeFileSync(file, Buffer.alloc(16 * 1024 * 1024, 1));
    await expect(uploadLocalPath(remoteThatBreaksAfterOneChunk(), file, '/tmp/disk.img')).rejects.toThrow(/no space left/);
    // Closing is asynchronous (the fs thread pool); without the fix the file stays open until
    // garbage collection.
    await expect.poll(() => openFilesUnder(tmp), { timeout: 5_000 }).toEqual([]);
  });
});
