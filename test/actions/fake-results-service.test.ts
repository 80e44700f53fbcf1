/**
 * The fake of GitHub's results service (cache v2 + artifacts + blob storage) against the real
 * clients: @actions/cache picks protocol v2 from the environment github.com gives a job today, and
 * saves and restores through twirp and signed blob URLs; @actions/artifact creates, uploads (in
 * blocks) and finalizes an artifact whose zip reads back. If the fake drifted from what the
 * clients send, the action tests that use it would prove nothing; this pins it down in seconds.
 */
import * as cache from '@actions/cache';
import { DefaultArtifactClient } from '@actions/artifact';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readZip } from './helpers/fake-artifact-service.js';
import { startFakeCacheService } from './helpers/fake-cache-service.js';
import { startFakeResultsService, type FakeResultsService } from './helpers/fake-results-service.js';

describe('fake results service (GitHub cache v2 + artifacts cannot run here) with the real clients', () => {
  let service: FakeResultsService;
  let dir: string;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    service = await startFakeResultsService();
    dir = mkdtempSync(path.join(os.tmpdir(), 'rvtest-fake-results-'));
    for (const [k, v] of Object.entries({ ...service.env(), RUNNER_TEMP: dir, GITHUB_WORKSPACE: dir, GITHUB_SERVER_URL: 'https://github.com' })) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    delete process.env.ACTIONS_CACHE_URL;
  });

  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('@actions/cache speaks v2 (twirp + blob) when ACTIONS_CACHE_SERVICE_V2 is set, and round-trips a folder', async () => {
    const folder = path.join(dir, 'entry');
    mkdirSync(folder);
    const payload = randomBytes(300_000);
    writeFileSync(path.join(folder, 'image.qcow2'), payload);
    expect(cache.isFeatureAvailable()).toBe(true);
    expect(await cache.saveCache([folder], 'ruddervirt-test-key')).toBeGreaterThan(0);
    expect(service.cache.committedKeys()).toEqual(['ruddervirt-test-key']);
    // Saving the same key again is refused by the service and reported as "not saved".
    expect(await cache.saveCache([folder], 'ruddervirt-test-key')).toBe(-1);
    rmSync(folder, { recursive: true });
    expect(await cache.restoreCache([folder], 'ruddervirt-other-key')).toBeUndefined();
    expect(await cache.restoreCache([folder], 'ruddervirt-test-key')).toBe('ruddervirt-test-key');
    expect(readFileSync(path.join(folder, 'image.qcow2')).equals(payload)).toBe(true);
    const paths = service.requests.map((r) => r.path);
    expect(paths).toContain('/twirp/github.actions.results.api.v1.CacheService/CreateCacheEntry');
    expect(paths).toContain('/twirp/github.actions.results.api.v1.CacheService/GetCacheEntryDownloadURL');
    expect(paths.some((p) => p.startsWith('/_apis/artifactcache'))).toBe(false);
  });

  it('@actions/artifact uploads a zip through CreateArtifact, the blob URL and FinalizeArtifact; names are unique per run', async () => {
    const root = path.join(dir, 'logs');
    mkdirSync(path.join(root, 'base-guest'), { recursive: true });
    const big = randomBytes(9 * 1024 * 1024); // more than one 8 MiB upload block
    writeFileSync(path.join(root, 'build.log'), 'hello\n');
    writeFileSync(path.join(root, 'base-guest', 'serial.bin'), big);
    const client = new DefaultArtifactClient();
    const files = [path.join(root, 'build.log'), path.join(root, 'base-guest', 'serial.bin')];
    const r = await client.uploadArtifact('ruddervirt-logs-test', files, root);
    expect(r.id).toBe(service.artifacts.list()[0]!.id);
    const zip = readZip(service.artifacts.content('ruddervirt-logs-test')!);
    expect([...zip.keys()].sort()).toEqual(['base-guest/serial.bin', 'build.log']);
    expect(zip.get('build.log')!.toString()).toBe('hello\n');
    expect(zip.get('base-guest/serial.bin')!.equals(big)).toBe(true);
    expect((await client.listArtifacts()).artifacts.map((a) => a.name)).toEqual(['ruddervirt-logs-test']);
    await expect(client.uploadArtifact('ruddervirt-logs-test', files, root)).rejects.toThrow(/409/);
  });

  it('the legacy v1 REST protocol still works for GHES-style environments', async () => {
    const v1 = await startFakeCacheService();
    const before = { v2: process.env.ACTIONS_CACHE_SERVICE_V2, url: process.env.ACTIONS_CACHE_URL, token: process.env.ACTIONS_RUNTIME_TOKEN };
    delete process.env.ACTIONS_CACHE_SERVICE_V2;
    process.env.ACTIONS_CACHE_URL = v1.url;
    process.env.ACTIONS_RUNTIME_TOKEN = v1.token;
    try {
      const file = path.join(dir, 'v1.bin');
      writeFileSync(file, 'v1 bytes');
      expect(await cache.saveCache([file], 'ruddervirt-v1-key')).toBeGreaterThan(0);
      rmSync(file);
      expect(await cache.restoreCache([file], 'ruddervirt-v1-key')).toBe('ruddervirt-v1-key');
      expect(readFileSync(file, 'utf8')).toBe('v1 bytes');
      expect(v1.requests.some((r) => r.path === '/_apis/artifactcache/caches')).toBe(true);
    } finally {
      process.env.ACTIONS_CACHE_SERVICE_V2 = before.v2;
      process.env.ACTIONS_RUNTIME_TOKEN = before.token;
      delete process.env.ACTIONS_CACHE_URL;
      await v1.close();
    }
  });
});
