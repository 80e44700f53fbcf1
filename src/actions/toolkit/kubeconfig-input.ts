/**
 * The `kubeconfig` input of the kubevirt engine: a path (relative to the workspace), or the
 * kubeconfig itself — what `secrets.KUBECONFIG` usually holds. Inline content is a credential:
 * it is masked the moment it is read (whole, and each token, password and key in it, since log
 * lines show single values), and written to a 0600 file that only its path ever leaves: the
 * handoff, state and logs name the file, never the content.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import { parse } from 'yaml';
import { InputError } from './inputs.js';
import type { ActionContext } from './run-action.js';

export interface KubeconfigInput {
  /** The file to load. */
  path: string;
  /** True when the input held the content and this action wrote the file (its post removes it). */
  written: boolean;
}

/** Keys under users[].user (and exec/auth-provider settings) whose values are credentials. */
const CREDENTIAL_KEYS = new Set(['token', 'password', 'client-key-data', 'client-certificate-data', 'id-token', 'refresh-token', 'access-token', 'client-secret']);

function credentialValues(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) credentialValues(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (CREDENTIAL_KEYS.has(k) && typeof v === 'string' && v !== '') out.push(v);
      else credentialValues(v, out);
    }
  }
  return out;
}

function looksInline(text: string): boolean {
  return text.includes('\n') || /^\s*(apiVersion|kind|clusters|users|contexts|current-context)\s*:/.test(text) || text.trimStart().startsWith('{');
}

/**
 * Reads the input; undefined when it is empty. `dir` is where inline content goes (a folder the
 * job or the action's post step removes).
 */
export async function kubeconfigInput(ctx: ActionContext, dir: string, name = 'kubeconfig'): Promise<KubeconfigInput | undefined> {
  const raw = core.getInput(name, { trimWhitespace: false });
  if (raw.trim() === '') return undefined;
  if (!looksInline(raw)) {
    const file = path.resolve(ctx.workspace, raw.trim());
    if (!existsSync(file)) throw new InputError(name, `${file} does not exist (give the path of a kubeconfig file, or its content)`);
    return { path: file, written: false };
  }
  // Masked before anything else can print it, whether or not it parses.
  ctx.logger.addSecret(raw.trim());
  let doc: unknown;
  try {
    doc = parse(raw);
  } catch (err) {
    throw new InputError(name, `is neither a file path nor a kubeconfig: its YAML does not parse (${err instanceof Error ? err.message.split('\n')[0] : 'invalid'})`);
  }
  for (const secret of credentialValues(doc)) ctx.logger.addSecret(secret);
  if (!doc || typeof doc !== 'object' || !Array.isArray((doc as { clusters?: unknown }).clusters)) {
    throw new InputError(name, 'is neither a file path nor a kubeconfig (expected YAML with clusters, users, contexts and current-context)');
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Named by content, so steps given the same secret share one file.
  const file = path.join(dir, `kubeconfig-${createHash('sha256').update(raw).digest('hex').slice(0, 16)}`);
  await writeFile(file, raw, { mode: 0o600 });
  await chmod(file, 0o600);
  return { path: file, written: true };
}
