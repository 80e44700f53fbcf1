/**
 * provisioners[] → the Provisioner models, with Packer's defaults, local paths resolved and
 * checked, and secret-looking environment values collected for masking.
 */
import type { FileProvisioner, Provisioner, ProvisionerCommon, ShellProvisioner, WindowsRestartProvisioner, WindowsUpdateProvisioner } from './model.js';
import type { FieldPath } from './problems.js';
import { bool, list, num, obj, SECRET_NAME, str, strings, type Raw, type ResolveContext } from './resolve-context.js';

const MINUTE = 60_000;

export const DEFAULT_EXECUTE_COMMAND = 'chmod +x {{ .Path }}; {{ .Vars }} {{ .Path }}';
export const DEFAULT_EXECUTE_COMMAND_ENV_FILE = 'chmod +x {{ .Path }}; . {{ .EnvVarFile }} && {{ .Path }}';
export const DEFAULT_RESTART_COMMAND = 'shutdown /r /f /t 0 /c "packer restart"';
export const DEFAULT_RESTART_CHECK_COMMAND = `powershell -Command "echo ($env:COMPUTERNAME + ' restarted.')"`;

export function resolveProvisioner(ctx: ResolveContext, raw: Raw, p: FieldPath): Provisioner | undefined {
  const common: ProvisionerCommon = {
    pauseBefore: ctx.duration(raw, 'pauseBefore', p, 0, 0),
    timeout: ctx.duration(raw, 'timeout', p, 0, 0),
    maxRetries: num(raw, 'maxRetries') ?? 0,
  };
  const name = str(raw, 'name');
  if (name !== undefined) common.name = name;
  switch (str(raw, 'type')) {
    case 'shell':
      return shell(ctx, raw, p, common);
    case 'file':
      return file(ctx, raw, p, common);
    case 'windows-update':
      return windowsUpdate(ctx, raw, p, common);
    case 'windows-restart':
      return windowsRestart(ctx, raw, p, common);
    default:
      return undefined;
  }
}

function shell(ctx: ResolveContext, raw: Raw, p: FieldPath, common: ProvisionerCommon): ShellProvisioner {
  const environmentVars: string[] = [];
  (list(raw, 'environmentVars') ?? []).forEach((assignment) => {
    if (typeof assignment !== 'string') return;
    environmentVars.push(assignment);
    const eq = assignment.indexOf('=');
    if (eq > 0 && SECRET_NAME.test(assignment.slice(0, eq)) && eq < assignment.length - 1) ctx.secrets.push(assignment.slice(eq + 1));
  });
  const env: Record<string, string> = Object.fromEntries(Object.entries(obj(raw, 'env') ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
  for (const [k, v] of Object.entries(env)) if (SECRET_NAME.test(k) && v) ctx.secrets.push(v);
  // A value built from a secret (a sensitive variable in a URL) is masked whole, and such values
  // go to the guest in a sourced file unless the user chose otherwise: on the command line the
  // guest's `ps` would show them.
  const known = [...ctx.secrets];
  const values = [...environmentVars.map((a) => a.slice(a.indexOf('=') + 1)), ...Object.values(env)];
  const secretValues = values.filter((v) => v && known.some((secret) => v.includes(secret)));
  ctx.secrets.push(...secretValues);
  const useEnvVarFile = bool(raw, 'useEnvVarFile') ?? (secretValues.length > 0 && str(raw, 'executeCommand') === undefined);
  const out: ShellProvisioner = {
    type: 'shell',
    ...common,
    environmentVars,
    env,
    executeCommand: str(raw, 'executeCommand') ?? (useEnvVarFile ? DEFAULT_EXECUTE_COMMAND_ENV_FILE : DEFAULT_EXECUTE_COMMAND),
    inlineShebang: str(raw, 'inlineShebang') ?? '/bin/sh -e',
    remoteFolder: str(raw, 'remoteFolder') ?? '/tmp',
    validExitCodes: (list(raw, 'validExitCodes') ?? [0]).filter((c): c is number => typeof c === 'number'),
    expectDisconnect: bool(raw, 'expectDisconnect') ?? false,
    startRetryTimeout: ctx.duration(raw, 'startRetryTimeout', p, 5 * MINUTE, 0),
    skipClean: bool(raw, 'skipClean') ?? false,
    binary: bool(raw, 'binary') ?? false,
    useEnvVarFile,
  };
  const inline = strings(raw, 'inline');
  if (inline) out.inline = inline;
  const script = str(raw, 'script');
  if (script !== undefined) out.script = ctx.localPath([...p, 'script'], script, 'file');
  const scripts = list(raw, 'scripts');
  if (scripts) out.scripts = scripts.flatMap((s, i) => (typeof s === 'string' ? [ctx.localPath([...p, 'scripts', i], s, 'file')] : []));
  for (const key of ['remoteFile', 'remotePath'] as const) {
    const v = str(raw, key);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

function file(ctx: ResolveContext, raw: Raw, p: FieldPath, common: ProvisionerCommon): FileProvisioner {
  const direction = str(raw, 'direction') === 'download' ? 'download' : 'upload';
  const generated = bool(raw, 'generated') ?? false;
  const written: Array<{ value: string; path: FieldPath }> = [];
  const source = str(raw, 'source');
  if (source !== undefined) written.push({ value: source, path: [...p, 'source'] });
  (list(raw, 'sources') ?? []).forEach((s, i) => {
    if (typeof s === 'string') written.push({ value: s, path: [...p, 'sources', i] });
  });
  const destination = str(raw, 'destination') ?? '';
  const content = str(raw, 'content');
  if (content !== undefined && direction === 'download') ctx.report([...p, 'content'], "content only works with direction 'upload'");
  // Upload reads local sources (checked now, unless made during the build); download writes
  // locally, so only the destination is a local path.
  const keepSlash = (written: string, abs: string) => (written.endsWith('/') && !abs.endsWith('/') ? abs + '/' : abs);
  const sources = written.map(({ value, path }) => (direction === 'upload' ? keepSlash(value, ctx.localPath(path, value.replace(/\/+$/, '') || value, generated ? 'unchecked' : 'fileOrDir')) : value));
  if (sources.length > 1 && direction === 'upload' && destination && !destination.endsWith('/')) {
    ctx.report([...p, 'destination'], `several sources go into a folder; end destination with '/' (e.g. '${destination}/')`);
  }
  const out: FileProvisioner = {
    type: 'file',
    ...common,
    sources,
    destination: direction === 'download' && destination ? keepSlash(destination, ctx.resolvePath(destination)) : destination,
    direction,
    generated,
  };
  if (content !== undefined) out.content = content;
  return out;
}

function windowsUpdate(ctx: ResolveContext, raw: Raw, p: FieldPath, common: ProvisionerCommon): WindowsUpdateProvisioner {
  return {
    type: 'windows-update',
    ...common,
    searchCriteria: str(raw, 'searchCriteria') ?? 'BrowseOnly=0 and IsInstalled=0',
    filters: strings(raw, 'filters') ?? ['include:$true'],
    updateLimit: num(raw, 'updateLimit') ?? 1000,
    updateMaxRetries: num(raw, 'updateMaxRetries') ?? 5,
    restartTimeout: ctx.duration(raw, 'restartTimeout', p, 4 * 60 * MINUTE, 0),
    maxReboots: num(raw, 'maxReboots') ?? 10,
  };
}

function windowsRestart(ctx: ResolveContext, raw: Raw, p: FieldPath, common: ProvisionerCommon): WindowsRestartProvisioner {
  return {
    type: 'windows-restart',
    ...common,
    restartCommand: str(raw, 'restartCommand') ?? DEFAULT_RESTART_COMMAND,
    restartCheckCommand: str(raw, 'restartCheckCommand') ?? DEFAULT_RESTART_CHECK_COMMAND,
    restartTimeout: ctx.duration(raw, 'restartTimeout', p, 5 * MINUTE, 0),
    checkRegistry: bool(raw, 'checkRegistry') ?? false,
  };
}
