/** Retry timing, platforms, image documents and progress: the small pure parts of publishing. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { memoryLogger } from '../../../src/core/log.js';
import { sha256 } from '../../../src/core/oci/digest.js';
import { buildImageConfig, buildIndex, buildManifest } from '../../../src/core/oci/image-documents.js';
import { mediaTypesFor } from '../../../src/core/oci/media-types.js';
import { formatPlatform, parsePlatform } from '../../../src/core/oci/platform.js';
import { backoffDelay, isRetryableStatus, parseRetryAfter } from '../../../src/core/oci/registry/retry.js';
import { TransferProgress } from '../../../src/core/oci/transfer-progress.js';

describe('retry', () => {
  const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  test('exponential with ±25 % jitter, capped; Retry-After wins', () => {
    expect(backoffDelay(1, policy, undefined, () => 0.5)).toBe(100);
    expect(backoffDelay(3, policy, undefined, () => 0.5)).toBe(400);
    expect(backoffDelay(10, policy, undefined, () => 0.5)).toBe(1000);
    expect(backoffDelay(1, policy, undefined, () => 0)).toBe(75);
    expect(backoffDelay(1, policy, 2500)).toBe(2500);
  });
  test('property: delays stay within [0.75, 1.25] × the capped exponential', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
        const base = Math.min(1000, 100 * 2 ** (attempt - 1));
        const d = backoffDelay(attempt, policy, undefined, () => r);
        expect(d).toBeGreaterThanOrEqual(Math.floor(base * 0.75));
        expect(d).toBeLessThanOrEqual(Math.ceil(base * 1.25));
      }),
    );
  });
  test('Retry-After as seconds or a date; retryable statuses', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect([500, 502, 503, 429, 408].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 416].some(isRetryableStatus)).toBe(false);
  });
});

describe('platform', () => {
  test('parses and normalises', () => {
    expect(parsePlatform('linux/amd64')).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(parsePlatform('linux/aarch64')).toEqual({ os: 'linux', architecture: 'arm64' });
    expect(parsePlatform('linux/arm64/v8')).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(formatPlatform({ os: 'linux', architecture: 'arm64', variant: 'v8' })).toBe('linux/arm64/v8');
  });
  test('explains mistakes', () => {
    expect(() => parsePlatform('amd64')).toThrow(/os\/arch/);
    expect(() => parsePlatform('linux/amd46')).toThrow(/did you mean 'amd64'/);
    expect(() => parsePlatform('lnux/amd64')).toThrow(/did you mean 'linux'/);
    expect(() => parsePlatform('linux/arm/7')).toThrow(/variant/);
  });
});

describe('image documents', () => {
  const platform = { os: 'linux', architecture: 'amd64' };
  const diffId = sha256('tar');
  test('OCI and Docker media types; labels sorted; same inputs give the same bytes', () => {
    const oci = mediaTypesFor('oci', 'gzip');
    const a = buildImageConfig({ platform, created: '2024-01-01T00:00:00Z', labels: { b: '2', a: '1', shasum: 'x' }, diffId }, oci);
    const b = buildImageConfig({ platform, created: '2024-01-01T00:00:00Z', labels: { shasum: 'x', a: '1', b: '2' }, diffId }, oci);
    expect(a.bytes.equals(b.bytes)).toBe(true);
    const config = JSON.parse(a.bytes.toString()) as { config: { Labels: object; Entrypoint: string[] }; rootfs: object; os: string };
    expect(Object.keys(config.config.Labels)).toEqual(['a', 'b', 'shasum']);
    expect(config.config.Entrypoint).toEqual(['no-entrypoint']);
    expect(config.rootfs).toEqual({ type: 'layers', diff_ids: [diffId] });
    expect(a.descriptor).toEqual({ mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(a.bytes), size: a.bytes.length });
    const layer = { mediaType: oci.layer, digest: sha256('layer'), size: 5 };
    const manifest = JSON.parse(buildManifest(a.descriptor, layer, oci, { 'org.opencontainers.image.created': 'x' }).bytes.toString()) as { annotations?: object; mediaType: string };
    expect(manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(manifest.annotations).toEqual({ 'org.opencontainers.image.created': 'x' });
    const docker = mediaTypesFor('docker', 'gzip');
    const dm = JSON.parse(buildManifest(a.descriptor, layer, docker, { k: 'v' }).bytes.toString()) as { annotations?: object; mediaType: string };
    expect(dm.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(dm.annotations).toBeUndefined();
    const index = JSON.parse(buildIndex([{ descriptor: a.descriptor, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } }], docker).bytes.toString()) as {
      mediaType: string;
      manifests: { platform: object }[];
    };
    expect(index.mediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
    expect(index.manifests[0]!.platform).toEqual({ architecture: 'arm64', os: 'linux', variant: 'v8' });
    expect(() => mediaTypesFor('docker', 'zstd')).toThrow(/only carries gzip/);
    expect(mediaTypesFor('oci', 'zstd').layer).toBe('application/vnd.oci.image.layer.v1.tar+zstd');
  });
});

test('progress: at most one line per interval, with rate and percent, and a final one', () => {
  let now = 0;
  const { logger, lines } = memoryLogger();
  const p = new TransferProgress(logger, 'layer', 1000, 100, () => now);
  p.update(10, 0);
  now = 50;
  p.update(20, 5);
  expect(lines).toEqual([]);
  now = 1000;
  p.update(500, 200);
  expect(lines).toEqual(['info: layer 500 B / 1000 B (50.0%) 500 B/s, 200 B compressed sent']);
  p.finish();
  expect(lines[1]).toMatch(/1000 B \/ 1000 B \(100.0%\)/);
});
