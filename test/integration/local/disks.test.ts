import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { memoryLogger } from '../../../src/core/log.js';
import { convertDisk, isWriteLockError, parseConvertProgress } from '../../../src/core/disk/convert.js';
import { createBlankDisk, createOverlay } from '../../../src/engines/local/disks.js';
import { imageInfo } from '../../../src/core/disk/image-info.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-disks-test-'));
const MiB = 1024 * 1024;

beforeAll(() => {
  if (spawnSync('qemu-img', ['--version']).status !== 0) throw new Error('qemu-img is missing: apt-get install -y qemu-utils (scripts/setup.mjs installs it)');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes `text` at `offset` of a raw image through qemu-io, as a guest would. */
function writeGuestData(image: string, format: string, offset: number, byte: number, length: number): void {
  const r = spawnSync('qemu-io', ['-f', format, '-c', `write -P ${byte} ${offset} ${length}`, image], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
}

function readGuestPattern(image: string, format: string, offset: number, byte: number, length: number): boolean {
  const r = spawnSync('qemu-io', ['-f', format, '-c', `read -P ${byte} ${offset} ${length}`, image], { encoding: 'utf8' });
  return r.status === 0 && !/Pattern verification failed/.test(r.stdout + r.stderr);
}

describe('disks (real qemu-img)', () => {
  it('creates a blank qcow2 disk of the asked size', async () => {
    const file = path.join(tmp, 'blank.qcow2');
    await createBlankDisk(file, 64 * MiB);
    expect(await imageInfo(file)).toMatchObject({ format: 'qcow2', virtualSize: 64 * MiB });
  });

  it('makes a growing overlay on a source without ever writing to the source', async () => {
    const source = path.join(tmp, 'source.raw');
    writeFileSync(source, Buffer.alloc(8 * MiB));
    writeGuestData(source, 'raw', 0, 0x5a, 4096);
    const overlay = path.join(tmp, 'root.qcow2');
    const info = await createOverlay({ source, destination: overlay, sizeBytes: 32 * MiB, what: 'vm web: disks.root' });
    expect(info).toMatchObject({ format: 'raw', virtualSize: 8 * MiB });
    expect(await imageInfo(overlay)).toMatchObject({ format: 'qcow2', virtualSize: 32 * MiB, backingFile: source });
    expect(readGuestPattern(overlay, 'qcow2', 0, 0x5a, 4096)).toBe(true);
    writeGuestData(overlay, 'qcow2', 0, 0x11, 4096);
    expect(readGuestPattern(source, 'raw', 0, 0x5a, 4096)).toBe(true);
  });

  it('refuses to shrink below the source, saying by how much', async () => {
    const source = path.join(tmp, 'big.qcow2');
    await createBlankDisk(source, 100 * MiB);
    const attempt = createOverlay({ source, destination: path.join(tmp, 'small.qcow2'), sizeBytes: 10 * MiB, what: 'vm web: disks.root' });
    await expect(attempt).rejects.toThrow(UserError);
    await expect(createOverlay({ source, destination: path.join(tmp, 'small.qcow2'), sizeBytes: 10 * MiB, what: 'vm web: disks.root' })).rejects.toThrow(
      /vm web: disks\.root: size 10\.0 MiB is smaller than the source image .*\(100\.0 MiB\)/,
    );
    expect(existsSync(path.join(tmp, 'small.qcow2'))).toBe(false);
  });

  it('exports a backed overlay as a standalone compressed qcow2 and as raw, with progress', async () => {
    const source = path.join(tmp, 'base.qcow2');
    await createBlankDisk(source, 48 * MiB);
    writeGuestData(source, 'qcow2', 0, 0x41, 1 * MiB);
    const overlay = path.join(tmp, 'top.qcow2');
    await createOverlay({ source, destination: overlay, sizeBytes: 48 * MiB, what: 'root' });
    writeGuestData(overlay, 'qcow2', 16 * MiB, 0x42, 1 * MiB);

    const { logger, lines } = memoryLogger();
    const out = path.join(tmp, 'out', 'web.qcow2');
    mkdirSync(path.dirname(out), { recursive: true });
    await convertDisk({ source: overlay, destination: out, format: 'qcow2', compress: true, logger, signal: AbortSignal.timeout(60_000) });
    const info = await imageInfo(out);
    expect(info).toMatchObject({ format: 'qcow2', virtualSize: 48 * MiB });
    expect(info.backingFile).toBeUndefined();
    expect(readGuestPattern(out, 'qcow2', 0, 0x41, MiB)).toBe(true);
    expect(readGuestPattern(out, 'qcow2', 16 * MiB, 0x42, MiB)).toBe(true);
    expect(lines.filter((l) => l.includes('export web.qcow2')).at(-1)).toMatch(/48\.0 MiB \/ 48\.0 MiB \(100\.0%\) qcow2, zstd-compressed/);
    expect(readdirSync(path.dirname(out))).toEqual(['web.qcow2']);
    expect(compressionType(out)).toBe('zstd');

    // zlib, for readers older than QEMU 5.1: the same contents.
    const zlib = path.join(tmp, 'out', 'web-zlib.qcow2');
    await convertDisk({ source: overlay, destination: zlib, format: 'qcow2', compress: true, compressionType: 'zlib', logger, signal: AbortSignal.timeout(60_000) });
    expect(compressionType(zlib)).toBe('zlib');
    expect(readGuestPattern(zlib, 'qcow2', 16 * MiB, 0x42, MiB)).toBe(true);
    rmSync(zlib);

    const raw = path.join(tmp, 'out', 'web.img');
    const { logger: l2, lines: lines2 } = memoryLogger();
    await convertDisk({ source: overlay, destination: raw, format: 'raw', compress: true, logger: l2, signal: AbortSignal.timeout(60_000) });
    expect(await imageInfo(raw)).toMatchObject({ format: 'raw', virtualSize: 48 * MiB });
    expect(readGuestPattern(raw, 'raw', 16 * MiB, 0x42, MiB)).toBe(true);
    expect(lines2.some((l) => l.startsWith('warn:') && l.includes('raw images cannot be compressed'))).toBe(true);
  });

  it('retries while a running QEMU still holds the write lock, then succeeds (real QEMU holding the disk)', async () => {
    const disk = path.join(tmp, 'locked.qcow2');
    await createBlankDisk(disk, 16 * MiB);
    // A paused VM with the disk attached holds QEMU's image locks, as a VM that is shutting down does.
    const qemu = spawn('qemu-system-x86_64', ['-machine', 'none', '-nodefaults', '-display', 'none', '-S', '-drive', `if=none,id=d,file=${disk},format=qcow2`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let qemuStderr = '';
    qemu.stderr.on('data', (d: Buffer) => (qemuStderr += d.toString()));
    let qemuExited = false;
    qemu.on('exit', () => (qemuExited = true));
    try {
      // Watched in /proc/locks, not by trying the disk: a probing qemu-img holds the image while it
      // runs, and a QEMU that opens the disk then fails to get its write lock and exits.
      const lockedUntil = Date.now() + 60_000;
      while (!holdsImageLocks(disk)) {
        if (qemuExited) throw new Error(`QEMU exited before locking the disk: ${qemuStderr}`);
        if (Date.now() > lockedUntil) throw new Error('QEMU did not lock the disk within 60 s');
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(isWriteLockError(spawnSync('qemu-img', ['info', disk], { encoding: 'utf8' }).stderr)).toBe(true);
      const { logger, lines } = memoryLogger();
      setTimeout(() => qemu.kill('SIGTERM'), 700);
      await convertDisk({ source: disk, destination: path.join(tmp, 'unlocked.raw'), format: 'raw', compress: false, logger, signal: AbortSignal.timeout(60_000), retryDelayMs: 250 });
      expect(lines.some((l) => l.includes('still locked by QEMU; retrying (1/10)'))).toBe(true);
      expect(await imageInfo(path.join(tmp, 'unlocked.raw'))).toMatchObject({ format: 'raw', virtualSize: 16 * MiB });
    } finally {
      qemu.kill('SIGKILL');
    }
  }, 120_000);

  it('a failing qemu-img says what it said', async () => {
    await expect(imageInfo(path.join(tmp, 'absent.qcow2'))).rejects.toThrow(/qemu-img info .*absent\.qcow2 failed \(exit 1\):\n.*(No such file|Could not open)/);
  });
});

describe('qemu-img progress parsing', () => {
  it('reads the figures of -p output', () => {
    expect(parseConvertProgress('    (0.00/100%)\r    (12.50/100%)\r    (100.00/100%)\r\n')).toEqual([0, 12.5, 100]);
    expect(parseConvertProgress('garbage (3/100%) (101/100%)')).toEqual([3]);
    expect(parseConvertProgress('')).toEqual([]);
  });

  it('property: the figures written by qemu-img come back in order, whatever surrounds them', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10000 }).map((n) => n / 100)), fc.array(fc.string().filter((s) => !s.includes('/100%'))), (pcts, noise) => {
        const text = pcts.map((p, i) => `${noise[i] ?? ''}    (${p.toFixed(2)}/100%)\r`).join('');
        expect(parseConvertProgress(text)).toEqual(pcts);
      }),
    );
  });

  it('recognises both forms of the write-lock error', () => {
    expect(isWriteLockError('qemu-img: Could not open \'x\': Failed to get shared "write" lock\nIs another process using the image [x]?')).toBe(true);
    expect(isWriteLockError('Failed to get "write" lock')).toBe(true);
    expect(isWriteLockError('No such file or directory')).toBe(false);
  });
});

/** Whether any process holds a POSIX/OFD lock on `file` (QEMU's image locks), from /proc/locks. */
function holdsImageLocks(file: string): boolean {
  const ino = statSync(file).ino;
  return readFileSync('/proc/locks', 'utf8')
    .split('\n')
    .some((line) => line.split(/\s+/).some((field) => field.endsWith(`:${ino}`)));
}

function compressionType(image: string): string {
  const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', image], { encoding: 'utf8' })) as { 'format-specific'?: { data?: { 'compression-type'?: string } } };
  return info['format-specific']?.data?.['compression-type'] ?? '';
}
