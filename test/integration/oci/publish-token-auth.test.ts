/**
 * Bearer-token auth against a real docker-registry in `auth: token` mode: the WWW-Authenticate
 * challenge names our token service, the client asks it for tokens scoped to what each call needs
 * (push to the target, pull from a mount source), and skopeo reads the result with the same flow.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { memoryLogger, SecretMasker } from '../../../src/core/log.js';
import { publishContainerDisk } from '../../../src/core/oci/publish.js';
import { requireTool, skopeoAsync, startRegistry, type TestRegistry } from '../../helpers/registry.js';
import { makeRawDisk } from './layer-check.js';
import { startTokenServer, type TokenServer } from './token-server.js';

const USER = 'robot';
const PASSWORD = 'token-test-password';

let registry: TestRegistry;
let tokens: TokenServer;
let work: string;
let disk: string;

beforeAll(async () => {
  requireTool('skopeo', 'skopeo');
  requireTool('openssl', 'openssl');
  work = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-publish-token-'));
  tokens = await startTokenServer(work, { [USER]: PASSWORD });
  registry = await startRegistry({ token: tokens });
  disk = path.join(work, 'disk.img');
  await makeRawDisk(disk, 1, 4);
});

afterAll(async () => {
  await registry?.stop();
  await tokens?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('publish with bearer tokens', () => {
  test('scoped tokens for push and for a cross-repository mount; skopeo reads the image back', async () => {
    const masker = new SecretMasker();
    const { logger, lines } = memoryLogger(masker);
    const result = await publishContainerDisk({
      disk,
      refs: [`${registry.host}/team/src:v1`, `${registry.host}/team/dst:v1`],
      auth: { username: USER, password: PASSWORD },
      logger,
      masker,
    });
    const scopes = tokens.requests.filter((r) => r.granted && r.user === USER).flatMap((r) => r.scopes);
    expect(scopes).toContain('repository:team/src:pull,push');
    expect(scopes).toContain('repository:team/dst:pull,push');
    expect(scopes).toContain('repository:team/src:pull');
    expect(registry.requests().some((r) => r.uri.startsWith('/v2/team/dst/blobs/uploads/?mount=') && r.status === 201)).toBe(true);
    const info = JSON.parse((await skopeoAsync(['inspect', '--tls-verify=false', '--creds', `${USER}:${PASSWORD}`, `docker://${registry.host}/team/dst:v1`])).stdout) as { Digest: string };
    expect(info.Digest).toBe(result.digest);
    expect(lines.join('\n')).not.toContain(PASSWORD);
  });

  test('anonymous tokens grant pull only, so the push is refused with a clear UserError', async () => {
    const emptyConfig = path.join(work, 'empty.json');
    await writeFile(emptyConfig, '{}');
    const err = await publishContainerDisk({ disk, refs: [`${registry.host}/team/anon:v1`], env: {}, auth: { dockerConfig: emptyConfig }, logger: memoryLogger().logger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/anonymously \(no credentials found\)/);
    expect(tokens.requests.some((r) => r.user === undefined && r.scopes.includes('repository:team/anon:pull,push'))).toBe(true);
  });

  test('the token service refusing the password is reported as such', async () => {
    const err = await publishContainerDisk({ disk, refs: [`${registry.host}/team/bad:v1`], auth: { username: USER, password: 'wrong' }, logger: memoryLogger().logger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/token service .* refused the credentials from the given username\/password/);
  });
});
