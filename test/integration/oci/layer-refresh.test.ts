/**
 * A refresh never serves a stale layer: a containerDisk source's tag is resolved to its manifest
 * digest in a real registry (Debian's docker-registry) before the layer key is computed, so when
 * the tag moves — moved here by skopeo, a client we did not write — the next build rebuilds the
 * layer and says why. The VM side is the in-memory fake engine (no QEMU guest is booted); the
 * digest comes from the same code the local engine uses (containerDiskDigest over a real
 * ContainerDiskSource), and the layer cache, its history and the manifest are the real ones.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Vm } from '../../../src/core/config/model.js';
import type { Logger } from '../../../src/core/log.js';
import { memoryLogger } from '../../../src/core/log.js';
import { containerDiskDigest, createContainerDiskSource } from '../../../src/core/oci/pull/container-disk-source.js';
import { publishContainerDisk } from '../../../src/core/oci/publish.js';
import { KubevirtEngine } from '../../../src/engines/kubevirt/engine.js';
import { FakeEngine, FakeWorld } from '../../helpers/fake-engine.js';
import { requireTool, skopeo, startRegistry, type TestRegistry } from '../../helpers/registry.js';
import { FakeBuildDir, runOnFake, type FakeLayerSpec } from '../../unit/pipeline/fake-build.js';
import { makeRawDisk } from './layer-check.js';

let registry: TestRegistry;
let work: string;

beforeAll(async () => {
  requireTool('skopeo', 'skopeo');
  work = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-refresh-test-'));
  registry = await startRegistry();
  // Two different disks under two tags; `stable` names the first.
  for (const [name, tags] of [
    ['one', ['one', 'stable']],
    ['two', ['two']],
  ] as const) {
    const disk = path.join(work, `${name}.img`);
    await makeRawDisk(disk, 1, 2);
    await publishContainerDisk({ disk, refs: tags.map((t) => `${registry.host}/refresh/base:${t}`), logger: memoryLogger().logger });
  }
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const digestOf = (tag: string) => (JSON.parse(skopeo(['inspect', '--tls-verify=false', `docker://${registry.host}/refresh/base:${tag}`]).stdout) as { Digest: string }).Digest;

/** The fake engine, pinning containerDisk sources as the local engine does (one registry client per build, as per process). */
function pinningEngine(world: FakeWorld): FakeEngine {
  const engine = new FakeEngine(world);
  const source = createContainerDiskSource({ cacheDir: path.join(work, 'pulls') });
  return Object.assign(engine, { sourceDigest: (vm: Vm, logger: Logger, signal: AbortSignal) => containerDiskDigest(source, vm, logger, signal) });
}

describe('a containerDisk tag that moves in the registry', { timeout: 120_000 }, () => {
  test('rebuilds its layer, saying "tag … moved to sha256:…"; unmoved, the layer is reused', async () => {
    const dir = new FakeBuildDir();
    try {
      const image = `${registry.host}/refresh/base:stable`;
      const layers: FakeLayerSpec[] = [
        { name: 'base', vms: [{ name: 'web', source: `source: { containerDisk: "${image}" }` }] },
        { name: 'apps', vms: [{ name: 'app', source: 'source: { from: base/web }', extra: ['cpu: 2'] }] },
      ];
      const build = () => dir.load(layers);
      const run = () => runOnFake(dir, build(), { engine: pinningEngine(new FakeWorld()), layerCache: dir.cache });
      const why = (r: Awaited<ReturnType<typeof run>>) => r.result.layers.map((l) => `${l.layer} ${l.action}: ${l.reason}`);

      const first = await run();
      expect(first.result.status).toBe('succeeded');
      expect(why(first)).toEqual(['base built: not built before', 'apps built: not built before']);
      expect(dir.manifest().sources).toEqual([{ vm: 'base/web', reference: image, digest: digestOf('one') }]);

      const unmoved = await run();
      expect(why(unmoved)).toEqual(['base reused: reused', 'apps reused: reused']);
      expect(unmoved.engine.world.calls.filter((c) => c.method === 'startVm')).toEqual([]);

      skopeo(['copy', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${registry.host}/refresh/base:two`, `docker://${image}`]);
      const moved = digestOf('stable');
      expect(moved).toBe(digestOf('two'));
      expect(moved).not.toBe(digestOf('one'));

      const refreshed = await run();
      expect(refreshed.result.status).toBe('succeeded');
      expect(why(refreshed)[0]).toBe(`base built: tag ${image} moved to ${moved}`);
      expect(refreshed.engine.world.log((c) => c.method === 'startVm')[0]).toBe('web startVm');
      expect(dir.manifest().sources).toEqual([{ vm: 'base/web', reference: image, digest: moved }]);
      expect(dir.manifest().layers?.[0]).toMatchObject({ layer: 'base', action: 'built', reason: `tag ${image} moved to ${moved}` });
      expect(refreshed.lines).toContain(`info: layer base: building (tag ${image} moved to ${moved})`);

      // The rebuilt layer is cached under its new key: the next build reuses it.
      expect(why(await run())[0]).toBe('base reused: reused');
    } finally {
      dir.dispose();
    }
  });
});

describe('the kubevirt engine resolves tags from this machine too', { timeout: 60_000 }, () => {
  const vmOf = (image: string) => ({ name: 'web', source: { kind: 'containerDisk', image } }) as unknown as Vm;

  test('the digest the tag names now; a registry this machine cannot reach is a warning, not a failure', async () => {
    const engine = new KubevirtEngine({ containerDisks: createContainerDiskSource({ cacheDir: path.join(work, 'kubevirt-pulls') }) });
    const signal = new AbortController().signal;
    const { logger, lines } = memoryLogger();
    expect(await engine.sourceDigest(vmOf(`${registry.host}/refresh/base:two`), logger, signal)).toEqual({ reference: `${registry.host}/refresh/base:two`, digest: digestOf('two') });
    const offline = new KubevirtEngine({ containerDisks: createContainerDiskSource({ cacheDir: path.join(work, 'kubevirt-pulls'), retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }) });
    expect(await offline.sourceDigest(vmOf('127.0.0.1:1/nowhere/base:1'), logger, signal)).toBeUndefined();
    expect(lines.join('\n')).toMatch(/web: cannot resolve 127\.0\.0\.1:1\/nowhere\/base:1 from this machine .*the layer key cannot notice when the tag moves/);
    await engine.close();
    await offline.close();
  });
});
