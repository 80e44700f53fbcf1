/**
 * pullContainerDisk against a real docker-registry on loopback, with images made three ways — by
 * our publish, by skopeo from a docker-archive (two gzip layers, the disk in the second, a
 * whiteout hiding the first layer's file), by skopeo from an OCI layout (a two-platform index of
 * zstd layers) — each extracted byte-identical to its input disk. Then the failures: a tampered
 * blob, a connection cut mid-blob, and the registry gone with and without a cached disk.
 */
import { mkdir, readFile, rm, mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { pruneCommand } from '../../../src/cli/commands/prune.js';
import { runCli } from '../../../src/cli/run.js';
import { memoryLogger } from '../../../src/core/log.js';
import { publishContainerDisk } from '../../../src/core/oci/publish.js';
import { containerDiskSettingsFromEnv, createContainerDiskSource } from '../../../src/core/oci/pull/container-disk-source.js';
import { pullContainerDisk, resolveContainerDisk } from '../../../src/core/oci/pull/pull.js';
import { memoryIo } from '../../helpers/cli-io.js';
import { requireTool, skopeo, startRegistry, type TestRegistry } from '../../helpers/registry.js';
import { startCuttingProxy } from './cutting-proxy.js';
import { makeQcow2Disk, makeRawDisk, sha256OfFile } from './layer-check.js';
import { makeDockerArchive, makeTwoPlatformLayout, tarOf } from './pull-images.js';

let registry: TestRegistry;
let work: string;
let rawDisk: string;

beforeAll(async () => {
  requireTool('skopeo', 'skopeo');
  requireTool('qemu-img', 'qemu-utils');
  work = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-pull-test-'));
  registry = await startRegistry();
  rawDisk = path.join(work, 'disk.img');
  // 3 MiB of random data, then 13 MiB of zeros that must stay a hole after the pull.
  await makeRawDisk(rawDisk, 3, 16);
  await publishContainerDisk({ disk: rawDisk, refs: [`${registry.host}/pull/published:v1`], logger: memoryLogger().logger });
});

afterAll(async () => {
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const inspectDigest = (ref: string) => (JSON.parse(skopeo(['inspect', '--tls-verify=false', `docker://${ref}`]).stdout) as { Digest: string }).Digest;
const rawManifest = (ref: string) => JSON.parse(skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${ref}`]).stdout) as Record<string, unknown>;
const freshCache = () => mkdtemp(path.join(work, 'cache-'));

async function expectSameBytes(a: string, b: string): Promise<void> {
  expect((await stat(a)).size).toBe((await stat(b)).size);
  expect((await readFile(a)).equals(await readFile(b))).toBe(true);
}

describe('pull a containerDisk', { timeout: 120_000 }, () => {
  test('published by us: extracted byte-identical and sparse, cached by digest with its .sha256; the second pull reads no layer', async () => {
    const cacheDir = await freshCache();
    const image = `${registry.host}/pull/published:v1`;
    // What a pull killed with SIGKILL leaves: swept by the next pull.
    await mkdir(path.join(cacheDir, '.staging-999999999-dead', 'x'), { recursive: true });
    const { logger, lines } = memoryLogger();
    const before = registry.requests().length;
    const pulled = await pullContainerDisk({ image, cacheDir, logger, progressIntervalMs: 0 });
    expect(pulled.fromCache).toBe(false);
    expect(pulled.digest).toBe(inspectDigest(image));
    expect(pulled.name).toBe('disk.img');
    expect(pulled.format).toBe('raw');
    await expectSameBytes(pulled.path, rawDisk);
    expect(`sha256:${pulled.sha256}`).toBe(`sha256:${await sha256OfFile(rawDisk)}`);
    const st = await stat(pulled.path);
    // 3 MiB of data in a 16 MiB disk: the zeros were not written.
    expect(st.blocks * 512).toBeLessThan(5 * 1024 * 1024);
    expect(path.dirname(pulled.path)).toBe(path.join(cacheDir, pulled.digest.slice(7)));
    expect(await readFile(`${pulled.path}.sha256`, 'utf8')).toBe(`${pulled.sha256}  disk.img\n`);
    expect(lines.some((l) => /pull .*published:v1 .*MiB .*MB\/s/.test(l))).toBe(true);
    const layer = (rawManifest(image) as { layers: { digest: string }[] }).layers[0]!.digest;
    const layerGets = registry
      .requests()
      .slice(before)
      .filter((r) => r.method === 'GET' && r.uri.endsWith(`/blobs/${layer}`));
    expect(layerGets).toHaveLength(1);

    const mid = registry.requests().length;
    const again = await pullContainerDisk({ image, cacheDir, logger: memoryLogger().logger });
    expect(again.fromCache).toBe(true);
    expect(again.path).toBe(pulled.path);
    expect(
      registry
        .requests()
        .slice(mid)
        .filter((r) => r.uri.includes('/blobs/')),
    ).toEqual([]);
    // Nothing but the entry and the tag records is left in the cache folder.
    expect((await readdir(cacheDir)).sort()).toEqual([pulled.digest.slice(7), 'tags'].sort());
  });

  test('two builds pulling one image into one cache at once: one pull of the layer, one intact entry, both succeed', async () => {
    const cacheDir = await freshCache();
    const image = `${registry.host}/pull/published:v1`;
    const layer = (rawManifest(image) as { layers: { digest: string }[] }).layers[0]!.digest;
    const before = registry.requests().length;
    const a = memoryLogger();
    const b = memoryLogger();
    const [first, second] = await Promise.all([pullContainerDisk({ image, cacheDir, logger: a.logger }), pullContainerDisk({ image, cacheDir, logger: b.logger })]);
    // Before the entry lock, both builds pulled every layer and extracted the disk side by side.
    const layerGets = registry
      .requests()
      .slice(before)
      .filter((r) => r.method === 'GET' && r.uri.endsWith(`/blobs/${layer}`));
    expect(layerGets).toHaveLength(1);
    expect(second.path).toBe(first.path);
    expect([first.fromCache, second.fromCache].sort()).toEqual([false, true]);
    expect([...a.lines, ...b.lines].join('\n')).toMatch(/another build \(pid \d+\) is pulling sha256:[0-9a-f]{64} into the cache; waiting for it/);
    await expectSameBytes(first.path, rawDisk);
    expect((await readdir(cacheDir)).sort()).toEqual([first.digest.slice(7), 'tags'].sort());
  });

  test("skopeo from a docker-archive: two gzip layers, the disk in the second, the first layer's file whited out", async () => {
    const qcow = path.join(work, 'archive-disk.qcow2');
    await makeQcow2Disk(qcow, 1, 8);
    const lower = await tarOf([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/os-release', data: Buffer.from('ID=test\n') },
      { name: 'disk/', type: 'directory' },
      { name: 'disk/old.img', data: randomBytes(64 * 1024) },
    ]);
    const upper = await tarOf([{ name: 'disk/', type: 'directory' }, { name: 'disk/.wh.old.img' }, { name: 'disk/guest.qcow2', data: await readFile(qcow) }]);
    const archive = path.join(work, 'two-layers.tar');
    await makeDockerArchive(archive, [lower, upper], 'two:layers');
    const image = `${registry.host}/pull/archive:v1`;
    skopeo(['copy', '-q', '--format', 'v2s2', '--dest-tls-verify=false', `docker-archive:${archive}`, `docker://${image}`]);
    const manifest = rawManifest(image) as { mediaType: string; layers: { mediaType: string }[] };
    expect(manifest.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(manifest.layers.map((l) => l.mediaType)).toEqual(Array(2).fill('application/vnd.docker.image.rootfs.diff.tar.gzip'));

    const pulled = await pullContainerDisk({ image, cacheDir: await freshCache(), logger: memoryLogger().logger });
    expect(pulled.name).toBe('guest.qcow2');
    expect(pulled.format).toBe('qcow2');
    expect(pulled.digest).toBe(inspectDigest(image));
    await expectSameBytes(pulled.path, qcow);
  });

  test('skopeo from an OCI layout: a two-platform index of zstd layers; linux/amd64 is picked and named', async () => {
    const amd64 = randomBytes(300 * 1024);
    const arm64 = randomBytes(200 * 1024);
    const layout = path.join(work, 'layout');
    await makeTwoPlatformLayout(layout, { amd64: { name: 'amd64.img', data: amd64 }, arm64: { name: 'arm64.img', data: arm64 } }, 'v1');
    const image = `${registry.host}/pull/multi:v1`;
    skopeo(['copy', '-q', '--all', '--preserve-digests', '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${image}`]);
    const index = rawManifest(image) as { mediaType: string; manifests: { digest: string; platform: { architecture: string } }[] };
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    const amdDigest = index.manifests.find((m) => m.platform.architecture === 'amd64')!.digest;
    const amdManifest = rawManifest(`${registry.host}/pull/multi@${amdDigest}`) as { layers: { mediaType: string }[] };
    expect(amdManifest.layers[0]!.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+zstd');

    const cacheDir = await freshCache();
    const { logger, lines } = memoryLogger();
    const pulled = await pullContainerDisk({ image, cacheDir, logger });
    expect(pulled.platform).toBe('linux/amd64');
    expect(pulled.digest).toBe(amdDigest);
    expect(pulled.referenceDigest).toBe(inspectDigest(image));
    expect(lines.join('\n')).toContain(`picked linux/amd64 (${amdDigest}) from an index of 2 manifests`);
    expect(pulled.name).toBe('amd64.img');
    expect((await readFile(pulled.path)).equals(amd64)).toBe(true);

    const arm = await pullContainerDisk({ image, platform: 'linux/arm64', cacheDir, logger: memoryLogger().logger });
    expect(arm.name).toBe('arm64.img');
    expect((await readFile(arm.path)).equals(arm64)).toBe(true);
    await expect(pullContainerDisk({ image, platform: 'linux/s390x', cacheDir, logger: memoryLogger().logger })).rejects.toThrow(
      `containerDisk ${image}: the image index has no linux/s390x manifest (it offers: linux/amd64, linux/arm64)`,
    );
  });

  test('a tampered blob is refused with its digest named, and nothing is cached', async () => {
    const image = `${registry.host}/pull/tampered:v1`;
    // Its own disk, so the blob is not shared (by a cross-repository mount) with the other tests' images.
    const disk = path.join(work, 'tampered.img');
    await makeRawDisk(disk, 1, 4);
    await publishContainerDisk({ disk, refs: [image], logger: memoryLogger().logger });
    const layer = (rawManifest(image) as { layers: { digest: string }[] }).layers[0]!.digest;
    const blobFile = path.join(registry.dir, 'data', 'docker', 'registry', 'v2', 'blobs', 'sha256', layer.slice(7, 9), layer.slice(7), 'data');
    const bytes = await readFile(blobFile);
    // One byte flipped in the middle of the compressed stream: same size, other content.
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    await writeFile(blobFile, bytes);
    const cacheDir = await freshCache();
    await expect(pullContainerDisk({ image, cacheDir, logger: memoryLogger().logger })).rejects.toThrow(new RegExp(`${layer}.*does not match its digest|invalid|incorrect`));
    const err = await pullContainerDisk({ image, cacheDir, logger: memoryLogger().logger }).catch((e: Error) => e);
    expect((err as Error).message).toContain(layer);
    expect((err as Error).name).toBe('UserError');
    expect((await readdir(cacheDir)).filter((n) => n !== 'tags')).toEqual([]);
  });

  test('a connection cut mid-blob is resumed at the byte where it stopped', async () => {
    const proxy = await startCuttingProxy(registry.host, 1024 * 1024, 'from-registry');
    try {
      const { logger, lines } = memoryLogger();
      const before = registry.requests().length;
      const pulled = await pullContainerDisk({ image: `${proxy.host}/pull/published:v1`, cacheDir: await freshCache(), logger, retry: { attempts: 5, baseDelayMs: 50, maxDelayMs: 200 } });
      expect(proxy.cut()).toBe(true);
      expect(lines.join('\n')).toMatch(/broke off at byte \d+ .*resuming from there/);
      await expectSameBytes(pulled.path, rawDisk);
      const blobGets = registry
        .requests()
        .slice(before)
        .filter((r) => r.method === 'GET' && r.uri.includes('/blobs/'));
      expect(blobGets.length).toBe(2);
      expect(blobGets[1]!.status).toBe(206);
    } finally {
      await proxy.close();
    }
  });

  test('cancelled mid-blob: the pull stops at once and leaves no staging folder and no entry', async () => {
    // A proxy that passes the registry's answers on slowly (16 KiB every 50 ms), so the pull is mid-blob when cancelled.
    const sockets = new Set<net.Socket>();
    const [targetHost, targetPort] = registry.host.split(':') as [string, string];
    const slow = net.createServer((client) => {
      const upstream = net.connect(Number(targetPort), targetHost);
      sockets.add(client).add(upstream);
      client.pipe(upstream);
      upstream.on('data', (d: Buffer) => {
        upstream.pause();
        let at = 0;
        const tick = setInterval(() => {
          if (client.destroyed) return clearInterval(tick);
          client.write(d.subarray(at, at + 16 * 1024));
          at += 16 * 1024;
          if (at >= d.length) {
            clearInterval(tick);
            upstream.resume();
          }
        }, 50);
      });
      const drop = () => (client.destroy(), upstream.destroy());
      client.on('close', drop).on('error', drop);
      upstream.on('close', drop).on('error', drop);
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    try {
      const cacheDir = await freshCache();
      const controller = new AbortController();
      const { logger, lines } = memoryLogger();
      const started = Date.now();
      const pulling = pullContainerDisk({ image: `127.0.0.1:${(slow.address() as net.AddressInfo).port}/pull/published:v1`, cacheDir, logger, signal: controller.signal, progressIntervalMs: 0 });
      // Cancel once some of the blob has arrived.
      while (!lines.some((l) => /pull .* [1-9][\d.]* KiB/.test(l)) && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 20));
      const cancelledAt = Date.now();
      controller.abort(new Error('cancelled by the test'));
      await expect(pulling).rejects.toThrow('cancelled by the test');
      expect(Date.now() - cancelledAt).toBeLessThan(2000);
      expect(await readdir(cacheDir)).toEqual([]);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => slow.close(r));
    }
  });

  test("ruddervirt prune --containerdisks empties the cache (entries, tag records, a dead pull's staging folder and lock); --older-than spares recent ones", async () => {
    const root = await mkdtemp(path.join(work, 'prune-'));
    const cacheDir = path.join(root, 'containerdisks');
    await pullContainerDisk({ image: `${registry.host}/pull/published:v1`, cacheDir, logger: memoryLogger().logger });
    await pullContainerDisk({ image: `${registry.host}/pull/archive:v1`, cacheDir, logger: memoryLogger().logger });
    await mkdir(path.join(cacheDir, '.staging-999999999-dead'), { recursive: true });
    // An entry lock left by a pull that was killed outright.
    await writeFile(path.join(cacheDir, `${'0'.repeat(64)}.lock`), JSON.stringify({ pid: 999999999, startTime: '1', host: os.hostname(), startedAt: 'then' }));
    const prune = async (...args: string[]) => {
      const io = memoryIo(work, { RUDDERVIRT_CACHE_DIR: root });
      const code = await runCli(['prune', '--containerdisks', ...args], [pruneCommand], io);
      return { code, err: io.err() };
    };
    const recent = await prune('--older-than', '1');
    expect(recent.code).toBe(0);
    expect(recent.err).toContain('no cached containerDisks to remove');
    expect((await readdir(cacheDir)).filter((n) => /^[0-9a-f]{64}$/.test(n))).toHaveLength(2);
    const all = await prune();
    expect(all.code).toBe(0);
    expect(all.err).toMatch(/removed 2 cached containerDisk\(s\) from .*containerdisks, [\d.]+ MiB freed/);
    expect(all.err).toContain(`removed ${registry.host}/pull/published:v1 (sha256:`);
    expect(await readdir(cacheDir)).toEqual([]);
    expect((await prune('--older-than', 'soon')).code).toBe(2);
  });

  test("TLS and basic auth, CA and credentials from the environment: the engine's source pulls, and the password reaches the build log's masker", async () => {
    const password = 'pull-secret-pw-42';
    const secure = await startRegistry({ tls: true, htpasswd: { username: 'puller', password } });
    try {
      const image = `${secure.host}/pull/private:v1`;
      const env = { RUDDERVIRT_REGISTRY_USERNAME: 'puller', RUDDERVIRT_REGISTRY_PASSWORD: password, HOME: work };
      await publishContainerDisk({ disk: rawDisk, refs: [image], caFile: secure.caFile!, env, logger: memoryLogger().logger });
      const cacheDir = await freshCache();
      const anonymous = createContainerDiskSource({ cacheDir, caFile: secure.caFile!, env: { HOME: work } });
      await expect(anonymous.pull(image, memoryLogger().logger, new AbortController().signal)).rejects.toThrow(new RegExp(`containerDisk ${image}: .*anonymously`));
      const { logger } = memoryLogger();
      // As a build gets it: the CA from RUDDERVIRT_REGISTRY_CA_FILE (what createEngine passes).
      const source = createContainerDiskSource({ ...containerDiskSettingsFromEnv({ ...env, RUDDERVIRT_REGISTRY_CA_FILE: secure.caFile! }), cacheDir });
      const pulled = await source.pull(image, logger, new AbortController().signal);
      await expectSameBytes(pulled.path, rawDisk);
      expect(logger.masker.mask(`login ${password}`)).toBe('login ***');
      // Untrusted TLS is refused with the way out named.
      await expect(createContainerDiskSource({ cacheDir: await freshCache(), env }).pull(image, memoryLogger().logger, new AbortController().signal)).rejects.toThrow(/not trusted.*RUDDERVIRT_REGISTRY_CA_FILE \(build\)/);
    } finally {
      await secure.stop();
    }
  });

  test('with the registry stopped: a pulled tag is served from the cache, one never pulled fails naming the image', async () => {
    const cacheDir = await freshCache();
    const image = `${registry.host}/pull/published:v1`;
    const first = await pullContainerDisk({ image, cacheDir, logger: memoryLogger().logger });
    await registry.stop();
    const { logger, lines } = memoryLogger();
    const fast = { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 };
    const resolved = await resolveContainerDisk({ image, cacheDir, logger, retry: fast });
    expect(resolved).toMatchObject({ digest: first.digest, offline: true });
    const again = await pullContainerDisk({ image, cacheDir, logger, retry: fast });
    expect(again.fromCache).toBe(true);
    expect(again.path).toBe(first.path);
    expect(lines.join('\n')).toContain('the registry cannot be reached');
    await expect(pullContainerDisk({ image: `${registry.host}/pull/never:v1`, cacheDir, logger: memoryLogger().logger, retry: fast })).rejects.toThrow(
      new RegExp(`containerDisk ${registry.host}/pull/never:v1: .*cannot reach`),
    );
    expect(existsSync(first.path)).toBe(true);
  });
});
