/**
 * The environment a shell provisioner's scripts see, formatted as Packer does: built-in
 * PACKER_* variables, then environmentVars ("K=V"), then env (which wins for the same key);
 * keys sorted; values single-quoted with ' escaped as '"'"'.
 */
import { escapeSingleQuoted } from '../communicator/shell-quote.js';
import { ProvisionerError } from './context.js';

export interface ShellEnvInput {
  environmentVars: readonly string[];
  env: Readonly<Record<string, string>>;
  buildName?: string;
  builderType?: string;
  httpIp?: string;
  httpPort?: string | number;
}

/**
 * Keys go unquoted into a shell command line, so only POSIX names pass (IEEE Std 1003.1, Base
 * Definitions 3.235 "Name"): the build file is checked at load time, this catches any other caller.
 */
const POSIX_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The merged variables, keys sorted. Throws ProvisionerError for an entry without "KEY=" or a key that is not a name. */
export function shellEnvironment(input: ShellEnvInput): Array<[string, string]> {
  const vars = new Map<string, string>();
  if (input.buildName !== undefined) vars.set('PACKER_BUILD_NAME', input.buildName);
  if (input.builderType !== undefined) vars.set('PACKER_BUILDER_TYPE', input.builderType);
  // Packer only sets the HTTP variables when a server runs (port 0 means none).
  if (input.httpIp && input.httpPort !== undefined && String(input.httpPort) !== '0') {
    vars.set('PACKER_HTTP_IP', input.httpIp);
    vars.set('PACKER_HTTP_PORT', String(input.httpPort));
    vars.set('PACKER_HTTP_ADDR', `${input.httpIp}:${input.httpPort}`);
  }
  input.environmentVars.forEach((assignment, i) => {
    const eq = assignment.indexOf('=');
    if (eq <= 0 || !POSIX_NAME.test(assignment.slice(0, eq))) throw new ProvisionerError(`environmentVars[${i}]: "${assignment}" is not KEY=value with KEY a variable name`);
    vars.set(assignment.slice(0, eq), assignment.slice(eq + 1));
  });
  for (const [k, v] of Object.entries(input.env)) {
    if (!POSIX_NAME.test(k)) throw new ProvisionerError(`env: "${k}" is not a variable name`);
    vars.set(k, v);
  }
  return [...vars.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `K='V' ` per variable (trailing space included), for {{ .Vars }}. */
export function inlineVars(vars: ReadonlyArray<[string, string]>): string {
  return vars.map(([k, v]) => `${k}='${escapeSingleQuoted(v)}' `).join('');
}

/** `export K='V'` lines, the content of the useEnvVarFile file. */
export function envVarFile(vars: ReadonlyArray<[string, string]>): string {
  return vars.map(([k, v]) => `export ${k}='${escapeSingleQuoted(v)}'\n`).join('');
}
