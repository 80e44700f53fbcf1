/**
 * Where registry credentials come from, in order: explicit ones (command-line flags, action inputs),
 * RUDDERVIRT_REGISTRY_USERNAME/PASSWORD from the environment, then the docker config.json that `docker login` writes — its `credHelpers` entry
 * for the registry, its global `credsStore`, then its `auths` entry. A helper whose binary is not
 * installed is skipped with a warning, as docker does, and the search goes on.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../../log.js';
import { DOCKER_HUB } from '../reference.js';
import { findOnPath } from '../../find-on-path.js';

export interface Credential {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (docker config's `identitytoken`), exchanged at the token endpoint. */
  identityToken?: string;
}

export interface ResolvedCredential {
  credential?: Credential;
  /** For messages: where the credential came from, never what it is. */
  source: string;
}

export interface CredentialOptions {
  username?: string;
  password?: string;
  /** A docker config.json; default $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
  dockerConfig?: string;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Every secret found is registered here so no log line can carry it. */
  onSecret?: (secret: string) => void;
  signal?: AbortSignal;
  /** How long a credential helper may take (default CREDENTIAL_HELPER_TIMEOUT_MS). */
  helperTimeoutMs?: number;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** Docker keeps Hub credentials under its v1 URL. */
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';

export function defaultDockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG ? path.join(env.DOCKER_CONFIG, 'config.json') : path.join(env.HOME ?? os.homedir(), '.docker', 'config.json');
}

/** config.json keys may be bare hosts or URLs with a scheme and path; compare by host[:port]. */
export function normalizeConfigKey(key: string): string {
  let host = key.replace(/^[a-z]+:\/\//i, '');
  host = host.split('/')[0] ?? host;
  if (host === 'index.docker.io' || host === 'registry-1.docker.io' || host === 'docker.io') return DOCKER_HUB;
  return host.toLowerCase();
}

function findEntry<T>(map: Record<string, T> | undefined, registry: string): T | undefined {
  if (!map) return undefined;
  if (registry === DOCKER_HUB && map[DOCKER_HUB_KEY] !== undefined) return map[DOCKER_HUB_KEY];
  if (map[registry] !== undefined) return map[registry];
  const wanted = normalizeConfigKey(registry);
  for (const [key, value] of Object.entries(map)) if (normalizeConfigKey(key) === wanted) return value;
  return undefined;
}

/** A helper that has not answered by then is hung (waiting on a keychain prompt no one sees). */
export const CREDENTIAL_HELPER_TIMEOUT_MS = 30_000;

/**
 * `docker-credential-<name> get`, server URL on stdin, JSON {ServerURL, Username, Secret} on stdout.
 * Its stdout holds the secret, so no message ever repeats it. It runs in its own process group, and
 * the whole group is killed when it hangs, the build is cancelled or it is done, so no grandchild
 * (a keychain agent it started) outlives the build.
 */
async function runCredentialHelper(binary: string, serverUrl: string, env: NodeJS.ProcessEnv, signal?: AbortSignal, timeoutMs = CREDENTIAL_HELPER_TIMEOUT_MS): Promise<Credential | undefined> {
  const name = path.basename(binary);
  signal?.throwIfAborted();
  const child = spawn(binary, ['get'], { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const killGroup = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  };
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => stdout.push(d));
  child.stderr.on('data', (d: Buffer) => stderr.push(d));
  // A helper that exits without reading its stdin makes this write fail with EPIPE: not our error.
  child.stdin.on('error', () => undefined);
  child.stdin.end(serverUrl);
  // Whatever the helper started dies with it; its pipes then close and 'close' can fire.
  child.on('exit', killGroup);
  let why: string | undefined;
  const onAbort = () => {
    why = 'cancelled';
    killGroup();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    why = `did not answer within ${timeoutMs / 1000} s`;
    killGroup();
  }, timeoutMs);
  let code: number | null;
  try {
    code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    killGroup();
  }
  if (why === 'cancelled') throw signal?.reason instanceof Error ? signal.reason : new Error(`${name} was cancelled`);
  if (why) throw new Error(`${name} ${why}`);
  const out = Buffer.concat(stdout).toString('utf8').trim();
  const err = Buffer.concat(stderr).toString('utf8').trim();
  if (code !== 0) {
    // "credentials not found in native keychain" is the helpers' way of saying "no entry".
    if (/not found/i.test(out + err)) return undefined;
    // Only stderr is shown: stdout may be the secret JSON of a helper that failed after printing it.
    throw new Error(`${name} exited with ${code}${err ? `: ${err.slice(0, 500)}` : ' (its output is not shown: it may hold the secret)'}`);
  }
  let parsed: { Username?: string; Secret?: string };
  try {
    parsed = JSON.parse(out) as typeof parsed;
  } catch {
    throw new Error(`${name} printed something that is not JSON`);
  }
  if (!parsed.Secret) return undefined;
  // Helpers return the username "<token>" for identity tokens.
  return parsed.Username === '<token>' ? { identityToken: parsed.Secret } : { username: parsed.Username ?? '', password: parsed.Secret };
}

function decodeAuthsEntry(configPath: string, key: string, entry: NonNullable<DockerConfig['auths']>[string]): Credential | undefined {
  if (entry.identitytoken) return { identityToken: entry.identitytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new Error(`${configPath}: auths["${key}"].auth is not base64 of username:password`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username !== undefined && entry.password !== undefined) return { username: entry.username, password: entry.password };
  return undefined;
}

export class CredentialError extends Error {
  override name = 'CredentialError';
}

export async function resolveCredential(registry: string, opts: CredentialOptions = {}): Promise<ResolvedCredential> {
  const env = opts.env ?? process.env;
  const register = (c: Credential | undefined) => {
    for (const s of [c?.password, c?.identityToken]) if (s) opts.onSecret?.(s);
    return c;
  };
  if (opts.username !== undefined || opts.password !== undefined) {
    if (!opts.username || !opts.password) throw new CredentialError('registry credentials need both a username and a password');
    return { credential: register({ username: opts.username, password: opts.password }), source: 'the given username/password' };
  }
  const envUser = env.RUDDERVIRT_REGISTRY_USERNAME;
  const envPassword = env.RUDDERVIRT_REGISTRY_PASSWORD;
  if (envUser || envPassword) {
    if (!envUser || !envPassword) throw new CredentialError('set both RUDDERVIRT_REGISTRY_USERNAME and RUDDERVIRT_REGISTRY_PASSWORD, or neither');
    return { credential: register({ username: envUser, password: envPassword }), source: 'RUDDERVIRT_REGISTRY_USERNAME/PASSWORD' };
  }
  const configPath = opts.dockerConfig ?? defaultDockerConfigPath(env);
  let config: DockerConfig;
  try {
    config = JSON.parse(await readFile(configPath, 'utf8')) as DockerConfig;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && opts.dockerConfig === undefined) return { source: 'anonymous (no docker config)' };
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new CredentialError(`${configPath}: no such docker config file`);
    throw new CredentialError(`${configPath}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof config !== 'object' || config === null) throw new CredentialError(`${configPath}: expected a JSON object`);
  const helpers: [string, string][] = [];
  const perRegistry = findEntry(config.credHelpers, registry);
  if (perRegistry) helpers.push([perRegistry, `credHelpers["${registry}"]`]);
  if (config.credsStore) helpers.push([config.credsStore, 'credsStore']);
  for (const [helper, where] of helpers) {
    const binary = findOnPath(`docker-credential-${helper}`, env);
    if (!binary) {
      opts.logger?.warn(`${configPath}: ${where} names docker-credential-${helper}, which is not installed; skipping it`);
      continue;
    }
    const serverUrl = registry === DOCKER_HUB ? DOCKER_HUB_KEY : registry;
    let credential: Credential | undefined;
    try {
      credential = await runCredentialHelper(binary, serverUrl, env, opts.signal, opts.helperTimeoutMs);
    } catch (err) {
      throw new CredentialError(`${configPath}: ${where}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (credential) return { credential: register(credential), source: `docker-credential-${helper} (${configPath})` };
  }
  const authsKey = config.auths ? Object.keys(config.auths).find((k) => findEntry({ [k]: true }, registry)) : undefined;
  if (authsKey !== undefined) {
    const credential = decodeAuthsEntry(configPath, authsKey, config.auths![authsKey]!);
    if (credential) return { credential: register(credential), source: `auths["${authsKey}"] in ${configPath}` };
  }
  return { source: `anonymous (no entry for ${registry} in ${configPath})` };
}
