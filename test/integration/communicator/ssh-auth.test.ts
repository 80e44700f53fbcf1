import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { authMethods, expandHome } from '../../../src/core/communicator/ssh-auth.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-auth-'));
  expect(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'plain')]).status).toBe(0);
  expect(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret', '-f', path.join(dir, 'locked')]).status).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("Packer's order: agent, key, then password and keyboard-interactive", async () => {
  const methods = await authMethods({ username: 'u', password: 'pw', privateKeyFile: path.join(dir, 'plain'), agentAuth: true }, 'ssh', { SSH_AUTH_SOCK: '/tmp/agent.sock' });
  expect(methods.map((m) => m.type)).toEqual(['agent', 'publickey', 'password', 'keyboard-interactive']);
  expect(methods.every((m) => m.username === 'u')).toBe(true);
  const kbd = methods[3]!;
  if (kbd.type !== 'keyboard-interactive') throw new Error('unexpected');
  let answers: string[] = [];
  kbd.prompt('', '', '', [{ prompt: 'Password: ', echo: false }], (a) => (answers = a));
  expect(answers).toEqual(['pw']);
});

test.each([
  [{ username: 'u', agentAuth: false }, /no SSH credentials: set sshPassword, sshPrivateKeyFile or sshAgentAuth/],
  [{ username: 'u', agentAuth: true }, /sshAgentAuth is true but SSH_AUTH_SOCK is not set/],
])('missing credentials are user errors (%#)', async (creds, message) => {
  const err = await authMethods(creds, 'ssh', {}).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UserError);
  expect((err as Error).message).toMatch(message);
});

test('key files: missing, public, passphrase-protected', async () => {
  await expect(authMethods({ username: 'u', privateKeyFile: path.join(dir, 'none'), agentAuth: false }, 'ssh')).rejects.toThrow(/sshPrivateKeyFile: cannot read the private key file/);
  await expect(authMethods({ username: 'u', privateKeyFile: path.join(dir, 'plain.pub'), agentAuth: false }, 'sshBastion')).rejects.toThrow(/sshBastionPrivateKeyFile: .*plain\.pub holds a public key, not a private key/);
  await expect(authMethods({ username: 'u', privateKeyFile: path.join(dir, 'locked'), agentAuth: false }, 'ssh')).rejects.toThrow(/passphrase-protected keys are not supported/);
});

test('~ expands to the home directory', () => {
  expect(expandHome('~/.ssh/id')).toBe(path.join(os.homedir(), '.ssh/id'));
  expect(expandHome('~')).toBe(os.homedir());
  expect(expandHome('/abs/~/x')).toBe('/abs/~/x');
});
