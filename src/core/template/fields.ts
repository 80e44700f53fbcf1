/**
 * Which {{ .Field }}s each kind of build-file value offers. The loader checks templates against
 * these lists; the code that uses a value renders it with the same names.
 */

/** Where the guest finds the build's HTTP server and what the VM is called (Packer's boot_command data). */
export const BUILD_FIELDS = ['HTTPIP', 'HTTPPort', 'Name'] as const;

/** bootCommand elements. */
export const BOOT_COMMAND_FIELDS: readonly string[] = BUILD_FIELDS;

/** shell `inline` lines (Packer interpolates them with the build's generated data). */
export const SHELL_INLINE_FIELDS: readonly string[] = BUILD_FIELDS;

/**
 * shell `executeCommand`: Packer's Path, Vars and EnvVarFile, plus Command (a RudderVirt
 * extension: the command that runs the uploaded script).
 */
export const SHELL_EXECUTE_FIELDS: readonly string[] = ['Path', 'Vars', 'EnvVarFile', 'Command', ...BUILD_FIELDS];

/** Values rendered completely when the build file is loaded: only env and user. */
export const LOAD_TIME_FIELDS: readonly string[] = [];

export type TemplateUse = 'load' | 'boot' | 'shellInline' | 'shellExecute';

export const FIELDS_BY_USE: Readonly<Record<TemplateUse, readonly string[]>> = {
  load: LOAD_TIME_FIELDS,
  boot: BOOT_COMMAND_FIELDS,
  shellInline: SHELL_INLINE_FIELDS,
  shellExecute: SHELL_EXECUTE_FIELDS,
};
