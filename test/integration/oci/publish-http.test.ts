/**
 * publishContainerDisk against a real docker-registry on plain http (127.0.0.1 gets http without
 * --insecure), every result read back with skopeo and GNU tar.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { publishCommand } from '../../../src/cli/commands/publish.js';
import { memoryLogger } from '../../../src/core/log.js';
import { publishContainerDisk } from '../../../src/core/oci/publish.js';
import { requireTool, skopeo, startRegistry, type TestRegistry } from '../../helpers/registry.js';
import { startCuttingProxy } from './cutting-proxy.js';
import { copyWithSkopeo, expectContainerDiskLayer, makeQcow2Disk, makeRawDisk, sha256OfFile } from './layer-check.js';

let registry: TestRegistry;
let work: string;
let rawDisk: string;

beforeAll(async () => {
  requireTool('skopeo', 'skopeo');
  requireTool('qemu-img', 'qemu-utils');
  work = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-publish-test-'));
  registry = await startRegistry();
  rawDisk = path.join(work, 'disk.img');
  // 7 MiB of random data: a layer of ~7 MiB, streamed in one PATCH of many pieces.
  await makeRawDisk(rawDisk, 7, 24);
});

afterAll(async () => {
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const inspect = (ref: string, raw = false) => JSON.parse(skopeo(['inspect', '--tls-verify=false', ...(raw ? ['--raw'] : []), `docker://${ref}`]).stdout) as Record<string, unknown>;

describe('publish to a plain-http registry', () => {
  test('pushes a raw disk under two tags; skopeo reads it back and the layer is the disk, owned 107:107', async () => {
    const { logger } = memoryLogger();
    const result = await publishContainerDisk({
      disk: rawDisk,
      refs: [`${registry.host}/disks/raw:v1`, `${registry.host}/disks/raw:latest`],
      labels: { 'com.example.os': 'testos' },
      build: { source: 'https://github.com/example/images', revision: 'abc123', title: 'test disk' },
      logger,
    });
    expect(result.refs).toEqual([`${registry.host}/disks/raw:v1`, `${registry.host}/disks/raw:latest`]);
    const info = inspect(`${registry.host}/disks/raw:v1`) as { Digest: string; RepoTags: string[]; Labels: Record<string, string>; Architecture: string };
    expect(info.Digest).toBe(result.digest);
    expect(info.RepoTags.sort()).toEqual(['latest', 'v1']);
    expect(info.Architecture).toBe('amd64');
    expect(info.Labels).toMatchObject({
      'com.example.os': 'testos',
      'org.opencontainers.image.source': 'https://github.com/example/images',
      'org.opencontainers.image.revision': 'abc123',
      'org.opencontainers.image.title': 'test disk',
    });
    const copied = copyWithSkopeo(`docker://${registry.host}/disks/raw:latest`, path.join(work, 'copy-raw'), ['--src-tls-verify=false']);
    expect(copied.manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(copied.manifest.layers[0]!.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip');
    const { sha256OfFile } = await import('./layer-check.js');
    expect(copied.config.config.Labels.shasum).toBe(await sha256OfFile(rawDisk));
    await expectContainerDiskLayer(copied.layerFile, 'disk.img', rawDisk, work);
  });

  test('a second push of the same disk uploads no blob', async () => {
    const refs = [`${registry.host}/disks/again:v1`];
    const first = await publishContainerDisk({ disk: rawDisk, refs, logger: memoryLogger().logger });
    const before = registry.requests().length;
    const { logger, lines } = memoryLogger();
    const second = await publishContainerDisk({ disk: rawDisk, refs, logger });
    const during = registry.requests().slice(before);
    expect(second.digest).toBe(first.digest);
    expect(second.uploadedBytes).toBe(0);
    expect(second.layers[0]!.reused).toBe(true);
    expect(during.filter((r) => r.method === 'PATCH' || (r.method === 'POST' && r.uri.includes('/blobs/uploads/')) || r.method === 'PUT')).toEqual([]);
    expect(lines.join('\n')).toMatch(/is already up to date/);
  });

  test('several repositories in one push: the layer is sent once and mounted into the others', async () => {
    const before = registry.requests().length;
    const result = await publishContainerDisk({
      disk: rawDisk,
      refs: [`${registry.host}/mount/a:v1`, `${registry.host}/mount/b:v1`, `${registry.host}/mount/b:v2`],
      logger: memoryLogger().logger,
    });
    const during = registry.requests().slice(before);
    const sessions = during.filter((r) => r.method === 'POST' && r.uri.includes('/blobs/uploads/') && !r.uri.includes('mount='));
    const layerPatches = during.filter((r) => r.method === 'PATCH');
    expect(layerPatches.every((r) => r.uri.startsWith('/v2/mount/a/'))).toBe(true);
    expect(during.some((r) => r.method === 'POST' && r.uri.startsWith('/v2/mount/b/blobs/uploads/?mount=') && r.status === 201)).toBe(true);
    // Layer and config are both mounted: nothing is uploaded to b.
    expect(sessions.filter((r) => r.uri.startsWith('/v2/mount/b/'))).toEqual([]);
    expect(during.filter((r) => r.uri.startsWith('/v2/mount/b/blobs/uploads/?mount=') && r.status === 201)).toHaveLength(2);
    expect((inspect(`${registry.host}/mount/b:v2`) as { Digest: string }).Digest).toBe(result.digest);
  });

  test('two registries in one push: each gets the layer, and every tag names the same digest', async () => {
    const second = await startRegistry();
    try {
      // An older push with another compression level: same disk (shasum), different layer bytes.
      await publishContainerDisk({ disk: rawDisk, refs: [`${registry.host}/two/disk:v1`], compressionLevel: 1, logger: memoryLogger().logger });
      const { logger, lines } = memoryLogger();
      const result = await publishContainerDisk({ disk: rawDisk, refs: [`${registry.host}/two/disk:v1`, `${second.host}/two/disk:v1`], logger });
      // The old layer cannot reach the second registry, so a fresh one goes to both.
      expect(lines.join('\n')).toMatch(/sending a fresh layer to every target/);
      const a = inspect(`${registry.host}/two/disk:v1`) as { Digest: string; Layers: string[] };
      const b = inspect(`${second.host}/two/disk:v1`) as { Digest: string; Layers: string[] };
      expect(a.Digest).toBe(result.digest);
      expect(b.Digest).toBe(result.digest);
      expect(a.Layers).toEqual(b.Layers);
    } finally {
      await second.stop();
    }
  });

  test('two platforms under one tag: an OCI index of qcow2 disks', async () => {
    const amd = path.join(work, 'amd64.qcow2');
    const arm = path.join(work, 'arm64.qcow2');
    await makeQcow2Disk(amd, 2, 16);
    await makeQcow2Disk(arm, 3, 16);
    const result = await publishContainerDisk({
      disk: [
        { path: amd, platform: 'linux/amd64' },
        { path: arm, platform: 'linux/arm64' },
      ],
      refs: [`${registry.host}/multi/disk:v1`],
      logger: memoryLogger().logger,
    });
    expect(result.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    const index = inspect(`${registry.host}/multi/disk:v1`, true) as { manifests: { platform: { architecture: string; os: string } }[] };
    expect(index.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`)).toEqual(['linux/amd64', 'linux/arm64']);
    const copied = copyWithSkopeo(`docker://${registry.host}/multi/disk:v1`, path.join(work, 'copy-arm'), ['--src-tls-verify=false', '--override-arch', 'arm64']);
    expect(copied.config.architecture).toBe('arm64');
    await expectContainerDiskLayer(copied.layerFile, 'disk.qcow2', arm, work);
  });

  test('--format docker pushes Docker v2 schema 2 media types', async () => {
    await publishContainerDisk({ disk: rawDisk, refs: [`${registry.host}/docker/disk:v1`], format: 'docker', logger: memoryLogger().logger });
    const manifest = inspect(`${registry.host}/docker/disk:v1`, true) as { mediaType: string; config: { mediaType: string }; layers: { mediaType: string }[] };
    expect(manifest.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(manifest.config.mediaType).toBe('application/vnd.docker.container.image.v1+json');
    expect(manifest.layers[0]!.mediaType).toBe('application/vnd.docker.image.rootfs.diff.tar.gzip');
  });

  test('zstd compression: skopeo and tar read the concatenated zstd frames', async () => {
    requireTool('zstd', 'zstd');
    await publishContainerDisk({ disk: rawDisk, refs: [`${registry.host}/zstd/disk:v1`], compression: 'zstd', logger: memoryLogger().logger });
    const copied = copyWithSkopeo(`docker://${registry.host}/zstd/disk:v1`, path.join(work, 'copy-zstd'), ['--src-tls-verify=false']);
    expect(copied.manifest.layers[0]!.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+zstd');
    await expectContainerDiskLayer(copied.layerFile, 'disk.img', rawDisk, work);
  });

  test('parallel-compressed layer of text, random and zero blocks: skopeo copies it, gzip reads it, digests hold', async () => {
    // Small blocks and two at a time: dozens of gzip members of every kind (deflated, stored, the
    // shared zero member), hashed on the worker thread and streamed piece by piece.
    const mixed = path.join(work, 'mixed.img');
    const text = Buffer.from('Package: ruddervirt\nVersion: 1.0\nDescription: a line that compresses well\n'.repeat(20_000));
    await writeFile(mixed, Buffer.concat([text, randomBytes(1024 * 1024), Buffer.alloc(1024 * 1024), text.subarray(0, 12_345)]));
    const result = await publishContainerDisk({ disk: mixed, refs: [`${registry.host}/mixed/disk:v1`], blockSize: 64 * 1024, concurrency: 2, logger: memoryLogger().logger });
    const copied = copyWithSkopeo(`docker://${registry.host}/mixed/disk:v1`, path.join(work, 'copy-mixed'), ['--src-tls-verify=false']);
    expect(`sha256:${await sha256OfFile(copied.layerFile)}`).toBe(result.layers[0]!.digest);
    const tar = execFileSync('gzip', ['-dc', copied.layerFile], { maxBuffer: 64 * 1024 * 1024 });
    expect(`sha256:${createHash('sha256').update(tar).digest('hex')}`).toBe(copied.config.rootfs.diff_ids[0]);
    expect(copied.config.config.Labels.shasum).toBe(await sha256OfFile(mixed));
    await expectContainerDiskLayer(copied.layerFile, 'disk.img', mixed, work);
  });

  test('fault: the connection is cut in the middle of the layer upload, and the push still succeeds with the right digest', async () => {
    // Cut after 6 MiB sent towards the registry: inside the one PATCH of the ~7 MiB layer, near its
    // end. docker-registry cancels the session, so the layer is produced and sent again.
    const proxy = await startCuttingProxy(registry.host, 6 * 1024 * 1024);
    try {
      const { logger, lines } = memoryLogger();
      const result = await publishContainerDisk({ disk: rawDisk, refs: [`${proxy.host}/fault/disk:v1`], logger });
      expect(proxy.cut()).toBe(true);
      expect(lines.join('\n')).toMatch(/resuming at byte|sending the layer again from the start/);
      const info = inspect(`${registry.host}/fault/disk:v1`) as { Digest: string; Layers: string[] };
      expect(info.Digest).toBe(result.digest);
      expect(info.Layers).toEqual([result.layers[0]!.digest]);
      const copied = copyWithSkopeo(`docker://${registry.host}/fault/disk:v1`, path.join(work, 'copy-fault'), ['--src-tls-verify=false']);
      await expectContainerDiskLayer(copied.layerFile, 'disk.img', rawDisk, work);
    } finally {
      await proxy.close();
    }
  });
});

describe('ruddervirt publish (the command)', () => {
  const io = () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: string[] = [];
    const err: string[] = [];
    stdout.on('data', (d: Buffer) => out.push(d.toString()));
    stderr.on('data', (d: Buffer) => err.push(d.toString()));
    return { io: { stdout, stderr, env: {}, cwd: work, signal: new AbortController().signal }, out, err };
  };

  test('prints IMAGE@sha256:… as its last line, the digest skopeo sees', async () => {
    const { io: cliIo, out } = io();
    const code = await publishCommand.run(['disk.img', `${registry.host}/cli/disk:v1`, '--label', 'tier=test', '--platform', 'linux/arm64'], cliIo);
    expect(code).toBe(0);
    const last = out.join('').trim().split('\n').pop()!;
    const info = inspect(`${registry.host}/cli/disk:v1`) as { Digest: string; Architecture: string; Labels: Record<string, string> };
    expect(last).toBe(`${registry.host}/cli/disk@${info.Digest}`);
    expect(info.Architecture).toBe('arm64');
    expect(info.Labels.tier).toBe('test');
  });

  test('--oci-layout writes a layout skopeo can read, with the same layer bytes', async () => {
    const { io: cliIo, out } = io();
    const code = await publishCommand.run(['disk.img', 'v7', '--oci-layout', 'layout'], cliIo);
    expect(code).toBe(0);
    const layout = path.join(work, 'layout');
    expect(out.join('').trim().split('\n').pop()).toMatch(new RegExp(`^${layout}@sha256:[a-f0-9]{64}$`));
    const info = JSON.parse(skopeo(['inspect', `oci:${layout}:v7`]).stdout) as { Labels: Record<string, string> };
    expect(info.Labels.shasum).toMatch(/^[a-f0-9]{64}$/);
    const copied = copyWithSkopeo(`oci:${layout}:v7`, path.join(work, 'copy-layout'));
    await expectContainerDiskLayer(copied.layerFile, 'disk.img', rawDisk, work);
  });
});
