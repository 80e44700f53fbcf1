/**
 * import-source with a containerDisk source on the local engine, run as the runner runs it (the
 * real bundle, INPUT_*, file commands): pulled from a real docker-registry on loopback, saved to
 * the Actions cache by manifest digest, and restored from there by a job on an empty runner —
 * no layer read from the registry again. The cache is a FAKE of GitHub's results service
 * (GitHub's cannot run here) that the real @actions/cache client in the bundle talks to.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/core/log.js';
import { publishContainerDisk } from '../../src/core/oci/publish.js';
import { startRegistry, skopeo, type TestRegistry } from '../helpers/registry.js';
import { makeRawDisk } from '../integration/oci/layer-check.js';
import { bundleActions, type Bundle } from './helpers/bundle.js';
import { startFakeResultsService, type FakeResultsService } from './helpers/fake-results-service.js';
import { RunnerJob } from './helpers/runner.js';

describe('import-source: a containerDisk through the Actions cache, keyed by digest', () => {
  let bundle: Bundle;
  let service: FakeResultsService;
  let registry: TestRegistry;
  let work: string;
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    bundle = bundleActions();
    cleanups.push(() => bundle.remove());
    service = await startFakeResultsService();
    cleanups.push(() => service.close());
    registry = await startRegistry();
    cleanups.push(() => registry.stop());
    work = mkdtempSync(path.join(os.tmpdir(), 'rvtest-import-cd-'));
    cleanups.push(() => rmSync(work, { recursive: true, force: true }));
  }, 10 * 60_000);

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it(
    'pulls and saves on the first runner, restores on an empty one without reading a layer',
    async () => {
      const disk = path.join(work, 'disk.img');
      await makeRawDisk(disk, 2, 8);
      const image = `${registry.host}/ci/base:v1`;
      await publishContainerDisk({ disk, refs: [image], logger: memoryLogger().logger });
      const digest = (JSON.parse(skopeo(['inspect', '--tls-verify=false', `docker://${image}`]).stdout) as { Digest: string }).Digest;
      writeFileSync(
        path.join(work, 'build.yaml'),
        ['name: cd-import', 'layers:', '  - name: base', '    vms:', '      - name: box', `        source: { containerDisk: "${image}" }`, '        communicator: { type: none }', ''].join('\n'),
      );
      const home = mkdtempSync(path.join(os.tmpdir(), 'rvtest-import-cd-home-'));
      cleanups.push(() => rmSync(home, { recursive: true, force: true }));
      const runnerJob = () => {
        const j = new RunnerJob(bundle.dir, work, service.env());
        cleanups.push(() => j.finish());
        j.env('RUDDERVIRT_CACHE_DIR', home);
        return j;
      };

      const first = await runnerJob().run('import-source', { 'build-file': 'build.yaml' });
      expect(first.exitCode, first.stdout + first.stderr).toBe(0);
      expect(first.outputs.digest).toBe(digest);
      expect(first.outputs['cache-hit']).toBe('false');
      expect(readFileSync(first.outputs['source-reference']!).equals(readFileSync(disk))).toBe(true);
      expect(first.stdout).toMatch(/pull .*ci\/base:v1 .*MB\/s/);
      expect(first.summary).toContain(digest);
      expect(service.cache.committedKeys()).toEqual([`ruddervirt-containerdisk-${digest.slice(7)}`]);

      rmSync(home, { recursive: true, force: true });
      const before = registry.requests().length;
      const second = await runnerJob().run('import-source', { 'build-file': 'build.yaml' });
      expect(second.exitCode, second.stdout + second.stderr).toBe(0);
      expect(second.outputs.digest).toBe(digest);
      expect(second.outputs['cache-hit']).toBe('true');
      expect(second.stdout).toContain(`containerDisk: restored ${digest} from the Actions cache`);
      expect(readFileSync(second.outputs['source-reference']!).equals(readFileSync(disk))).toBe(true);
      // The tag was resolved again (a moved tag would show), but no blob was read.
      const during = registry.requests().slice(before);
      expect(during.some((r) => r.uri.includes('/manifests/'))).toBe(true);
      expect(during.filter((r) => r.uri.includes('/blobs/'))).toEqual([]);
    },
    3 * 60_000,
  );
});
