/**
 * Running host tools (qemu-img for both engines' output convert; xorriso and qemu-system-x86_64
 * for the local engine).
 * A missing tool is a setup mistake, not a bug: it becomes a UserError that names the Debian
 * package to install. A failing tool becomes an error that carries its stderr, because that is
 * where qemu-img and xorriso say what went wrong.
 */
import { abortReason } from './abort.js';
import { spawn } from 'node:child_process';
import { UserError } from './errors.js';
import { findOnPath } from './find-on-path.js';

/** Which Debian package provides each tool (for the "install it" hint). */
const DEBIAN_PACKAGE: Record<string, string> = {
  'qemu-img': 'qemu-utils',
  'qemu-system-x86_64': 'qemu-system-x86',
  xorriso: 'xorriso',
};

export function missingToolError(tool: string): UserError {
  const pkg = DEBIAN_PACKAGE[tool];
  return new UserError(`'${tool}' was not found on PATH; this build needs it` + (pkg ? ` (Debian/Ubuntu: sudo apt-get install -y ${pkg})` : ''));
}

export class ToolError extends Error {
  override name = 'ToolError';
  constructor(
    readonly tool: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    const detail = stderr.trim().split('\n').slice(-10).join('\n');
    super(`${tool} ${args.join(' ')} failed (exit ${exitCode ?? 'by signal'})${detail ? `:\n${detail}` : ''}`);
  }
}

export interface RunToolOptions {
  signal?: AbortSignal;
  /** Receives stdout as it arrives (qemu-img convert -p writes its progress there). */
  onStdout?: (chunk: string) => void;
  cwd?: string;
}

export interface ToolResult {
  stdout: string;
  stderr: string;
}

/**
 * The command line that runs `tool` so it dies with us. A SIGKILLed build runs no cleanup, and a
 * `qemu-img convert` it started would go on writing a .partial into the output folder. util-linux's
 * setpriv sets PR_SET_PDEATHSIG before it executes the tool (setpriv(1) --pdeathsig; prctl(2)): the
 * kernel then kills the tool when this process dies, however it dies. Without setpriv the tool runs
 * as it is.
 */
export function dyingWithParent(tool: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): { command: string; args: string[] } {
  const setpriv = findOnPath('setpriv', env);
  const resolved = findOnPath(tool, env);
  if (!setpriv || !resolved) return { command: tool, args: [...args] };
  return { command: setpriv, args: ['--pdeathsig', 'KILL', '--', resolved, ...args] };
}

/** Runs `tool args…` to completion; rejects with ToolError on a non-zero exit, kills it on abort. */
export function runTool(tool: string, args: readonly string[], options: RunToolOptions = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(abortReason(options.signal));
    // A tool that is not installed must stay a "not found" (missingToolError), not setpriv's exit 127.
    if (!findOnPath(tool)) return reject(missingToolError(tool));
    const run = dyingWithParent(tool, args);
    const child = spawn(run.command, run.args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: options.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (options.onStdout) options.onStdout(chunk);
      else stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const onAbort = () => child.kill('SIGKILL');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(err.code === 'ENOENT' ? missingToolError(tool) : err);
    });
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted) reject(abortReason(options.signal));
      else if (code === 0) resolve({ stdout, stderr });
      else reject(new ToolError(tool, args, code, stderr));
    });
  });
}
