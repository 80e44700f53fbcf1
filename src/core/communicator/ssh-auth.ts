/**
 * Turns the communicator's credentials into ssh2 authentication methods, in Packer's order:
 * agent, then the private key, then the password (offered both as "password" and as
 * keyboard-interactive, because many guests only enable the latter). Credential problems that no
 * retry can fix (an unreadable or encrypted key file, no agent socket) are user errors raised
 * before the first dial.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AnyAuthMethod } from 'ssh2';
import { UserError } from '../errors.js';

export interface SshCredentials {
  username: string;
  password?: string;
  privateKeyFile?: string;
  agentAuth: boolean;
}

/** `~` and `~/…` mean the user's home directory, as in Packer. */
export function expandHome(file: string): string {
  if (file === '~') return os.homedir();
  if (file.startsWith('~/')) return path.join(os.homedir(), file.slice(2));
  return file;
}

export async function readPrivateKey(file: string, field: string): Promise<Buffer> {
  const resolved = expandHome(file);
  let data: Buffer;
  try {
    data = await readFile(resolved);
  } catch (err) {
    throw new UserError(`${field}: cannot read the private key file ${resolved}: ${(err as Error).message}`);
  }
  const ssh2 = (await import('ssh2')).default;
  const parsed = ssh2.utils.parseKey(data);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    throw new UserError(`${field}: ${resolved} is not a usable private key (${parsed.message})` + (encrypted ? '; passphrase-protected keys are not supported, use sshAgentAuth instead' : ''));
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key?.isPrivateKey()) throw new UserError(`${field}: ${resolved} holds a public key, not a private key`);
  return data;
}

/** The methods to try, in order; at least one, or a UserError naming the missing setting. */
export async function authMethods(creds: SshCredentials, fieldPrefix: 'ssh' | 'sshBastion', env: NodeJS.ProcessEnv = process.env): Promise<AnyAuthMethod[]> {
  const { username } = creds;
  const methods: AnyAuthMethod[] = [];
  if (creds.agentAuth) {
    const sock = env.SSH_AUTH_SOCK;
    if (!sock) throw new UserError(`${fieldPrefix}AgentAuth is true but SSH_AUTH_SOCK is not set: start an ssh-agent or give a key or password`);
    methods.push({ type: 'agent', username, agent: sock });
  }
  if (creds.privateKeyFile) {
    methods.push({ type: 'publickey', username, key: await readPrivateKey(creds.privateKeyFile, `${fieldPrefix}PrivateKeyFile`) });
  }
  if (creds.password !== undefined) {
    const password = creds.password;
    methods.push({ type: 'password', username, password });
    methods.push({
      type: 'keyboard-interactive',
      username,
      // Every prompt gets the password: that is what a password prompt wants, and Packer does the same.
      prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password)),
    });
  }
  if (methods.length === 0) {
    throw new UserError(`no SSH credentials: set ${fieldPrefix}Password, ${fieldPrefix}PrivateKeyFile or ${fieldPrefix}AgentAuth`);
  }
  return methods;
}

/** Names of the methods, for messages ("tried: publickey, password"). */
export function describeMethods(methods: readonly AnyAuthMethod[]): string {
  return [...new Set(methods.map((m) => m.type))].join(', ');
}
