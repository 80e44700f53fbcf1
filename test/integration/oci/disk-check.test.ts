/**
 * A disk that looks like qcow2 but is not whole is refused before anything is pushed, with a user
 * error (no stack trace): a 16-byte file with the qcow2 signature, and a real qcow2 (made by
 * qemu-img, written by qemu-io) cut short.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DiskFormatError, inspectDisk } from '../../../src/core/oci/disk-format.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-disk-check-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function realQcow2(name: string): string {
  const file = path.join(tmp, name);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', file, '16M']);
  execFileSync('qemu-io', ['-c', 'write -P 0xab 0 4M', file], { stdio: 'ignore' });
  return file;
}

describe('inspectDisk on qcow2 files that are not whole', () => {
  it('a 16-byte file with the qcow2 signature is a located user error', async () => {
    const file = path.join(tmp, 'tiny.qcow2');
    writeFileSync(file, Buffer.from([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0]));
    await expect(inspectDisk(file)).rejects.toThrow(new DiskFormatError(`${file}: 16 bytes with a qcow2 signature, shorter than a qcow2 header (104 bytes); the file is truncated or not a disk`));
  });

  it('a truncated qcow2 is refused by qemu-img check, naming what it found', async () => {
    const file = realQcow2('cut.qcow2');
    truncateSync(file, 2 * 1024 * 1024);
    // Before: published with success, failing only when a VM booted from it.
    await expect(inspectDisk(file)).rejects.toThrow(/cut\.qcow2: is corrupt or truncated \(qemu-img check: ERROR: counting reference for region exceeding the end of the file/);
  });

  it('a whole qcow2 passes', async () => {
    const file = realQcow2('whole.qcow2');
    expect(await inspectDisk(file)).toMatchObject({ format: 'qcow2', fileName: 'disk.qcow2' });
  });
});
