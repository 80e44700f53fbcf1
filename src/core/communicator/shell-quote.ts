/**
 * POSIX shell quoting for values we put into remote command lines (paths, env values). Single
 * quotes stop every expansion; an embedded quote is closed, escaped and reopened — the same
 * `'"'"'` form Packer uses for environment values, so scripts see identical bytes.
 */

/** `value` as one shell word, always quoted. */
export function shellQuote(value: string): string {
  return `'${escapeSingleQuoted(value)}'`;
}

/** The text to put between single quotes so that the shell reads back `value`. */
export function escapeSingleQuoted(value: string): string {
  return value.replaceAll("'", `'"'"'`);
}
