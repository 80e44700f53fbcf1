/** node:util parseArgs with our error type, so every command reports bad flags the same way. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command.js';

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** `--var k=v` (repeatable) → a record; the same shape Packer's -var takes. */
export function parseKeyValues(values: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`${flag} expects key=value, got '${v}'`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

/** The --var-file and --var options every command that loads a build file takes, as loadBuild options. */
export function variableOptions(values: { var?: string[] | undefined; 'var-file'?: string[] | undefined }): { vars: Record<string, string>; varFiles: string[] } {
  return { vars: parseKeyValues(values.var, '--var'), varFiles: values['var-file'] ?? [] };
}
