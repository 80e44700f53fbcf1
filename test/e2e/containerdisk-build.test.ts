/**
 * A new user's path, end to end with real parts: the test guest published as a containerDisk to a
 * real docker-registry on loopback, then `ruddervirt build` (the CLI bundle) of the quickstart with
 * `source: { containerDisk: … }` — pulled, verified, extracted, booted under QEMU (TCG),
 * provisioned, exported — with the digest in manifest.json. A second build with the registry
 * stopped is served from the caches: the tag's last digest, so the same layer key, so no boot.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/core/log.js';
import { publishContainerDisk } from '../../src/core/oci/publish.js';
import { ensureGuestImage } from '../fixtures/guest.js';
import { requireTool, skopeo, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { leftovers, quickstartVariant, runCli } from './helpers/cli-build.js';

const BUILD_TIMEOUT = 8 * 60_000;
const cleanups: (() => unknown)[] = [];
let registry: TestRegistry;
let guestImage = '';

beforeAll(async () => {
  requireTool('qemu-system-x86_64', 'qemu-system-x86');
  guestImage = await ensureGuestImage();
  registry = await startRegistry();
  cleanups.push(() => registry.stop());
}, 15 * 60_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('ruddervirt build from a containerDisk source (local engine, real registry, real QEMU)', () => {
  it(
    'builds the quickstart from the published guest; the second build, registry stopped, reuses everything',
    async () => {
      const image = `${registry.host}/e2e/guest:v1`;
      await publishContainerDisk({ disk: guestImage, refs: [image], logger: memoryLogger().logger });
      const digest = (JSON.parse(skopeo(['inspect', '--tls-verify=false', `docker://${image}`]).stdout) as { Digest: string }).Digest;
      const name = 'e2e-containerdisk';
      const { file, dir } = quickstartVariant(name, guestImage, (vm) => {
        vm.source = { containerDisk: image };
      });
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      // Its own cache folder: the pulled disk, the tag record and the layer cache start empty.
      const cache = mkdtempSync(path.join(os.tmpdir(), 'rvtest-cd-cache-'));
      cleanups.push(() => rmSync(cache, { recursive: true, force: true }));
      const env = { RUDDERVIRT_CACHE_DIR: cache };

      const out = path.join(dir, 'out');
      const first = runCli(['build', file, '--output', out], { env });
      expect(await first.done, first.stderr).toBe(0);
      expect(first.stderr).toMatch(/pull 127\.0\.0\.1:\d+\/e2e\/guest:v1 .* MB\/s/);
      expect(first.stderr).toMatch(/extracted \/disk\/disk\.qcow2 \(qcow2, .*sha256:[0-9a-f]{64}\)/);
      expect(first.stderr).toMatch(/http: GET \/seed\.sh → 200/);
      const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as {
        status: string;
        sources: { vm: string; reference: string; digest: string }[];
        outputs: { sha256: string; image: string }[];
      };
      expect(manifest.status).toBe('succeeded');
      expect(manifest.sources).toEqual([{ vm: 'base/guest', reference: image, digest }]);
      // The output is a real image of its own (no backing file into the cache).
      const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', manifest.outputs[0]!.image], { encoding: 'utf8' })) as { 'backing-filename'?: string };
      expect(info['backing-filename']).toBeUndefined();
      expect(leftovers(name).processes).toEqual([]);

      await registry.stop();
      const out2 = path.join(dir, 'out2');
      const second = runCli(['build', file, '--output', out2], { env });
      expect(await second.done, second.stderr).toBe(0);
      expect(second.stderr).toContain('the registry cannot be reached');
      expect(second.stderr).toMatch(/layer base: reused/);
      expect(second.stderr).not.toMatch(/start vm/);
      const manifest2 = JSON.parse(readFileSync(path.join(out2, 'manifest.json'), 'utf8')) as typeof manifest;
      expect(manifest2.sources).toEqual(manifest.sources);
      expect(manifest2.outputs[0]!.sha256).toBe(manifest.outputs[0]!.sha256);
    },
    2 * BUILD_TIMEOUT,
  );
});
