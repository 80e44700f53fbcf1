/**
 * publishContainerDisk against a real docker-registry with TLS (a CA made by the test) and htpasswd
 * basic auth: credentials from a docker config.json, from a real credential-helper program, and
 * wrong ones; the pushed image is read back with skopeo using --cert-dir and --creds.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { memoryLogger, SecretMasker } from '../../../src/core/log.js';
import { publishContainerDisk } from '../../../src/core/oci/publish.js';
import { requireTool, skopeo, startRegistry, type TestRegistry } from '../../helpers/registry.js';
import { copyWithSkopeo, expectContainerDiskLayer, makeRawDisk } from './layer-check.js';

const USER = 'builder';
const PASSWORD = 's3cret-Passw0rd-for-test';

let registry: TestRegistry;
let work: string;
let disk: string;

beforeAll(async () => {
  requireTool('skopeo', 'skopeo');
  work = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-publish-tls-'));
  registry = await startRegistry({ tls: true, htpasswd: { username: USER, password: PASSWORD } });
  disk = path.join(work, 'disk.img');
  await makeRawDisk(disk, 2, 8);
});

afterAll(async () => {
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function dockerConfig(name: string, content: object): Promise<string> {
  const file = path.join(work, `${name}.json`);
  await writeFile(file, JSON.stringify(content));
  return file;
}

describe('publish over TLS with basic auth', () => {
  test('credentials from docker config.json auths and the test CA: skopeo reads the image back with --cert-dir and --creds', async () => {
    const config = await dockerConfig('auths', { auths: { [`https://${registry.host}`]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } } });
    const masker = new SecretMasker();
    const { logger, lines } = memoryLogger(masker);
    const result = await publishContainerDisk({
      disk,
      refs: [`${registry.host}/secure/disk:v1`],
      caFile: registry.caFile,
      auth: { dockerConfig: config },
      logger,
      masker,
    });
    const info = JSON.parse(skopeo(['inspect', '--cert-dir', registry.certDir!, '--creds', `${USER}:${PASSWORD}`, `docker://${registry.host}/secure/disk:v1`]).stdout) as {
      Digest: string;
    };
    expect(info.Digest).toBe(result.digest);
    const copied = copyWithSkopeo(`docker://${registry.host}/secure/disk:v1`, path.join(work, 'copy'), ['--src-cert-dir', registry.certDir!, '--src-creds', `${USER}:${PASSWORD}`]);
    await expectContainerDiskLayer(copied.layerFile, 'disk.img', disk, work);
    expect(lines.join('\n')).not.toContain(PASSWORD);
    // Every request went over TLS with credentials; none was refused after the first challenge.
    const refused = registry.requests().filter((r) => r.status === 401 && r.uri !== '/v2/');
    expect(refused.length).toBeLessThanOrEqual(1);
  });

  test('credentials from a docker-credential helper program named in credHelpers', async () => {
    const bin = path.join(work, 'bin');
    await mkdir(bin, { recursive: true });
    const helper = path.join(bin, 'docker-credential-rvtest');
    // A real helper speaks the protocol: server URL on stdin, JSON on stdout.
    await writeFile(helper, `#!/bin/sh\nread server\n[ "$1" = get ] || exit 1\nprintf '{"ServerURL":"%s","Username":"${USER}","Secret":"${PASSWORD}"}' "$server"\n`);
    await chmod(helper, 0o755);
    const config = await dockerConfig('helpers', { credHelpers: { [registry.host]: 'rvtest' } });
    const result = await publishContainerDisk({
      disk,
      refs: [`${registry.host}/secure/helper:v1`],
      caFile: registry.caFile,
      auth: { dockerConfig: config },
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
      logger: memoryLogger().logger,
    });
    expect(result.digest).toMatch(/^sha256:/);
  });

  test('a helper that is not installed is skipped with a warning, then auths is used', async () => {
    const config = await dockerConfig('missing-helper', {
      credHelpers: { [registry.host]: 'not-installed-anywhere' },
      auths: { [registry.host]: { username: USER, password: PASSWORD } },
    });
    const { logger, lines } = memoryLogger();
    await publishContainerDisk({ disk, refs: [`${registry.host}/secure/fallback:v1`], caFile: registry.caFile, auth: { dockerConfig: config }, logger });
    expect(lines.join('\n')).toMatch(/docker-credential-not-installed-anywhere, which is not installed; skipping it/);
  });

  test('a wrong password is a UserError that names the source and never shows the password', async () => {
    const wrong = 'definitely-not-the-password';
    const err = await publishContainerDisk({
      disk,
      refs: [`${registry.host}/secure/denied:v1`],
      caFile: registry.caFile,
      auth: { username: USER, password: wrong },
      logger: memoryLogger().logger,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/refused with credentials from the given username\/password/);
    expect((err as Error).message).not.toContain(wrong);
  });

  test('no credentials at all: a UserError that says the request was anonymous', async () => {
    const err = await publishContainerDisk({
      disk,
      refs: [`${registry.host}/secure/anon:v1`],
      caFile: registry.caFile,
      auth: { dockerConfig: await dockerConfig('empty', {}) },
      env: {},
      logger: memoryLogger().logger,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/anonymously/);
  });

  test('without the CA the certificate is refused, with a hint at --ca-file', async () => {
    const err = await publishContainerDisk({
      disk,
      refs: [`${registry.host}/secure/noca:v1`],
      auth: { username: USER, password: PASSWORD },
      logger: memoryLogger().logger,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/not trusted.*--ca-file/);
  });

  test('--insecure skips certificate verification', async () => {
    const result = await publishContainerDisk({
      disk,
      refs: [`${registry.host}/secure/insecure:v1`],
      insecure: true,
      auth: { username: USER, password: PASSWORD },
      logger: memoryLogger().logger,
    });
    expect(result.digest).toMatch(/^sha256:/);
  });
});
