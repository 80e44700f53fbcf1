/** `ruddervirt publish` arguments, and publishing to an OCI layout (no registry needed). */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UsageError } from '../../../src/cli/command.js';
import { UserError } from '../../../src/core/errors.js';
import { publishCommand } from '../../../src/cli/commands/publish.js';
import { memoryLogger } from '../../../src/core/log.js';
import { publishContainerDisk } from '../../../src/core/oci/publish.js';

let work: string;
let disk: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-publish-cmd-'));
  disk = path.join(work, 'disk.img');
  await writeFile(disk, randomBytes(300_000));
  await truncate(disk, 3_000_000);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function io(env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  return { io: { stdout, stderr, env, cwd: work, signal: new AbortController().signal }, out: () => out, err: () => err };
}

describe('argument errors are UsageErrors that say what was expected', () => {
  test.each([
    [[], /missing DISK/],
    [['disk.img'], /missing IMAGE_REF/],
    [['disk.img', 'r/x', '--compression', 'xz'], /--compression must be gzip or zstd/],
    [['disk.img', 'r/x', '--format', 'v1'], /--format must be oci or docker/],
    [['disk.img', 'r/x', '--compression-level', 'high'], /whole number/],
    [['disk.img', 'r/x', '--label', 'novalue'], /--label expects key=value/],
    [['--disk', 'linux/amd64', 'r/x'], /--disk expects PLATFORM=PATH/],
    [['--disk', 'linux/amd64=a.img', '--platform', 'linux/arm64', 'r/x'], /--platform is for a single DISK/],
    [['disk.img', 'r/x', '--username', 'u'], /--password-file or RUDDERVIRT_REGISTRY_PASSWORD/],
    [['disk.img', 'r/x', '--bogus'], /Unknown option/],
  ])('%j', async (args, message) => {
    const err = await publishCommand.run(args, io().io).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
  });
});

describe('user mistakes are UserErrors', () => {
  test.each([
    [{ refs: ['127.0.0.1:1/x@sha256:' + 'a'.repeat(64)] }, /a digest reference names content/],
    [{ refs: ['Bad Ref'] }, /invalid image reference/],
    [{ refs: ['r/x'], format: 'docker' as const, compression: 'zstd' as const }, /no zstd layer type/],
    [{ refs: ['r/x'], compressionLevel: 12 }, /gzip level 12 is out of range \(expected 1-9\)/],
    [{ refs: ['r/x'], platform: 'linux/x86' }, /unknown architecture 'x86'/],
    [{ refs: ['r/x'], labels: { 'bad key': 'v' } }, /label key 'bad key'/],
    [{ refs: [] }, /no image reference/],
    [{ refs: ['r/x'], build: { created: 'yesterday' } }, /not an RFC 3339 date/],
  ])('%j', async (opts, message) => {
    const err = await publishContainerDisk({ disk, logger: memoryLogger().logger, ...opts }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(message);
  });

  test('a missing disk names the file', async () => {
    const code = await publishCommand.run(['nope.img', 'r/x'], io().io).catch((e: unknown) => e);
    expect(code).toBeInstanceOf(UserError);
    expect((code as Error).message).toMatch(/nope\.img: no such disk file/);
  });

  test('two disks for one platform', async () => {
    const err = await publishContainerDisk({
      disk: [
        { path: disk, platform: 'linux/amd64' },
        { path: disk, platform: 'linux/x86_64' },
      ],
      refs: ['r/x'],
      logger: memoryLogger().logger,
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/two disks are given for platform linux\/amd64/);
  });
});

describe('OCI layout output', () => {
  test('the same disk written twice reuses the layer (shasum label) and yields the same digest', async () => {
    const layout = path.join(work, 'layout');
    const first = await publishContainerDisk({ disk, refs: ['v1'], ociLayout: layout, logger: memoryLogger().logger });
    const { logger, lines } = memoryLogger();
    const second = await publishContainerDisk({ disk, refs: ['v1', 'example.com/a/b:v2'], ociLayout: layout, logger });
    expect(second.digest).toBe(first.digest);
    expect(second.uploadedBytes).toBe(0);
    expect(lines.join('\n')).toMatch(/unchanged \(shasum label matches/);
    const index = JSON.parse(await readFile(path.join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations: Record<string, string> }[] };
    expect(index.manifests.map((m) => m.annotations['org.opencontainers.image.ref.name']).sort()).toEqual(['v1', 'v2']);
    expect(new Set(index.manifests.map((m) => m.digest))).toEqual(new Set([first.digest]));
    // No half-written blob is left behind.
    expect((await readdir(path.join(layout, 'blobs', 'sha256'))).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  test('the created time comes from SOURCE_DATE_EPOCH when set', async () => {
    const layout = path.join(work, 'layout-epoch');
    const r = await publishContainerDisk({ disk, refs: ['t'], ociLayout: layout, env: { SOURCE_DATE_EPOCH: '1700000000' }, logger: memoryLogger().logger });
    const manifest = JSON.parse(await readFile(path.join(layout, 'blobs', 'sha256', r.digest.slice(7)), 'utf8')) as { annotations: Record<string, string> };
    expect(manifest.annotations['org.opencontainers.image.created']).toBe('2023-11-14T22:13:20Z');
  });

  test('an aborted publish stops, and leaves no partial blob', async () => {
    const layout = path.join(work, 'layout-abort');
    const controller = new AbortController();
    const { logger } = memoryLogger();
    const big = path.join(work, 'big.img');
    await writeFile(big, randomBytes(4_000_000));
    const pending = publishContainerDisk({ disk: big, refs: ['x'], ociLayout: layout, logger, signal: controller.signal, blockSize: 65536, concurrency: 1 });
    setTimeout(() => controller.abort(new Error('stop now')), 20);
    await expect(pending).rejects.toThrow(/stop now/);
    expect((await readdir(path.join(layout, 'blobs', 'sha256'))).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  test('the command prints DIR@digest last; on a terminal progress rewrites one line', async () => {
    const t = io();
    (t.io.stderr as unknown as { isTTY: boolean }).isTTY = true;
    const code = await publishCommand.run(['disk.img', '--oci-layout', 'layout-cli', '--title', 'My disk'], t.io);
    expect(code).toBe(0);
    expect(t.out().trim().split('\n').pop()).toMatch(/layout-cli@sha256:[a-f0-9]{64}$/);
    expect(t.err()).toContain('\r\x1b[K');
  });
});
