import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { memoryLogger } from '../../../src/core/log.js';
import { CredentialError, normalizeConfigKey, resolveCredential } from '../../../src/core/oci/registry/credentials.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-creds-test-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function config(content: unknown): Promise<string> {
  const file = path.join(work, `c${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('resolveCredential', () => {
  test('explicit username/password win, and the password is reported as a secret', async () => {
    const secrets: string[] = [];
    const r = await resolveCredential('ghcr.io', { username: 'u', password: 'p', onSecret: (s) => secrets.push(s), env: {} });
    expect(r.credential).toEqual({ username: 'u', password: 'p' });
    expect(secrets).toEqual(['p']);
  });

  test('RUDDERVIRT_REGISTRY_USERNAME/PASSWORD from the environment', async () => {
    const r = await resolveCredential('ghcr.io', { env: { RUDDERVIRT_REGISTRY_USERNAME: 'a', RUDDERVIRT_REGISTRY_PASSWORD: 'b' } });
    expect(r).toEqual({ credential: { username: 'a', password: 'b' }, source: 'RUDDERVIRT_REGISTRY_USERNAME/PASSWORD' });
    await expect(resolveCredential('ghcr.io', { env: { RUDDERVIRT_REGISTRY_USERNAME: 'a' } })).rejects.toThrow(/set both/);
  });

  test('auths entries: base64 auth, username/password, identity token; keys with scheme and path', async () => {
    const file = await config({
      auths: {
        'https://ghcr.io/v2/': { auth: Buffer.from('me:pa:ss').toString('base64') },
        'quay.io': { username: 'q', password: 'w' },
        'https://index.docker.io/v1/': { identitytoken: 'refresh-me' },
      },
    });
    expect((await resolveCredential('ghcr.io', { dockerConfig: file, env: {} })).credential).toEqual({ username: 'me', password: 'pa:ss' });
    expect((await resolveCredential('quay.io', { dockerConfig: file, env: {} })).credential).toEqual({ username: 'q', password: 'w' });
    expect((await resolveCredential('docker.io', { dockerConfig: file, env: {} })).credential).toEqual({ identityToken: 'refresh-me' });
    expect((await resolveCredential('example.com', { dockerConfig: file, env: {} })).credential).toBeUndefined();
  });

  test('DOCKER_CONFIG points at the folder holding config.json', async () => {
    const dir = path.join(work, 'dockercfg');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'config.json'), JSON.stringify({ auths: { 'r.example': { username: 'x', password: 'y' } } }));
    expect((await resolveCredential('r.example', { env: { DOCKER_CONFIG: dir } })).credential).toEqual({ username: 'x', password: 'y' });
    expect((await resolveCredential('r.example', { env: { DOCKER_CONFIG: path.join(work, 'nothing-here') } })).credential).toBeUndefined();
  });

  test('a real helper program: credHelpers per registry, credsStore for the rest, "<token>" means identity token', async () => {
    const bin = path.join(work, 'bin');
    await mkdir(bin, { recursive: true });
    const helper = path.join(bin, 'docker-credential-unit');
    await writeFile(
      helper,
      '#!/bin/sh\nread s\ncase "$s" in\n  tok.example) echo \'{"Username":"<token>","Secret":"idt"}\';;\n  none.example) echo "credentials not found in native keychain"; exit 1;;\n  *) printf \'{"Username":"h-%s","Secret":"pw"}\' "$s";;\nesac\n',
    );
    await chmod(helper, 0o755);
    const env = { PATH: `${bin}:/usr/bin:/bin` };
    const file = await config({ credHelpers: { 'a.example': 'unit', 'tok.example': 'unit' }, credsStore: 'unit' });
    expect((await resolveCredential('a.example', { dockerConfig: file, env })).credential).toEqual({ username: 'h-a.example', password: 'pw' });
    expect((await resolveCredential('tok.example', { dockerConfig: file, env })).credential).toEqual({ identityToken: 'idt' });
    expect((await resolveCredential('none.example', { dockerConfig: file, env })).credential).toBeUndefined();
    expect((await resolveCredential('docker.io', { dockerConfig: file, env })).credential).toEqual({ username: 'h-https://index.docker.io/v1/', password: 'pw' });
  });

  test('bad config files are errors that name the file', async () => {
    const bad = await config('{not json');
    await expect(resolveCredential('x.io', { dockerConfig: bad, env: {} })).rejects.toThrow(CredentialError);
    await expect(resolveCredential('x.io', { dockerConfig: bad, env: {} })).rejects.toThrow(bad);
    await expect(resolveCredential('x.io', { dockerConfig: path.join(work, 'missing.json'), env: {} })).rejects.toThrow(/no such docker config file/);
    const badAuth = await config({ auths: { 'x.io': { auth: Buffer.from('nocolon').toString('base64') } } });
    await expect(resolveCredential('x.io', { dockerConfig: badAuth, env: {} })).rejects.toThrow(/not base64 of username:password/);
  });

  test('a missing helper is skipped with a warning', async () => {
    const { logger, lines } = memoryLogger();
    const file = await config({ credsStore: 'desktop' });
    expect((await resolveCredential('x.io', { dockerConfig: file, env: { PATH: '/nonexistent' }, logger })).credential).toBeUndefined();
    expect(lines.join('\n')).toMatch(/docker-credential-desktop, which is not installed/);
  });
});

test('normalizeConfigKey', () => {
  expect(normalizeConfigKey('https://index.docker.io/v1/')).toBe('docker.io');
  expect(normalizeConfigKey('http://Registry.Example:5000/v2')).toBe('registry.example:5000');
  expect(normalizeConfigKey('ghcr.io')).toBe('ghcr.io');
});
