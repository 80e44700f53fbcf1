/**
 * An image's SBOM as an OCI referrer, against Debian's docker-registry (distribution v2.8, which
 * has no referrers API): the artifact manifest is pushed by digest with the image as its subject,
 * and listed under the referrers fallback tag sha256-<hex>. Everything is read back with skopeo,
 * which we did not write: the index under the tag, the artifact manifest, and the document itself.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { publishCommand } from '../../../src/cli/commands/publish.js';
import { memoryLogger } from '../../../src/core/log.js';
import { publishContainerDisk } from '../../../src/core/oci/publish.js';
import { sbomReferrer } from '../../../src/core/sbom/sbom-referrer.js';
import { buildSpdx } from '../../../src/core/sbom/spdx.js';
import { requireTool, skopeo, startRegistry, type TestRegistry } from '../../helpers/registry.js';
import { makeRawDisk } from './layer-check.js';

let registry: TestRegistry;
let work: string;
let disk: string;

beforeAll(async () => {
  requireTool('skopeo', 'skopeo');
  work = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-referrers-test-'));
  registry = await startRegistry();
  disk = path.join(work, 'base-web.img');
  await makeRawDisk(disk, 1, 3);
});

afterAll(async () => {
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const raw = (ref: string) => JSON.parse(skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${ref}`]).stdout) as Record<string, unknown>;

function writeSbom(file: string, packages: { name: string; version: string }[]): void {
  const doc = buildSpdx({ name: 'demo base/web', manager: 'dpkg', os: { id: 'debian', versionId: '12' }, packages, tool: { name: 'ruddervirt', version: '0.1.0' }, created: '2026-01-02T03:04:05Z' });
  writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
}

describe('the SBOM as an OCI referrer of the containerDisk', () => {
  test('publish attaches <disk>.spdx.json; skopeo finds it under sha256-<hex>, with the image as subject, and reads the document back', async () => {
    const sbom = `${disk}.spdx.json`;
    writeSbom(sbom, [
      { name: 'bash', version: '5.2.15-2+b7' },
      { name: 'openssh-server', version: '1:9.2p1-2+deb12u3' },
    ]);
    const repo = `${registry.host}/rv/web`;
    const { logger, lines } = memoryLogger();
    const result = await publishContainerDisk({ disk, refs: [`${repo}:v1`], referrers: [(await sbomReferrer(sbom))!], logger });
    expect(result.referrers).toEqual([{ repository: repo, digest: expect.stringMatching(/^sha256:/), artifactType: 'application/spdx+json', fallbackTag: `sha256-${result.digest.slice(7)}` }]);
    expect(lines.some((l) => l.includes('the registry has no referrers API'))).toBe(true);

    // The fallback tag holds an index listing the artifact, with its artifactType (distribution-spec v1.1 "Referrers Tag Schema").
    const index = raw(`${repo}:sha256-${result.digest.slice(7)}`) as { mediaType: string; manifests: { mediaType: string; digest: string; artifactType: string; annotations?: Record<string, string> }[] };
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(index.manifests).toEqual([
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: result.referrers[0]!.digest,
        size: expect.any(Number),
        artifactType: 'application/spdx+json',
        annotations: { 'org.opencontainers.image.created': '2026-01-02T03:04:05Z' },
      },
    ]);

    // The artifact manifest: empty config, the document as its layer, the image manifest as subject.
    const artifact = raw(`${repo}@${result.referrers[0]!.digest}`) as {
      artifactType: string;
      config: { mediaType: string; size: number };
      layers: { mediaType: string; digest: string; size: number }[];
      subject: { digest: string; mediaType: string };
    };
    expect(artifact.artifactType).toBe('application/spdx+json');
    expect(artifact.config).toMatchObject({ mediaType: 'application/vnd.oci.empty.v1+json', size: 2 });
    expect(artifact.subject).toMatchObject({ digest: result.digest, mediaType: 'application/vnd.oci.image.manifest.v1+json' });
    expect(artifact.layers).toHaveLength(1);
    expect(artifact.layers[0]).toMatchObject({ mediaType: 'application/spdx+json', size: readFileSync(sbom).length });

    // skopeo copies the artifact like any image; its one layer is the document, byte for byte.
    const copy = path.join(work, 'artifact-copy');
    skopeo(['copy', '--src-tls-verify=false', `docker://${repo}@${result.referrers[0]!.digest}`, `dir:${copy}`]);
    const copied = readFileSync(path.join(copy, artifact.layers[0]!.digest.slice(7)));
    expect(copied.equals(readFileSync(sbom))).toBe(true);
    expect((JSON.parse(copied.toString('utf8')) as { packages: { name: string; versionInfo?: string }[] }).packages.map((p) => [p.name, p.versionInfo])).toEqual([
      ['demo base/web', undefined],
      ['bash', '5.2.15-2+b7'],
      ['openssh-server', '1:9.2p1-2+deb12u3'],
    ]);

    // Published again: the same artifact, listed once; a changed SBOM is added beside it.
    await publishContainerDisk({ disk, refs: [`${repo}:v1`], referrers: [(await sbomReferrer(sbom))!], logger });
    expect((raw(`${repo}:sha256-${result.digest.slice(7)}`) as { manifests: unknown[] }).manifests).toHaveLength(1);
    writeSbom(sbom, [{ name: 'bash', version: '5.2.15-2+b8' }]);
    const again = await publishContainerDisk({ disk, refs: [`${repo}:v1`], referrers: [(await sbomReferrer(sbom))!], logger });
    expect(again.digest).toBe(result.digest);
    const digests = (raw(`${repo}:sha256-${result.digest.slice(7)}`) as { manifests: { digest: string }[] }).manifests.map((m) => m.digest);
    expect(digests).toEqual([result.referrers[0]!.digest, again.referrers[0]!.digest]);
  });

  test('ruddervirt publish attaches DISK.spdx.json by itself, --no-sbom leaves it out, a bad --sbom is refused before anything is pushed', async () => {
    const run = async (args: string[]) => {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let out = '';
      let err = '';
      stdout.on('data', (d: Buffer) => (out += d.toString()));
      stderr.on('data', (d: Buffer) => (err += d.toString()));
      let code: number;
      try {
        code = await publishCommand.run(args, { stdout, stderr, env: {}, cwd: work, signal: new AbortController().signal });
      } catch (e) {
        code = -1;
        err += (e as Error).message;
      }
      return { code, out, err };
    };
    const repo = `${registry.host}/rv/cli`;
    const withSbom = await run([disk, `${repo}:v1`]);
    expect(withSbom.code, withSbom.err).toBe(0);
    const digest = withSbom.out.trim().split('@').at(-1)!;
    expect((raw(`${repo}:sha256-${digest.slice(7)}`) as { manifests: { artifactType: string }[] }).manifests.map((m) => m.artifactType)).toEqual(['application/spdx+json']);

    const other = `${registry.host}/rv/cli-nosbom`;
    expect((await run([disk, `${other}:v1`, '--no-sbom'])).code).toBe(0);
    expect(() => raw(`${other}:sha256-${digest.slice(7)}`)).toThrow(/manifest unknown|not found/i);

    writeFileSync(path.join(work, 'not-spdx.json'), '{"hello": 1}');
    const bad = await run([disk, `${registry.host}/rv/cli-bad:v1`, '--sbom', 'not-spdx.json']);
    expect(bad.code).toBe(-1);
    expect(bad.err).toContain(`${path.join(work, 'not-spdx.json')}: no spdxVersion; expected an SPDX JSON document`);
    expect(() => raw(`${registry.host}/rv/cli-bad:v1`)).toThrow(/manifest unknown|not found|name unknown/i);
  });
});
