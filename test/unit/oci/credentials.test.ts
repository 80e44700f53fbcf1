import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

/** Alive and not a zombie (a killed orphan may wait for a PID 1 that reaps slowly). */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
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

  describe('a helper that misbehaves', () => {
    async function helper(name: string, script: string): Promise<{ env: NodeJS.ProcessEnv; file: string }> {
      const bin = path.join(work, `bin-${name}`);
      await mkdir(bin, { recursive: true });
      await writeFile(path.join(bin, `docker-credential-${name}`), `#!/bin/sh\n${script}\n`);
      await chmod(path.join(bin, `docker-credential-${name}`), 0o755);
      return { env: { PATH: `${bin}:/usr/bin:/bin` }, file: await config({ credsStore: name }) };
    }

    test('fails after printing the secret JSON: the error never repeats its stdout', async () => {
      const { env, file } = await helper('leaky', `read s; echo '{"Username":"u","Secret":"s3cr3t-from-helper"}'; echo 'keychain locked' >&2; exit 1`);
      const err = await resolveCredential('x.io', { dockerConfig: file, env }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CredentialError);
      expect(String((err as Error).message)).toContain('docker-credential-leaky exited with 1: keychain locked');
      expect(String((err as Error).message)).not.toContain('s3cr3t');
      const { env: env2, file: file2 } = await helper('leaky2', `read s; echo '{"Username":"u","Secret":"s3cr3t-2"}'; exit 2`);
      const err2 = (await resolveCredential('x.io', { dockerConfig: file2, env: env2 }).catch((e: unknown) => e)) as Error;
      expect(err2.message).toMatch(/exited with 2 \(its output is not shown/);
      expect(err2.message).not.toContain('s3cr3t');
    });

    test('exits without reading stdin: no unhandled EPIPE, a located error', async () => {
      // stdin closed before we write; repeated, since the race can go either way.
      const { env, file } = await helper('early', 'exec 0<&-; exit 3');
      for (let i = 0; i < 20; i++) {
        await expect(resolveCredential('x.io', { dockerConfig: file, env })).rejects.toThrow(/docker-credential-early exited with 3/);
      }
    });

    test('hangs: killed with everything it started after the timeout, which the error names', async () => {
      const pidFile = path.join(work, 'hung-child.pid');
      const { env, file } = await helper('hung', `sleep 300 & echo $! > ${pidFile}; sleep 300`);
      const started = Date.now();
      await expect(resolveCredential('x.io', { dockerConfig: file, env, helperTimeoutMs: 500 })).rejects.toThrow(/docker-credential-hung did not answer within 0.5 s/);
      expect(Date.now() - started).toBeLessThan(10_000);
      const grandchild = Number((await readFile(pidFile, 'utf8')).trim());
      await new Promise((r) => setTimeout(r, 100));
      expect(await running(grandchild)).toBe(false); // gone with its group
    });

    test('cancelled: the helper and its children are killed at once', async () => {
      const pidFile = path.join(work, 'cancel-child.pid');
      const { env, file } = await helper('slow', `sleep 300 & echo $! > ${pidFile}; sleep 300`);
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('Build was cancelled.')), 300);
      await expect(resolveCredential('x.io', { dockerConfig: file, env, signal: controller.signal })).rejects.toThrow(/cancelled/);
      const grandchild = Number((await readFile(pidFile, 'utf8')).trim());
      await new Promise((r) => setTimeout(r, 100));
      expect(await running(grandchild)).toBe(false);
    });
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
