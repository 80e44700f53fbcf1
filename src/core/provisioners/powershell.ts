/**
 * Building PowerShell command lines that survive the trip through an SSH server on Windows,
 * whose default shell (cmd.exe) has its own quoting: -EncodedCommand carries the script as
 * base64 of UTF-16LE, which needs no quoting at all.
 */

export function encodedPowerShell(script: string): string {
  return `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ${Buffer.from(script, 'utf16le').toString('base64')}`;
}

/** A PowerShell single-quoted string literal. */
export function psQuote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
